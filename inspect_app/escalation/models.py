"""The escalation ladder's record: which step each case reached, for which deadline, when."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from inspect_app.core.models import UTCDateTime
from inspect_app.extensions import db

# Steps in order: reminders before the deadline, then the three overdue levels.
REMINDER_STEPS = ("reminder_7", "reminder_3", "reminder_1")
LEVEL_STEPS = ("level_1", "level_2", "level_3")


class EscalationStep(db.Model):
    """One step taken on a case for one deadline (a new deadline restarts the ladder)."""

    __tablename__ = "escalation_step"
    __table_args__ = (UniqueConstraint("case_id", "step", "due_date", name="uq_escalation_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("recommendation.id"), nullable=False, index=True
    )
    step: Mapped[str] = mapped_column(String(20), nullable=False)
    due_date: Mapped[date] = mapped_column(Date, nullable=False)
    on_date: Mapped[date] = mapped_column(Date, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
