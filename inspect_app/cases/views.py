"""Pages of the cases feature: the list, one case, creation from findings, and the actions."""

from __future__ import annotations

from flask import Blueprint, abort, request
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from inspect_app.cases import operations
from inspect_app.cases.models import Case, CaseState, CaseType
from inspect_app.cases.queries import CaseFilters, case_list, cases_of_inspection, state_counters
from inspect_app.cases.schemas import (
    CaseCreateSchema,
    DeadlineChangeSchema,
    ReasonSchema,
    VerdictSchema,
    VersionSchema,
)
from inspect_app.core import audit, clock
from inspect_app.core.actions import form_action
from inspect_app.core.errors import OperationError
from inspect_app.core.htmx import is_fragment_request, redirect_to, render
from inspect_app.core.pagination import paginate
from inspect_app.core.permissions import AUTHENTICATED, access
from inspect_app.core.roles import Role
from inspect_app.core.schemas import MAX_ID
from inspect_app.core.templating import register_actions, register_nav
from inspect_app.extensions import db
from inspect_app.findings.models import Finding
from inspect_app.inspections.models import Inspection
from inspect_app.inspections.queries import get_visible_inspection
from inspect_app.reference.models import FieldOfWork, Severity
from inspect_app.reference.queries import active_legal_references
from inspect_app.units.models import Unit
from inspect_app.units.queries import visible_unit_ids

bp = Blueprint("cases", __name__, url_prefix="/cases")

register_nav(
    "cases.index",
    _l("Cases"),
    tuple(Role),
)
register_actions(
    {
        "case_created": _l("Case created"),
        "case_deadline_changed": _l("Deadline changed"),
        "case_withdrawn": _l("Case withdrawn"),
        "case_accepted": _l("Answer accepted"),
        "case_rejected": _l("Answer rejected"),
        "case_partly_done": _l("Verified as partly done"),
    }
)

DECIDERS = (Role.ADMIN, Role.INSPECTOR, Role.LEAD_INSPECTOR)


@bp.app_context_processor
def _case_helpers():
    """What `cases/_inspection_cases.html` needs inside the inspection page."""
    return {
        "cases_of_inspection": lambda inspection: cases_of_inspection(current_user, inspection.id),
        "can_create_case": lambda inspection: operations.can_create_for(current_user, inspection),
    }


def get_visible_case(case_id: int) -> Case:
    """The case if the signed-in user may see it; 404 otherwise (also for other units' cases)."""
    case = None
    if 0 < case_id <= MAX_ID:
        case = db.session.execute(
            select(Case)
            .options(
                joinedload(Case.inspection),
                joinedload(Case.legal_reference),
                joinedload(Case.responsible_unit),
            )
            .where(Case.id == case_id)
        ).scalar_one_or_none()
    if case is None or not case.can_view(current_user):
        abort(404)
    return case


def _filter_choices() -> dict:
    """The filter form's choices: plain (id, name) rows, not ORM objects (173 units a page)."""
    visible = visible_unit_ids(current_user)
    units = select(Unit.id, Unit.name).order_by(Unit.name)
    if visible is not None:
        units = units.where(Unit.id.in_(visible or {-1}))
    return {
        "units": db.session.execute(units).all(),
        "fields": db.session.execute(
            select(FieldOfWork.id, FieldOfWork.name).order_by(FieldOfWork.name)
        ).all(),
        "states": list(CaseState),
        "types": list(CaseType),
    }


def _labels() -> dict:
    """State and type labels translated once per request (not once per row), and the overdue
    badge's text once per distinct number of days."""
    overdue: dict[int, str] = {}

    def overdue_label(days: int) -> str:
        if days not in overdue:
            overdue[days] = ngettext("Overdue %(num)d day", "Overdue %(num)d days", days)
        return overdue[days]

    vietnamese = str(get_locale()) == "vi"

    def vnd(value) -> str:  # the `vnd` filter's output, the locale looked up once per request
        if value is None:
            return ""
        text = f"{int(value):,}"
        return f"{text.replace(',', '.') if vietnamese else text} ₫"

    return {
        "state_labels": {s: s.label for s in CaseState},
        "type_labels": {t: t.label for t in CaseType},
        "overdue_label": overdue_label,
        "vnd": vnd,
    }


@bp.route("")
@access(AUTHENTICATED)
def index():
    """The cases the user may see, filtered (htmx live update), counters by state."""
    filters = CaseFilters.from_args(request.args)
    today = clock.today()
    counters = state_counters(current_user, filters, today)
    # The counters hold the list's size already: no second COUNT over the table.
    total = counters[filters.state] if filters.state else counters["all"]
    page = paginate(case_list(current_user, filters, today), total=total)
    context = {"page": page, "filters": filters, "counters": counters, "today": today}
    context.update(_labels())
    if is_fragment_request():
        return render("cases/index.html", "cases/_list.html", **context)
    return render("cases/index.html", **context, **_filter_choices())


def _detail(case: Case, status: int = 200, errors: dict | None = None, form=None, action=None):
    return render(
        "cases/detail.html",
        status=status,
        case=case,
        events=audit.events_for("Case", case.id),
        errors=errors or {},
        form=form if form is not None else {},
        open_action=action,
        today=clock.today(),
    )


@bp.route("/<int:case_id>")
@access(AUTHENTICATED)
def detail(case_id: int):
    """One case: its properties, findings, actions for the user, timeline; 404 if not visible."""
    return _detail(get_visible_case(case_id))


def _act(case_id: int, action: str, schema, call, done_message):
    """Run one action form on the case: 303 to the case, or the case page with errors (422)
    or its current version (409); 403 from the operation when the user may not act."""
    case = get_visible_case(case_id)

    def page(status: int, errors: dict):
        kept = request.form if status == 422 else None
        return _detail(case, status, errors, kept, action if status == 422 else None)

    return form_action(
        schema,
        lambda data: call(case, data),
        page=page,
        done=lambda _: redirect_to("cases.detail", case_id=case_id),
        message=done_message,
    )


@bp.route("/<int:case_id>/deadline", methods=["POST"])
@access(Role.ADMIN, Role.LEAD_INSPECTOR)
def change_deadline(case_id: int):
    """Change the deadline with a reason (team lead or admin); 403, 409, 422."""
    return _act(
        case_id,
        "deadline",
        DeadlineChangeSchema(),
        lambda case, d: operations.change_deadline(
            current_user, case, d["due_date"], d["reason"], d["version"]
        ),
        _l("The deadline has been changed."),
    )


@bp.route("/<int:case_id>/withdraw", methods=["POST"])
@access(Role.ADMIN, Role.LEAD_INSPECTOR, Role.LEADERSHIP)
def withdraw(case_id: int):
    """Withdraw the case with a reason (team lead, leadership, admin); 403, 409, 422."""
    return _act(
        case_id,
        "withdraw",
        ReasonSchema(),
        lambda case, d: operations.withdraw(current_user, case, d["reason"], d["version"]),
        _l("The case has been withdrawn."),
    )


@bp.route("/<int:case_id>/accept", methods=["POST"])
@access(*DECIDERS)
def accept(case_id: int):
    """Accept the unit's answer (team lead or member, admin); 403, 409, 422."""
    return _act(
        case_id,
        "accept",
        VersionSchema(),
        lambda case, d: operations.accept(current_user, case, d["version"], d.get("note")),
        _l("The answer has been accepted; the case is done."),
    )


@bp.route("/<int:case_id>/reject", methods=["POST"])
@access(*DECIDERS)
def reject(case_id: int):
    """Reject the unit's answer with a reason (optionally a new deadline with its reason, the
    lead only): the case is open again; 403, 409, 422."""
    return _act(
        case_id,
        "reject",
        VerdictSchema(),
        lambda case, d: operations.reject(
            current_user, case, d["reason"], d["version"], d["due_date"], d["due_reason"]
        ),
        _l("The answer has been rejected; the case is open again."),
    )


@bp.route("/<int:case_id>/partly-done", methods=["POST"])
@access(*DECIDERS)
def partly_done(case_id: int):
    """Verify the answer as partly done: what was done is recorded, the case stays open for
    the remainder (optionally a new deadline with its reason); 403, 409, 422."""
    return _act(
        case_id,
        "partly_done",
        VerdictSchema(),
        lambda case, d: operations.partly_done(
            current_user, case, d["reason"], d["version"], d["due_date"], d["due_reason"]
        ),
        _l("Recorded as partly done; the case stays open for the remainder."),
    )


# --- creation from findings ----------------------------------------------------------------


def _create_form(inspection: Inspection, form, errors: dict, status: int = 200):
    """The form with the rule's default deadline for the chosen type and severity."""
    case_type = form.get("type") or CaseType.FIX_PRACTICES.value
    if case_type not in {t.value for t in CaseType}:
        case_type = CaseType.FIX_PRACTICES.value
    severity = form.get("severity") or Severity.MEDIUM.value
    if severity not in {s.value for s in Severity}:
        severity = Severity.MEDIUM.value
    default = operations.default_deadline(inspection, case_type, severity)
    due = form.get("due_date") or ""
    # Follow the rule while the user has not typed their own date.
    if not due or due == form.get("default_due"):
        due = default.due_date.isoformat()
    findings = list(
        db.session.execute(
            select(Finding)
            .options(joinedload(Finding.field))
            .where(Finding.inspection_id == inspection.id)
            .order_by(Finding.id)
        ).scalars()
    )
    units = list(
        db.session.execute(select(Unit).where(Unit.active.is_(True)).order_by(Unit.name)).scalars()
    )
    chosen = form.getlist("finding_ids") if hasattr(form, "getlist") else []
    return render(
        "cases/new.html",
        fragment="cases/_form.html",
        status=status,
        inspection=inspection,
        findings=findings,
        chosen_findings=set(chosen),
        references=active_legal_references(),
        units=units,
        types=list(CaseType),
        severities=list(Severity),
        case_type=case_type,
        severity=severity,
        default=default,
        due=due,
        # Without scripts the amount is always offered; with htmx only for recoveries.
        show_amount=case_type == CaseType.RECOVERY.value or not is_fragment_request(),
        form=form,
        errors=errors,
    )


@bp.route("/new/<int:inspection_id>", methods=["GET", "POST"])
@access(Role.ADMIN, Role.LEAD_INSPECTOR)
def new(inspection_id: int):
    """Create a case from findings of an inspection (its lead or admin); 403, 404, 409, 422."""
    inspection = get_visible_inspection(current_user, inspection_id)
    if not (current_user.role == Role.ADMIN or current_user.id == inspection.lead_id):
        abort(403)
    if inspection.state not in operations.CASE_CREATION_STATES:
        raise OperationError(
            _("Cases can be created only once the team report is in and until monitoring ends.")
        )
    if request.method == "GET":
        return _create_form(inspection, request.args, {})

    def page(status: int, errors: dict):
        form = request.form
        if status == 409:  # the inspection changed: show its current version
            form = request.form.copy()
            form.pop("inspection_version", None)
        return _create_form(inspection, form, errors, status)

    return form_action(
        CaseCreateSchema(),
        lambda data: operations.create_case(current_user, inspection, data),
        page=page,
        done=lambda case: redirect_to("cases.detail", case_id=case.id),
        message=lambda case: _("Case %(ref)s created.", ref=case.reference),
    )
