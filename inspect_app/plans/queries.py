"""Reading plans: the filtered list, one plan with its items, overlaps, the timeline."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from inspect_app.core import filters
from inspect_app.core.audit import AuditEvent
from inspect_app.extensions import db
from inspect_app.plans.models import Plan, PlanItem, PlanState, plan_item_field
from inspect_app.plans.schemas import YEAR_MAX, YEAR_MIN
from inspect_app.units.models import Unit

ITEM_LOADS = (
    joinedload(PlanItem.target_unit),
    joinedload(PlanItem.lead),
    selectinload(PlanItem.fields),
)


# What the plan's detail page shows, loaded in a fixed number of queries.
PLAN_LOADS = (
    joinedload(Plan.issuing_unit),
    joinedload(Plan.created_by),
    joinedload(Plan.submitted_by),
    joinedload(Plan.approved_by),
    selectinload(Plan.items).options(*ITEM_LOADS),
)


@dataclass(frozen=True)
class PlanFilters:
    """The plan list's filters as read from the query string (invalid values are ignored)."""

    year: int | None = None
    state: str = ""
    q: str = ""

    @classmethod
    def from_args(cls, args) -> PlanFilters:
        return cls(
            year=filters.number(args, "year", YEAR_MIN, YEAR_MAX),
            state=filters.choice(args, "state", PlanState),
            q=filters.text(args, "q"),
        )

    def as_args(self) -> dict:
        values = {"year": self.year, "state": self.state, "q": self.q}
        return {k: v for k, v in values.items() if v}


def plan_list_stmt(
    year: int | None = None, state: str | None = None, q: str | None = None
) -> Select:
    """Plans with their issuing unit and approver, and the number of items: rows (plan, count)."""
    item_count = (
        select(func.count(PlanItem.id))
        .where(PlanItem.plan_id == Plan.id)
        .correlate(Plan)
        .scalar_subquery()
        .label("item_count")
    )
    stmt = (
        select(Plan, item_count)
        .join(Plan.issuing_unit)
        .options(joinedload(Plan.issuing_unit), joinedload(Plan.approved_by))
        .order_by(Plan.year.desc(), Plan.title, Plan.id)
    )
    if year:
        stmt = stmt.where(Plan.year == year)
    if state:
        stmt = stmt.where(Plan.state == PlanState(state))
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(or_(func.lower(Plan.title).like(like), func.lower(Unit.name).like(like)))
    return stmt


def plan_years() -> list[int]:
    """The years that have a plan, newest first (for the filter)."""
    return list(
        db.session.execute(select(Plan.year).distinct().order_by(Plan.year.desc())).scalars()
    )


def find_overlaps(
    year: int, target_unit_id: int, field_ids: list[int], exclude_item_id: int | None = None
) -> list[PlanItem]:
    """Items of any plan of `year` for the same unit sharing at least one field."""
    if not field_ids:
        return []
    sharing = select(plan_item_field.c.plan_item_id).where(
        plan_item_field.c.field_id.in_(field_ids)
    )
    stmt = (
        select(PlanItem)
        .join(PlanItem.plan)
        .where(
            Plan.year == year,
            PlanItem.target_unit_id == target_unit_id,
            PlanItem.id.in_(sharing),
        )
        .options(joinedload(PlanItem.plan), *ITEM_LOADS)
        .order_by(PlanItem.id)
    )
    if exclude_item_id is not None:
        stmt = stmt.where(PlanItem.id != exclude_item_id)
    return list(db.session.execute(stmt).unique().scalars())


def plan_events(plan: Plan) -> list[AuditEvent]:
    """The timeline of a plan and of its items (also removed ones), oldest first."""
    own = list(
        db.session.execute(
            select(AuditEvent)
            .where(AuditEvent.object_type == "Plan", AuditEvent.object_id == plan.id)
            .order_by(AuditEvent.id)
        ).scalars()
    )
    item_ids = {i.id for i in plan.items}
    item_ids |= {
        e.before["id"]
        for e in own
        if e.action == "plan_item_removed" and e.before and e.before.get("id")
    }
    if not item_ids:
        return own
    items = db.session.execute(
        select(AuditEvent).where(
            and_(AuditEvent.object_type == "PlanItem", AuditEvent.object_id.in_(item_ids))
        )
    ).scalars()
    return sorted([*own, *items], key=lambda e: e.id)
