"""Extension requests (đề nghị gia hạn): a unit leader asks for a later remedial deadline with
a reason; an approver (team lead and/or leadership, per setting) approves or refuses it."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspect_app.auth.models import User
from inspect_app.cases.models import Case
from inspect_app.core.models import EditableMixin, LabelledEnum, UTCDateTime, enum_column
from inspect_app.core.roles import signed_in
from inspect_app.extensions import db
from inspect_app.reference.calendar import time_limit_end
from inspect_app.reference.rules import extension_approver


class ExtensionState(LabelledEnum):
    PENDING = "pending", _l("Pending")
    APPROVED = "approved", _l("Approved")
    REFUSED = "refused", _l("Refused")
    CANCELLED = "cancelled", _l("Cancelled")


_PENDING = text("state = 'pending'")

# The approver setting's values under which the team lead, the leadership decide.
LEAD_APPROVES = ("lead", "lead_or_leadership")
LEADERSHIP_APPROVES = ("leadership", "lead_or_leadership")


class ExtensionRequest(EditableMixin, db.Model):
    """A request to move a case's deadline from `previous_due_date` to `requested_date`."""

    __tablename__ = "extension_request"
    __table_args__ = (
        # At most one pending request per case, enforced by the database on both dialects.
        Index(
            "uq_extension_request_one_pending",
            "case_id",
            unique=True,
            sqlite_where=_PENDING,
            postgresql_where=_PENDING,
        ),
        CheckConstraint("requested_date > previous_due_date", name="later_than_previous"),
        CheckConstraint(
            "state NOT IN ('approved', 'refused') OR (decided_by_id IS NOT NULL "
            "AND decided_at IS NOT NULL AND decision_reason IS NOT NULL)",
            name="decision_recorded",
        ),
        CheckConstraint("state <> 'cancelled' OR decided_at IS NOT NULL", name="cancel_recorded"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("recommendation.id", ondelete="CASCADE"), nullable=False, index=True
    )
    requested_date: Mapped[date] = mapped_column(Date, nullable=False)
    previous_due_date: Mapped[date] = mapped_column(Date, nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    state: Mapped[ExtensionState] = mapped_column(
        enum_column(ExtensionState), nullable=False, default=ExtensionState.PENDING
    )
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), nullable=False)
    on_behalf_of_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship()
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    on_behalf_of: Mapped[User | None] = relationship(foreign_keys=[on_behalf_of_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def effective_date(self) -> date:
        """The deadline an approval sets: the date asked for, or the next working day when
        that is a day off (a time limit ending on a day off ends on the next working day)."""
        return time_limit_end(self.requested_date).day

    @property
    def is_pending(self) -> bool:
        return self.state == ExtensionState.PENDING

    def can_view(self, user) -> bool:
        """Whoever may see its case."""
        return self.case.can_view(user)

    def can_decide(self, user, check_state: bool = True) -> bool:
        """Approve or refuse: an approver of the case under the setting, while pending."""
        return is_approver(user, self.case) and not (check_state and not self.is_pending)

    def can_cancel(self, user, check_state: bool = True) -> bool:
        """The requester withdraws their own pending request."""
        mine = user is not None and user.id == self.requested_by_id
        return mine and not (check_state and not self.is_pending)


def is_approver(user, case: Case, approver: str | None = None) -> bool:
    """Whether `user` decides extension requests of `case` under the setting: "lead" = the
    inspection's team lead, "leadership" = the leadership role, both for "lead_or_leadership";
    an administrator always. (`queries.pending_for` is the same rule in SQL.)"""
    if not signed_in(user):
        return False
    if user.is_admin:
        return True
    approver = approver or extension_approver()
    if approver in LEAD_APPROVES and user.id == case.inspection.lead_id:
        return True
    return approver in LEADERSHIP_APPROVES and user.is_leadership
