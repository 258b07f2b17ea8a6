"""Base marshmallow schema with translated messages, and validators shared by features."""

from __future__ import annotations

import re
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    pre_load,
    validate,
    validates_schema,
)

# Control characters other than tab and newlines: PostgreSQL refuses NUL in text (a 500 instead
# of a message), and none of them belongs in a form value.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Ids and versions are PostgreSQL `integer` columns: a larger number cannot name a record.
MAX_ID = 2**31 - 1

# Dates a record of an inspectorate can carry, in forms, bodies and query strings alike: beyond
# them date arithmetic overflows (year 1 or 9999 plus a few days) and nothing real is meant.
MIN_DATE = date(1901, 1, 1)
MAX_DATE = date(2199, 12, 31)


def _has_control_chars(value) -> bool:
    if isinstance(value, str):
        return bool(_CONTROL_CHARS.search(value))
    if isinstance(value, list | tuple):
        return any(_has_control_chars(v) for v in value)
    return False


class BaseSchema(Schema):
    """Ignores unknown form keys (buttons, CSRF), refuses control characters, speaks the user's
    language."""

    class Meta:
        unknown = EXCLUDE

    @pre_load
    def _refuse_control_characters(self, data, **kwargs):
        if isinstance(data, dict):
            keys = {field.data_key or name for name, field in self.load_fields.items()}
            bad = [key for key, value in data.items() if key in keys and _has_control_chars(value)]
            if bad:
                message = str(_l("Contains characters that are not allowed."))
                raise ValidationError({key: [message] for key in bad})
        return data

    @validates_schema
    def _refuse_dates_out_of_range(self, data, **kwargs):
        """Every date and datetime of every form and body lies within [MIN_DATE, MAX_DATE]."""
        bad = [
            name
            for name, value in data.items()
            if isinstance(value, date)
            and not MIN_DATE <= (value.date() if isinstance(value, datetime) else value) <= MAX_DATE
        ]
        if bad:
            message = str(
                _l(
                    "Enter a date between %(start)s and %(end)s.",
                    start=MIN_DATE.strftime("%d/%m/%Y"),
                    end=MAX_DATE.strftime("%d/%m/%Y"),
                )
            )
            raise ValidationError({name: [message] for name in bad})


def translate_marshmallow_messages() -> None:
    """Make marshmallow's built-in messages translatable.

    A field copies its class's messages when it is created, that is when a schema class is
    defined: so this runs when this module is imported, before any feature defines a schema
    (every schema imports BaseSchema from here). create_app calls it again; it is idempotent.
    Messages are merged into each class's own, so that keys not named here keep working.
    (marshmallow's Email and URL fields insist on plain strings: use `Email` below.)
    """
    messages = {
        fields.Field: {
            "required": _l("This field is required."),
            "null": _l("This field is required."),
            "validator_failed": _l("Invalid value."),
        },
        fields.String: {"invalid": _l("Not a valid text.")},
        fields.Integer: {
            "invalid": _l("Not a valid whole number."),
            "too_large": _l("Number too large."),
        },
        fields.Decimal: {
            "invalid": _l("Not a valid number."),
            "special": _l("Not a valid number."),
        },
        fields.Date: {
            "invalid": _l("Not a valid date."),
            "format": _l("Not a valid date."),
        },
        fields.DateTime: {
            "invalid": _l("Not a valid date and time."),
            "format": _l("Not a valid date and time."),
        },
        fields.Boolean: {"invalid": _l("Not a valid yes/no value.")},
        fields.List: {"invalid": _l("Not a valid list.")},
    }
    for cls, translated in messages.items():
        cls.default_error_messages = {**vars(cls).get("default_error_messages", {}), **translated}


translate_marshmallow_messages()


def length(max_: int, min_: int = 1) -> validate.Length:
    return validate.Length(
        min=min_, max=max_, error=_l("Must be between {min} and {max} characters.")
    )


def one_of(choices) -> validate.OneOf:
    return validate.OneOf([str(c) for c in choices], error=_l("Not a valid choice."))


class _EmailValidator(validate.Email):
    def _format_error(self, value) -> str:
        return str(_l("Not a valid e-mail address."))


class Email(fields.String):
    """An e-mail address whose error message is translated (marshmallow's cannot be)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.insert(0, _EmailValidator())


def record_id(**kwargs) -> fields.Integer:
    """A record id (or version) sent by a form: a positive whole number that fits the column."""
    kwargs.setdefault("strict", False)
    kwargs.setdefault(
        "validate", validate.Range(min=1, max=MAX_ID, error=_l("Not a valid choice."))
    )
    return fields.Integer(**kwargs)


class VersionedSchema(BaseSchema):
    """A change to a stored record: the version the form was built on (see `check_version`).

    Features subclass it under their own names, which the API document shows."""

    version = record_id(required=True)


class ReasonedSchema(VersionedSchema):
    """A change to a stored record that must say why."""

    reason = fields.String(required=True, validate=length(2000))


class MultiValue(fields.List):
    """A list built from a repeated form key (checkboxes, multi-selects)."""

    many_values = True
