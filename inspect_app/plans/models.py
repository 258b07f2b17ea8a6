"""Annual inspection plans (kế hoạch thanh tra năm) and their items."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspect_app.auth.models import User
from inspect_app.core.models import EditableMixin, LabelledEnum, UTCDateTime, enum_column, secondary
from inspect_app.core.roles import READERS, Role
from inspect_app.extensions import db
from inspect_app.reference.models import ActivityKind, FieldOfWork
from inspect_app.units.models import Unit


class PlanState(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    SUBMITTED = "submitted", _l("Submitted")
    APPROVED = "approved", _l("Approved")


PLAN_READERS = frozenset(READERS)
PLAN_EDITORS = frozenset({Role.ADMIN, Role.LEAD_INSPECTOR})


plan_item_field = secondary(
    "plan_item_field", "plan_item_id", "plan_item.id", "field_id", "field_of_work.id"
)


class Plan(EditableMixin, db.Model):
    """An annual plan of one issuing body; draft -> submitted -> approved (by leadership)."""

    __tablename__ = "plan"
    __table_args__ = (
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
        CheckConstraint(
            "state <> 'approved' OR (approved_by_id IS NOT NULL AND approved_at IS NOT NULL)",
            name="approved_has_approver",
        ),
        CheckConstraint(
            "state = 'draft' OR (submitted_by_id IS NOT NULL AND submitted_at IS NOT NULL)",
            name="submitted_has_submitter",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    issuing_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), nullable=False)
    state: Mapped[PlanState] = mapped_column(
        enum_column(PlanState), nullable=False, default=PlanState.DRAFT
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    issuing_unit: Mapped[Unit] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    items: Mapped[list[PlanItem]] = relationship(
        back_populates="plan", order_by="PlanItem.id", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return self.title

    # Object-level permissions: plans are internal to the inspectorate (no unit leaders).

    def can_view(self, user) -> bool:
        return user.is_authenticated and user.role in PLAN_READERS

    @staticmethod
    def can_author(user) -> bool:
        """Lead inspectors and administrators create plans and change drafts (any state:
        the state is checked by the operation, a 422 rather than a 403)."""
        return user is not None and user.role in PLAN_EDITORS

    @staticmethod
    def can_decide(user) -> bool:
        """Leadership approves submitted plans or returns them to draft (any state)."""
        return user is not None and user.is_leadership

    def can_edit(self, user) -> bool:
        """Lead inspectors and administrators edit a draft (and its items)."""
        return self.state == PlanState.DRAFT and Plan.can_author(user)

    def can_submit(self, user) -> bool:
        return self.state == PlanState.DRAFT and Plan.can_author(user)

    def can_approve(self, user) -> bool:
        """Leadership approves a submitted plan."""
        return self.state == PlanState.SUBMITTED and Plan.can_decide(user)

    def can_return(self, user) -> bool:
        """Leadership sends a submitted plan back to draft (with a reason)."""
        return self.state == PlanState.SUBMITTED and Plan.can_decide(user)


class PeriodKind(LabelledEnum):
    MONTH = "month", _l("Month")
    QUARTER = "quarter", _l("Quarter")

    @property
    def max_period(self) -> int:
        return 12 if self == PeriodKind.MONTH else 4


class PlanItem(EditableMixin, db.Model):
    """One planned inspection or check of a unit on some fields in a month or quarter."""

    __tablename__ = "plan_item"
    __table_args__ = (
        CheckConstraint(
            "(period_kind = 'month' AND period BETWEEN 1 AND 12) OR "
            "(period_kind = 'quarter' AND period BETWEEN 1 AND 4)",
            name="period_range",
        ),
        Index("ix_plan_item_target", "target_unit_id", "plan_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), nullable=False)
    target_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), nullable=False)
    kind: Mapped[ActivityKind] = mapped_column(enum_column(ActivityKind), nullable=False)
    period_kind: Mapped[PeriodKind] = mapped_column(enum_column(PeriodKind), nullable=False)
    period: Mapped[int] = mapped_column(Integer, nullable=False)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    content: Mapped[str | None] = mapped_column(Text)
    overlap_justification: Mapped[str | None] = mapped_column(Text)

    plan: Mapped[Plan] = relationship(back_populates="items")
    target_unit: Mapped[Unit] = relationship()
    lead: Mapped[User | None] = relationship()
    fields: Mapped[list[FieldOfWork]] = relationship(
        secondary=plan_item_field, order_by="FieldOfWork.name"
    )

    @property
    def period_label(self) -> str:
        if self.period_kind == PeriodKind.QUARTER:
            return f"Q{self.period}/{self.plan.year}"
        return f"{self.period:02d}/{self.plan.year}"
