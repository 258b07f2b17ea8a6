"""State changes of users: sign-in with throttling, passwords, accounts (each audited)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select
from werkzeug.security import check_password_hash, generate_password_hash

from inspect_app.auth import sessions
from inspect_app.auth.models import LoginAttempt, User
from inspect_app.core import audit, clock, records
from inspect_app.core.errors import OperationError
from inspect_app.core.models import check_version
from inspect_app.core.roles import Role
from inspect_app.extensions import db
from inspect_app.units.models import Unit

USER_FIELDS = ("username", "full_name", "email", "title", "role", "unit_id", "active", "locale")
MIN_PASSWORD = 10


@dataclass
class LoginResult:
    """The outcome of a sign-in attempt: the user, or a message and the HTTP status to answer."""

    user: User | None
    error: str | None = None
    status: int = 200


@cache
def _dummy_hash() -> str:
    return generate_password_hash("not-a-password-of-anyone", method="scrypt")


def _failures_since(username: str, ip: str, since) -> tuple[int, int]:
    """Failed attempts since `since` for the account and for the client address."""
    row = db.session.execute(
        select(
            func.count().filter(LoginAttempt.username == username),
            func.count().filter(LoginAttempt.ip == ip),
        ).where(
            LoginAttempt.at >= since,
            LoginAttempt.success.is_(False),
            or_(LoginAttempt.username == username, LoginAttempt.ip == ip),
        )
    ).one()
    return row[0], row[1]


def authenticate(username: str, password: str, ip: str) -> LoginResult:
    """Check a sign-in; failures are recorded (the caller commits) and throttle after N."""
    username = (username or "").strip().lower()[:60]
    cfg = current_app.config
    window = timedelta(minutes=cfg["LOGIN_LOCK_MINUTES"])
    now = clock.now()
    by_user, by_ip = _failures_since(username, ip, now - window)
    if max(by_user, by_ip) >= cfg["LOGIN_MAX_FAILURES"]:
        message = _(
            "Too many failed sign-in attempts. Try again in %(minutes)d minutes.",
            minutes=cfg["LOGIN_LOCK_MINUTES"],
        )
        return LoginResult(None, message, 429)
    user = db.session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        # Spend the same time as for a wrong password, so that timing does not reveal which
        # usernames exist.
        check_password_hash(_dummy_hash(), password or "")
    ok = user is not None and user.check_password(password or "")
    db.session.add(LoginAttempt(username=username, ip=ip, at=now, success=ok and user.active))
    if not ok:
        audit.record(None, user, "login_failed", note=f"{username} from {ip}", object_type="User")
        return LoginResult(None, _("Wrong username or password."), 401)
    if not user.active:
        audit.record(None, user, "login_refused_inactive", note=ip)
        return LoginResult(None, _("This account is disabled. Contact the administrator."), 403)
    audit.record(user, user, "login", note=ip)
    return LoginResult(user)


def purge_login_attempts(older_than_days: int = 30) -> int:
    """Delete old login attempts (kept only for throttling)."""
    cutoff = clock.now() - timedelta(days=older_than_days)
    result = db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < cutoff))
    return result.rowcount or 0


def validate_password(user_or_name, password: str) -> None:
    name = getattr(user_or_name, "username", user_or_name) or ""
    if len(password or "") < MIN_PASSWORD:
        raise OperationError(
            _("The password must have at least %(n)d characters.", n=MIN_PASSWORD),
            field="password",
        )
    if name and name.lower() in password.lower():
        raise OperationError(_("The password must not contain the username."), field="password")


def change_password(user: User, current: str, new: str) -> None:
    """The user changes their own password (the current one is required)."""
    if not user.check_password(current or ""):
        raise OperationError(_("The current password is wrong."), field="current_password")
    validate_password(user, new)
    user.set_password(new)
    user.password_changed_at = clock.now()
    audit.record(user, user, "password_changed")
    sessions.end_all(user, user)


def _check_unit(role: Role, unit_id: int | None) -> None:
    if role == Role.UNIT_LEADER and not unit_id:
        raise OperationError(_("A unit leader must belong to a unit."), field="unit_id")
    if unit_id is not None and db.session.get(Unit, unit_id) is None:
        raise OperationError(_("Unknown unit."), field="unit_id")


def _keep_a_chief_inspector(user: User, role: Role, active: bool) -> None:
    """The inspectorate always has an active Chief Inspector (who issues plans, decisions and
    conclusions): refuse the change that would take away the last one."""
    if not (user.role == Role.LEADERSHIP and user.active) or (role == Role.LEADERSHIP and active):
        return
    others = db.session.scalar(
        select(func.count(User.id)).where(
            User.role == Role.LEADERSHIP, User.active.is_(True), User.id != user.id
        )
    )
    if not others:
        raise OperationError(
            _("This is the only active Chief Inspector account: create or activate another first."),
            field="role",
        )


def create_user(actor: User | None, data: dict, password_hash: str | None = None) -> User:
    """Create an account (admin page, CLI or seed); `password_hash`: the password's hash
    computed beforehand (the demo accounts share one)."""
    username = data["username"].strip().lower()
    if db.session.execute(select(User.id).where(User.username == username)).first():
        raise OperationError(_("This username is already taken."), field="username")
    role = Role(data["role"])
    unit_id = data.get("unit_id") if role == Role.UNIT_LEADER or data.get("unit_id") else None
    _check_unit(role, unit_id)
    validate_password(username, data["password"])
    user = User(
        username=username,
        full_name=data["full_name"],
        email=data.get("email"),
        title=data.get("title"),
        role=role,
        unit_id=unit_id,
        locale=data.get("locale") or "vi",
        active=True,
    )
    if password_hash is None:
        user.set_password(data["password"])
    else:
        user.password_hash = password_hash
    return records.add(actor, user, "user_created", USER_FIELDS)


def update_user(actor: User, user: User, data: dict) -> User:
    """Edit an account's details and role (admin)."""
    check_version(user, data.get("version"))
    before = audit.snapshot(user, USER_FIELDS)
    role = Role(data.get("role", user.role))
    unit_id = data.get("unit_id")
    _check_unit(role, unit_id)
    if user.id == actor.id and role != Role.ADMIN:
        raise OperationError(_("You cannot remove your own administrator role."), field="role")
    _keep_a_chief_inspector(user, role, user.active)
    user.full_name = data.get("full_name", user.full_name)
    user.email = data.get("email")
    user.title = data.get("title")
    scope_changed = user.id != actor.id and (user.role, user.unit_id) != (role, unit_id)
    user.role = role
    user.unit_id = unit_id
    user.locale = data.get("locale") or user.locale
    db.session.flush()
    audit.record(
        actor, user, "user_updated", before=before, after=audit.snapshot(user, USER_FIELDS)
    )
    if scope_changed:  # what the user may see or do changed: their sessions start again
        sessions.end_all(actor, user)
    return user


def set_active(actor: User, user: User, active: bool) -> User:
    """Deactivate or reactivate an account (admin); one cannot deactivate oneself."""
    if user.id == actor.id and not active:
        raise OperationError(_("You cannot deactivate your own account."))
    _keep_a_chief_inspector(user, user.role, active)
    records.set_active(actor, user, active, "user")
    if not active:
        sessions.end_all(actor, user)
    return user


def reset_password(actor: User, user: User, new_password: str) -> None:
    """An administrator sets a new password for a user."""
    validate_password(user, new_password)
    user.set_password(new_password)
    user.password_changed_at = clock.now()
    audit.record(actor, user, "password_reset")
    sessions.end_all(actor, user)


def set_locale(user: User, locale: str) -> None:
    """The user picks the interface language."""
    if locale not in current_app.config["LANGUAGES"]:
        raise OperationError(_("Unknown language."))
    before = {"locale": user.locale}
    user.locale = locale
    audit.record(user, user, "locale_changed", before, {"locale": locale})
