"""Reading cases: the filtered list, its counters, and the overdue rule as SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.orm import joinedload

from inspect_app.cases.models import ACTIVE_CASE_STATES, Case, CaseState, CaseType, case_finding
from inspect_app.extensions import db
from inspect_app.findings.models import Finding
from inspect_app.inspections.models import inspection_field
from inspect_app.units.queries import lineage_ids, visible_unit_ids

# Every list of cases shows these with each row: loaded in the same query, never per row.
LIST_LOADS = (
    joinedload(Case.inspection),
    joinedload(Case.legal_reference),
    joinedload(Case.responsible_unit),
)

SORTS = {
    "due": (Case.due_date.asc(), Case.id.asc()),
    "-due": (Case.due_date.desc(), Case.id.desc()),
    "created": (Case.created_at.asc(), Case.id.asc()),
    "-created": (Case.created_at.desc(), Case.id.desc()),
}
DEFAULT_SORT = "due"


def overdue_clause(today: date) -> ColumnElement[bool]:
    """Overdue (quá hạn), in SQL: the deadline has passed and the case still runs."""
    return and_(Case.due_date < today, Case.state.in_(ACTIVE_CASE_STATES))


@dataclass
class CaseFilters:
    """The list's filters as read from the query string (invalid values are ignored)."""

    state: str = ""
    unit: int | None = None
    field: int | None = None
    year: int | None = None
    overdue: bool = False
    type: str = ""
    q: str = ""
    sort: str = DEFAULT_SORT

    @classmethod
    def from_args(cls, args) -> CaseFilters:
        def as_id(name: str, hi: int = 2**31 - 1) -> int | None:
            value = (args.get(name) or "").strip()
            return int(value) if value.isdigit() and 0 < int(value) <= hi else None

        state = args.get("state") or ""
        kind = args.get("type") or ""
        sort = args.get("sort") or DEFAULT_SORT
        return cls(
            state=state if state in {s.value for s in CaseState} else "",
            unit=as_id("unit"),
            field=as_id("field"),
            year=as_id("year", 9999),
            overdue=args.get("overdue") == "1",
            type=kind if kind in {t.value for t in CaseType} else "",
            q=(args.get("q") or "").replace("\x00", "").strip()[:100],
            sort=sort if sort in SORTS else DEFAULT_SORT,
        )

    def as_args(self) -> dict:
        """The non-empty filters, for links (pagination, pushed URLs)."""
        values = {
            "state": self.state,
            "unit": self.unit,
            "field": self.field,
            "year": self.year,
            "overdue": "1" if self.overdue else "",
            "type": self.type,
            "q": self.q,
            "sort": self.sort if self.sort != DEFAULT_SORT else "",
        }
        return {k: v for k, v in values.items() if v not in ("", None)}


def _conditions(user, filters: CaseFilters, today: date, with_state: bool = True) -> list:
    conditions = []
    visible = visible_unit_ids(user)
    if visible is not None:
        conditions.append(Case.responsible_unit_id.in_(visible or {-1}))
    if with_state and filters.state:
        conditions.append(Case.state == CaseState(filters.state))
    if filters.unit:
        # Under both names: the unit, the units merged into it, and the units it became.
        conditions.append(Case.responsible_unit_id.in_(lineage_ids(filters.unit)))
    if filters.field:
        by_finding = exists().where(
            case_finding.c.case_id == Case.id,
            case_finding.c.finding_id == Finding.id,
            Finding.field_id == filters.field,
        )
        by_inspection = exists().where(
            inspection_field.c.inspection_id == Case.inspection_id,
            inspection_field.c.field_id == filters.field,
        )
        conditions.append(or_(by_finding, by_inspection))
    if filters.year:
        conditions.append(
            Case.due_date.between(date(filters.year, 1, 1), date(filters.year, 12, 31))
        )
    if filters.overdue:
        conditions.append(overdue_clause(today))
    if filters.type:
        conditions.append(Case.type == CaseType(filters.type))
    if filters.q:
        needle = filters.q.lower()
        conditions.append(
            or_(
                func.lower(Case.title).contains(needle, autoescape=True),
                func.lower(Case.required_action).contains(needle, autoescape=True),
            )
        )
    return conditions


def case_list(user, filters: CaseFilters, today: date) -> Select:
    """Cases `user` may see matching `filters`, with the list's relations loaded."""
    return (
        select(Case)
        .options(*LIST_LOADS)
        .where(*_conditions(user, filters, today))
        .order_by(*SORTS[filters.sort])
    )


def state_counters(user, filters: CaseFilters, today: date) -> dict[str, int]:
    """How many visible cases match the other filters, per state and overdue (one query)."""
    conditions = _conditions(user, filters, today, with_state=False)
    columns = [func.count().filter(Case.state == s).label(s.value) for s in CaseState]
    columns.append(func.count().filter(overdue_clause(today)).label("overdue"))
    columns.append(func.count().label("all"))
    row = db.session.execute(select(*columns).select_from(Case).where(*conditions)).one()
    return dict(row._mapping)


def cases_of_inspection(user, inspection_id: int) -> list[Case]:
    """The cases of one inspection that `user` may see, in number order (one query)."""
    visible = visible_unit_ids(user)
    stmt = (
        select(Case)
        .options(joinedload(Case.responsible_unit))
        .where(Case.inspection_id == inspection_id)
        .order_by(Case.number)
    )
    if visible is not None:
        stmt = stmt.where(Case.responsible_unit_id.in_(visible or {-1}))
    return list(db.session.execute(stmt).scalars())
