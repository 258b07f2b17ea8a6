"""What the extension request forms and the settings form may send."""

from __future__ import annotations

from marshmallow import fields

from inspect_app.core.schemas import BaseSchema, length, one_of, record_id
from inspect_app.reference.rules import APPROVER_CHOICES


class ExtensionAskSchema(BaseSchema):
    requested_date = fields.Date(required=True)
    reason = fields.String(required=True, validate=length(2000))
    version = record_id(required=True)


class DecisionSchema(BaseSchema):
    decision_reason = fields.String(required=True, validate=length(2000))
    version = record_id(required=True)


class CancelSchema(BaseSchema):
    version = record_id(required=True)


class SettingsSchema(BaseSchema):
    extension_approver = fields.String(required=True, validate=one_of(APPROVER_CHOICES))
    # Checked by the operation (a clear range message rather than a type error).
    extension_max_approved = fields.String(required=True, validate=length(3))
    approver_version = fields.Integer(required=True, strict=False)
    max_approved_version = fields.Integer(required=True, strict=False)
