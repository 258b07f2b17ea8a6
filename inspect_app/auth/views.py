"""Sign-in, sign-out, password change, language, and the administrators' user pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, or_, select

from inspect_app.auth import operations
from inspect_app.auth import tokens as token_operations
from inspect_app.auth.models import User
from inspect_app.auth.schemas import (
    LoginSchema,
    PasswordChangeSchema,
    PasswordResetSchema,
    UserCreateSchema,
    UserEditSchema,
)
from inspect_app.auth.tokens import ApiToken, TokenCreateSchema, active_tokens
from inspect_app.core import clock
from inspect_app.core.errors import OperationError
from inspect_app.core.forms import load_form
from inspect_app.core.htmx import redirect_to, render
from inspect_app.core.loading import get_or_404
from inspect_app.core.pagination import paginate
from inspect_app.core.permissions import AUTHENTICATED, PUBLIC, access
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
            db.session.commit()
            if result.user:
                session.clear()
                login_user(result.user)
                session["last_seen"] = clock.now().timestamp()
                session["lang"] = result.user.locale
                return redirect(_safe_next(data.get("next")) or url_for("home.index"), 303)
            return render("auth/login.html", status=result.status, form=form, error=result.error)
        return render("auth/login.html", status=422, form=form, errors=errors)
    return render("auth/login.html", form=form, errors=errors)


def _client_ip() -> str:
    return (request.remote_addr or "unknown")[:64]


@bp.route("/logout", methods=["POST"])
@access(AUTHENTICATED)
def logout():
    """Sign out and forget the session."""
    lang = session.get("lang")
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
        db.session.commit()
    return redirect(_safe_next(request.form.get("next")) or url_for("home.index"), 303)


@bp.route("/account/password", methods=["GET", "POST"])
@access(AUTHENTICATED)
def change_password():
    """The signed-in user changes their password (422 with messages on bad input)."""
    errors: dict = {}
    if request.method == "POST":
        data, errors = load_form(PasswordChangeSchema())
        if data and data["password"] != data["password_confirm"]:
            errors = {"password_confirm": [_("The two new passwords differ.")]}
        if data and not errors:
            try:
                operations.change_password(current_user, data["current_password"], data["password"])
            except OperationError as e:
                db.session.rollback()
                errors = {e.field or "_schema": [str(e.message)]}
            else:
                db.session.commit()
                flash(_("Your password has been changed."), "success")
                return redirect(url_for("home.index"), 303)
        return render("auth/password.html", status=422, errors=errors)
    return render("auth/password.html", errors=errors)


# --- personal API tokens ---------------------------------------------------------------------


def _tokens_page(status: int = 200, errors: dict | None = None, form=None, new_secret=None):
    from flask_babel import lazy_gettext as _l

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
    data, errors = load_form(TokenCreateSchema())
    if data:
        try:
            _token, secret = token_operations.create_token(
                current_user, data["name"], int(data["days"]) or None
            )
        except OperationError as e:
            db.session.rollback()
            errors = {e.field or "_schema": [str(e.message)]}
        else:
            db.session.commit()
            return _tokens_page(new_secret=secret)
    return _tokens_page(422, errors, request.form)


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@access(AUTHENTICATED)
def token_revoke(token_id: int):
    """Revoke one of the user's tokens (404 for another user's)."""
    token = get_or_404(ApiToken, token_id)
    if token.user_id != current_user.id:
        abort(404)
    token_operations.revoke_token(current_user, token)
    db.session.commit()
    flash(_("The token has been revoked."), "success")
    return redirect_to("auth.tokens")


# --- administration of users -------------------------------------------------------------


def _units() -> list[Unit]:
    return list(db.session.execute(select(Unit).order_by(Unit.name)).scalars())


@bp.route("/admin/users")
@access(Role.ADMIN)
def users():
    """List of accounts, filtered by text, role and state."""
    # NUL cannot be sent to PostgreSQL; % and _ are searched for literally (autoescape).
    q = (request.args.get("q") or "").replace("\x00", "").strip()[:100]
    role = request.args.get("role") or ""
    state = request.args.get("state") or ""
    stmt = select(User).order_by(User.full_name, User.id)
    if q:
        needle = q.lower()
        stmt = stmt.where(
            or_(
                func.lower(User.username).contains(needle, autoescape=True),
                func.lower(User.full_name).contains(needle, autoescape=True),
            )
        )
    if role in {r.value for r in Role}:
        stmt = stmt.where(User.role == Role(role))
    if state in ("active", "inactive"):
        stmt = stmt.where(User.active.is_(state == "active"))
    page = paginate(stmt)
    filters = {"q": q, "role": role, "state": state}
    return render("admin/users.html", "admin/_users_table.html", page=page, filters=filters)


def _user_form(template_user: User | None, errors: dict, status: int = 200):
    return render(
        "admin/user_form.html",
        status=status,
        user=template_user,
        units=_units(),
        roles=list(Role),
        errors=errors,
        form=request.form,
    )


@bp.route("/admin/users/new", methods=["GET", "POST"])
@access(Role.ADMIN)
def user_new():
    """Create an account (422 with messages on bad input)."""
    if request.method == "GET":
        return _user_form(None, {})
    data, errors = load_form(UserCreateSchema())
    if data:
        try:
            user = operations.create_user(current_user, data)
        except OperationError as e:
            db.session.rollback()
            errors = {e.field or "_schema": [str(e.message)]}
        else:
            db.session.commit()
            flash(_("Account %(name)s created.", name=user.username), "success")
            return redirect(url_for("auth.users"), 303)
    return _user_form(None, errors, 422)


def _get_user(user_id: int) -> User:
    return get_or_404(User, user_id)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@access(Role.ADMIN)
def user_edit(user_id: int):
    """Edit an account; a stale form gets 409 and the current values."""
    user = _get_user(user_id)
    if request.method == "GET":
        return _user_form(user, {})
    data, errors = load_form(UserEditSchema())
    if data:
        try:
            operations.update_user(current_user, user, data)
        except OperationError as e:
            db.session.rollback()
            if e.status == 409:
                flash(str(e.message), "error")
                return render(
                    "admin/user_form.html",
                    status=409,
                    user=_get_user(user_id),
                    units=_units(),
                    roles=list(Role),
                    errors={},
                    form={},
                )
            errors = {e.field or "_schema": [str(e.message)]}
        else:
            db.session.commit()
            flash(_("Account %(name)s saved.", name=user.username), "success")
            return redirect(url_for("auth.users"), 303)
    return _user_form(user, errors, 422)


@bp.route("/admin/users/<int:user_id>/active", methods=["POST"])
@access(Role.ADMIN)
def user_active(user_id: int):
    """Deactivate or reactivate an account."""
    user = _get_user(user_id)
    operations.set_active(current_user, user, request.form.get("active") == "1")
    db.session.commit()
    flash(
        _("Account %(name)s activated.", name=user.username)
        if user.active
        else _("Account %(name)s deactivated.", name=user.username),
        "success",
    )
    return redirect(url_for("auth.user_edit", user_id=user.id), 303)


@bp.route("/admin/users/<int:user_id>/password", methods=["POST"])
@access(Role.ADMIN)
def user_password(user_id: int):
    """Set a new password for an account (422 when too weak)."""
    user = _get_user(user_id)
    data, errors = load_form(PasswordResetSchema())
    if data:
        try:
            operations.reset_password(current_user, user, data["password"])
        except OperationError as e:
            db.session.rollback()
            errors = {"password": [str(e.message)]}
        else:
            db.session.commit()
            flash(_("The password of %(name)s has been reset.", name=user.username), "success")
            return redirect(url_for("auth.user_edit", user_id=user.id), 303)
    return render(
        "admin/user_form.html",
        status=422,
        user=user,
        units=_units(),
        roles=list(Role),
        errors={},
        reset_errors=errors,
        form={},
    )
