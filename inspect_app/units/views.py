"""Administrators' pages for the unit tree."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from inspect_app.core.errors import OperationError
from inspect_app.core.forms import load_form
from inspect_app.core.htmx import render
from inspect_app.core.loading import get_or_404
from inspect_app.core.permissions import access
from inspect_app.core.roles import Role
from inspect_app.core.templating import register_actions
from inspect_app.extensions import db
from inspect_app.units import operations
from inspect_app.units.models import Unit, UnitKind
from inspect_app.units.queries import UnitHistory, all_units, tree_rows
from inspect_app.units.schemas import UnitSchema

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
    from datetime import datetime

    raw = (request.args.get("as_of") or "").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    return None


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


def _form(unit: Unit | None, errors: dict, status: int = 200, form=None):
    return render(
        "units/form.html",
        status=status,
        unit=unit,
        units=all_units(),
        kinds=list(UnitKind),
        errors=errors,
        form=request.form if form is None else form,
    )


def _save(unit: Unit | None):
    data, errors = load_form(UnitSchema())
    if data:
        try:
            if unit is None:
                unit = operations.create_unit(current_user, data)
            else:
                operations.update_unit(current_user, unit, data)
        except OperationError as e:
            db.session.rollback()
            if e.status == 409:
                flash(str(e.message), "error")
                return _form(db.session.get(Unit, unit.id), {}, 409, form={})
            errors = {e.field or "_schema": [str(e.message)]}
        else:
            db.session.commit()
            flash(_("Unit %(name)s saved.", name=unit.name), "success")
            return redirect(url_for("units.index"), 303)
    return _form(unit, errors, 422)


@bp.route("/new", methods=["GET", "POST"])
@access(Role.ADMIN)
def new():
    """Create a unit (422 with messages on bad input)."""
    return _save(None) if request.method == "POST" else _form(None, {})


@bp.route("/<int:unit_id>", methods=["GET", "POST"])
@access(Role.ADMIN)
def edit(unit_id: int):
    """Edit a unit; a stale form gets 409 and the current values."""
    unit = get_or_404(Unit, unit_id)
    return _save(unit) if request.method == "POST" else _form(unit, {})
