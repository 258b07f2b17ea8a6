"""A periodic report on inspection work (báo cáo định kỳ công tác thanh tra): one per reporting
period, its official document (`reports.Document`, numbered by the clerk when issued), the
form version it follows, and its snapshot: the version's definition, every cell's figure and
the ids it counts, as computed for the cut-off. Frozen once the document is issued."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import JSON, Date, Integer, String

from inspect_app.core.models import EditableMixin, UTCDateTime
from inspect_app.core.roles import READERS, Role, signed_in
from inspect_app.extensions import db
from inspect_app.reports.models import Document

# Who reads the figures and the reports (the inspectorate's staff, the Chairman; the clerk, who
# dispatches them), and who generates a report (the Chief Inspector and deputies, who sign it,
# and administrators). Unit leaders never: the figures cover every unit of the province.
STAT_READERS = (*READERS, Role.CLERK)
FIGURE_READERS = READERS
GENERATORS = (Role.ADMIN, Role.LEADERSHIP)


def can_read_figures(user) -> bool:
    """Live figures and drill-downs: staff and the Chairman."""
    return signed_in(user) and user.role in FIGURE_READERS


def can_generate(user) -> bool:
    """Generate (or regenerate) a report draft: the Chief Inspector, deputies, administrators."""
    return signed_in(user) and user.role in GENERATORS


class PeriodicReport(EditableMixin, db.Model):
    """The report of one period; its document carries the number, signature and files."""

    __tablename__ = "periodic_report"
    __table_args__ = (
        CheckConstraint("period_end >= period_start", name="period_in_order"),
        CheckConstraint("cutoff >= period_start", name="cutoff_in_period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # "2026-Q1": one report per period, draft or issued (nothing is issued twice).
    period_key: Mapped[str] = mapped_column(String(12), nullable=False, unique=True)
    period_kind: Mapped[str] = mapped_column(String(4), nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    period_start: Mapped[date] = mapped_column(Date, nullable=False)
    period_end: Mapped[date] = mapped_column(Date, nullable=False)
    cutoff: Mapped[date] = mapped_column(Date, nullable=False)
    form_version: Mapped[str] = mapped_column(String(30), nullable=False)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), nullable=False, unique=True)
    snapshot: Mapped[dict] = mapped_column(JSON, nullable=False)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    document: Mapped[Document] = relationship()

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    def __str__(self) -> str:
        return self.document.title

    def can_view(self, user) -> bool:
        """Staff, the Chairman and the clerk; never a unit leader."""
        return signed_in(user) and user.role in STAT_READERS

    def can_regenerate(self, user) -> bool:
        """The figures of a draft are recomputed by whoever generates reports, until it is
        signed (the signed text is what the clerk registers)."""
        return can_generate(user) and self.document.state.value == "draft"
