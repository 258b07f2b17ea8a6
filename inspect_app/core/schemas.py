"""Base marshmallow schema with translated messages, and validators shared by features."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, fields, validate


class BaseSchema(Schema):
    """Ignores unknown form keys (buttons, CSRF) and speaks the user's language."""

    class Meta:
        unknown = EXCLUDE


def translate_marshmallow_messages() -> None:
    """Make marshmallow's built-in messages translatable (called once at app creation)."""
    fields.Field.default_error_messages = {
        "required": _l("This field is required."),
        "null": _l("This field is required."),
        "validator_failed": _l("Invalid value."),
    }
    fields.String.default_error_messages = {"invalid": _l("Not a valid text.")}
    fields.Integer.default_error_messages = {
        "invalid": _l("Not a valid whole number."),
        "too_large": _l("Number too large."),
    }
    fields.Decimal.default_error_messages = {
        "invalid": _l("Not a valid number."),
        "special": _l("Not a valid number."),
    }
    fields.Date.default_error_messages = {
        "invalid": _l("Not a valid date."),
        "format": _l("Not a valid date."),
    }
    fields.DateTime.default_error_messages = {
        "invalid": _l("Not a valid date and time."),
        "format": _l("Not a valid date and time."),
    }
    fields.Email.default_error_messages = {"invalid": _l("Not a valid e-mail address.")}
    fields.Boolean.default_error_messages = {"invalid": _l("Not a valid yes/no value.")}
    fields.List.default_error_messages = {"invalid": _l("Not a valid list.")}


def length(max_: int, min_: int = 1) -> validate.Length:
    return validate.Length(
        min=min_, max=max_, error=_l("Must be between {min} and {max} characters.")
    )


def one_of(choices) -> validate.OneOf:
    return validate.OneOf([str(c) for c in choices], error=_l("Not a valid choice."))


class MultiValue(fields.List):
    """A list built from a repeated form key (checkboxes, multi-selects)."""

    many_values = True
