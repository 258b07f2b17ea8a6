"""Pages of the cases feature: the list and creation from findings (the case page and its
actions, which show the sections of features above cases, are in workflows.case_file)."""

from __future__ import annotations

from flask import Blueprint, request
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from inspect_app.cases import operations
from inspect_app.cases.models import Case, CaseState, CaseType
from inspect_app.cases.queries import LIST_LOADS, CaseFilters, case_list, state_counters
from inspect_app.cases.schemas import CaseCreateSchema
from inspect_app.core import clock
from inspect_app.core.actions import form_action
from inspect_app.core.errors import OperationError
from inspect_app.core.htmx import is_fragment_request, redirect_to, render
from inspect_app.core.loading import get_visible_or_404
from inspect_app.core.pagination import paginate
from inspect_app.core.permissions import AUTHENTICATED, access, require
from inspect_app.core.roles import Role
from inspect_app.core.templating import register_actions, register_nav
from inspect_app.extensions import db
from inspect_app.findings.models import Finding
from inspect_app.inspections.models import Inspection
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
        # The escalation sweep's steps (escalation.operations.take_step), on the case timeline.
        "escalation_reminder_7": _l("Reminder: 7 working days before the deadline"),
        "escalation_reminder_3": _l("Reminder: 3 working days before the deadline"),
        "escalation_reminder_1": _l("Reminder: 1 working day before the deadline"),
        "escalation_level_1": _l("Overdue: the unit's leader notified"),
        "escalation_level_2": _l("Overdue: urging letter drafted for signature"),
        "escalation_level_3": _l("Seriously overdue: included in the report to the Chairman"),
    }
)


def get_visible_case(case_id: int) -> Case:
    """The case with its inspection, legal basis and unit if the signed-in user may see it;
    404 otherwise (also for other units' cases)."""
    return get_visible_or_404(Case, case_id, *LIST_LOADS)


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
            overdue[days] = ngettext(
                "%(num)d working day overdue", "%(num)d working days overdue", days
            )
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
    inspection = get_visible_or_404(Inspection, inspection_id)
    require(inspection.can_create_cases(current_user, check_state=False))
    if not inspection.can_create_cases(current_user):
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
