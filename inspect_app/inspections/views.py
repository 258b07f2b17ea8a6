"""Pages of the inspections feature: list, detail, create/edit, and the transitions."""

from __future__ import annotations

import functools

from flask import Blueprint, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from inspect_app.core.actions import form_action
from inspect_app.core.audit import events_for
from inspect_app.core.crud import edit_page, typed_input
from inspect_app.core.errors import Forbidden, OperationError
from inspect_app.core.htmx import is_fragment_request, redirect_to, render
from inspect_app.core.loading import get_visible_or_404
from inspect_app.core.pagination import FilteredList
from inspect_app.core.permissions import AUTHENTICATED, access
from inspect_app.core.roles import STAFF, Role
from inspect_app.core.templating import register_actions, register_nav
from inspect_app.decisions.views import doc_of
from inspect_app.inspections import operations
from inspect_app.inspections.models import Inspection, InspectionState
from inspect_app.inspections.queries import (
    InspectionFilters,
    filter_choices,
    form_choices,
    list_statement,
)
from inspect_app.inspections.schemas import (
    ConcludeSchema,
    EditSchema,
    EndOnsiteSchema,
    ExtensionSchema,
    InspectionSchema,
)
from inspect_app.reference.models import ActivityKind
from inspect_app.reference.queries import issuing_bodies
from inspect_app.reference.rules import onsite_duration

bp = Blueprint("inspections", __name__, url_prefix="/inspections")

CREATORS = (Role.ADMIN, Role.LEAD_INSPECTOR, Role.LEADERSHIP)

register_nav(
    "inspections.index",
    _l("Inspections"),
    tuple(Role),
)
register_actions(
    {
        "inspection_created": _l("Inspection opened"),
        "inspection_updated": _l("Inspection edited"),
        "inspection_started": _l("On-site work started"),
        "inspection_extended": _l("On-site work extended"),
        "inspection_onsite_ended": _l("On-site work ended"),
        "inspection_reported": _l("Team report submitted"),
        "inspection_concluded": _l("Conclusion signed"),
        "inspection_monitoring": _l("Monitoring started"),
        "inspection_closed": _l("Inspection closed"),
    },
    check={
        "inspection_created": _l("Check opened"),
        "inspection_updated": _l("Check edited"),
        "inspection_closed": _l("Check closed"),
    },
)


#: The list of inspections: its page, its export and the API's listing.
INSPECTIONS = FilteredList(
    InspectionFilters.from_args,
    lambda filters: list_statement(current_user, filters),
    "inspections/index.html",
    "inspections/_table.html",
)


@bp.route("/")
@access(AUTHENTICATED)
def index():
    """The inspections the user may see, filtered, sorted and paginated (htmx fragment)."""
    return INSPECTIONS.page(
        can_create=current_user.role in CREATORS, **filter_choices(current_user)
    )


@bp.route("/export.<any(csv, xlsx):fmt>")
@access(AUTHENTICATED)
def export(fmt: str):
    """The inspections of the list under its current filters, as XLSX or CSV."""
    columns = [
        (_("Decision"), lambda i: i.decision_number),
        (_("Decision date"), lambda i: i.decision_date),
        (_("Title"), lambda i: i.title),
        (_("Kind"), lambda i: i.kind.label),
        (_("Target unit"), lambda i: i.target_unit.name),
        (_("Team leader"), lambda i: i.lead.full_name),
        (_("Fields"), lambda i: ", ".join(f.name for f in i.fields)),
        (_("Start"), lambda i: i.start_date),
        (_("Planned end"), lambda i: i.planned_end_date),
        (_("State"), lambda i: i.state.label),
        (_("Conclusion"), lambda i: i.conclusion_number),
        (_("Conclusion date"), lambda i: i.conclusion_date),
    ]
    return INSPECTIONS.export(fmt, _("Inspections"), "cuoc-thanh-tra", columns)


def detail_context(inspection: Inspection) -> dict:
    """What `inspections/_detail.html` shows: the record, its duration, actions, timeline."""
    return {
        "inspection": inspection,
        "duration": operations.duration(inspection),
        "events": events_for("Inspection", inspection.id),
        "actions": available_actions(inspection, current_user),
        "oob_flash": is_fragment_request(),
    }


def available_actions(inspection: Inspection, user) -> list[str]:
    """The transitions `user` may attempt now (the operations decide again on submit)."""
    S = InspectionState
    manage = inspection.can_manage(user)
    leadership = user.is_leadership or user.is_admin
    table = {
        S.PLANNED: [("start", manage)],
        S.IN_PROGRESS: [
            ("extension", manage and not inspection.extension_reference),
            ("end_onsite", manage),
        ],
        S.ONSITE_ENDED: [("report", manage)],
        S.REPORTED: [("conclude", leadership)],
        S.CONCLUDED: [("monitoring", manage or user.is_leadership)],
        S.MONITORING: [("close", leadership)],
        S.CLOSED: [],
    }
    return [name for name, allowed in table[inspection.state] if allowed]


def _form(inspection: Inspection | None, errors: dict, status: int = 200, form=None):
    return render(
        "inspections/form.html",
        status=status,
        inspection=inspection,
        errors=errors,
        form=request.form if form is None else form,
        # The legal on-site duration of each kind, with its citation, next to the dates.
        durations=[(k, onsite_duration(k.value)) for k in ActivityKind],
        bodies=issuing_bodies(),
        **form_choices(),
    )


@bp.route("/new", methods=["GET", "POST"])
@access(*CREATORS)
def new():
    """Open an inspection from a plan item or ad hoc (422 with messages on bad input)."""
    if request.method == "GET":
        form = {"plan_item_id": request.args.get("plan_item_id", "")}
        return _form(None, {}, form=form)
    return form_action(
        InspectionSchema(),
        lambda data: operations.create_inspection(current_user, data),
        page=lambda status, errors: _form(None, errors, status),
        done=lambda inspection: redirect_to("inspections.detail", inspection_id=inspection.id),
        message=lambda inspection: (
            _("Check %(n)s opened.", n=inspection.decision_number)
            if inspection.kind.is_check
            else _("Inspection %(n)s opened.", n=inspection.decision_number)
        ),
    )


@bp.route("/<int:inspection_id>/edit", methods=["GET", "POST"])
@access(*STAFF)
def edit(inspection_id: int):
    """Edit an inspection (team only, planned or in progress); 403, 409 stale, 422 bad input."""
    inspection = get_visible_or_404(Inspection, inspection_id)
    if not inspection.can_edit(current_user):
        raise Forbidden(_("Only the team or an administrator may edit this inspection."))
    return edit_page(
        EditSchema(),
        lambda data: operations.update_inspection(current_user, inspection, data),
        form=lambda status, errors: _form(inspection, errors, status, typed_input(status)),
        done=lambda _i: redirect_to("inspections.detail", inspection_id=inspection_id),
        message=lambda saved: _("Check saved.") if saved.kind.is_check else _("Inspection saved."),
    )


def _check_offered(inspection: Inspection, action: str, states: tuple) -> None:
    """Refuse to show a transition form the user could not submit: 409 state, 403 role."""
    if inspection.state not in states:
        raise OperationError(
            _(
                "This cannot be done while the inspection is in the state “%(state)s”.",
                state=inspection.state.label,
            ),
            409,
        )
    if action not in available_actions(inspection, current_user):
        raise OperationError(_("You do not have permission to do this."), 403)


def _form_transition(action: str, states: tuple, template: str, schema, message):
    """Decorate `run(inspection, data)` as a transition with its own form: GET shows it, POST
    runs it (303 to the inspection; 422 errors in place, 409 the current state with the typed
    input kept)."""

    def decorate(run):
        @functools.wraps(run)
        def view(inspection_id: int):
            inspection = get_visible_or_404(Inspection, inspection_id)

            def page(status: int, errors: dict):
                return render(
                    template,
                    status=status,
                    inspection=get_visible_or_404(Inspection, inspection_id),
                    duration=operations.duration(inspection),
                    errors=errors,
                    form=request.form,
                )

            if request.method == "GET":
                _check_offered(inspection, action, states)
                return page(200, {})
            return form_action(
                schema(),
                lambda data: run(inspection, data),
                page=page,
                done=lambda _i: redirect_to("inspections.detail", inspection_id=inspection_id),
                message=message,
            )

        return view

    return decorate


@bp.route("/<int:inspection_id>/end-onsite", methods=["GET", "POST"])
@access(*STAFF)
@_form_transition(
    "end_onsite",
    (InspectionState.IN_PROGRESS,),
    "inspections/end_onsite.html",
    EndOnsiteSchema,
    _l("On-site work ended."),
)
def end_onsite(inspection, data):
    """End on-site work (team lead); past the legal duration asks for the extension; 403/409/422."""
    operations.end_onsite(
        current_user,
        inspection,
        data.get("version"),
        data.get("extension_reference"),
        data.get("extension_days"),
        doc_of(data),
    )


@bp.route("/<int:inspection_id>/extension", methods=["GET", "POST"])
@access(*STAFF)
@_form_transition(
    "extension",
    (InspectionState.IN_PROGRESS,),
    "inspections/extension.html",
    ExtensionSchema,
    _l("Extension recorded."),
)
def extension(inspection, data):
    """Record the extension decision of on-site work with its date, signer and file (team
    lead); 403/409/422."""
    operations.record_extension(
        current_user,
        inspection,
        data["extension_reference"],
        data["extension_days"],
        data.get("version"),
        doc_of(data),
    )


@bp.route("/<int:inspection_id>/conclude", methods=["GET", "POST"])
@access(*STAFF)
@_form_transition(
    "conclude",
    (InspectionState.REPORTED,),
    "inspections/conclude.html",
    ConcludeSchema,
    _l("Conclusion recorded."),
)
def conclude(inspection, data):
    """Record the signed conclusion (leadership or admin); 403/409/422."""
    operations.conclude(current_user, inspection, data)
