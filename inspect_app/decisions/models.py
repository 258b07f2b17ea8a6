"""The deciding document of one change: its number, date and signer (and its file where there
is one), the record it changed (a case or an inspection, named, not imported: both are features
above this one). The change's audit event carries the same facts (the timelines show them)."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import Date

from inspect_app.core.models import LabelledEnum, UTCDateTime, enum_column
from inspect_app.extensions import db


class DecisionPurpose(LabelledEnum):
    """What the document decided."""

    DEADLINE = "deadline", _l("Change of a recommendation's deadline")
    WITHDRAWAL = "withdrawal", _l("Withdrawal of a recommendation")
    ONSITE_EXTENSION = "onsite_extension", _l("Extension of on-site work")


class DecidingDocument(db.Model):
    """A document (quyết định, văn bản) deciding one change, as the user recorded it."""

    __tablename__ = "deciding_document"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN case_id IS NULL THEN 0 ELSE 1 END) + "
            "(CASE WHEN inspection_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_subject",
        ),
        CheckConstraint("number <> '' AND signer <> ''", name="number_and_signer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[DecisionPurpose] = mapped_column(enum_column(DecisionPurpose), nullable=False)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("recommendation.id"), index=True)
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspection.id"), index=True)
    number: Mapped[str] = mapped_column(String(60), nullable=False)
    issued_on: Mapped[date] = mapped_column(Date, nullable=False)
    signer: Mapped[str] = mapped_column(String(200), nullable=False)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    # The subjects are features above: named, not imported.
    case = relationship("Case", foreign_keys=[case_id])
    inspection = relationship("Inspection", foreign_keys=[inspection_id])
    files = relationship("EvidenceFile", foreign_keys="EvidenceFile.decision_id", viewonly=True)

    @property
    def file(self):
        """The document's scan or signed PDF, if one was given (at most one)."""
        return self.files[0] if self.files else None

    @property
    def summary(self) -> str:
        """ "Số 12/QĐ-TTr ngày 05/3/2026, Nguyễn Văn A": as the timelines show it."""
        return f"{self.number}, {self.issued_on:%d/%m/%Y}, {self.signer}"

    def can_view(self, user) -> bool:
        """Whoever may see the case or inspection it changed."""
        subject = self.case if self.case_id is not None else self.inspection
        return subject is not None and subject.can_view(user)
