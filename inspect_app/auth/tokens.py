"""Personal API tokens: created and revoked by their owner on the account page, stored only as a
SHA-256 hash, carrying their owner's own permissions. The API authenticates with them."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask_babel import gettext as _
from marshmallow import fields
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspect_app.auth.models import User
from inspect_app.core import audit, clock
from inspect_app.core.errors import Forbidden, OperationError
from inspect_app.core.models import UTCDateTime
from inspect_app.core.schemas import BaseSchema, length, one_of
from inspect_app.extensions import db


class ApiToken(db.Model):
    """A bearer token carrying its owner's own permissions; the secret is shown only once."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    # The first characters of the token, so that the owner can tell their tokens apart.
    prefix: Mapped[str] = mapped_column(String(16), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    def is_usable(self, now: datetime) -> bool:
        """Not revoked, not expired, and its owner's account is active."""
        if self.revoked_at is not None:
            return False
        if self.expires_at is not None and self.expires_at <= now:
            return False
        return bool(self.user and self.user.active)


# --- the token form (account page) -------------------------------------------------------------

TOKEN_EXPIRY_DAYS = ("30", "90", "365", "0")  # 0: never expires


class TokenCreateSchema(BaseSchema):
    name = fields.String(required=True, validate=length(100))
    days = fields.String(load_default="90", validate=one_of(TOKEN_EXPIRY_DAYS))


# --- operations ----------------------------------------------------------------------------------

TOKEN_PREFIX = "itk_"  # noqa: S105  # nosec B105 - a public marker, not a secret
MAX_ACTIVE_TOKENS = 20


def hash_token(secret: str) -> str:
    """The stored form of a token: its SHA-256 (tokens are long random values, no salt needed)."""
    return hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()


def active_tokens(user) -> list[ApiToken]:
    """The user's tokens that are neither revoked nor expired, newest first."""
    now = clock.now()
    tokens = db.session.execute(
        select(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.id.desc())
    ).scalars()
    return [t for t in tokens if t.expires_at is None or t.expires_at > now]


def create_token(actor, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """Create a token for `actor` itself; returns (token, secret). 422 when too many exist."""
    name = (name or "").strip()
    if not name:
        raise OperationError(_("Give the token a name."), field="name")
    if len(active_tokens(actor)) >= MAX_ACTIVE_TOKENS:
        raise OperationError(
            _("You already have %(n)d active tokens: revoke one first.", n=MAX_ACTIVE_TOKENS),
            field="name",
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    token = ApiToken(
        user_id=actor.id,
        name=name,
        prefix=secret[:12],
        token_hash=hash_token(secret),
        created_at=now,
        expires_at=now + timedelta(days=days) if days else None,
    )
    db.session.add(token)
    db.session.flush()
    audit.record(
        actor,
        token,
        "api_token_created",
        after={"name": name, "prefix": token.prefix, "expires_at": token.expires_at},
    )
    return token, secret


def revoke_token(actor, token: ApiToken) -> ApiToken:
    """Revoke one of the actor's own tokens (403 for another user's; revoking twice is a no-op)."""
    if token.user_id != actor.id:
        raise Forbidden()
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        db.session.flush()
        audit.record(actor, token, "api_token_revoked", before={"prefix": token.prefix}, after=None)
    return token


def authenticate(secret: str) -> ApiToken | None:
    """The usable token with this secret (and note its use), or None."""
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = db.session.execute(
        select(ApiToken).where(ApiToken.token_hash == hash_token(secret))
    ).scalar_one_or_none()
    now = clock.now()
    if token is None or not token.is_usable(now):
        return None
    # Write the last use at most once a minute: a busy client must not write on every request.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        token.last_used_at = now
        db.session.flush()
    return token
