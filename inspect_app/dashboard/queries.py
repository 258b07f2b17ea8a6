"""The leadership dashboard's figures, each from one aggregate query (GROUP BY / FILTER).

Scope: every figure counts the cases the user may see whose deadline (due_date) falls in the
chosen year, like `/cases?year=`, optionally narrowed to one field like `/cases?field=`. With
"all years" the deadline year is not restricted.

Definitions (shown on the page too):
- Overdue: `cases.queries.overdue_clause(today)` - still open and the deadline has passed.
- Working days overdue: working days after the deadline up to and including today
  (`reference.calendar.Calendar.between`); a deadline that passed over a weekend or holiday
  gives 0, counted in the first ageing bucket, so the buckets add up to the overdue counter.
- On-time compliance rate (tỷ lệ thực hiện đúng hạn) = accepted on time / (accepted on time +
  accepted late + still open past the deadline), where "accepted on time" means accepted with
  the local date of `closed_at` on or before `due_date`. Answered cases (awaiting verification),
  withdrawn cases and open cases not yet due are left out: their outcome is not known yet or
  does not count.
- Overdue at month end: on the last day of the month (today for the current month) the deadline
  had passed, and the case was neither accepted nor withdrawn by then; a case now awaiting
  verification of its answer is not counted (the date of the answer is not on the case).
"""

from __future__ import annotations

import calendar as _calendar
import hashlib
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import func, or_, select

from inspect_app.cases.models import Case, CaseState
from inspect_app.cases.queries import (  # noqa: F401 - clauses re-exported for the dashboard
    CaseFilters,
    case_conditions,
    late_clause,
    local_date,
    missed_clause,
    on_time_clause,
    overdue_clause,
    overdue_on_clause,
    state_counters,
)
from inspect_app.core import clock, versions
from inspect_app.core import filters as parse
from inspect_app.core.memo import per_request
from inspect_app.extensions import cache, db
from inspect_app.inspections.models import Inspection, inspection_field
from inspect_app.recovery.queries import RecoveryFigures, recovery_figures
from inspect_app.reference.calendar import current_calendar
from inspect_app.reference.models import FieldOfWork, Holiday
from inspect_app.units.models import Unit, UnitEvent, UnitEventUnit, UnitPeriod
from inspect_app.units.queries import UnitHistory, visible_unit_ids

MIN_YEAR, MAX_YEAR = 2000, 2100

# (key, lowest, highest working days overdue; None = unbounded). The first bucket starts at 0:
# a deadline passed over a weekend is overdue by 0 working days (see the module docstring).
AGEING_BUCKETS = (("1-5", 0, 5), ("6-15", 6, 15), ("16-30", 16, 30), ("30+", 31, None))


# --- filters ---------------------------------------------------------------------------------


@dataclass
class DashboardFilters:
    """Year (deadline year; None = all years) and field, read from the URL; bad values ignored."""

    year: int | None
    field: int | None = None
    tree: date | None = None  # group units as the tree stood on this day (None: today's tree)

    @classmethod
    def from_args(cls, args, today: date) -> DashboardFilters:
        if (args.get("year") or "").strip() == "all":
            year = None
        else:
            year = parse.number(args, "year", MIN_YEAR, MAX_YEAR) or today.year
        tree = parse.day(args, "tree")
        if tree is not None and not (MIN_YEAR <= tree.year <= MAX_YEAR):
            tree = None
        return cls(year=year, field=parse.record_id(args, "field"), tree=tree)

    def as_args(self) -> dict:
        """The dashboard's own URL parameters (the default year is written out too)."""
        args: dict = {"year": self.year if self.year is not None else "all"}
        if self.field:
            args["field"] = self.field
        if self.tree:
            args["tree"] = self.tree.isoformat()
        return args

    def case_args(self, **extra) -> dict:
        """Parameters of the `/cases` list behind a figure: these filters plus `extra`."""
        args = {"year": self.year, "field": self.field, **extra}
        return {k: v for k, v in args.items() if v not in (None, "")}

    def case_filters(self) -> CaseFilters:
        return CaseFilters(year=self.year, field=self.field)


def _scope(user, filters: DashboardFilters, today: date) -> list:
    """Visibility, deadline year and field: the same conditions as the `/cases` list."""
    return case_conditions(user, filters.case_filters(), today)


# --- figures ---------------------------------------------------------------------------------


def state_counts(user, filters: DashboardFilters, today: date) -> dict[str, int]:
    """Cases per state, overdue and all (one query; the `/cases` counters)."""
    return state_counters(user, filters.case_filters(), today)


@dataclass
class UnitCount:
    unit_id: int
    unit_name: str
    count: int


@dataclass
class UnitGroups:
    """Which unit's figures a unit counts under, and its name, in the tree of one day: after a
    merger the old units' cases count under their successor (today's tree by default)."""

    mapping: dict[int, int]
    names: dict[int, str]

    def group(self, unit_id: int) -> int:
        return self.mapping.get(unit_id, unit_id)

    def name(self, unit_id: int) -> str:
        return self.names.get(unit_id, "")


def _unit_groups(filters: DashboardFilters, today: date) -> UnitGroups:
    """The grouping of `filters.tree` (or today) from the unit history (two queries)."""
    day = filters.tree or today
    cache = per_request("dashboard_unit_groups")
    if day not in cache:
        history = UnitHistory()
        cache[day] = UnitGroups(
            history.grouping(day), {uid: history.name_at(uid, day) for uid in history.units}
        )
    return cache[day]


def overdue_by_unit(user, filters: DashboardFilters, today: date) -> list[UnitCount]:
    """Overdue cases per responsible unit, most first (one query)."""
    n = func.count(Case.id).label("n")
    rows = db.session.execute(
        select(Unit.id, Unit.name, n)
        .join(Unit, Unit.id == Case.responsible_unit_id)
        .where(*_scope(user, filters, today), overdue_clause(today))
        .group_by(Unit.id, Unit.name)
        .order_by(n.desc(), Unit.name, Unit.id)
    ).all()
    groups = _unit_groups(filters, today)
    merged: dict[int, int] = {}
    for uid, _name, count in rows:
        key = groups.group(uid)
        merged[key] = merged.get(key, 0) + count
    result = [UnitCount(uid, groups.name(uid), count) for uid, count in merged.items()]
    result.sort(key=lambda u: (-u.count, u.unit_name, u.unit_id))
    return result


@dataclass
class AgeingBucket:
    key: str
    low: int
    high: int | None
    count: int = 0


def ageing(user, filters: DashboardFilters, today: date) -> list[AgeingBucket]:
    """Open overdue cases by working days overdue: one query grouped by due date, then one
    Calendar (holidays loaded once) turns each distinct due date into working days."""
    rows = db.session.execute(
        select(Case.due_date, func.count(Case.id))
        .where(*_scope(user, filters, today), overdue_clause(today))
        .group_by(Case.due_date)
    ).all()
    buckets = [AgeingBucket(key, low, high) for key, low, high in AGEING_BUCKETS]
    cal = current_calendar()
    for due, count in rows:
        days = cal.between(due, today)
        for bucket in buckets:
            if days >= bucket.low and (bucket.high is None or days <= bucket.high):
                bucket.count += count
                break
    return buckets


@dataclass
class Compliance:
    unit_id: int | None
    unit_name: str
    on_time: int
    late: int
    open_late: int

    @property
    def missed(self) -> int:
        return self.late + self.open_late

    @property
    def total(self) -> int:
        return self.on_time + self.missed

    @property
    def rate(self) -> float | None:
        """Share accepted on time, 0..1; None when no deadline has been settled or missed."""
        return self.on_time / self.total if self.total else None


@dataclass
class ComplianceReport:
    units: list[Compliance] = field(default_factory=list)
    overall: Compliance = field(default_factory=lambda: Compliance(None, "", 0, 0, 0))


def compliance(user, filters: DashboardFilters, today: date) -> ComplianceReport:
    """On-time compliance per responsible unit, lowest rate first, and overall (one query)."""
    on_time, late, open_late = on_time_clause(), late_clause(), overdue_clause(today)
    rows = db.session.execute(
        select(
            Unit.id,
            Unit.name,
            func.count(Case.id).filter(on_time),
            func.count(Case.id).filter(late),
            func.count(Case.id).filter(open_late),
        )
        .join(Unit, Unit.id == Case.responsible_unit_id)
        .where(*_scope(user, filters, today), or_(on_time, late, open_late))
        .group_by(Unit.id, Unit.name)
    ).all()
    groups = _unit_groups(filters, today)
    merged: dict[int, list[int]] = {}
    for uid, _name, *counts in rows:
        totals = merged.setdefault(groups.group(uid), [0, 0, 0])
        for i, n in enumerate(counts):
            totals[i] += n
    units = [Compliance(uid, groups.name(uid), *totals) for uid, totals in merged.items()]
    units.sort(
        key=lambda c: (c.rate if c.rate is not None else 2, -c.total, c.unit_name, c.unit_id)
    )
    overall = Compliance(
        None,
        "",
        sum(c.on_time for c in units),
        sum(c.late for c in units),
        sum(c.open_late for c in units),
    )
    return ComplianceReport(units, overall)


@dataclass
class Month:
    year: int
    month: int
    start: date
    end: date
    as_of: date | None  # the day "overdue at month end" is taken; None for months to come
    due: int = 0
    accepted: int = 0
    overdue: int | None = None


def trend_year(filters: DashboardFilters, today: date) -> int:
    return filters.year if filters.year is not None else today.year


def monthly_trend(user, filters: DashboardFilters, today: date) -> list[Month]:
    """For each month of the year: cases due, cases accepted (local closing date in the month),
    and cases overdue at month end (one query with three filtered counts per month)."""
    year = trend_year(filters, today)
    months = []
    for m in range(1, 13):
        start = date(year, m, 1)
        end = date(year, m, _calendar.monthrange(year, m)[1])
        as_of = None if start > today else min(end, today)
        months.append(Month(year, m, start, end, as_of))
    columns = []
    for month in months:
        columns.append(func.count(Case.id).filter(Case.due_date.between(month.start, month.end)))
        columns.append(
            func.count(Case.id).filter(
                Case.state == CaseState.ACCEPTED,
                local_date(Case.closed_at).between(month.start, month.end),
            )
        )
        if month.as_of is not None:
            columns.append(func.count(Case.id).filter(overdue_on_clause(month.as_of, today)))
    row = db.session.execute(
        select(*columns).select_from(Case).where(*_scope(user, filters, today))
    ).one()
    values = iter(row)
    for month in months:
        month.due = next(values)
        month.accepted = next(values)
        if month.as_of is not None:
            month.overdue = next(values)
    return months


# --- the page --------------------------------------------------------------------------------


@dataclass
class Dashboard:
    filters: DashboardFilters
    today: date
    counts: dict
    by_unit: list[UnitCount]
    ageing: list[AgeingBucket]
    compliance: ComplianceReport
    trend: list[Month]
    recovery: RecoveryFigures | None = None  # all years and fields: the recovery headline


def dashboard(user, filters: DashboardFilters, today: date | None = None) -> Dashboard:
    """Every figure of the dashboard (eight queries whatever the number of cases)."""
    today = today or clock.today()
    return Dashboard(
        filters=filters,
        today=today,
        counts=state_counts(user, filters, today),
        by_unit=overdue_by_unit(user, filters, today),
        ageing=ageing(user, filters, today),
        compliance=compliance(user, filters, today),
        trend=monthly_trend(user, filters, today),
        recovery=recovery_figures(visible_unit_ids(user)),
    )


def summary(user, today: date | None = None) -> tuple[DashboardFilters, dict, ComplianceReport]:
    """The key counters of the current year for the leadership home page (two queries)."""
    today = today or clock.today()
    filters = DashboardFilters(year=today.year)
    return filters, state_counts(user, filters, today), compliance(user, filters, today)


# --- cache -----------------------------------------------------------------------------------

# The dashboard's aggregates scan every case of the year (a third of a second on 100,000 cases):
# they are kept in the configured cache (extensions.cache: Redis shared by every worker in
# production, a per-process SimpleCache in development, none under TESTING) for
# DASHBOARD_CACHE_SECONDS (default 60; 0 turns it off), per visible scope, filters and day, and
# per version of the data they are computed from (core.versions): a committed change to a case,
# an inspection, the unit tree, the holidays or the fields renews it, so the figures never lag
# a change; the TTL only bounds the memory used.

DATA_SET = "dashboard"
#: The tables the figures are computed from.
SOURCES = tuple(
    t.name
    for t in (
        Case.__table__,
        Inspection.__table__,
        inspection_field,
        Unit.__table__,
        UnitEvent.__table__,
        UnitEventUnit.__table__,
        UnitPeriod.__table__,
        Holiday.__table__,
        FieldOfWork.__table__,
    )
)


def _cache_seconds() -> int:
    return int(current_app.config.get("DASHBOARD_CACHE_SECONDS", 60))


def _cache_key(kind: str, user, filters: DashboardFilters, today: date) -> str:
    visible = visible_unit_ids(user)
    scope = "all" if visible is None else ",".join(map(str, sorted(visible)))
    raw = (
        f"{kind}|{versions.version(DATA_SET)}|{scope}|{filters.year}|{filters.field}"
        f"|{filters.tree}|{today.isoformat()}"
    )
    return "dashboard:" + hashlib.sha256(raw.encode()).hexdigest()


def _cached(kind: str, user, filters: DashboardFilters, today: date, compute):
    ttl = _cache_seconds()
    if ttl <= 0:
        return compute()
    key = _cache_key(kind, user, filters, today)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=ttl)
    return value


def cached_dashboard(user, filters: DashboardFilters, today: date | None = None) -> Dashboard:
    """`dashboard()`, remembered for DASHBOARD_CACHE_SECONDS per scope, filters and day."""
    today = today or clock.today()
    return _cached("page", user, filters, today, lambda: dashboard(user, filters, today))


def cached_summary(user, today: date | None = None):
    """`summary()`, remembered like the dashboard."""
    today = today or clock.today()
    filters = DashboardFilters(year=today.year)
    return _cached("summary", user, filters, today, lambda: summary(user, today))
