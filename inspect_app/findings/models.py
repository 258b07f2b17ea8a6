"""On-site findings (phát hiện); their evidence files are core.files.EvidenceFile rows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspect_app.auth.models import User
from inspect_app.core.files import EvidenceFile
from inspect_app.core.models import EditableMixin, UTCDateTime, enum_column
from inspect_app.extensions import db
from inspect_app.inspections.models import Inspection
from inspect_app.reference.models import FieldOfWork, Severity


class Finding(EditableMixin, db.Model):
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

    def can_duplicate(self, user, check_state: bool = True) -> bool:
        """Copy it as a new finding of the same inspection: whoever may log findings there."""
        return self.inspection.can_log_findings(user, check_state)

    def can_edit(self, user, check_state: bool = True) -> bool:
        """Only its author, until the inspection is concluded."""
        return user.id == self.author_id and not (check_state and self.is_locked)
