"""What the finding forms may send, and what the API gets back."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields

from inspect_app.core import clock
from inspect_app.core.schemas import BaseSchema, length, one_of, record_id
from inspect_app.reference.models import Severity

LOCAL_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M")


class LocalDateTime(fields.Field):
    """A `datetime-local` input, read in the province's zone and returned in UTC."""

    default_error_messages = {"invalid": _l("Not a valid date and time.")}

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, datetime):
            parsed = value
        else:
            for fmt in LOCAL_FORMATS:
                try:
                    parsed = datetime.strptime(str(value).strip(), fmt)
                    break
                except ValueError:
                    continue
            else:
                raise self.make_error("invalid")
        if parsed.year < 2000:
            raise self.make_error("invalid")
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=clock.ZONE)
        return parsed.astimezone(UTC)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else value.isoformat()


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError(_l("This field is required."))


class FindingSchema(BaseSchema):
    description = fields.String(required=True, validate=[length(5000, 3), _not_blank])
    field_id = record_id(load_default=None)
    place = fields.String(load_default=None, validate=length(300))
    observed_at = LocalDateTime(required=True)
    severity = fields.String(required=True, validate=one_of(Severity))
    idempotency_key = fields.String(load_default=None, validate=length(64, 8))


class FindingEditSchema(FindingSchema):
    version = record_id(required=True)


class FindingDumpSchema(BaseSchema):
    id = fields.Integer()
    inspection_id = fields.Integer()
    author_id = fields.Integer()
    description = fields.String()
    field_id = fields.Integer(allow_none=True)
    place = fields.String(allow_none=True)
    observed_at = fields.DateTime()
    severity = fields.String()
    version = fields.Integer()
