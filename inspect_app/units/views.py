"""Administrators' pages for the unit tree."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, flash, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from inspect_app.core import audit, clock, filters
from inspect_app.core.crud import create_or_edit, record_form
from inspect_app.core.errors import OperationError
from inspect_app.core.forms import load_form
from inspect_app.core.htmx import redirect_to, render
from inspect_app.core.loading import get_or_404
from inspect_app.core.permissions import access
from inspect_app.core.roles import Role
from inspect_app.core.templating import register_actions
from inspect_app.extensions import db
from inspect_app.units import operations, reorganisation
from inspect_app.units.models import Unit, UnitEvent, UnitEventKind, UnitKind
from inspect_app.units.queries import UnitHistory, all_units, tree_rows, unit_events
from inspect_app.units.schemas import SPLIT_PARTS, ReorganisationSchema, UnitSchema

bp = Blueprint("units", __name__, url_prefix="/admin/units")

register_actions(
    {
        "unit_renamed": _l("Unit renamed"),
        "unit_moved": _l("Unit moved in the tree"),
        "unit_dissolved": _l("Unit merged or split up"),
        "unit_reassigned": _l("Moved to the successor unit"),
        "unit_reorganised": _l("Reorganisation recorded"),
    }
)


def _as_of() -> date | None:
    """The `as_of` query parameter (dd/mm/yyyy or yyyy-mm-dd); None if absent or invalid."""
    return filters.day(request.args, "as_of", ("%Y-%m-%d", "%d/%m/%Y"))


@bp.route("")
@access(Role.ADMIN)
def index():
    """The unit tree, today's or (with `as_of`) as it stood on a date."""
    history = UnitHistory()
    as_of = _as_of()
    return render(
        "units/index.html",
        rows=tree_rows(all_units()) if as_of is None else None,
        past_rows=history.tree_at(as_of) if as_of else None,
        as_of=as_of,
        history=history,
    )


def _unit_page(unit: Unit | None):
    """The form of a new (`unit` None) or existing unit."""
    return create_or_edit(
        unit,
        UnitSchema(),
        operations.create_unit,
        operations.update_unit,
        form=record_form("units/form.html", unit=unit, units=all_units(), kinds=list(UnitKind)),
        done=lambda _unit: redirect_to("units.index"),
        message=lambda saved: _("Unit %(name)s saved.", name=saved.name),
    )


@bp.route("/new", methods=["GET", "POST"])
@access(Role.ADMIN)
def new():
    """Create a unit (422 with messages on bad input)."""
    return _unit_page(None)


@bp.route("/<int:unit_id>", methods=["GET", "POST"])
@access(Role.ADMIN)
def edit(unit_id: int):
    """Edit a unit; a stale form gets 409 and the current values."""
    return _unit_page(get_or_404(Unit, unit_id))


# --- reorganisations -------------------------------------------------------------------------


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


def _preview(kind: UnitEventKind, plan, status: int = 200, message: str | None = None):
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
        move_kinds=reorganisation.MOVE_KINDS,
        message=message,
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
        plan = reorganisation.plan_reorganisation(event_kind, _plan_input(data))
    except OperationError as e:
        db.session.rollback()
        return _reorg_form(event_kind, {e.field or "_schema": [str(e.message)]}, 422)
    if request.form.get("step") != "confirm":
        return _preview(event_kind, plan)
    try:
        event = reorganisation.apply_plan(current_user, plan, data.get("digest"))
    except OperationError as e:
        db.session.rollback()
        fresh = reorganisation.plan_reorganisation(event_kind, _plan_input(data))
        return _preview(event_kind, fresh, e.status, str(e.message))
    flash(_("The reorganisation was recorded."), "success")
    return redirect_to("units.unit_event", event_id=event.id)


@bp.route("/reorganise/events/<int:event_id>")
@access(Role.ADMIN)
def unit_event(event_id: int):
    """One recorded reorganisation and every record it moved (from the audit trail)."""
    event = get_or_404(UnitEvent, event_id)
    moved = [
        e
        for e in db.session.execute(
            select(audit.AuditEvent)
            .where(
                audit.AuditEvent.action == "unit_reassigned",
                audit.AuditEvent.note == event.decision_reference,
            )
            .order_by(audit.AuditEvent.id)
        ).scalars()
        if (e.after or {}).get("unit_event_id") == event.id
    ]
    return render(
        "units/unit_event.html",
        event=event,
        moved=moved,
        history=UnitHistory(),
        day_before=event.effective_date - timedelta(days=1),
    )
