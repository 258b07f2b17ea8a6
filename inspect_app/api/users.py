"""/me and /users: the caller, and the accounts (administrators)."""

from __future__ import annotations

from flask_login import current_user

from inspect_app.api.common import Kind, api_route, dump
from inspect_app.api.schemas import PageQuery, choice_field, enum_field, record_schema, text_field
from inspect_app.auth import operations as auth_operations
from inspect_app.auth import views as auth_views
from inspect_app.auth.models import User
from inspect_app.auth.queries import STATES
from inspect_app.auth.schemas import UserCreateSchema
from inspect_app.core.loading import get_or_404
from inspect_app.core.permissions import AUTHENTICATED
from inspect_app.core.roles import Role

UserOut = record_schema(
    "UserOut",
    User,
    "id username full_name email title role unit_id active locale version",
)


class UserQuery(PageQuery):
    q = text_field()
    role = enum_field(Role)
    state = choice_field(*STATES)


@api_route("/me", AUTHENTICATED, tag="users", response=UserOut)
def me():
    """The signed-in user (owner of the token).

    Who the token belongs to."""
    return dump(UserOut, current_user)


USER = Kind(
    "/users/<int:user_id>", "user", "users", lambda user_id: get_or_404(User, user_id), UserOut
)


@USER.listing(auth_views.users, query=UserQuery)
def users():
    """Accounts (administrators).

    Accounts filtered by text, role and state, like the administrators' page."""
    return auth_views.USERS.query()


USER.detail(auth_views.user_edit, "One account (administrators)", "One account; 404 when unknown.")


@USER.create(auth_views.user_new, UserCreateSchema)
def user_create(data):
    """Create an account (administrators).

    Create an account; 422 on bad input (taken username, weak password)."""
    return auth_operations.create_user(current_user, data)
