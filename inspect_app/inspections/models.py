"""Inspections and checks (cuộc thanh tra / kiểm tra) and their teams."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import Date, Integer, String, Text

from inspect_app.auth.models import User
from inspect_app.core.models import EditableMixin, LabelledEnum, enum_column, secondary
from inspect_app.core.roles import signed_in
from inspect_app.core.search import Searchable
from inspect_app.extensions import db
from inspect_app.plans.models import PlanItem
from inspect_app.reference.models import ActivityKind, FieldOfWork, IssuingBody
from inspect_app.units.models import Unit
from inspect_app.units.queries import visible_unit_ids


class InspectionState(LabelledEnum):
    PLANNED = "planned", _l("Planned")
    IN_PROGRESS = "in_progress", _l("On-site in progress")
    ONSITE_ENDED = "onsite_ended", _l("On-site work ended")
    REPORTED = "reported", _l("Team report submitted")
    CONCLUDED = "concluded", _l("Concluded")
    MONITORING = "monitoring", _l("Monitoring implementation")
    CLOSED = "closed", _l("Closed")


# States after the conclusion: findings are locked, cases exist.
CONCLUDED_STATES = (InspectionState.CONCLUDED, InspectionState.MONITORING, InspectionState.CLOSED)

# While these last, the team logs findings and their authors may change them.
FINDINGS_OPEN_STATES = (
    InspectionState.IN_PROGRESS,
    InspectionState.ONSITE_ENDED,
    InspectionState.REPORTED,
)
# An inspection takes cases once the team has reported, until it is closed.
CASE_CREATION_STATES = (
    InspectionState.REPORTED,
    InspectionState.CONCLUDED,
    InspectionState.MONITORING,
)

inspection_field = secondary(
    "inspection_field", "inspection_id", "inspection.id", "field_id", "field_of_work.id"
)

inspection_member = secondary(
    "inspection_member", "inspection_id", "inspection.id", "user_id", "user.id", index=True
)


# The columns recording the conclusion's lifecycle steps, in order (conclusions.lifecycle.STEPS
# names the step of each); an inspection with one of them empty has a step still to record.
LIFECYCLE_RECORDS = (
    "drafting_assigned_on",
    "draft_submitted_on",
    "appraised_on",
    "conclusion_date",
    "published_on",
    "recommended_on",
    "instruction_date",
)
LIFECYCLE_PENDING_SQL = " OR ".join(f"{column} IS NULL" for column in LIFECYCLE_RECORDS)


class Inspection(Searchable, EditableMixin, db.Model):
    """One inspection or check of a target unit, led by a team leader (trưởng đoàn)."""

    __tablename__ = "inspection"
    __table_args__ = (
        CheckConstraint(
            "plan_item_id IS NOT NULL OR ad_hoc_reason IS NOT NULL", name="planned_or_ad_hoc"
        ),
        CheckConstraint("planned_end_date >= start_date", name="end_after_start"),
        CheckConstraint(
            "state NOT IN ('concluded', 'monitoring', 'closed') OR "
            "(conclusion_number IS NOT NULL AND conclusion_date IS NOT NULL)",
            name="concluded_has_conclusion",
        ),
        Index("ix_inspection_state_target", "state", "target_unit_id"),
        CheckConstraint(
            "published_on IS NULL OR conclusion_date IS NULL OR published_on >= conclusion_date",
            name="published_after_signature",
        ),
        # The list's default order (start date, then id): the first page without a sort.
        Index("ix_inspection_start_id", "start_date", "id"),
        # The inspections with a lifecycle step still to record: the overdue steps' count and
        # reminders read these, not every inspection of the province.
        Index(
            "ix_inspection_lifecycle_pending",
            "state",
            "reported_on",
            sqlite_where=text(LIFECYCLE_PENDING_SQL),
            postgresql_where=text(LIFECYCLE_PENDING_SQL),
        ),
        Searchable.search_index("ix_inspection_search"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ActivityKind] = mapped_column(enum_column(ActivityKind), nullable=False)
    # Who issues it and its documents (letterhead, symbols, citations); None only for records
    # made before the bodies existed outside a migrated database: the Provincial Inspectorate.
    issuing_body_id: Mapped[int | None] = mapped_column(ForeignKey("issuing_body.id"), index=True)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    plan_item_id: Mapped[int | None] = mapped_column(ForeignKey("plan_item.id"), index=True)
    ad_hoc_reason: Mapped[str | None] = mapped_column(Text)
    decision_number: Mapped[str] = mapped_column(String(60), nullable=False)
    decision_date: Mapped[date] = mapped_column(Date, nullable=False)
    target_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), nullable=False, index=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("user.id"), nullable=False, index=True)
    scope: Mapped[str | None] = mapped_column(Text)
    period_under_review: Mapped[str | None] = mapped_column(String(200))
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    planned_end_date: Mapped[date] = mapped_column(Date, nullable=False)
    state: Mapped[InspectionState] = mapped_column(
        enum_column(InspectionState), nullable=False, default=InspectionState.PLANNED
    )
    onsite_started_on: Mapped[date | None] = mapped_column(Date)
    onsite_ended_on: Mapped[date | None] = mapped_column(Date)
    reported_on: Mapped[date | None] = mapped_column(Date)
    extension_reference: Mapped[str | None] = mapped_column(String(120))
    extension_days: Mapped[int | None] = mapped_column(Integer)
    conclusion_number: Mapped[str | None] = mapped_column(String(60))
    conclusion_date: Mapped[date | None] = mapped_column(Date)
    conclusion_summary: Mapped[str | None] = mapped_column(Text)
    conclusion_file_id: Mapped[int | None] = mapped_column(
        ForeignKey("evidence_file.id", use_alter=True, name="fk_inspection_conclusion_file")
    )
    closed_on: Mapped[date | None] = mapped_column(Date)
    # The conclusion's lifecycle (conclusions.lifecycle): from the team report to the
    # Chairman's implementing instruction; each date as recorded, each due date from a rule.
    drafting_assigned_on: Mapped[date | None] = mapped_column(Date)
    draft_submitted_on: Mapped[date | None] = mapped_column(Date)
    appraised_on: Mapped[date | None] = mapped_column(Date)
    published_on: Mapped[date | None] = mapped_column(Date)
    posting_until: Mapped[date | None] = mapped_column(Date)
    publication_channels: Mapped[str | None] = mapped_column(String(500))
    recommended_on: Mapped[date | None] = mapped_column(Date)
    instruction_number: Mapped[str | None] = mapped_column(String(60))
    instruction_date: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Taken in from an earlier tracker (workflows.imports): the file and row it came from.
    import_source: Mapped[str | None] = mapped_column(String(300))

    plan_item: Mapped[PlanItem | None] = relationship()
    issuing_body: Mapped[IssuingBody | None] = relationship()
    target_unit: Mapped[Unit] = relationship()
    lead: Mapped[User] = relationship(foreign_keys=[lead_id])
    members: Mapped[list[User]] = relationship(
        secondary=inspection_member, order_by="User.full_name"
    )
    fields: Mapped[list[FieldOfWork]] = relationship(
        secondary=inspection_field, order_by="FieldOfWork.name"
    )
    # Features above inspections, named rather than imported (findings.models, cases.models).
    findings = relationship(
        "Finding", back_populates="inspection", order_by="Finding.id", uselist=True
    )
    conclusion_file = relationship(
        "EvidenceFile", foreign_keys=[conclusion_file_id], post_update=True, uselist=False
    )
    cases = relationship("Case", order_by="Case.number", viewonly=True, uselist=True)

    @staticmethod
    def path_of(inspection_id: int) -> str:
        """ "/inspections/12": the activity's page from its id (notifications, drill-downs)."""
        return f"/inspections/{inspection_id}"

    @property
    def path(self) -> str:
        return Inspection.path_of(self.id)

    def __str__(self) -> str:
        return self.title

    SEARCH_FIELDS = ("title", "decision_number", "conclusion_number")

    def search_source(self) -> list[str | None]:
        """Its title, decision number and conclusion number."""
        return [self.title, self.decision_number, self.conclusion_number]

    @property
    def is_check(self) -> bool:
        """A check (kiểm tra) rather than an inspection (thanh tra): called so throughout."""
        return self.kind.is_check

    @property
    def is_concluded(self) -> bool:
        return self.state in CONCLUDED_STATES

    def is_on_team(self, user) -> bool:
        return user.id == self.lead_id or any(m.id == user.id for m in self.members)

    @property
    def takes_findings(self) -> bool:
        """While on-site work runs and until the conclusion, the team logs findings."""
        return self.state in FINDINGS_OPEN_STATES

    def can_view(self, user) -> bool:
        """Staff see every inspection; a unit leader only those targeting their units."""
        if not signed_in(user):
            return False
        visible = visible_unit_ids(user)
        return visible is None or self.target_unit_id in visible

    def can_edit(self, user) -> bool:
        """Team lead or member (or admin) may edit and add work; never once closed."""
        if not signed_in(user):
            return False
        if self.state == InspectionState.CLOSED:
            return False
        return user.is_admin or self.is_on_team(user)

    def can_manage(self, user) -> bool:
        """The team lead (trưởng đoàn) or an administrator steers the inspection."""
        if not signed_in(user):
            return False
        return user.is_admin or user.id == self.lead_id

    def can_log_findings(self, user, check_state: bool = True) -> bool:
        """The team (lead and members, not administrators), while it takes findings."""
        if not signed_in(user):
            return False
        return self.is_on_team(user) and not (check_state and not self.takes_findings)

    def can_upload_conclusion(self, user, check_state: bool = True) -> bool:
        """The team lead (or an administrator) or the leadership, once concluded."""
        allowed = self.can_manage(user) or getattr(user, "is_leadership", False)
        return allowed and not (check_state and not self.is_concluded)

    def can_create_cases(self, user, check_state: bool = True) -> bool:
        """The team lead or an administrator, from the team report until monitoring ends."""
        return self.can_manage(user) and not (
            check_state and self.state not in CASE_CREATION_STATES
        )
