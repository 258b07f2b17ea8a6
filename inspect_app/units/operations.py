"""State changes of the unit tree (each audited)."""

from __future__ import annotations

from flask_babel import gettext as _

from inspect_app.core import audit, records
from inspect_app.core.errors import OperationError
from inspect_app.core.models import check_version
from inspect_app.extensions import db
from inspect_app.units.models import Unit, UnitKind

UNIT_FIELDS = ("code", "name", "kind", "parent_id", "active", "successor_id")


def _check_parent(unit: Unit | None, parent_id: int | None) -> None:
    if parent_id is None:
        return
    parent = db.session.get(Unit, parent_id)
    if parent is None:
        raise OperationError(_("Unknown unit."), field="parent_id")
    node = parent
    while node is not None:
        if unit is not None and node.id == unit.id:
            raise OperationError(
                _("A unit cannot be placed under itself or one of its sub-units."),
                field="parent_id",
            )
        node = node.parent


def active_unit(unit_id: int | None, field: str) -> Unit:
    """The unit a form names in `field`; 422 there if it is unknown or no longer active."""
    unit = db.session.get(Unit, unit_id) if unit_id else None
    if unit is None:
        raise OperationError(_("Unknown unit."), field=field)
    if not unit.active:
        raise OperationError(
            _("The unit %(name)s is no longer active.", name=unit.name), field=field
        )
    return unit


def create_unit(actor, data: dict) -> Unit:
    """Add a unit to the tree."""
    code = data["code"].strip().upper()
    records.check_code_free(Unit, code, None)
    _check_parent(None, data.get("parent_id"))
    unit = Unit(
        code=code,
        name=data["name"],
        kind=UnitKind(data["kind"]),
        parent_id=data.get("parent_id"),
        active=data.get("active", True),
    )
    return records.add(actor, unit, "unit_created", UNIT_FIELDS)


def update_unit(actor, unit: Unit, data: dict) -> Unit:
    """Rename, re-code, move or (de)activate a unit; a stale form raises Conflict."""
    check_version(unit, data.get("version"))
    before = audit.snapshot(unit, UNIT_FIELDS)
    code = data["code"].strip().upper()
    records.check_code_free(Unit, code, unit)
    _check_parent(unit, data.get("parent_id"))
    unit.code = code
    unit.name = data["name"]
    unit.kind = UnitKind(data["kind"])
    unit.parent_id = data.get("parent_id")
    unit.active = data.get("active", unit.active)
    db.session.flush()
    audit.record(actor, unit, "unit_updated", before, audit.snapshot(unit, UNIT_FIELDS))
    return unit
