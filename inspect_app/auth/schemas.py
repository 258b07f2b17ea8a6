"""What the account forms may send."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validates_schema

from inspect_app.core.roles import Role
from inspect_app.core.schemas import BaseSchema, Email, length, one_of, record_id


class LoginSchema(BaseSchema):
    username = fields.String(required=True, validate=length(60))
    password = fields.String(required=True, validate=length(200))
    next = fields.String(load_default=None)


class PasswordChangeSchema(BaseSchema):
    current_password = fields.String(required=True, validate=length(200))
    password = fields.String(required=True, validate=length(200))
    password_confirm = fields.String(required=True, validate=length(200))

    @validates_schema
    def _same_twice(self, data, **kwargs):
        if data.get("password") != data.get("password_confirm"):
            raise ValidationError(str(_l("The two new passwords differ.")), "password_confirm")


class _UserFieldsSchema(BaseSchema):
    """What the administrator writes of a user, when creating it and when editing it."""

    full_name = fields.String(required=True, validate=length(120))
    email = Email(load_default=None, validate=length(200))
    title = fields.String(load_default=None, validate=length(120))
    role = fields.String(required=True, validate=one_of(Role))
    unit_id = record_id(load_default=None)
    locale = fields.String(load_default="vi", validate=one_of(("vi", "en")))


class UserCreateSchema(_UserFieldsSchema):
    username = fields.String(required=True, validate=length(60, 3))
    password = fields.String(required=True, validate=length(200))


class UserEditSchema(_UserFieldsSchema):
    version = record_id(required=True)


class PasswordResetSchema(BaseSchema):
    password = fields.String(required=True, validate=length(200))
