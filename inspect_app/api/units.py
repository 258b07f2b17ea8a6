"""/units and /unit-events: the unit tree a user may see, its history and reorganisations."""

from __future__ import annotations

from flask import abort, jsonify
from flask_login import current_user
from marshmallow import Schema, fields
from sqlalchemy import select

from inspect_app.api.common import Kind, api_route, dump_items
from inspect_app.api.schemas import choice_field, enum_field, list_schema, record_schema
from inspect_app.core.loading import get_or_404
from inspect_app.core.permissions import AUTHENTICATED
from inspect_app.units import operations as unit_operations
from inspect_app.units import views as unit_views
from inspect_app.units.models import Unit, UnitKind, UnitPeriod
from inspect_app.units.queries import UnitHistory, lineage_ids, unit_events, visible_unit_ids
from inspect_app.units.schemas import UnitDumpSchema, UnitSchema
from inspect_app.workflows import reorganisation_views


class UnitOut(UnitDumpSchema):
    kind = enum_field(UnitKind, required=True)
    version = fields.Integer(required=True)


UnitPeriodOut = record_schema(
    "UnitPeriodOut", UnitPeriod, "name parent_id valid_from valid_to event_id"
)
UnitHistoryOut = record_schema(
    "UnitHistoryOut",
    Unit,
    "id name active successor_id",
    former_names=fields.List(fields.String(), required=True),
    dissolved_on=fields.Date(allow_none=True),
    periods=fields.List(fields.Nested(UnitPeriodOut), required=True),
    lineage_ids=fields.List(fields.Integer(), required=True),
)


class UnitEventUnitOut(Schema):
    unit_id = fields.Integer(required=True)
    role = choice_field("source", "target", required=True)


class UnitEventOut(Schema):
    id = fields.Integer(required=True)
    kind = choice_field("merge", "rename", "split", "move", required=True)
    effective_date = fields.Date(required=True)
    decision_reference = fields.String(required=True)
    note = fields.String(allow_none=True)
    actor_id = fields.Integer(allow_none=True)
    units = fields.List(fields.Nested(UnitEventUnitOut), required=True)


UnitEventListOut = list_schema(UnitEventOut, "UnitEventListOut")


def load_unit(unit_id: int) -> Unit:
    """A unit the caller may see (a unit leader: their units); 404 otherwise."""
    unit = get_or_404(Unit, unit_id)
    visible = visible_unit_ids(current_user)
    if visible is not None and unit.id not in visible:
        abort(404)
    return unit


UNIT = Kind("/units/<int:unit_id>", "unit", "units", load_unit, UnitOut)


@UNIT.listing(AUTHENTICATED)
def units():
    """Units the user may see.

    The unit tree (a unit leader sees their own units only), by name."""
    stmt = select(Unit).order_by(Unit.name, Unit.id)
    visible = visible_unit_ids(current_user)
    if visible is not None:
        stmt = stmt.where(Unit.id.in_(visible or {-1}))
    return stmt


UNIT.detail(AUTHENTICATED, "One unit")


@UNIT.create(unit_views.new, UnitSchema)
def unit_create(data):
    """Create a unit (administrators).

    Add a unit; 422 on bad input."""
    return unit_operations.create_unit(current_user, data)


# Administrators only (the page's access): they see every unit.
@UNIT.action("", unit_views.edit, UnitSchema, method="PUT")
def unit_update(unit, data):
    """Change a unit (administrators).

    Edit a unit; 409 stale version, 422 bad input."""
    return unit_operations.update_unit(current_user, unit, data)


@api_route(
    "/units/<int:unit_id>/history",
    AUTHENTICATED,
    tag="units",
    response=UnitHistoryOut,
    description="`lineage_ids`: the unit, the units merged or split into it and the units it "
    "went into (only those the caller may see).",
)
def unit_history(unit_id: int):
    """A unit's names and parents over time, its successor and lineage.

    The recorded periods of a visible unit; 404 when unknown or not visible."""
    unit = load_unit(unit_id)
    history = UnitHistory()
    visible = visible_unit_ids(current_user)
    lineage = lineage_ids(unit.id)
    if visible is not None:
        lineage &= visible
    return jsonify(
        UnitHistoryOut().dump(
            {
                "id": unit.id,
                "name": unit.name,
                "active": unit.active,
                "successor_id": unit.successor_id
                if visible is None or unit.successor_id in visible
                else None,
                "former_names": history.former_names(unit.id),
                "dissolved_on": history.dissolved_on(unit.id),
                "periods": history.periods.get(unit.id, []),
                "lineage_ids": sorted(lineage),
            }
        )
    )


@api_route("/unit-events", reorganisation_views.reorganise, tag="units", response=UnitEventListOut)
def unit_events_list():
    """The latest reorganisations (administrators).

    The 50 latest reorganisations with their source and target units."""
    return dump_items(UnitEventOut, unit_events())
