"""What the answer form may send."""

from __future__ import annotations

from marshmallow import fields, validate

from inspect_app.core.schemas import BaseSchema, length, record_id


class AnswerSchema(BaseSchema):
    """A progress report or the final answer (the completion date is checked by the operation,
    which knows the kind)."""

    text = fields.String(required=True, validate=length(5000))
    completion_date = fields.Date(load_default=None)
    version = record_id(required=True)
    idempotency_key = fields.String(
        load_default=None, validate=validate.Regexp(r"^[A-Za-z0-9_-]{8,64}$")
    )
