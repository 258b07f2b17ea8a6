"""Sign-in, sign-out, password change, language, and the administrators' user pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from inspect_app.auth import calendar, operations, sessions
from inspect_app.auth import tokens as token_operations
from inspect_app.auth.models import User
from inspect_app.auth.queries import UserFilters, user_list
from inspect_app.auth.schemas import (
    LoginSchema,
    PasswordChangeSchema,
    PasswordResetSchema,
    UserCreateSchema,
    UserEditSchema,
)
from inspect_app.auth.tokens import ApiToken, TokenCreateSchema, active_tokens
from inspect_app.core.actions import form_action, keep_changes
from inspect_app.core.crud import edit_page, record_form, typed_input
from inspect_app.core.errors import OperationError
from inspect_app.core.forms import load_form
from inspect_app.core.htmx import redirect_to, render
from inspect_app.core.loading import get_or_404, get_visible_or_404
from inspect_app.core.pagination import FilteredList
from inspect_app.core.permissions import AUTHENTICATED, PUBLIC, access, require
from inspect_app.core.roles import Role
from inspect_app.extensions import db, limiter
from inspect_app.units.models import Unit

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths are followed after sign-in."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    # Browsers read "/\\host" as "//host" and drop tabs and newlines inside URLs.
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@access(PUBLIC)
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
def login():
    """Sign-in form; 401 on wrong credentials, 403 disabled, 429 throttled, 422 bad input."""
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("home.index"))
    errors: dict = {}
    form = request.form if request.method == "POST" else {"next": request.args.get("next")}
    if request.method == "POST":
        data, errors = load_form(LoginSchema())
        if data:
            result = operations.authenticate(data["username"], data["password"], _client_ip())
            if result.user:
                sign_in(result.user)
                return redirect(_safe_next(data.get("next")) or url_for("home.index"), 303)
            keep_changes()  # the failed attempt is recorded: it counts towards the throttle
            return render("auth/login.html", status=result.status, form=form, error=result.error)
        return render("auth/login.html", status=422, form=form, errors=errors)
    return render("auth/login.html", form=form, errors=errors)


def _client_ip() -> str:
    return (request.remote_addr or "unknown")[:64]


def sign_in(user: User) -> None:
    """Sign `user` in on this browser: a fresh cookie session naming a new server-side
    session, in the user's language (the login form's success; the tests' `login_as`)."""
    session.clear()
    login_user(user)
    _open_session(user)
    session["lang"] = user.locale


def _open_session(user: User) -> None:
    """A new server-side session for this browser; the cookie names it."""
    session[sessions.COOKIE_KEY] = sessions.start(
        user, request.headers.get("User-Agent", ""), _client_ip()
    )


@bp.route("/logout", methods=["POST"])
@access(AUTHENTICATED)
def logout():
    """Sign out and forget the session."""
    lang = session.get("lang")
    current = g.get("user_session")
    if current is not None:
        sessions.end(current_user, [current], "signed_out")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You have signed out."), "info")
    return redirect_to("auth.login")


@bp.route("/language", methods=["POST"])
@access(PUBLIC)
def language():
    """Switch the interface language (remembered on the account when signed in)."""
    lang = request.form.get("lang", "vi")
    if lang not in current_app.config["LANGUAGES"]:
        raise OperationError(_("Unknown language."), status=400)
    session["lang"] = lang
    if current_user.is_authenticated:
        operations.set_locale(current_user, lang)
    return redirect(_safe_next(request.form.get("next")) or url_for("home.index"), 303)


@bp.route("/account/password", methods=["GET", "POST"])
@access(AUTHENTICATED)
def change_password():
    """The signed-in user changes their password (422 with messages on bad input)."""
    return edit_page(
        PasswordChangeSchema(),
        lambda data: operations.change_password(
            current_user, data["current_password"], data["password"]
        ),
        form=lambda status, errors: render("auth/password.html", status=status, errors=errors),
        done=_signed_in_again,
        message=_("Your password has been changed. Your other sessions have been signed out."),
    )


def _signed_in_again(_result=None):
    """After the user's sessions were ended (password changed, "sign out everywhere"), this
    browser continues in a new session; every older cookie is refused."""
    _open_session(current_user)
    return redirect_to("auth.account_sessions")


# --- signed-in sessions ----------------------------------------------------------------------


@bp.route("/account/sessions")
@access(AUTHENTICATED)
def account_sessions():
    """The user's signed-in sessions (device, address, last use), this one marked."""
    return render(
        "auth/sessions.html",
        sessions=sessions.active_for(current_user),
        current=g.get("user_session"),
    )


@bp.route("/account/sessions/<int:session_id>/end", methods=["POST"])
@access(AUTHENTICATED)
def account_session_end(session_id: int):
    """Sign out one of the user's sessions (404 for another user's); ending this one signs out."""
    target = get_visible_or_404(sessions.UserSession, session_id)
    require(target.can_end(current_user))
    if target is g.get("user_session"):
        return logout()
    sessions.end(current_user, [target])
    flash(_("That session has been signed out."), "success")
    return redirect_to("auth.account_sessions")


@bp.route("/account/sessions/end-all", methods=["POST"])
@access(AUTHENTICATED)
def account_sessions_end_all():
    """Sign out every other session of the user; this browser continues in a new one."""
    sessions.end_all(current_user, current_user)
    flash(_("All your other sessions have been signed out."), "success")
    return _signed_in_again()


# --- personal API tokens ---------------------------------------------------------------------


def _tokens_page(status: int = 200, errors: dict | None = None, form=None, new_secret=None):

    choices = [
        ("30", _l("30 days")),
        ("90", _l("90 days")),
        ("365", _l("1 year")),
        ("0", _l("No expiry")),
    ]
    response = render(
        "auth/tokens.html",
        status=status,
        tokens=active_tokens(current_user),
        errors=errors or {},
        form=form if form is not None else {},
        expiry_choices=choices,
        new_secret=new_secret,
    )
    # The page may show a secret once: never keep it in a cache.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/account/tokens", methods=["GET", "POST"])
@access(AUTHENTICATED)
def tokens():
    """The user's API tokens; POST creates one and shows its secret once (422 bad input)."""
    if request.method == "GET":
        return _tokens_page()
    return form_action(
        TokenCreateSchema(),
        lambda data: token_operations.create_token(
            current_user, data["name"], int(data["days"]) or None
        ),
        page=lambda status, errors: _tokens_page(status, errors, typed_input(status)),
        done=lambda created: _tokens_page(new_secret=created[1]),
    )


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@access(AUTHENTICATED)
def token_revoke(token_id: int):
    """Revoke one of the user's tokens (404 for another user's)."""
    token = get_or_404(ApiToken, token_id)
    if token.user_id != current_user.id:
        abort(404)
    token_operations.revoke_token(current_user, token)
    flash(_("The token has been revoked."), "success")
    return redirect_to("auth.tokens")


# --- the deadline calendar feed ---------------------------------------------------------------


def _calendar_page(new_secret: str | None = None):
    response = render(
        "auth/calendar.html", feed=calendar.feed_of(current_user), new_secret=new_secret
    )
    response.headers["Cache-Control"] = "no-store"  # may show the secret link once
    return response


@bp.route("/account/calendar", methods=["GET", "POST"])
@access(AUTHENTICATED)
def calendar_feed():
    """The user's deadline calendar subscription; POST issues or regenerates its secret link
    (shown once; the previous link stops working)."""
    if request.method == "GET":
        return _calendar_page()
    return _calendar_page(new_secret=calendar.issue_feed(current_user))


@bp.route("/account/calendar/revoke", methods=["POST"])
@access(AUTHENTICATED)
def calendar_feed_revoke():
    """Revoke the user's calendar link: calendar programs get 404 from now on."""
    if calendar.revoke_feed(current_user):
        flash(_("The calendar link has been revoked."), "success")
    return redirect_to("auth.calendar_feed")


# --- administration of users -------------------------------------------------------------


def _units() -> list[Unit]:
    return list(db.session.execute(select(Unit).order_by(Unit.name)).scalars())


#: The list of accounts: its page and the API's listing.
USERS = FilteredList(
    UserFilters.from_args, user_list, "admin/users.html", "admin/_users_table.html"
)


@bp.route("/admin/users")
@access(Role.ADMIN)
def users():
    """List of accounts, filtered by text, role and state."""
    return USERS.page(roles=list(Role))


def _user_form(user: User | None, **extra):
    """The account form: page(status, errors) for `edit_page` and `form_action`."""
    return record_form(
        "admin/user_form.html",
        user=user,
        units=_units(),
        roles=list(Role),
        sessions=sessions.active_for(user) if user else [],
        **extra,
    )


@bp.route("/admin/users/new", methods=["GET", "POST"])
@access(Role.ADMIN)
def user_new():
    """Create an account (422 with messages on bad input)."""
    return edit_page(
        UserCreateSchema(),
        lambda data: operations.create_user(current_user, data),
        form=_user_form(None),
        done=lambda _user: redirect_to("auth.users"),
        message=lambda user: _("Account %(name)s created.", name=user.username),
    )


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@access(Role.ADMIN)
def user_edit(user_id: int):
    """Edit an account; a stale form gets 409 and the current values."""
    user = get_or_404(User, user_id)
    return edit_page(
        UserEditSchema(),
        lambda data: operations.update_user(current_user, user, data),
        form=_user_form(user),
        done=lambda _user: redirect_to("auth.users"),
        message=lambda saved: _("Account %(name)s saved.", name=saved.username),
    )


@bp.route("/admin/users/<int:user_id>/sessions/end-all", methods=["POST"])
@access(Role.ADMIN)
def user_sessions_end_all(user_id: int):
    """Sign out every session of an account (an administrator)."""
    user = get_or_404(User, user_id)
    count = sessions.end_all(current_user, user)
    flash(
        _("Sessions of %(name)s signed out: %(count)d.", name=user.username, count=count), "success"
    )
    return redirect_to("auth.user_edit", user_id=user.id)


@bp.route("/admin/users/<int:user_id>/active", methods=["POST"])
@access(Role.ADMIN)
def user_active(user_id: int):
    """Deactivate or reactivate an account; 422 for one's own account."""
    user = get_or_404(User, user_id)
    operations.set_active(current_user, user, request.form.get("active") == "1")
    flash(
        _("Account %(name)s activated.", name=user.username)
        if user.active
        else _("Account %(name)s deactivated.", name=user.username),
        "success",
    )
    return redirect_to("auth.user_edit", user_id=user.id)


@bp.route("/admin/users/<int:user_id>/password", methods=["POST"])
@access(Role.ADMIN)
def user_password(user_id: int):
    """Set a new password for an account (422 when too weak)."""
    user = get_or_404(User, user_id)

    def again(status: int, errors: dict):
        messages = [m for field_messages in errors.values() for m in field_messages]
        return _user_form(user, reset_errors={"password": messages})(status, {})

    return form_action(
        PasswordResetSchema(),
        lambda data: operations.reset_password(current_user, user, data["password"]),
        page=again,
        done=lambda _none: redirect_to("auth.user_edit", user_id=user.id),
        message=_("The password of %(name)s has been reset.", name=user.username),
    )
