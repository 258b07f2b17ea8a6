"""Administrators' pages for the unit tree."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from inspect_app.core import filters
from inspect_app.core.crud import create_or_edit, record_form, record_pages
from inspect_app.core.htmx import redirect_to, render
from inspect_app.core.permissions import access
from inspect_app.core.roles import Role
from inspect_app.core.templating import register_actions
from inspect_app.units import operations
from inspect_app.units.models import Unit, UnitKind
from inspect_app.units.queries import UnitHistory, all_units, tree_rows
from inspect_app.units.schemas import UnitSchema

bp = Blueprint("units", __name__, url_prefix="/admin/units")

register_actions(
    {
        "unit_created": _l("Unit created"),
        "unit_updated": _l("Unit updated"),
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


new, edit = record_pages(
    bp,
    "",
    Unit,
    _unit_page,
    roles=(Role.ADMIN,),
    arg="unit_id",
    names=("new", "edit"),
    what="a unit",
)
