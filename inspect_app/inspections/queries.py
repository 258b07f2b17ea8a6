"""Reading inspections: the filtered list (eager loads declared once) and visibility."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.orm import joinedload, selectinload

from inspect_app.auth.models import User
from inspect_app.core.filters import ListFilters, choice, text
from inspect_app.core.roles import INSPECTORS
from inspect_app.core.search import matches
from inspect_app.extensions import db
from inspect_app.inspections.models import (
    Inspection,
    InspectionState,
    inspection_field,
    inspection_member,
)
from inspect_app.plans.models import Plan, PlanItem, PlanState
from inspect_app.reference.models import ActivityKind, FieldOfWork
from inspect_app.reference.queries import field_choices
from inspect_app.units.models import Unit
from inspect_app.units.queries import unit_choices, visible_unit_ids

# One place for what a list row shows: target unit and lead joined, fields in one more query.
LIST_LOADS = (
    joinedload(Inspection.target_unit),
    joinedload(Inspection.lead),
    selectinload(Inspection.fields),
)

SORTS = {
    "start": (Inspection.start_date.asc(), Inspection.id.asc()),
    "-start": (Inspection.start_date.desc(), Inspection.id.desc()),
    "decision": (Inspection.decision_date.asc(), Inspection.id.asc()),
    "-decision": (Inspection.decision_date.desc(), Inspection.id.desc()),
}


def visible(stmt: Select, user) -> Select:
    """Restrict a statement on Inspection to what `user` may see."""
    units = visible_unit_ids(user)
    if units is None:
        return stmt
    return stmt.where(Inspection.target_unit_id.in_(units or [-1]))


@dataclass
class InspectionFilters(ListFilters):
    """The inspection list's filters as read from the query string (invalid values are
    ignored)."""

    STATES: ClassVar = InspectionState
    YEARS: ClassVar = (2000, 2100)

    kind: str = ""
    q: str = ""
    mine: bool = False
    sort: str = "-start"

    @classmethod
    def from_args(cls, args) -> InspectionFilters:
        return cls(
            **cls.shared_args(args),
            kind=choice(args, "kind", ActivityKind),
            q=text(args, "q"),
            mine=args.get("mine") in ("1", "on", "true"),
            sort=choice(args, "sort", SORTS, "-start"),
        )

    def as_args(self) -> dict:
        """The non-empty filters, for links (pagination, sorting)."""
        return self.link_args(
            kind=self.kind,
            q=self.q,
            mine="1" if self.mine else "",
            sort=self.sort if self.sort != "-start" else "",
        )


def list_statement(user, f: InspectionFilters) -> Select:
    """The inspections `user` may see, filtered and sorted, with the list's eager loads."""
    stmt = visible(select(Inspection), user).options(*LIST_LOADS)
    if f.state:
        stmt = stmt.where(Inspection.state == InspectionState(f.state))
    if f.unit:
        stmt = stmt.where(Inspection.target_unit_id == f.unit)
    if f.kind:
        stmt = stmt.where(Inspection.kind == ActivityKind(f.kind))
    if f.year:
        stmt = stmt.where(Inspection.start_date.between(date(f.year, 1, 1), date(f.year, 12, 31)))
    if f.field:
        stmt = stmt.where(
            exists().where(
                inspection_field.c.inspection_id == Inspection.id,
                inspection_field.c.field_id == f.field,
            )
        )
    if f.q:  # title, decision or conclusion number, as users type (core.search.fold)
        stmt = stmt.where(matches(Inspection.search_text, f.q))
    if f.mine:
        stmt = stmt.where(
            or_(
                Inspection.lead_id == user.id,
                exists().where(
                    inspection_member.c.inspection_id == Inspection.id,
                    inspection_member.c.user_id == user.id,
                ),
            )
        )
    return stmt.order_by(*SORTS[f.sort])


def team_inspections(user, limit: int = 10) -> list[Inspection]:
    """The inspections `user` leads or is a member of that are not closed, most recent start
    first, with the team loaded for their next step (the inspector's and lead's home)."""
    stmt = (
        list_statement(user, InspectionFilters(mine=True))
        .options(selectinload(Inspection.members))
        .where(Inspection.state != InspectionState.CLOSED)
        .limit(limit)
    )
    return list(db.session.execute(stmt).unique().scalars())


def filter_choices(user) -> dict:
    """Options of the list filters: visible units and fields as plain (id, name) rows (not ORM
    objects: 173 units a page), states, kinds."""
    return {
        "units": unit_choices(user),
        "fields": field_choices(),
        "states": list(InspectionState),
        "kinds": list(ActivityKind),
    }


def form_choices() -> dict:
    """Options of the create/edit form: units, active inspectors, fields, approved plan items."""
    return {
        "units": list(
            db.session.execute(
                select(Unit).where(Unit.active.is_(True)).order_by(Unit.name)
            ).scalars()
        ),
        "inspectors": list(
            db.session.execute(
                select(User)
                .where(User.active.is_(True), User.role.in_(INSPECTORS))
                .order_by(User.full_name)
            ).scalars()
        ),
        "fields": list(
            db.session.execute(
                select(FieldOfWork).where(FieldOfWork.active.is_(True)).order_by(FieldOfWork.name)
            ).scalars()
        ),
        "plan_items": list(
            db.session.execute(
                select(PlanItem)
                .join(Plan)
                .where(
                    Plan.state == PlanState.APPROVED,
                    ~exists().where(Inspection.plan_item_id == PlanItem.id),
                )
                .options(joinedload(PlanItem.target_unit), joinedload(PlanItem.plan))
                .order_by(Plan.year.desc(), PlanItem.id)
            ).scalars()
        ),
        "kinds": list(ActivityKind),
    }
