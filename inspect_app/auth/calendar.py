"""The personal deadline calendar feed's secret: one per user, issued, regenerated and revoked
by its owner on the account page, stored only as a SHA-256 hash. The feed itself (the user's
deadlines as iCalendar) is served by the cases feature (cases.feed)."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspect_app.auth.models import User
from inspect_app.auth.tokens import hash_token
from inspect_app.core import audit, clock
from inspect_app.core.models import UTCDateTime
from inspect_app.extensions import db

FEED_PREFIX = "ical_"  # noqa: S105  # nosec B105 - a public marker, not a secret


class CalendarFeed(db.Model):
    """A user's calendar subscription secret (the URL holds it; only its hash is stored)."""

    __tablename__ = "calendar_feed"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def id(self) -> int:  # the audit event names the feed by its owner
        return self.user_id


def feed_of(user) -> CalendarFeed | None:
    return db.session.get(CalendarFeed, user.id)


def issue_feed(actor) -> str:
    """Issue (or regenerate) `actor`'s own feed secret: the old link stops working at once.
    Returns the new secret, shown once."""
    secret = FEED_PREFIX + secrets.token_urlsafe(32)
    feed = feed_of(actor)
    regenerated = feed is not None
    if feed is None:
        feed = CalendarFeed(user_id=actor.id)
        db.session.add(feed)
    feed.token_hash = hash_token(secret)
    feed.created_at = clock.now()
    feed.last_used_at = None
    db.session.flush()
    action = "calendar_feed_regenerated" if regenerated else "calendar_feed_issued"
    audit.record(actor, feed, action, object_type="CalendarFeed")
    return secret


def revoke_feed(actor) -> bool:
    """Revoke `actor`'s own feed: its link answers 404 from now on (no-op without one)."""
    feed = feed_of(actor)
    if feed is None:
        return False
    audit.record(actor, feed, "calendar_feed_revoked", object_type="CalendarFeed")
    db.session.delete(feed)
    db.session.flush()
    return True


def user_for_feed(secret: str) -> User | None:
    """The active owner of the feed whose secret is `secret`, or None (unknown, revoked,
    regenerated since, or the account deactivated); notes when the feed was last read."""
    if not secret.startswith(FEED_PREFIX) or len(secret) > 100:
        return None
    feed = db.session.execute(
        select(CalendarFeed).where(CalendarFeed.token_hash == hash_token(secret))
    ).scalar_one_or_none()
    if feed is None or not feed.user.active:
        return None
    feed.last_used_at = clock.now()
    return feed.user
