"""Violations and recommendations (kiến nghị): the cases followed up until remedied."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import Date, Integer, Numeric, String, Text

from inspect_app.auth.models import User
from inspect_app.core.models import EditableMixin, LabelledEnum, UTCDateTime, enum_column, secondary
from inspect_app.core.roles import signed_in
from inspect_app.deputies.queries import Authority, authority_over
from inspect_app.extensions import db
from inspect_app.findings.models import Finding
from inspect_app.inspections.models import Inspection
from inspect_app.reference.models import LegalReference, Severity
from inspect_app.units.models import Unit
from inspect_app.units.queries import visible_unit_ids


class CaseType(LabelledEnum):
    ADMIN_HANDLING = "admin_handling", _l("Administrative handling")
    RECOVERY = "recovery", _l("Recovery of money or assets")
    DISCIPLINE = "discipline", _l("Disciplinary review")
    AMEND_DOCUMENTS = "amend_documents", _l("Amend documents or procedures")
    FIX_PRACTICES = "fix_practices", _l("Fix practices")


class CaseState(LabelledEnum):
    OPEN = "open", _l("Open")
    ANSWERED = "answered", _l("Answered")
    ACCEPTED = "accepted", _l("Accepted (done)")
    WITHDRAWN = "withdrawn", _l("Withdrawn")


# States in which the deadline runs (overdue is derived from these and the due date).
ACTIVE_CASE_STATES = (CaseState.OPEN,)
WITHDRAWABLE_STATES = (CaseState.OPEN, CaseState.ANSWERED)

case_finding = secondary(
    "recommendation_finding", "case_id", "recommendation.id", "finding_id", "finding.id"
)


class Case(EditableMixin, db.Model):
    """A recommendation with a remedial deadline addressed to a responsible unit."""

    __tablename__ = "recommendation"
    __table_args__ = (
        CheckConstraint(
            "type <> 'recovery' OR (amount_vnd IS NOT NULL AND amount_vnd > 0)",
            name="recovery_has_amount",
        ),
        CheckConstraint(
            "state <> 'withdrawn' OR withdrawn_reason IS NOT NULL", name="withdrawn_has_reason"
        ),
        CheckConstraint("escalation_level BETWEEN 0 AND 3", name="escalation_range"),
        Index("ix_case_state_due", "state", "due_date"),
        Index("ix_case_unit_state", "responsible_unit_id", "state"),
        # The list's counters under a type filter: an index-only scan (migration by the lead).
        Index("ix_case_type_state_due", "type", "state", "due_date"),
        # The lists' default order (deadline, then id): the first page without a sort.
        Index("ix_case_due_id", "due_date", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(
        ForeignKey("inspection.id"), nullable=False, index=True
    )
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    type: Mapped[CaseType] = mapped_column(enum_column(CaseType), nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    legal_reference_id: Mapped[int] = mapped_column(
        ForeignKey("legal_reference.id"), nullable=False
    )
    severity: Mapped[Severity] = mapped_column(enum_column(Severity), nullable=False)
    responsible_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), nullable=False)
    required_action: Mapped[str] = mapped_column(Text, nullable=False)
    amount_vnd: Mapped[Decimal | None] = mapped_column(Numeric(18, 0))
    due_date: Mapped[date] = mapped_column(Date, nullable=False)
    original_due_date: Mapped[date] = mapped_column(Date, nullable=False)
    due_change_reason: Mapped[str | None] = mapped_column(Text)
    state: Mapped[CaseState] = mapped_column(
        enum_column(CaseState), nullable=False, default=CaseState.OPEN
    )
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalation_level: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    escalated_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    inspection: Mapped[Inspection] = relationship()
    legal_reference: Mapped[LegalReference] = relationship()
    responsible_unit: Mapped[Unit] = relationship()
    created_by: Mapped[User | None] = relationship()
    findings: Mapped[list[Finding]] = relationship(secondary=case_finding, order_by="Finding.id")
    # The unit's answers (answers.models.CaseAnswer, a feature above: named, not imported).
    answers = relationship("CaseAnswer", order_by="CaseAnswer.id", viewonly=True, uselist=True)

    @staticmethod
    def reference_of(inspection_id: int, number: int) -> str:
        """ "KN-3/12": the case's reference from plain values (set-based code reads rows)."""
        return f"KN-{inspection_id}/{number}"

    @staticmethod
    def path_of(case_id: int) -> str:
        """ "/cases/12": the case page's link from its id (notifications store it)."""
        return f"/cases/{case_id}"

    @property
    def reference(self) -> str:
        return Case.reference_of(self.inspection_id, self.number)

    @property
    def path(self) -> str:
        return Case.path_of(self.id)

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    # --- derived values and permissions (object level) ---------------------------------

    def is_overdue(self, today: date) -> bool:
        """Mirrors `queries.overdue_clause` for one loaded case (the lists use the SQL one)."""
        return self.state in ACTIVE_CASE_STATES and self.due_date < today

    def days_overdue(self, today: date) -> int:
        return (today - self.due_date).days if self.is_overdue(today) else 0

    @property
    def is_final(self) -> bool:
        return self.state in (CaseState.ACCEPTED, CaseState.WITHDRAWN)

    def can_view(self, user) -> bool:
        """Staff see every case; a unit leader only cases addressed to their units."""
        if not signed_in(user):
            return False
        visible = visible_unit_ids(user)
        return visible is None or self.responsible_unit_id in visible

    def can_change_deadline(self, user, check_state: bool = True) -> bool:
        """The team lead (trưởng đoàn) or an administrator, while the case is not final
        (`check_state=False`: whoever may, whatever the state)."""
        return self.inspection.can_manage(user) and not (check_state and self.is_final)

    def can_withdraw(self, user, check_state: bool = True) -> bool:
        """The team lead, leadership or an administrator, while open or answered."""
        allowed = self.inspection.can_manage(user) or user.is_leadership
        return allowed and not (check_state and self.state not in WITHDRAWABLE_STATES)

    def can_decide(self, user, check_state: bool = True) -> bool:
        """Accept or reject an answer: the team lead or a team member (or an administrator),
        on an answered case; the unit leader who answered never."""
        if user.is_unit_leader or not (user.is_admin or self.inspection.is_on_team(user)):
            return False
        return not (check_state and self.state != CaseState.ANSWERED)

    def unit_authority(self, user) -> Authority:
        """Whether `user` acts for the responsible unit, and for whom (a deputy's principal)."""
        if not signed_in(user):
            return Authority(False)
        return authority_over(user, self.responsible_unit_id)

    def can_answer(self, user, check_state: bool = True) -> bool:
        """A leader of the responsible unit (or of a unit above it) or their deputy, while the
        case is open."""
        return self.unit_authority(user).allowed and not (
            check_state and self.state != CaseState.OPEN
        )

    def can_request_extension(self, user, check_state: bool = True) -> bool:
        """Ask for a later deadline: whoever may answer the case, while it is open."""
        return self.can_answer(user, check_state)

    @property
    def final_answer(self):
        """The most recent final answer (the one the team verifies); None for older data."""
        return next((a for a in reversed(self.answers) if a.is_final), None)

    def can_verify(self, user) -> bool:
        """May decide on the answer now, unless the final answer was written by `user` or in
        their name (another member of the team verifies it)."""
        if not self.can_decide(user):
            return False
        final = self.final_answer
        return final is None or not final.involves(user)


# Steps in order: reminders before the deadline, then the three overdue levels.
REMINDER_STEPS = ("reminder_7", "reminder_3", "reminder_1")
LEVEL_STEPS = ("level_1", "level_2", "level_3")


class EscalationStep(db.Model):
    """One step of the escalation ladder taken on a case for one deadline (a new deadline
    restarts the ladder); the escalation feature writes them, reports read them."""

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
