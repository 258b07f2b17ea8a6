"""Pages of the cases feature: the list and creation from findings (the case page and its
actions, which show the sections of features above cases, are in workflows.case_file)."""

from __future__ import annotations

import functools

from flask import Blueprint, Response, abort, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from inspect_app.auth.calendar import user_for_feed
from inspect_app.auth.models import User
from inspect_app.cases import operations
from inspect_app.cases.calendar import deadlines_for, to_ics
from inspect_app.cases.models import VND_RECOVERY_TYPES, Case, CaseState, CaseType, DisciplineForm
from inspect_app.cases.queries import (
    LIST_LOADS,
    REPEAT_WINDOW,
    CaseFilters,
    CaseListRow,
    case_list_rows,
    cases_for_batch,
    prior_violations,
    state_counters,
    verifier_choices,
)
from inspect_app.cases.schemas import CaseCreateFormSchema
from inspect_app.core import clock
from inspect_app.core.actions import form_action
from inspect_app.core.errors import OperationError
from inspect_app.core.filters import record_id, text
from inspect_app.core.htmx import is_fragment_request, redirect_to, render
from inspect_app.core.loading import get_visible_or_404
from inspect_app.core.pagination import paginate
from inspect_app.core.permissions import AUTHENTICATED, PUBLIC, access, require
from inspect_app.core.roles import Role
from inspect_app.core.tabular import export
from inspect_app.core.templating import register_actions, register_nav
from inspect_app.extensions import db
from inspect_app.findings.models import Finding
from inspect_app.inspections.models import Inspection
from inspect_app.reference.models import Severity
from inspect_app.reference.queries import active_legal_references, field_choices
from inspect_app.units.models import Unit
from inspect_app.units.queries import unit_choices

bp = Blueprint("cases", __name__, url_prefix="/cases")
# Who may apply the list's bulk actions (each case is then checked as one by one).
BULK_ROLES = (Role.ADMIN, Role.LEAD_INSPECTOR, Role.INSPECTOR, Role.LEADERSHIP)

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
        "case_reminded": _l("Unit reminded of the deadline"),
        "case_verifier_assigned": _l("Verifier named"),
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
    """The filter form's choices (units and fields as plain (id, name) rows)."""
    return {
        "units": unit_choices(current_user),
        "fields": field_choices(),
        "states": list(CaseState),
        "types": list(CaseType),
    }


def _labels() -> dict:
    """State and type labels translated once per request (not once per row), and the overdue
    badge's text once per distinct number of days."""
    overdue_label = functools.cache(
        lambda days: ngettext("%(num)d working day overdue", "%(num)d working days overdue", days)
    )
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
    total = filters.total_in(counters)
    page = paginate(
        case_list_rows(current_user, filters, today, hits=total),
        scalars=False,
        total=total,
        window=lambda limit, offset: case_list_rows(
            current_user, filters, today, hits=total, window=(limit, offset)
        ),
    )
    page.items = [CaseListRow.of(row, today) for row in page.items]
    context = {"page": page, "filters": filters, "counters": counters, "today": today}
    # The bulk actions are the staff's (the route's roles); who may be named verifier is
    # their choice there and the filter's.
    context["may_bulk"] = current_user.role in BULK_ROLES
    context["verifiers"] = verifier_choices() if context["may_bulk"] else []
    context.update(_labels())
    if is_fragment_request():
        return render("cases/index.html", "cases/_list.html", **context)
    return render("cases/index.html", **context, **_filter_choices())


# --- the deadline calendar feed -----------------------------------------------------------------


@bp.route("/calendar/<secret>.ics")
@access(PUBLIC)
def calendar_feed(secret: str):
    """The deadlines of the feed's owner as iCalendar, for calendar programs (the secret in
    the URL is the credential; 404 for an unknown, regenerated or revoked one)."""
    user = user_for_feed(secret)
    if user is None:
        abort(404)
    today = clock.today()
    body = to_ics(
        deadlines_for(user, today),
        link=lambda case: url_for("cases.detail", case_id=case.id, _external=True),
        name=_("Deadlines of %(name)s", name=user.full_name),
        now=clock.now(),
        host=request.host.split(":")[0] or "localhost",
    )
    response = Response(body, mimetype="text/calendar")
    response.headers["Cache-Control"] = "private, max-age=900"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


# --- bulk actions on the list ----------------------------------------------------------------

BULK_ACTIONS = {
    "remind": _l("Send a reminder to the units"),
    "verifier": _l("Assign a verifier"),
    "export": _l("Export the selection (CSV)"),
}
# What the list shows of each case, as the selection's export (core.tabular makes text that
# looks like a formula safe).
SELECTION_COLUMNS = (
    (_l("No."), lambda case: case.reference),
    (_l("Case"), lambda case: case.title),
    (_l("Type"), lambda case: case.type.label),
    (_l("Responsible unit"), lambda case: case.responsible_unit.name),
    (_l("Legal basis"), lambda case: case.legal_reference.citation),
    (_l("Deadline"), lambda case: case.due_date),
    (_l("State"), lambda case: case.state.label),
)


def _export_selection(cases: list[Case]) -> Response:
    """The chosen cases as CSV (UTF-8 with BOM, for Excel): what the list shows of each."""
    return export("csv", _("Cases"), "cases-selection", SELECTION_COLUMNS, cases)


@bp.route("/bulk", methods=["POST"])
@access(*BULK_ROLES)
def bulk():
    """Apply a bulk action to the ticked cases, or to all cases matching the list's filters
    (`all=1`): each case checked as one by one; the page lists what was done and what was
    refused, and why; 422 for no action or no case."""
    form = request.form
    action = form.get("action", "")
    everything = form.get("all") == "1"
    filters = CaseFilters.from_args(form)
    ids = {i for i in (record_id({"id": v}, "id") for v in form.getlist("ids")) if i}
    error = None
    if action not in BULK_ACTIONS:
        error = _("Choose an action.")
    elif not everything and not ids:
        error = _("Tick at least one case, or choose all the cases matching the filters.")
    elif not everything and len(ids) > operations.MAX_BATCH:
        error = _(
            "At most %(max)d cases can be ticked for one action: choose all the cases matching "
            "the filters instead.",
            max=operations.MAX_BATCH,
        )
    if error:
        return render("cases/bulk_result.html", status=422, error=error, filters=filters)
    today = clock.today()
    cases = cases_for_batch(
        current_user, today, ids=None if everything else ids, filters=filters,
        limit=operations.MAX_BATCH,
    )  # fmt: skip
    cut = len(cases) > operations.MAX_BATCH
    cases = cases[: operations.MAX_BATCH]
    if action == "export":  # reading only: each case is one the user may see (the query's rule)
        return _export_selection(cases)
    if action == "verifier":
        verifier_id = record_id(form, "verifier_id")
        verifier = db.session.get(User, verifier_id) if verifier_id else None
        try:
            result = operations.assign_verifier(current_user, cases, verifier)
        except OperationError as refused:  # no verifier chosen, or not one who may verify
            return render(
                "cases/bulk_result.html", status=422, error=refused.message, filters=filters
            )
    else:
        result = operations.send_reminders(current_user, cases, text(form, "note", 1000))
    # Ticked cases the user may not see are refused like the others (never named).
    missing = 0 if everything else len(ids - {c.id for c in cases})
    return render(
        "cases/bulk_result.html",
        result=result,
        missing=missing,
        cut=cut,
        action_label=BULK_ACTIONS[action],
        filters=filters,
    )


# --- creation from findings ----------------------------------------------------------------


def _create_form(inspection: Inspection, form, errors: dict, status: int = 200):
    """The form with the rule's default deadline for the chosen type and severity."""
    case_type = form.get("type") or CaseType.OTHER.value
    if case_type not in {t.value for t in CaseType}:
        case_type = CaseType.OTHER.value
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
    legal_reference_id = record_id(form, "legal_reference_id")
    unit_id = record_id(form, "responsible_unit_id") or inspection.target_unit_id
    repeats = (
        # issued as analytics counts it: the conclusion date, else the decision date
        prior_violations(
            current_user,
            unit_id,
            legal_reference_id,
            inspection.conclusion_date or inspection.decision_date,
        )
        if legal_reference_id
        else []
    )
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
        show_amount=case_type in {t.value for t in VND_RECOVERY_TYPES} or not is_fragment_request(),
        show_area=case_type == CaseType.RECOVERY_LAND.value or not is_fragment_request(),
        show_persons=case_type == CaseType.DISCIPLINE.value or not is_fragment_request(),
        discipline_forms=list(DisciplineForm),
        form=form,
        errors=errors,
        repeats=repeats,
        repeat_window=REPEAT_WINDOW,
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
        CaseCreateFormSchema(),
        lambda data: operations.create_cases(current_user, inspection, data),
        page=page,
        done=lambda cases: redirect_to("cases.detail", case_id=cases[0].id),
        message=lambda cases: _("Case %(ref)s created.", ref=", ".join(c.reference for c in cases)),
    )
