"""Signed-in sessions kept on the server, so that signing out really ends them.

The cookie carries a random session key; the database keeps its hash. A request is signed in
only while its key names a live session of that user: logout ends the session, a password
change or reset, a deactivation or a role change end all of the user's sessions, and the user
(or an administrator) can end them all. A session unused for IDLE_TIMEOUT_MINUTES has
expired: the server decides, so the cookie is not re-signed on every request. API tokens have
their own lifecycle (auth/tokens.py).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ForeignKey, Index, String, select, update
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from inspect_app.auth.models import User
from inspect_app.core import audit, clock
from inspect_app.core.models import UTCDateTime
from inspect_app.extensions import db

# The key's name in the signed cookie.
COOKIE_KEY = "sid"

# A session's last use is written at most this often (not on every request).
TOUCH_EVERY = timedelta(minutes=1)


class UserSession(db.Model):
    """One signed-in browser: when it started, from where, when it was last used, when it ended."""

    __tablename__ = "user_session"
    __table_args__ = (Index("ix_user_session_user_live", "user_id", "ended_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), nullable=False)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    user_agent: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    ip: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    def can_view(self, user) -> bool:
        """Its owner or an administrator."""
        return user.id == self.user_id or user.is_admin

    def can_end(self, user) -> bool:
        """Whoever may see it: its owner or an administrator."""
        return self.can_view(user)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()


def start(user: User, user_agent: str = "", ip: str = "") -> str:
    """Open a session for `user`; returns the key the cookie carries (only its hash is kept)."""
    key = secrets.token_urlsafe(32)
    now = clock.now()
    db.session.add(
        UserSession(
            user_id=user.id,
            key_hash=_hash(key),
            user_agent=(user_agent or "")[:200],
            ip=(ip or "")[:64],
            started_at=now,
            last_seen_at=now,
        )
    )
    db.session.flush()
    return key


def idle_limit() -> timedelta:
    """How long a session may go unused. Its last use is written at most every TOUCH_EVERY, so
    a session in steady use may expire up to that much early, never late."""
    return timedelta(minutes=current_app.config["IDLE_TIMEOUT_MINUTES"])


def expire_if_idle(found: UserSession) -> bool:
    """End `found` if it has gone unused for longer than the idle limit; whether it did."""
    now = clock.now()
    if now - found.last_seen_at <= idle_limit():
        return False
    found.ended_at = now
    return True


def live(user_id: int, key: str | None) -> UserSession | None:
    """The session of `user_id` named by `key` that has not ended (with its user, one query),
    else None; its last use is recorded at most once a minute."""
    if not key or not isinstance(key, str):
        return None
    found = db.session.execute(
        select(UserSession)
        .options(joinedload(UserSession.user))
        .where(
            UserSession.key_hash == _hash(key),
            UserSession.user_id == user_id,
            UserSession.ended_at.is_(None),
        )
    ).scalar_one_or_none()
    if found is not None and not expire_if_idle(found):
        now = clock.now()
        if now - found.last_seen_at >= TOUCH_EVERY:
            found.last_seen_at = now
    return found


def end(actor: User, sessions: list[UserSession], reason: str = "session_ended") -> int:
    """End these sessions (their cookies stop working at once); audited."""
    now = clock.now()
    ended = [s for s in sessions if s.ended_at is None]
    for s in ended:
        s.ended_at = now
    db.session.flush()
    for s in ended:
        audit.record(actor, s.user, reason, after={"session": s.id})
    return len(ended)


def end_all(actor: User | None, user: User, reason: str = "sessions_ended") -> int:
    """End every live session of `user` (password change or reset, deactivation, role change,
    "sign out everywhere"); audited once."""
    count = db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=clock.now())
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if count:
        audit.record(actor, user, reason, after={"sessions": count})
    return count


def active_for(user: User) -> list[UserSession]:
    """The user's live sessions (not ended, not idle), most recently used first."""
    return list(
        db.session.execute(
            select(UserSession)
            .where(
                UserSession.user_id == user.id,
                UserSession.ended_at.is_(None),
                UserSession.last_seen_at >= clock.now() - idle_limit(),
            )
            .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
        ).scalars()
    )
