"""What the lifecycle form and API body may send."""

from __future__ import annotations

from marshmallow import fields

from inspect_app.core.schemas import VersionedSchema, length


class StepSchema(VersionedSchema):
    on = fields.Date(required=True)
    channels = fields.String(load_default=None, validate=length(500))
    posting_until = fields.Date(load_default=None)
    number = fields.String(load_default=None, validate=length(60))
