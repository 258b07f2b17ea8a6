"""In-app notifications, the outbox of e-mails waiting for the scheduler, and each user's e-mail
preference."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspect_app.auth.models import User
from inspect_app.core.models import UTCDateTime, enum_column
from inspect_app.extensions import db


class EmailMode(enum.StrEnum):
    IMMEDIATE = "immediate"
    DIGEST = "digest"
    NONE = "none"


class Notification(db.Model):
    """One message to one user. `emailed_at`: when its e-mail was put in the outbox (at once, or
    in the day's digest), or when it was settled that none goes (the user wants none)."""

    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_user_unread", "user_id", "read_at"),
        Index("ix_notification_user_unmailed", "user_id", "emailed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    body: Mapped[str | None] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    def can_view(self, user) -> bool:
        """A notification is its addressee's alone."""
        return user.is_authenticated and self.user_id == user.id


class NotificationPreference(db.Model):
    """How a user wants e-mails: each at once, one daily digest, or none."""

    __tablename__ = "notification_preference"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True)
    email_mode: Mapped[EmailMode] = mapped_column(
        enum_column(EmailMode), nullable=False, default=EmailMode.IMMEDIATE
    )
    last_digest_on: Mapped[date | None] = mapped_column(Date)


class OutgoingMail(db.Model):
    """One e-mail in the outbox (hộp thư đi): written in the transaction of the change that caused
    it, so it exists exactly when the change was committed; the scheduler delivers it, retrying
    with exponential backoff up to a number of attempts (then `failed_at`), the last error kept."""

    __tablename__ = "outgoing_mail"
    __table_args__ = (Index("ix_outgoing_mail_due", "sent_at", "failed_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), nullable=False)
    to_address: Mapped[str] = mapped_column(String(254), nullable=False)
    subject: Mapped[str] = mapped_column(String(300), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
