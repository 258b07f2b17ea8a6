"""The administrators' reorganisation pages (/admin/units/reorganise...).

They are routes of the units blueprint, so that their endpoints stay `units.reorganise`,
`units.reorganise_kind` and `units.unit_event`; the app factory imports this module before it
registers the blueprints (`WORKFLOW_ROUTES`).
"""

from __future__ import annotations

from datetime import timedelta

from flask import abort, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from inspect_app.core import clock
from inspect_app.core.actions import form_action
from inspect_app.core.errors import OperationError
from inspect_app.core.forms import load_form
from inspect_app.core.htmx import redirect_to, render
from inspect_app.core.loading import get_or_404
from inspect_app.core.permissions import access
from inspect_app.core.roles import Role
from inspect_app.units.models import UnitEvent, UnitEventKind, UnitKind
from inspect_app.units.queries import UnitHistory, all_units, unit_events
from inspect_app.units.schemas import SPLIT_PARTS, ReorganisationSchema
from inspect_app.units.views import bp
from inspect_app.workflows.reorganisation import (
    MOVE_KINDS,
    apply_plan,
    moved_records,
    plan_reorganisation,
)


@bp.route("/reorganise")
@access(Role.ADMIN)
def reorganise():
    """The reorganisations recorded so far and the four kinds to start one."""
    return render("units/reorganise.html", events=unit_events(), kinds=list(UnitEventKind))


def _kind(kind: str) -> UnitEventKind:
    try:
        return UnitEventKind(kind)
    except ValueError:
        abort(404)


def _plan_input(data: dict) -> dict:
    """The form's values as the planners take them (split parts and allocations gathered)."""
    data = dict(data)
    data["new_codes"] = [data.pop(f"new_code_{n}", "") for n in range(SPLIT_PARTS)]
    data["new_names"] = [data.pop(f"new_name_{n}", "") for n in range(SPLIT_PARTS)]
    data["allocation"] = {
        key[len("alloc-") :]: value
        for key, value in request.form.items()
        if key.startswith("alloc-") and value
    }
    return data


def _reorg_form(kind: UnitEventKind, errors: dict, status: int = 200):
    return render(
        "units/reorganise_form.html",
        status=status,
        kind=kind,
        units=all_units(active_only=True),
        kinds=list(UnitKind),
        parts=range(SPLIT_PARTS),
        errors=errors,
        form=request.form,
        today=clock.today(),
    )


def _preview(kind: UnitEventKind, plan, status: int = 200):
    hidden = [
        (key, value)
        for key in request.form
        if key not in ("csrf_token", "step", "digest") and not key.startswith("alloc-")
        for value in request.form.getlist(key)
    ]
    return render(
        "units/reorganise_preview.html",
        status=status,
        kind=kind,
        plan=plan,
        hidden=hidden,
        move_kinds=MOVE_KINDS,
    )


@bp.route("/reorganise/<kind>", methods=["GET", "POST"])
@access(Role.ADMIN)
def reorganise_kind(kind: str):
    """The form of one kind of reorganisation; POST step=preview shows what will move (422 on
    bad input), step=confirm carries it out (409 with the new preview if it changed)."""
    event_kind = _kind(kind)
    if request.method == "GET":
        return _reorg_form(event_kind, {})
    data, errors = load_form(ReorganisationSchema())
    if not data:
        return _reorg_form(event_kind, errors, 422)
    try:
        plan = plan_reorganisation(event_kind, _plan_input(data))
    except OperationError as e:
        return _reorg_form(event_kind, {e.field or "_schema": [str(e.message)]}, 422)
    if request.form.get("step") != "confirm":
        return _preview(event_kind, plan)
    return form_action(
        None,
        lambda data: apply_plan(current_user, plan, data.get("digest")),
        data=data,
        # What would move now, after someone else's change (the plan is computed again).
        page=lambda status, _errors: _preview(
            event_kind, plan_reorganisation(event_kind, _plan_input(data)), status
        ),
        done=lambda event: redirect_to("units.unit_event", event_id=event.id),
        message=_l("The reorganisation was recorded."),
    )


@bp.route("/reorganise/events/<int:event_id>")
@access(Role.ADMIN)
def unit_event(event_id: int):
    """One recorded reorganisation and every record it moved (from the audit trail); 404 for
    an unknown one."""
    event = get_or_404(UnitEvent, event_id)
    return render(
        "units/unit_event.html",
        event=event,
        moved=moved_records(event),
        history=UnitHistory(),
        day_before=event.effective_date - timedelta(days=1),
    )
