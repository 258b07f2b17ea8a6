"""On-site findings (phát hiện) and the evidence files attached to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspect_app.auth.models import User
from inspect_app.core.models import TimestampMixin, UTCDateTime, VersionedMixin, enum_column
from inspect_app.extensions import db
from inspect_app.inspections.models import Inspection
from inspect_app.reference.models import FieldOfWork, Severity


class Finding(TimestampMixin, VersionedMixin, db.Model):
    """What the team found on site (phát hiện): editable by its author until the conclusion."""

    __tablename__ = "finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(
        ForeignKey("inspection.id"), nullable=False, index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    field_id: Mapped[int | None] = mapped_column(ForeignKey("field_of_work.id"))
    place: Mapped[str | None] = mapped_column(String(300))
    observed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    severity: Mapped[Severity] = mapped_column(enum_column(Severity), nullable=False)
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)

    inspection: Mapped[Inspection] = relationship(back_populates="findings")
    author: Mapped[User] = relationship()
    field: Mapped[FieldOfWork | None] = relationship()
    files: Mapped[list[EvidenceFile]] = relationship(
        back_populates="finding", order_by="EvidenceFile.id", foreign_keys="EvidenceFile.finding_id"
    )

    @property
    def is_locked(self) -> bool:
        """Locked once the inspection is concluded (or not open for findings)."""
        return not self.inspection.takes_findings

    def can_view(self, user) -> bool:
        """Whoever may see its inspection."""
        return self.inspection.can_view(user)

    def can_edit(self, user, check_state: bool = True) -> bool:
        """Only its author, until the inspection is concluded."""
        return user.id == self.author_id and not (check_state and self.is_locked)


class EvidenceFile(db.Model):
    """A stored file: random name outside the web root, sha256 and sniffed type recorded.

    Exactly one owner: a finding, an inspection (its signed conclusion), or a unit's answer on
    a case (`answer_id`, see answers.models.CaseAnswer)."""

    __tablename__ = "evidence_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int | None] = mapped_column(ForeignKey("finding.id"), index=True)
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspection.id"), index=True)
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("case_answer.id"), index=True)
    original_name: Mapped[str] = mapped_column(String(255), nullable=False)
    stored_name: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    content_type: Mapped[str] = mapped_column(String(100), nullable=False)
    size: Mapped[int] = mapped_column(BigInteger, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    has_thumbnail: Mapped[bool] = mapped_column(default=False, nullable=False)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), nullable=False)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    finding: Mapped[Finding | None] = relationship(
        back_populates="files", foreign_keys=[finding_id]
    )
    uploaded_by: Mapped[User] = relationship()
    owner_inspection: Mapped[Inspection | None] = relationship(foreign_keys=[inspection_id])

    @property
    def inspection(self) -> Inspection | None:
        """The inspection the file belongs to, directly or through its finding."""
        if self.finding is not None:
            return self.finding.inspection
        return self.owner_inspection

    def can_view(self, user) -> bool:
        """Who may see the owner: the case of an answer's file (a unit leader only their
        units' cases), otherwise the owning inspection."""
        if self.answer_id is not None:
            # `answer` is mapped by answers.models (which imports this module).
            answer = self.answer
            return answer is not None and answer.case.can_view(user)
        inspection = self.inspection
        return inspection is not None and inspection.can_view(user)

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
