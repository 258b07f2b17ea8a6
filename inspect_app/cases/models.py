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
from inspect_app.core.search import Searchable
from inspect_app.deputies.queries import Authority, authority_over
from inspect_app.extensions import db
from inspect_app.findings.models import Finding
from inspect_app.inspections.models import Inspection
from inspect_app.reference.calendar import working_days_overdue
from inspect_app.reference.models import LegalReference, Severity
from inspect_app.units.models import Unit
from inspect_app.units.queries import visible_unit_ids


class CaseType(LabelledEnum):
    """Recommendation types as the national statistics count them (Circular 06/2025/TT-TTCP):
    recovery of money, of land, of other assets; administrative handling of organisations, of
    individuals; referral to the investigation agency; other (mechanisms, policies, documents,
    practices)."""

    RECOVERY = "recovery", _l("Recovery of money (VND)")
    RECOVERY_LAND = "recovery_land", _l("Recovery of land (m²)")
    RECOVERY_ASSETS = "recovery_assets", _l("Recovery of other assets")
    ADMIN_HANDLING = "admin_handling", _l("Administrative handling of organisations")
    DISCIPLINE = "discipline", _l("Administrative handling of individuals")
    REFERRAL = "referral", _l("Referral to the investigation agency")
    OTHER = "other", _l("Other (mechanisms, policies, documents, practices)")


# Recovery types and the unit of their amounts: đồng (money, other assets at their value) or m².
VND_RECOVERY_TYPES = (CaseType.RECOVERY, CaseType.RECOVERY_ASSETS)
RECOVERY_TYPES = (*VND_RECOVERY_TYPES, CaseType.RECOVERY_LAND)


def recovery_unit(case_type: CaseType) -> str:
    """The unit of a recovery's amounts: "m²" for land, "VND" otherwise."""
    return "m²" if case_type == CaseType.RECOVERY_LAND else "VND"


def format_quantity(value: Decimal | None, case_type: CaseType) -> str:
    """An exact amount the Vietnamese way: "1.250.000" (đồng), "1.234,50" (m²)."""
    if value is None:
        return ""
    land = case_type == CaseType.RECOVERY_LAND
    text = f"{Decimal(value):,.2f}" if land else f"{int(value):,}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


class DisciplineForm(LabelledEnum):
    """Disciplinary forms of Law 80/2025/QH15 and Decree 112/2020/NĐ-CP."""

    REPRIMAND = "reprimand", _l("Reprimand (khiển trách)")
    WARNING = "warning", _l("Warning (cảnh cáo)")
    SALARY_DOWN = "salary_down", _l("Salary grade reduction (hạ bậc lương)")
    DEMOTION = "demotion", _l("Demotion (giáng chức)")
    REMOVAL = "removal", _l("Removal from office (cách chức)")
    DISMISSAL = "dismissal", _l("Dismissal (buộc thôi việc)")


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


class Case(Searchable, EditableMixin, db.Model):
    """A recommendation with a remedial deadline addressed to a responsible unit."""

    __tablename__ = "recommendation"
    __table_args__ = (
        CheckConstraint(
            "type NOT IN ('recovery', 'recovery_assets') OR "
            "(amount_vnd IS NOT NULL AND amount_vnd > 0)",
            name="recovery_has_amount",
        ),
        CheckConstraint(
            "type <> 'recovery_land' OR (area_m2 IS NOT NULL AND area_m2 > 0)",
            name="land_has_area",
        ),
        CheckConstraint("persons_count IS NULL OR persons_count > 0", name="persons_positive"),
        CheckConstraint(
            "state <> 'withdrawn' OR withdrawn_reason IS NOT NULL", name="withdrawn_has_reason"
        ),
        CheckConstraint("escalation_level BETWEEN 0 AND 3", name="escalation_range"),
        Index("ix_case_state_due", "state", "due_date"),
        # A unit's cases by state, in deadline order: a unit leader's page reads its ids from
        # this index alone (cases.queries.case_list_rows).
        Index("ix_case_unit_state_due", "responsible_unit_id", "state", "due_date"),
        # The list's counters under a type filter: an index-only scan (migration by the lead).
        Index("ix_case_type_state_due", "type", "state", "due_date"),
        # The lists' default order (deadline, then id): the first page without a sort.
        Index("ix_case_due_id", "due_date", "id"),
        Searchable.search_index("ix_case_search"),
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
    area_m2: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))  # land to recover
    persons_count: Mapped[int | None] = mapped_column(Integer)  # individuals to handle
    discipline_form: Mapped[DisciplineForm | None] = mapped_column(enum_column(DisciplineForm))
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
    # Who on the inspectorate's side checks and confirms the unit's answer (kiểm tra, xác
    # nhận): named by the team lead or leadership, also for a batch from the case list.
    verifier_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    # Taken in from an earlier tracker (workflows.imports): the row's key in that tracker (a
    # re-import finds the case again by it), the file and row it came from, and the unit's
    # answers so far as the tracker wrote them.
    external_ref: Mapped[str | None] = mapped_column(String(120), unique=True)
    import_source: Mapped[str | None] = mapped_column(String(300))
    answers_text: Mapped[str | None] = mapped_column(Text)

    inspection: Mapped[Inspection] = relationship()
    legal_reference: Mapped[LegalReference] = relationship()
    responsible_unit: Mapped[Unit] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    verifier: Mapped[User | None] = relationship(foreign_keys=[verifier_id])
    findings: Mapped[list[Finding]] = relationship(secondary=case_finding, order_by="Finding.id")
    # The unit's answers (answers.models.CaseAnswer, a feature above: named, not imported).
    answers = relationship("CaseAnswer", order_by="CaseAnswer.id", viewonly=True, uselist=True)
    # The recovery ledger's payments (recovery.models.RecoveryPayment, a feature above).
    payments = relationship(
        "RecoveryPayment", order_by="RecoveryPayment.id", viewonly=True, uselist=True
    )

    @staticmethod
    def reference_of(inspection_id: int, number: int) -> str:
        """ "KN-3/12": the case's reference from plain values (set-based code reads rows)."""
        return f"KN-{inspection_id}/{number}"

    @staticmethod
    def path_of(case_id: int) -> str:
        """ "/cases/12": the case page's link from its id (notifications store it)."""
        return f"/cases/{case_id}"

    @staticmethod
    def verified_by_path(user_id: int) -> str:
        """ "/cases?verifier=7": the case list of the cases a verifier is named on."""
        return f"/cases?verifier={user_id}"

    @property
    def reference(self) -> str:
        return Case.reference_of(self.inspection_id, self.number)

    @property
    def path(self) -> str:
        return Case.path_of(self.id)

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    SEARCH_FIELDS = ("inspection_id", "number", "title", "required_action")

    def search_source(self) -> list[str | None]:
        """Its reference, title and required action (the unit, the inspection's conclusion
        and the legal basis are searched in their own records)."""
        return [self.reference, self.title, self.required_action]

    # --- derived values and permissions (object level) ---------------------------------

    def is_overdue(self, today: date) -> bool:
        """Mirrors `queries.overdue_clause` for one loaded case (the lists use the SQL one)."""
        return Case.overdue_of(self.state, self.due_date, today)

    def days_overdue(self, today: date) -> int:
        """Working days past the deadline (the figure the home page and the reports show)."""
        return Case.days_overdue_of(self.due_date, today) if self.is_overdue(today) else 0

    @staticmethod
    def overdue_of(state: CaseState, due_date: date, today: date) -> bool:
        """`is_overdue` from plain values (the case list's rows)."""
        return state in ACTIVE_CASE_STATES and due_date < today

    @staticmethod
    def days_overdue_of(due_date: date, today: date) -> int:
        """Working days from `due_date` to `today` (0 when not past)."""
        return working_days_overdue(due_date, today)

    @property
    def is_recovery(self) -> bool:
        return self.type in RECOVERY_TYPES

    @property
    def recommended_quantity(self) -> Decimal | None:
        """What is to be recovered, in the type's unit (đồng or m²); None if not a recovery."""
        if self.type == CaseType.RECOVERY_LAND:
            return self.area_m2
        return self.amount_vnd if self.type in VND_RECOVERY_TYPES else None

    @property
    def recovered_quantity(self) -> Decimal:
        """What the ledger records as recovered so far (loads the payments of this case)."""
        return sum((p.quantity for p in self.payments), Decimal(0))

    @property
    def recovery_remaining(self) -> Decimal | None:
        recommended = self.recommended_quantity
        return None if recommended is None else recommended - self.recovered_quantity

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

    def can_remind(self, user, check_state: bool = True) -> bool:
        """Remind the responsible unit of the deadline (đôn đốc): the inspection's team, the
        leadership or an administrator, while the case is open."""
        if not signed_in(user) or user.is_unit_leader:
            return False
        allowed = user.is_admin or user.is_leadership or self.inspection.is_on_team(user)
        return allowed and not (check_state and self.state != CaseState.OPEN)

    def can_take_step(self, user, check_state: bool = True) -> bool:
        """Take an escalation step the sweep leaves to people (the administrator's escalation
        settings): leadership or an administrator, while the case is open."""
        if not signed_in(user) or not (user.is_admin or user.is_leadership):
            return False
        return not (check_state and self.state != CaseState.OPEN)

    def can_decide(self, user, check_state: bool = True) -> bool:
        """Accept or reject an answer: the team lead or a team member, the case's named
        verifier (or an administrator), on an answered case; the unit leader who answered never."""
        if not signed_in(user) or user.is_unit_leader:
            return False
        named = self.verifier_id is not None and self.verifier_id == user.id
        if not (user.is_admin or named or self.inspection.is_on_team(user)):
            return False
        return not (check_state and self.state != CaseState.ANSWERED)

    def can_assign_verifier(self, user, check_state: bool = True) -> bool:
        """Name the verifier of the unit's answer: the team lead, leadership or an
        administrator, while the case is not closed (accepted or withdrawn)."""
        if not signed_in(user):
            return False
        allowed = self.inspection.can_manage(user) or user.is_leadership
        return allowed and not (check_state and self.is_final)

    @staticmethod
    def can_be_verifier(user) -> bool:
        """Who may be named verifier: an active inspector or lead inspector of the
        inspectorate (never a unit leader, who answers)."""
        return bool(user.active) and user.is_inspector

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
# The check of implementation (kiểm tra việc thực hiện kết luận, Law 84/2025 Art. 55) comes
# after the urging letter and before the responsibility proposal (level 3); it is a step of
# the ladder, not a level: the case keeps level 2 until the proposal.
CHECK_STEP = "check"
LADDER_STEPS = (*REMINDER_STEPS, "level_1", "level_2", CHECK_STEP, "level_3")


class EscalationStep(db.Model):
    """One step of the escalation ladder taken on a case for one deadline (a new deadline
    restarts the ladder); the escalation feature writes them, reports read them."""

    __tablename__ = "escalation_step"
    __table_args__ = (
        UniqueConstraint("case_id", "step", "due_date", name="uq_escalation_once"),
        # The grouped notices count the cases that took a step on a day.
        Index("ix_escalation_step_step_day", "step", "on_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("recommendation.id"), nullable=False, index=True
    )
    step: Mapped[str] = mapped_column(String(20), nullable=False)
    due_date: Mapped[date] = mapped_column(Date, nullable=False)
    on_date: Mapped[date] = mapped_column(Date, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
