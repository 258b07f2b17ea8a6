"""What the unit forms may send."""

from __future__ import annotations

from marshmallow import fields

from inspect_app.core.schemas import BaseSchema, length, one_of, record_id
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
