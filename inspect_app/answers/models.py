"""The responsible unit's answers on a case (báo cáo kết quả thực hiện kiến nghị): progress
reports while it works, then a final answer that the inspection team verifies."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspect_app.auth.models import User
from inspect_app.cases.models import Case
from inspect_app.core import clock
from inspect_app.core.files import EvidenceFile
from inspect_app.core.models import LabelledEnum, UTCDateTime, enum_column
from inspect_app.extensions import db


class AnswerKind(LabelledEnum):
    PROGRESS = "progress", _l("Progress report")
    FINAL = "final", _l("Final answer")


class Verdict(LabelledEnum):
    """What the inspection team decided on a final answer."""

    ACCEPTED = "accepted", _l("Accepted")
    REJECTED = "rejected", _l("Rejected")
    PARTLY_DONE = "partly_done", _l("Partly done")


class CaseAnswer(db.Model):
    """One report of the unit on a case; append-only except for the team's verdict on a
    final answer. A deputy's answer records whom they acted for (`on_behalf_of`)."""

    __tablename__ = "case_answer"
    __table_args__ = (
        CheckConstraint(
            "kind <> 'final' OR completion_date IS NOT NULL", name="final_has_completion_date"
        ),
        CheckConstraint("kind = 'final' OR verdict IS NULL", name="verdict_only_on_final"),
        CheckConstraint(
            "verdict IS NULL OR (verified_by_id IS NOT NULL AND verified_at IS NOT NULL)",
            name="verdict_has_verifier",
        ),
        Index("ix_case_answer_case", "case_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("recommendation.id"), nullable=False)
    kind: Mapped[AnswerKind] = mapped_column(enum_column(AnswerKind), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    completion_date: Mapped[date | None] = mapped_column(Date)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"), nullable=False)
    on_behalf_of_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
    verdict: Mapped[Verdict | None] = mapped_column(enum_column(Verdict))
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verification_note: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    on_behalf_of: Mapped[User | None] = relationship(foreign_keys=[on_behalf_of_id])
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])
    files: Mapped[list[EvidenceFile]] = relationship(
        order_by=EvidenceFile.id,
        foreign_keys=[EvidenceFile.answer_id],
        viewonly=True,
    )

    @property
    def is_final(self) -> bool:
        return self.kind == AnswerKind.FINAL

    def record_verdict(self, actor, verdict: str, note: str | None) -> None:
        """The team's decision on this final answer (cases.operations accept/reject/partly)."""
        self.verdict = Verdict(verdict)
        self.verified_by_id = actor.id
        self.verified_at = clock.now()
        self.verification_note = note

    def involves(self, user) -> bool:
        """Whether `user` wrote this answer or it was written in their name."""
        return user is not None and user.id in (self.author_id, self.on_behalf_of_id)
