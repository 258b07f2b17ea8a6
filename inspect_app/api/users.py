"""/me and /users: the caller, and the accounts (administrators)."""

from __future__ import annotations

from flask import request
from flask_login import current_user
from marshmallow import Schema, fields

from inspect_app.api.common import bp, create, dump, dump_page, same_as
from inspect_app.api.schemas import PageQuery, choice_field, enum_field, page_schema, text_field
from inspect_app.api.spec import doc
from inspect_app.auth import operations as auth_operations
from inspect_app.auth import views as auth_views
from inspect_app.auth.models import User
from inspect_app.auth.queries import STATES, UserFilters, user_list
from inspect_app.auth.schemas import UserCreateSchema
from inspect_app.core.loading import get_or_404
from inspect_app.core.permissions import AUTHENTICATED, access
from inspect_app.core.roles import Role


class UserOut(Schema):
    id = fields.Integer(required=True)
    username = fields.String(required=True)
    full_name = fields.String(required=True)
    email = fields.String(allow_none=True)
    title = fields.String(allow_none=True)
    role = enum_field(Role, required=True)
    unit_id = fields.Integer(allow_none=True)
    active = fields.Boolean(required=True)
    locale = fields.String(required=True)
    version = fields.Integer(required=True)


class UserQuery(PageQuery):
    q = text_field()
    role = enum_field(Role)
    state = choice_field(*STATES)


@bp.route("/me")
@access(AUTHENTICATED)
@doc("The signed-in user (owner of the token)", tag="users", response=UserOut)
def me():
    """Who the token belongs to."""
    return dump(UserOut, current_user)


@bp.route("/users")
@same_as(auth_views.users)
@doc("Accounts (administrators)", tag="users", query=UserQuery, response=page_schema(UserOut))
def users():
    """Accounts filtered by text, role and state, like the administrators' page."""
    return dump_page(UserOut, user_list(UserFilters.from_args(request.args)))


@bp.route("/users/<int:user_id>")
@same_as(auth_views.user_edit)
@doc("One account (administrators)", tag="users", response=UserOut)
def user(user_id: int):
    """One account; 404 when unknown."""
    return dump(UserOut, get_or_404(User, user_id))


create(
    "/users",
    "user_create",
    auth_views.user_new,
    UserCreateSchema,
    lambda data: auth_operations.create_user(current_user, data),
    "Create an account (administrators)",
    tag="users",
    response=UserOut,
    docstring="Create an account; 422 on bad input (taken username, weak password).",
)
