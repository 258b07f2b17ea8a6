"""What the unit forms may send."""

from __future__ import annotations

from marshmallow import fields

from inspect_app.core.schemas import BaseSchema, MultiValue, length, one_of, record_id
from inspect_app.units.models import UnitKind


class UnitSchema(BaseSchema):
    code = fields.String(required=True, validate=length(30, 2))
    name = fields.String(required=True, validate=length(200, 2))
    kind = fields.String(required=True, validate=one_of(UnitKind))
    parent_id = record_id(load_default=None)
    active = fields.Boolean(load_default=False, truthy={"1", "on", "true"}, falsy={"0", "false"})
    version = record_id(load_default=None)


class UnitDumpSchema(BaseSchema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    kind = fields.String()
    parent_id = fields.Integer(allow_none=True)
    successor_id = fields.Integer(allow_none=True)
    active = fields.Boolean()


class ReorganisationSchema(BaseSchema):
    """Every reorganisation form: each kind reads the fields it needs."""

    effective_date = fields.Date(required=True)
    decision_reference = fields.String(required=True, validate=length(200, 2))
    note = fields.String(load_default=None, validate=length(2000))
    source_ids = MultiValue(record_id(), load_default=list)
    target_unit_id = record_id(load_default=None)
    unit_id = record_id(load_default=None)
    new_code = fields.String(load_default=None, validate=length(30, 2))
    new_name = fields.String(load_default=None, validate=length(200, 2))
    new_kind = fields.String(load_default=None, validate=one_of(UnitKind))
    new_parent_id = record_id(load_default=None)
    source_continues = fields.Boolean(
        load_default=False, truthy={"1", "on", "true"}, falsy={"0", "false"}
    )
    digest = fields.String(load_default=None, validate=length(64, 64))
    # The parts of a split: (new_code_<n>, new_name_<n>) for n < SPLIT_PARTS.
    new_code_0 = fields.String(load_default="", validate=length(30, 2))
    new_name_0 = fields.String(load_default="", validate=length(200, 2))
    new_code_1 = fields.String(load_default="", validate=length(30, 2))
    new_name_1 = fields.String(load_default="", validate=length(200, 2))
    new_code_2 = fields.String(load_default="", validate=length(30, 2))
    new_name_2 = fields.String(load_default="", validate=length(200, 2))
    new_code_3 = fields.String(load_default="", validate=length(30, 2))
    new_name_3 = fields.String(load_default="", validate=length(200, 2))


SPLIT_PARTS = 4
