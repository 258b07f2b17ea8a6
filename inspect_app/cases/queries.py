"""Reading cases: the filtered list, its counters, and the overdue rule as SQL."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date
from typing import ClassVar

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Select,
    and_,
    cast,
    exists,
    extract,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased, joinedload, load_only
from sqlalchemy.sql.functions import FunctionElement

from inspect_app.auth.models import User
from inspect_app.cases import totals
from inspect_app.cases.models import (
    ACTIVE_CASE_STATES,
    LADDER_STEPS,
    Case,
    CaseState,
    CaseType,
    EscalationStep,
    case_finding,
)
from inspect_app.core import clock
from inspect_app.core.filters import ListFilters, choice, day, number, record_id, text
from inspect_app.core.memo import per_request
from inspect_app.core.roles import INSPECTORS
from inspect_app.core.search import fold, matches
from inspect_app.extensions import db
from inspect_app.findings.models import Finding
from inspect_app.inspections.models import Inspection, inspection_field
from inspect_app.reference.calendar import working_days_overdue_bound
from inspect_app.reference.models import LegalReference
from inspect_app.units.models import Unit
from inspect_app.units.queries import UnitHistory, lineage_ids, visible_unit_ids

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


# --- SQL helpers (shared with the dashboard) -----------------------------------------------------------------------------


class local_date(FunctionElement):  # noqa: N801 - used like a SQL function
    """The date in the province's zone of a UTC timestamp column, computed by the database."""

    type = Date()
    inherit_cache = True
    name = "local_date"


@compiles(local_date)
def _local_date_sqlite(element, compiler, **kw):
    # SQLite stores the UTC instant as text; Asia/Ho_Chi_Minh has had no daylight saving since
    # 1975, so a fixed offset is exact.
    (column,) = list(element.clauses)
    offset = clock.ZONE.utcoffset(clock.now().replace(tzinfo=None))
    minutes = int(offset.total_seconds() // 60)
    return f"date({compiler.process(column, **kw)}, '{minutes:+d} minutes')"


@compiles(local_date, "postgresql")
def _local_date_postgresql(element, compiler, **kw):
    (column,) = list(element.clauses)
    return f"CAST(timezone('{clock.ZONE.key}', {compiler.process(column, **kw)}) AS DATE)"


def on_time_clause():
    """Accepted with the local closing date on or before the deadline (proposed `ontime=1`)."""
    return and_(Case.state == CaseState.ACCEPTED, local_date(Case.closed_at) <= Case.due_date)


def late_clause():
    """Accepted after the deadline (proposed `state=accepted&ontime=0`)."""
    return and_(Case.state == CaseState.ACCEPTED, local_date(Case.closed_at) > Case.due_date)


def missed_clause(today: date):
    """The deadline was missed: accepted late or still open past it (proposed `ontime=0`)."""
    return or_(late_clause(), overdue_clause(today))


def overdue_on_clause(day: date, today: date):
    """Overdue as it stood on `day` (proposed `overdue_on=`); the overdue rule when day=today."""
    if day >= today:
        return overdue_clause(today)
    settled_later = and_(
        Case.state.in_((CaseState.ACCEPTED, CaseState.WITHDRAWN)),
        local_date(Case.closed_at) > day,
    )
    return and_(Case.due_date < day, or_(Case.state == CaseState.OPEN, settled_later))


@dataclass
class CaseFilters(ListFilters):
    """The case list's filters as read from the query string (invalid values are ignored)."""

    STATES: ClassVar = CaseState

    overdue: bool = False
    type: str = ""
    q: str = ""
    sort: str = DEFAULT_SORT
    overdue_min: int | None = None  # working days overdue, inclusive
    overdue_max: int | None = None
    ontime: str = ""  # "1" accepted on time, "0" deadline missed (late or still overdue), "any"
    due_from: date | None = None
    due_to: date | None = None
    closed_from: date | None = None  # local closing date
    closed_to: date | None = None
    overdue_on: date | None = None  # overdue as it stood on that day
    step: str = ""  # an escalation step taken for the current deadline (grouped notices link)
    step_on: date | None = None  # ... on that day
    inspection: int | None = None  # the cases of one conclusion
    verifier: int | None = None  # the cases a verifier (a user id) is named on

    @classmethod
    def from_args(cls, args) -> CaseFilters:
        dates = ("due_from", "due_to", "closed_from", "closed_to", "overdue_on")
        return cls(
            **cls.shared_args(args),
            overdue=args.get("overdue") == "1",
            type=choice(args, "type", CaseType),
            q=text(args, "q"),
            sort=choice(args, "sort", SORTS, DEFAULT_SORT),
            overdue_min=number(args, "overdue_min", 0, 99999),
            overdue_max=number(args, "overdue_max", 0, 99999),
            ontime=choice(args, "ontime", ("0", "1", "any")),
            **{name: day(args, name) for name in dates},
            step=choice(args, "step", LADDER_STEPS),
            step_on=day(args, "step_on"),
            inspection=record_id(args, "inspection"),
            verifier=record_id(args, "verifier"),
        )

    def total_in(self, counters: dict[str, int]) -> int:
        """The list's size from its counters (`state_counters`: per state under the other
        filters): no second COUNT over the cases."""
        return counters[self.state] if self.state else counters["all"]

    def as_args(self) -> dict:
        """The non-empty filters, for links (pagination, pushed URLs)."""
        dates = ("due_from", "due_to", "closed_from", "closed_to", "overdue_on")
        return self.link_args(
            overdue="1" if self.overdue else "",
            type=self.type,
            q=self.q,
            sort=self.sort if self.sort != DEFAULT_SORT else "",
            overdue_min=self.overdue_min,
            overdue_max=self.overdue_max,
            ontime=self.ontime,
            **{
                name: getattr(self, name).isoformat() if getattr(self, name) else ""
                for name in dates
            },
            step=self.step,
            step_on=self.step_on.isoformat() if self.step_on else "",
            inspection=self.inspection,
            verifier=self.verifier,
        )


def case_conditions(
    user, filters: CaseFilters, today: date, with_state: bool = True, hits_first: bool = False
) -> list:
    """The WHERE conditions of the case list for `user` and `filters` (also the dashboard's);
    `hits_first`: see `search_clause`."""
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
    if filters.overdue_min is not None or filters.overdue_max is not None:
        conditions.append(overdue_clause(today))
        if filters.overdue_min:
            conditions.append(
                Case.due_date < working_days_overdue_bound(today, filters.overdue_min)
            )
        if filters.overdue_max is not None:
            conditions.append(
                Case.due_date >= working_days_overdue_bound(today, filters.overdue_max + 1)
            )
    if filters.ontime == "1":
        conditions.append(on_time_clause())
    elif filters.ontime == "0":
        conditions.append(missed_clause(today))
    elif filters.ontime == "any":  # the compliance rate's denominator
        conditions.append(or_(on_time_clause(), missed_clause(today)))
    if filters.due_from:
        conditions.append(Case.due_date >= filters.due_from)
    if filters.due_to:
        conditions.append(Case.due_date <= filters.due_to)
    if filters.closed_from:
        conditions.append(local_date(Case.closed_at) >= filters.closed_from)
    if filters.closed_to:
        conditions.append(local_date(Case.closed_at) <= filters.closed_to)
    if filters.overdue_on:
        conditions.append(overdue_on_clause(filters.overdue_on, today))
    if filters.inspection:
        conditions.append(Case.inspection_id == filters.inspection)
    if filters.verifier:
        conditions.append(Case.verifier_id == filters.verifier)
    if filters.step:
        taken = [
            EscalationStep.case_id == Case.id,
            EscalationStep.step == filters.step,
            EscalationStep.due_date == Case.due_date,
        ]
        if filters.step_on:
            taken.append(EscalationStep.on_date == filters.step_on)
        conditions.append(exists().where(*taken))
    if filters.q:
        conditions.append(search_clause(filters.q, hits_first))
    return conditions


# "KN-3/12" typed whole finds that case only (not KN-3/120); a part of it is searched as text.
REFERENCE = re.compile(r"kn-(\d{1,9})/(\d{1,9})")


# At most this many hits (the counters tell) and the case list reads its page from the hits
# (`search_clause`): below it that beats walking the deadline index, above it the walk stops soon.
FEW_HITS = 300


def search_clause(q: str, hits_first: bool = False) -> ColumnElement[bool]:
    """The case list's search, as Vietnamese users type (core.search.fold): the case's
    reference, title and required action, or its unit, its inspection (title, decision or
    conclusion number) or its legal basis matching. The matching units, inspections and legal
    references are looked up once (one query per request), so each is a plain IN on the case.

    `hits_first` (for counting every hit, or a page of few hits): on SQLite, which has no index
    for LIKE '%...%', the matching ids are read from the folded texts' own index (ix_case_search
    holds the text and the rowid), then only those rows; otherwise it reads the wide rows, and
    for a page in deadline order walks the whole table when few match (at 100k cases: counters
    31-110 -> 13 ms for a rare search, a page of 8 hits 58-146 -> 13 ms). PostgreSQL's trigram
    index answers either way."""
    reference = REFERENCE.fullmatch(fold(q))
    if reference:
        return and_(
            Case.inspection_id == int(reference.group(1)), Case.number == int(reference.group(2))
        )
    related = related_matches(q)
    columns = {
        "unit": Case.responsible_unit_id,
        "inspection": Case.inspection_id,
        "legal_reference": Case.legal_reference_id,
    }
    each = [matches(Case.search_text, q)]
    each += [columns[kind].in_(ids) for kind, ids in related.items() if ids]
    if hits_first and db.session.get_bind().dialect.name == "sqlite":
        # One id list, each part read by its own index (an OR of subqueries ran each twice).
        return Case.id.in_(union_all(*(select(Case.id).where(c) for c in each)))
    return or_(*each)


def related_matches(q: str) -> dict[str, list[int]]:
    """Ids of the units, inspections and legal references whose folded text contains `q`
    (one UNION query, remembered for the request: the counters and the list both ask)."""
    memo = per_request("case_search")
    key = fold(q)
    if key not in memo:
        kinds = {"unit": Unit, "inspection": Inspection, "legal_reference": LegalReference}
        stmt = union_all(
            *(
                select(literal(kind).label("kind"), model.id).where(matches(model.search_text, q))
                for kind, model in kinds.items()
            )
        )
        found: dict[str, list[int]] = {kind: [] for kind in kinds}
        for kind, record_id in db.session.execute(stmt):
            found[kind].append(record_id)
        memo[key] = found
    return memo[key]


def case_list(
    user, filters: CaseFilters, today: date, loads=LIST_LOADS, hits: int | None = None
) -> Select:
    """Cases `user` may see matching `filters` as objects, with `loads` (the rows' relations;
    the exports pass theirs); the list page reads plain rows instead (`case_list_rows`);
    `hits`, when the caller counted them (the list's counters), picks the search's plan."""
    hits_first = hits is not None and hits <= FEW_HITS
    return (
        select(Case)
        .options(*loads)
        .where(*case_conditions(user, filters, today, hits_first=hits_first))
        .order_by(*SORTS[filters.sort])
    )


@dataclass(frozen=True, slots=True)
class CaseListRow:
    """A row of the case list page, from plain values (`case_list_rows`): what the row shows,
    no ORM object. Loading 50 cases with their three relations as objects, then reading their
    attributes in the template, was 2 ms of the page's 12 at 100k cases."""

    id: int
    reference: str
    title: str
    type: CaseType
    amount_vnd: int | None
    due_date: date
    state: CaseState
    inspection_title: str
    citation: str
    unit_name: str
    overdue: bool
    overdue_days: int

    @classmethod
    def of(cls, row, today: date) -> CaseListRow:
        overdue = Case.overdue_of(row.state, row.due_date, today)
        return cls(
            id=row.id,
            reference=Case.reference_of(row.inspection_id, row.number),
            title=row.title,
            type=row.type,
            amount_vnd=row.amount_vnd,
            due_date=row.due_date,
            state=row.state,
            inspection_title=row.inspection_title,
            citation=LegalReference.citation_of(row.instrument, row.article, row.clause),
            unit_name=row.unit_name,
            overdue=overdue,
            overdue_days=Case.days_overdue_of(row.due_date, today) if overdue else 0,
        )


# The earlier inspection of a repeat violation (`prior_violations`), made once.
_EARLIER_INSPECTION = aliased(Inspection)
# The list rows' relations under their own names (made once: `aliased` per request was 1.3 ms).
_ROW_INSPECTION, _ROW_LEGAL, _ROW_UNIT = aliased(Inspection), aliased(LegalReference), aliased(Unit)


def case_list_rows(
    user,
    filters: CaseFilters,
    today: date,
    hits: int | None = None,
    window: tuple[int, int] | None = None,
) -> Select:
    """`case_list` as plain rows for the list page (`CaseListRow.of` each): the same
    conditions and order, the relations outer-joined under their own aliases as the ORM's
    joined loading does (the same plan). `window` (limit, offset): one page, whose ids are
    read first from the indexes alone (the conditions and the order are all in them), then
    only those rows (a unit leader's page at 1M cases sorted the wide rows of every open case
    of the units: 3 ms of SQL, now 0.3)."""
    hits_first = hits is not None and hits <= FEW_HITS
    inspection, legal, unit = _ROW_INSPECTION, _ROW_LEGAL, _ROW_UNIT
    conditions = case_conditions(user, filters, today, hits_first=hits_first)
    order = SORTS[filters.sort]
    if window is not None:
        limit, offset = window
        ids = select(Case.id).where(*conditions).order_by(*order).limit(limit).offset(offset)
        conditions = [Case.id.in_(ids)]
    return (
        select(
            Case.id,
            Case.inspection_id,
            Case.number,
            Case.type,
            Case.title,
            Case.amount_vnd,
            Case.due_date,
            Case.state,
            inspection.title.label("inspection_title"),
            legal.instrument,
            legal.article,
            legal.clause,
            unit.name.label("unit_name"),
        )
        .outerjoin(inspection, inspection.id == Case.inspection_id)
        .outerjoin(legal, legal.id == Case.legal_reference_id)
        .outerjoin(unit, unit.id == Case.responsible_unit_id)
        .where(*conditions)
        .order_by(*order)
    )


# The filters the running totals answer (by responsible unit and deadline year); the state is
# not a filter of the counters, the sort is none.
_BY_TOTALS = {"state", "unit", "year", "sort"}


def state_counters(user, filters: CaseFilters, today: date) -> dict[str, int]:
    """How many visible cases match the other filters, per state and overdue: from the
    running totals when the list is filtered by unit and year at most (one small query,
    whatever the number of cases), else one query over the matching cases."""
    if all(
        getattr(filters, f.name) == f.default for f in fields(filters) if f.name not in _BY_TOTALS
    ):
        return _counters_from_totals(user, filters, today)
    return _counters_by_scan(user, filters, today)


def _counters_by_scan(user, filters: CaseFilters, today: date) -> dict[str, int]:
    """`state_counters` counted over the matching cases (one query)."""
    conditions = case_conditions(user, filters, today, with_state=False, hits_first=True)
    columns = [func.count().filter(Case.state == s).label(s.value) for s in CaseState]
    columns.append(func.count().filter(overdue_clause(today)).label("overdue"))
    columns.append(func.count().label("all"))
    row = db.session.execute(select(*columns).select_from(Case).where(*conditions)).one()
    return dict(row._mapping)


def _counters_from_totals(user, filters: CaseFilters, today: date) -> dict[str, int]:
    """`state_counters` read from `cases.totals`: cases per state (per deadline year and unit),
    and the overdue ones: open and due before this month (monthly totals), or this month up to
    yesterday (daily totals; every unit's row when no unit is chosen)."""
    units = visible_unit_ids(user)
    if filters.unit:
        chosen = set(lineage_ids(filters.unit))
        units = chosen if units is None else chosen & set(units)
    cy, cm, od = totals.case_year.c, totals.case_month.c, totals.open_day.c
    year = filters.year

    def of_units(column) -> list:
        return [] if units is None else [column.in_(units or {-1})]

    current = today.replace(day=1)
    month_to = current.year * 100 + current.month
    day_from, day_to = current, today
    month_from = 0
    if year:
        month_from, month_to = year * 100 + 1, min(month_to, (year + 1) * 100 + 1)
        day_from, day_to = max(day_from, date(year, 1, 1)), min(day_to, date(year + 1, 1, 1))
    before = select(func.sum(cm.n)).where(
        *of_units(cm.unit_id),
        cm.state == CaseState.OPEN.value,
        cm.due_month >= month_from,
        cm.due_month < month_to,
    )
    this_month = select(func.sum(od.n)).where(
        *(of_units(od.unit_id) or [od.unit_id == totals.ALL_UNITS]),
        od.due_date >= day_from,
        od.due_date < day_to,
    )
    # One statement: the sums per state over the yearly totals, and both overdue parts.
    sums = (
        select(
            *(func.sum(cy.n).filter(cy.state == s.value).label(s.value) for s in CaseState),
            before.scalar_subquery().label("before"),
            this_month.scalar_subquery().label("this_month"),
        )
        .select_from(totals.case_year)
        .where(*of_units(cy.unit_id))
    )
    if year:
        sums = sums.where(cy.due_year == year)
    row = db.session.execute(sums).one()._mapping
    counts = {s.value: int(row[s.value] or 0) for s in CaseState}
    counts["overdue"] = int(row["before"] or 0) + int(row["this_month"] or 0)
    counts["all"] = sum(counts[s.value] for s in CaseState)
    return counts


def open_due_between(user, first: date, last: date) -> int:
    """Open cases `user` may see whose deadline falls from `first` to `last` (both included),
    from the running totals (open cases per deadline day and unit): one small query."""
    units = visible_unit_ids(user)
    od = totals.open_day.c
    scope = [od.unit_id == totals.ALL_UNITS] if units is None else [od.unit_id.in_(units or {-1})]
    stmt = select(func.sum(od.n)).where(*scope, od.due_date >= first, od.due_date <= last)
    return int(db.session.execute(stmt).scalar() or 0)


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


def verifier_choices() -> list:
    """(id, full_name) of everyone who may be named verifier, by name: the SQL form of
    `Case.can_be_verifier` (active inspectors and lead inspectors), one query."""
    stmt = (
        select(User.id, User.full_name)
        .where(User.active.is_(True), User.role.in_(INSPECTORS))
        .order_by(User.full_name, User.id)
    )
    return db.session.execute(stmt).all()


# What a bulk action reads of each case: its inspection's team (can_remind) and its unit.
BATCH_LOADS = (
    joinedload(Case.inspection).selectinload(Inspection.members),
    joinedload(Case.responsible_unit),
    joinedload(Case.legal_reference),
)


def cases_for_batch(
    user, today: date, ids=None, filters: CaseFilters | None = None, limit: int = 2000
) -> list[Case]:
    """The visible cases a bulk action applies to: those of `ids`, or all that match
    `filters` (the list's "all N matching"), in the list's order, at most `limit` (+1 so the
    caller can tell the batch was cut)."""
    filters = filters or CaseFilters()
    conditions = case_conditions(user, filters if ids is None else CaseFilters(), today)
    if ids is not None:
        conditions.append(Case.id.in_(list(ids) or [-1]))
    stmt = (
        select(Case)
        .options(*BATCH_LOADS)
        .where(*conditions)
        .order_by(*SORTS[filters.sort])
        .limit(limit + 1)
    )
    return list(db.session.execute(stmt).unique().scalars())


# --- repeat violations (the one rule: analytics counts them, the entry form signals them) -----

REPEAT_WINDOW = 3  # calendar years looked back by default


def issued_date(inspection):
    """When a case was issued, in SQL: its inspection's conclusion date, else its decision date."""
    return func.coalesce(inspection.conclusion_date, inspection.decision_date)


def repeat_conditions(
    earlier, earlier_inspection, legal_reference_id, same_unit, issued, year, window: int,
    before_case_id=None,
) -> list:  # fmt: skip
    """The conditions that `earlier` (a Case alias joined to `earlier_inspection`) is a prior
    violation: not withdrawn, on the same legal basis, of the same unit (`same_unit`, the
    caller's grouping of units), issued before `issued` (the same day counts when it has a
    lower id than `before_case_id`; without one, the same day counts), in the same calendar
    year `year` or up to `window` years before."""
    earlier_issued = issued_date(earlier_inspection)
    if before_case_id is None:
        first = earlier_issued <= issued
    else:
        first = or_(
            earlier_issued < issued, and_(earlier_issued == issued, earlier.id < before_case_id)
        )
    return [
        earlier.legal_reference_id == legal_reference_id,
        earlier.state != CaseState.WITHDRAWN,
        same_unit,
        first,
        cast(extract("year", earlier_issued), Integer) >= year - window,
    ]


def prior_violations(
    user, unit_id: int, legal_reference_id: int, issued: date, window: int = REPEAT_WINDOW,
    limit: int = 5,
) -> list[Case]:  # fmt: skip
    """Cases `user` may see that make a new case of `unit_id` on `legal_reference_id`, issued
    on `issued`, a repeat violation (the rule of `repeat_conditions`; the unit under all its
    names, as the analytics group it today), most recent first (one query after the tree)."""
    mapping = UnitHistory().grouping(clock.today())
    group = mapping.get(unit_id, unit_id)
    same_unit_ids = {u for u, g in mapping.items() if g == group} | {unit_id, group}
    conditions = repeat_conditions(
        Case,
        _EARLIER_INSPECTION,
        legal_reference_id,
        Case.responsible_unit_id.in_(same_unit_ids),
        issued,
        issued.year,
        window,
    )
    visible = visible_unit_ids(user)
    if visible is not None:
        conditions.append(Case.responsible_unit_id.in_(visible or {-1}))
    stmt = (
        select(Case)
        .join(_EARLIER_INSPECTION, Case.inspection_id == _EARLIER_INSPECTION.id)
        .options(load_only(Case.inspection_id, Case.number, Case.title, Case.state))
        .where(*conditions)
        .order_by(issued_date(_EARLIER_INSPECTION).desc(), Case.id.desc())
        .limit(limit)
    )
    return list(db.session.execute(stmt).scalars())
