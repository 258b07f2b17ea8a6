"""A decision to check the implementation of one conclusion (quyết định kiểm tra việc thực hiện
kết luận thanh tra): the official document (numbered when issued, `reports.Document`), the
checking team, the period, the cases it covers, the minutes and each case's result."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import Date, Text

from inspect_app.auth.models import User
from inspect_app.cases.models import Case
from inspect_app.core.files import EvidenceFile
from inspect_app.core.models import EditableMixin, LabelledEnum, UTCDateTime, enum_column, secondary
from inspect_app.core.roles import Role, signed_in
from inspect_app.extensions import db
from inspect_app.inspections.models import Inspection
from inspect_app.reports.models import Document
from inspect_app.units.queries import visible_unit_ids

# Who drafts a check decision and records its minutes and results (the issuing of the decision
# itself is the documents' rule: leadership or an administrator signs).
CHECK_EDITORS = (Role.ADMIN, Role.LEADERSHIP, Role.LEAD_INSPECTOR)


class CheckOutcome(LabelledEnum):
    DONE = "done", _l("Done")
    PARTLY_DONE = "partly_done", _l("Partly done")
    NOT_DONE = "not_done", _l("Not done")


# The results after which the responsibility proposal (level 3) may follow.
UNFULFILLED = (CheckOutcome.PARTLY_DONE, CheckOutcome.NOT_DONE)

check_member = secondary(
    "implementation_check_member",
    "check_id",
    "implementation_check.id",
    "user_id",
    "user.id",
    index=True,
)


class ImplementationCheck(EditableMixin, db.Model):
    """One decision to check implementation of one conclusion, for some of its overdue cases."""

    __tablename__ = "implementation_check"
    __table_args__ = (
        CheckConstraint("period_end >= period_start", name="period_in_order"),
        CheckConstraint(
            "minutes_date IS NULL OR minutes_summary IS NOT NULL", name="minutes_have_text"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(
        ForeignKey("inspection.id"), nullable=False, index=True
    )
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), nullable=False, unique=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("user.id"), nullable=False)
    period_start: Mapped[date] = mapped_column(Date, nullable=False)
    period_end: Mapped[date] = mapped_column(Date, nullable=False)
    minutes_date: Mapped[date | None] = mapped_column(Date)
    minutes_summary: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    inspection: Mapped[Inspection] = relationship()
    document: Mapped[Document] = relationship()
    lead: Mapped[User] = relationship(foreign_keys=[lead_id])
    members: Mapped[list[User]] = relationship(secondary=check_member, order_by="User.full_name")
    items: Mapped[list[CheckedCase]] = relationship(
        back_populates="check", order_by="CheckedCase.id", cascade="all, delete-orphan"
    )
    # The signed minutes (biên bản kiểm tra) as uploaded PDFs, oldest first.
    minutes_files: Mapped[list[EvidenceFile]] = relationship(
        foreign_keys="EvidenceFile.check_id", order_by="EvidenceFile.id", viewonly=True
    )

    @property
    def is_decided(self) -> bool:
        """The decision has been issued (numbered and signed): the check may take place."""
        return self.document.is_issued

    @property
    def path(self) -> str:
        """ "/implementation-checks/3": the check's page (notifications link it)."""
        return f"/implementation-checks/{self.id}"

    def __str__(self) -> str:
        return f"{self.document.number_label} {self.document.title}"

    def can_view(self, user) -> bool:
        """Staff see every check; a unit leader only issued decisions of a conclusion about
        their units (the cases they see)."""
        if not signed_in(user):
            return False
        visible = visible_unit_ids(user)
        if visible is None:
            return True
        return self.is_decided and any(i.case.responsible_unit_id in visible for i in self.items)

    def can_edit(self, user) -> bool:
        """Draft the decision, record minutes and results: leadership, lead inspectors, admins."""
        return signed_in(user) and user.role in CHECK_EDITORS

    def can_record(self, user, check_state: bool = True) -> bool:
        """Minutes and results are recorded once the decision is issued."""
        return self.can_edit(user) and not (check_state and not self.is_decided)


class CheckedCase(db.Model):
    """A case covered by a check decision, at the deadline it had, and what the check found."""

    __tablename__ = "implementation_check_case"
    __table_args__ = (
        UniqueConstraint("check_id", "case_id", name="uq_checked_case"),
        CheckConstraint(
            "outcome IS NULL OR (found IS NOT NULL AND recorded_at IS NOT NULL)",
            name="result_has_findings",
        ),
        Index("ix_checked_case_case_due", "case_id", "due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(
        ForeignKey("implementation_check.id", ondelete="CASCADE"), nullable=False, index=True
    )
    case_id: Mapped[int] = mapped_column(ForeignKey("recommendation.id"), nullable=False)
    due_date: Mapped[date] = mapped_column(Date, nullable=False)
    outcome: Mapped[CheckOutcome | None] = mapped_column(enum_column(CheckOutcome))
    found: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    check: Mapped[ImplementationCheck] = relationship(back_populates="items")
    case: Mapped[Case] = relationship()
    recorded_by: Mapped[User | None] = relationship()
