"""What the extension request forms may send."""

from __future__ import annotations

from marshmallow import fields

from inspect_app.core.schemas import BaseSchema, length, record_id


class ExtensionAskSchema(BaseSchema):
    requested_date = fields.Date(required=True)
    reason = fields.String(required=True, validate=length(2000))
    version = record_id(required=True)


class DecisionSchema(BaseSchema):
    decision_reason = fields.String(required=True, validate=length(2000))
    version = record_id(required=True)


class CancelSchema(BaseSchema):
    version = record_id(required=True)
