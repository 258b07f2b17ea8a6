"""What the deputies forms may send."""

from __future__ import annotations

from marshmallow import fields

from inspect_app.core.schemas import BaseSchema, VersionedSchema, length, record_id


class DelegationSchema(BaseSchema):
    deputy_id = record_id(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    reason = fields.String(load_default=None, validate=length(2000))


class RevokeSchema(VersionedSchema):
    """Revoking a delegation: its version only."""
