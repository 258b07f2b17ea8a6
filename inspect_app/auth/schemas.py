"""What the account forms may send."""

from __future__ import annotations

from marshmallow import fields

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


class UserCreateSchema(BaseSchema):
    username = fields.String(required=True, validate=length(60, 3))
    full_name = fields.String(required=True, validate=length(120))
    email = Email(load_default=None, validate=length(200))
    title = fields.String(load_default=None, validate=length(120))
    role = fields.String(required=True, validate=one_of(Role))
    unit_id = record_id(load_default=None)
    locale = fields.String(load_default="vi", validate=one_of(("vi", "en")))
    password = fields.String(required=True, validate=length(200))


class UserEditSchema(BaseSchema):
    full_name = fields.String(required=True, validate=length(120))
    email = Email(load_default=None, validate=length(200))
    title = fields.String(load_default=None, validate=length(120))
    role = fields.String(required=True, validate=one_of(Role))
    unit_id = record_id(load_default=None)
    locale = fields.String(load_default="vi", validate=one_of(("vi", "en")))
    version = record_id(required=True)


class PasswordResetSchema(BaseSchema):
    password = fields.String(required=True, validate=length(200))


class UserDumpSchema(BaseSchema):
    id = fields.Integer()
    username = fields.String()
    full_name = fields.String()
    email = fields.String()
    title = fields.String()
    role = fields.String()
    unit_id = fields.Integer(allow_none=True)
    active = fields.Boolean()
