"""What the "add to plan" button of a suggested target may send."""

from __future__ import annotations

from marshmallow import fields, validate

from inspect_app.core.schemas import BaseSchema, MultiValue, length, one_of, record_id
from inspect_app.reference.models import ActivityKind


class SuggestionSchema(BaseSchema):
    plan_id = record_id(required=True)
    unit_id = record_id(required=True)
    field_ids = MultiValue(record_id(), required=True)
    lead_id = record_id(required=True)
    period = fields.Integer(required=True, strict=False, validate=validate.Range(1, 4))
    kind = fields.String(load_default=ActivityKind.THANH_TRA.value, validate=one_of(ActivityKind))
    overlap_justification = fields.String(load_default=None, validate=length(2000))
