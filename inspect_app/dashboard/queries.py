"""The leadership dashboard's figures, read from running totals the database keeps
(`cases.totals`: per unit, state and deadline month or year, open cases per deadline day,
recovery per field), so that they cost the same at 1,000 or 1,000,000 cases. A dashboard
narrowed to a field of work counts the cases themselves (`_scan_*`: one aggregate query each;
the totals have no field), and the tests check that both ways give the same figures.

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
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import case, func, or_, select

from inspect_app.cases import totals as rollup
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
from inspect_app.conclusions.lifecycle import overdue_count
from inspect_app.core import clock, versions
from inspect_app.core import filters as parse
from inspect_app.core.memo import per_request
from inspect_app.extensions import cache, db
from inspect_app.inspections.models import Inspection, inspection_field
from inspect_app.recovery.queries import RateRow, RecoveryFigures, figures_of, rate_rows
from inspect_app.reference.calendar import current_calendar
from inspect_app.reference.models import DeadlineRule, FieldOfWork, Holiday, Setting
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


def _scan_state_counts(user, filters: DashboardFilters, today: date) -> dict[str, int]:
    """Cases per state, overdue and all (one query over the cases; the `/cases` counters)."""
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


def _scan_overdue_by_unit(user, filters: DashboardFilters, today: date) -> list[UnitCount]:
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


def _scan_ageing(user, filters: DashboardFilters, today: date) -> list[AgeingBucket]:
    """Open overdue cases by working days overdue: one query grouped by due date, then one
    Calendar (holidays loaded once) turns each distinct due date into working days."""
    rows = db.session.execute(
        select(Case.due_date, func.count(Case.id))
        .where(*_scope(user, filters, today), overdue_clause(today))
        .group_by(Case.due_date)
    ).all()
    return _ageing_buckets(rows, today)


def _ageing_buckets(by_due, today: date, before_window: int = 0) -> list[AgeingBucket]:
    """(due date, count) pairs filed into the ageing buckets by working days overdue (one
    Calendar for all); `before_window` cases go to the last bucket without a date."""
    buckets = [AgeingBucket(key, low, high) for key, low, high in AGEING_BUCKETS]
    buckets[-1].count += before_window
    cal = current_calendar()
    for due, count in by_due:
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


def _scan_compliance(user, filters: DashboardFilters, today: date) -> ComplianceReport:
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
    return _compliance_report(groups, merged)


def _compliance_report(groups: UnitGroups, merged: dict[int, list[int]]) -> ComplianceReport:
    """The report from (on time, late, open late) per unit group."""
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


def _months(year: int, today: date) -> list[Month]:
    months = []
    for m in range(1, 13):
        start = date(year, m, 1)
        end = date(year, m, _calendar.monthrange(year, m)[1])
        as_of = None if start > today else min(end, today)
        months.append(Month(year, m, start, end, as_of))
    return months


def _scan_monthly_trend(user, filters: DashboardFilters, today: date) -> list[Month]:
    """For each month of the year: cases due, cases accepted (local closing date in the month),
    and cases overdue at month end (one query with three filtered counts per month)."""
    months = _months(trend_year(filters, today), today)
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


# --- the figures from the running totals (cases.totals) ----------------------------------

# The totals have no field of work: a dashboard narrowed to a field counts the cases (above).


def _rollup_scope(user, filters: DashboardFilters, unit_column, year_condition) -> list:
    conditions = []
    visible = visible_unit_ids(user)
    if visible is not None:
        conditions.append(unit_column.in_(visible or {-1}))
    if filters.year:
        conditions.append(year_condition(filters.year))
    return conditions


def _month_scope(user, filters: DashboardFilters) -> list:
    cm = rollup.case_month.c
    return _rollup_scope(
        user, filters, cm.unit_id, lambda y: cm.due_month.between(y * 100 + 1, y * 100 + 12)
    )


def _ym(day: date) -> int:
    return day.year * 100 + day.month


def _window_start(today: date) -> date:
    """The first day of a month such that every deadline before it is overdue by at least as
    many working days as the last ageing bucket starts at (working days only grow as the
    deadline moves back): open cases due before it are counted from the monthly totals, those
    due from it to yesterday day by day."""
    last_low = AGEING_BUCKETS[-1][1]
    cal = current_calendar()
    start = today.replace(day=1)
    while cal.between(start - timedelta(days=1), today) < last_low:
        start = (start - timedelta(days=1)).replace(day=1)
    return start


@dataclass
class _Totals:
    """What the counters, overdue by unit, ageing and compliance read (four small queries)."""

    states: dict[str, int]
    on_time: dict[int, int]  # per responsible unit
    late: dict[int, int]
    overdue: dict[int, int]
    overdue_by_day: dict[date, int]  # open cases due from the window's start to yesterday
    overdue_before_window: int


def _totals(user, filters: DashboardFilters, today: date) -> _Totals:
    memo = per_request("dashboard_totals")
    visible = visible_unit_ids(user)
    key = (None if visible is None else frozenset(visible), filters.year, today)
    if key in memo:
        return memo[key]
    cm, cy, od = rollup.case_month.c, rollup.case_year.c, rollup.open_day.c
    window = _window_start(today)
    totals = _Totals({s.value: 0 for s in CaseState}, {}, {}, {}, {}, 0)
    rows = db.session.execute(
        select(cy.unit_id, cy.state, cy.timeliness, func.sum(cy.n))
        .where(*_rollup_scope(user, filters, cy.unit_id, lambda y: cy.due_year == y))
        .group_by(cy.unit_id, cy.state, cy.timeliness)
    ).all()
    for unit_id, state, timeliness, n in rows:
        n = int(n or 0)
        totals.states[state] = totals.states.get(state, 0) + n
        if timeliness == rollup.ON_TIME:
            totals.on_time[unit_id] = totals.on_time.get(unit_id, 0) + n
        elif timeliness == rollup.LATE:
            totals.late[unit_id] = totals.late.get(unit_id, 0) + n
    # Open cases due before this month, per unit and before or in the ageing window (monthly
    # totals); due this month up to yesterday, per unit; due from the window's start to
    # yesterday, per day (every unit's row for the leadership).
    current = today.replace(day=1)
    # The year and the window as one range per column: SQLite reads one range of an index, and
    # a year-wide range filtered afterwards would read every row of the year.
    year = filters.year
    month_from, month_to = (year * 100 + 1, (year + 1) * 100 + 1) if year else (0, 10**6)
    day_from, day_to = (date(year, 1, 1), date(year + 1, 1, 1)) if year else (date.min, date.max)
    units = [] if visible is None else [cm.unit_id.in_(visible or {-1})]
    before_window = case((cm.due_month < _ym(window), 1), else_=0).label("before_window")
    old = db.session.execute(
        select(cm.unit_id, before_window, func.sum(cm.n))
        .where(
            *units,
            cm.state == CaseState.OPEN.value,
            cm.due_month >= month_from,
            cm.due_month < min(_ym(current), month_to),
        )
        .group_by(cm.unit_id, before_window)
    ).all()
    for unit_id, before, n in old:
        totals.overdue[unit_id] = totals.overdue.get(unit_id, 0) + int(n or 0)
        if before:
            totals.overdue_before_window += int(n or 0)

    def days(start: date, every_unit: bool) -> list:
        """Open cases due from `start` (within the year) to yesterday, per unit or of every
        unit (the ALL_UNITS rows, for the leadership)."""
        conditions = [od.due_date >= max(start, day_from), od.due_date < min(today, day_to)]
        if visible is not None:
            conditions.append(od.unit_id.in_(visible or {-1}))
        elif every_unit:
            conditions.append(od.unit_id == rollup.ALL_UNITS)
        else:
            conditions.append(od.unit_id != rollup.ALL_UNITS)
        return conditions

    this_month = db.session.execute(
        select(od.unit_id, func.sum(od.n)).where(*days(current, False)).group_by(od.unit_id)
    )
    for unit_id, n in this_month:
        totals.overdue[unit_id] = totals.overdue.get(unit_id, 0) + int(n or 0)
    by_day = db.session.execute(
        select(od.due_date, func.sum(od.n)).where(*days(window, True)).group_by(od.due_date)
    )
    for due, n in by_day:
        if n:
            totals.overdue_by_day[due] = int(n)
    memo[key] = totals
    return totals


def state_counts(user, filters: DashboardFilters, today: date) -> dict[str, int]:
    """Cases per state, overdue and all (the `/cases` counters)."""
    if filters.field:
        return _scan_state_counts(user, filters, today)
    totals = _totals(user, filters, today)
    counts = dict(totals.states)
    counts["overdue"] = sum(totals.overdue.values())
    counts["all"] = sum(totals.states.values())
    return counts


def overdue_by_unit(user, filters: DashboardFilters, today: date) -> list[UnitCount]:
    """Overdue cases per responsible unit (merged as the tree stands), most first."""
    if filters.field:
        return _scan_overdue_by_unit(user, filters, today)
    groups = _unit_groups(filters, today)
    merged: dict[int, int] = {}
    for uid, count in _totals(user, filters, today).overdue.items():
        if count:
            key = groups.group(uid)
            merged[key] = merged.get(key, 0) + count
    result = [UnitCount(uid, groups.name(uid), count) for uid, count in merged.items()]
    result.sort(key=lambda u: (-u.count, u.unit_name, u.unit_id))
    return result


def ageing(user, filters: DashboardFilters, today: date) -> list[AgeingBucket]:
    """Open overdue cases by working days overdue: the recent deadlines day by day (one
    Calendar), the older ones all in the last bucket."""
    if filters.field:
        return _scan_ageing(user, filters, today)
    totals = _totals(user, filters, today)
    return _ageing_buckets(totals.overdue_by_day.items(), today, totals.overdue_before_window)


def compliance(user, filters: DashboardFilters, today: date) -> ComplianceReport:
    """On-time compliance per responsible unit, lowest rate first, and overall."""
    if filters.field:
        return _scan_compliance(user, filters, today)
    totals = _totals(user, filters, today)
    groups = _unit_groups(filters, today)
    merged: dict[int, list[int]] = {}
    for uid in {*totals.on_time, *totals.late, *totals.overdue}:
        counts = (totals.on_time.get(uid, 0), totals.late.get(uid, 0), totals.overdue.get(uid, 0))
        if not any(counts):
            continue
        slot = merged.setdefault(groups.group(uid), [0, 0, 0])
        for i, n in enumerate(counts):
            slot[i] += n
    return _compliance_report(groups, merged)


def monthly_trend(user, filters: DashboardFilters, today: date) -> list[Month]:
    """For each month of the year: cases due, cases accepted (local closing date in the month),
    and cases overdue at month end (one query over the monthly totals)."""
    if filters.field:
        return _scan_monthly_trend(user, filters, today)
    visible = visible_unit_ids(user)
    # All units: the totals without the unit; a part of them: the per-unit totals.
    cm = rollup.month.c if visible is None else rollup.case_month.c
    months = _months(trend_year(filters, today), today)
    year = months[0].year
    first, last = year * 100 + 1, year * 100 + 12
    opened, accepted = CaseState.OPEN.value, CaseState.ACCEPTED.value
    settled = (accepted, CaseState.WITHDRAWN.value)
    # One grouped pass without the unit, in the index's order: deadline month and closing
    # month per state; cases due after the year and closed before it count in none of its
    # months.
    rows = db.session.execute(
        select(cm.due_month, cm.state, cm.closed_month, cm.due_last_day, func.sum(cm.n))
        .where(
            *_rollup_scope(
                user,
                filters,
                cm.get("unit_id"),
                lambda y: cm.due_month.between(y * 100 + 1, y * 100 + 12),
            ),
            or_(cm.due_month <= last, cm.closed_month >= first),
        )
        .group_by(cm.due_month, cm.state, cm.closed_month, cm.due_last_day)
    ).all()
    # Overdue at the end of past month i (0 = January): due before its last day, and open or
    # settled after it. A row counts from the first such month up to its closing month, so
    # each row adds +n / -n to a running sum (a difference array over the past months).
    past = sum(1 for month in months if month.as_of and month.as_of < today)
    change = [0] * (past + 1)
    for due_month, state, closed_month, last_day, n in rows:
        n = int(n or 0)
        if first <= due_month <= last:
            months[due_month - first].due += n
        if state == accepted and first <= closed_month <= last:
            months[closed_month - first].accepted += n
        if state != opened and state not in settled:
            continue
        if due_month < first:
            start = 0
        elif due_month <= last:
            start = due_month - first + (1 if last_day else 0)
        else:
            continue
        if state == opened or closed_month > last:
            stop = past
        elif closed_month < first:
            stop = 0
        else:
            stop = closed_month - first  # overdue at the end of the months before closing
        start, stop = min(start, past), min(stop, past)
        if start < stop:
            change[start] += n
            change[stop] -= n
    running = 0
    for i in range(past):
        running += change[i]
        months[i].overdue = running
    for month in months:
        if month.as_of is not None and month.as_of >= today:
            month.overdue = state_counts(user, filters, today)["overdue"]
    return months


def _recovery_rows(by: str, unit_ids) -> list[RateRow]:
    """`recovery.queries.recovery_rates(by, unit_ids)` from the running totals."""
    rc = rollup.recovery.c
    named = {"unit": (Unit, rc.unit_id), "field": (FieldOfWork, rc.field_id)}
    model, key = named[by]
    stmt = (
        select(model.id, model.name, rc.type, func.sum(rc.cases), func.sum(rc.recommended))
        .add_columns(func.sum(rc.paid))
        .join(model, model.id == key)
        .where(rc.field_id == 0 if by == "unit" else rc.field_id != 0)
        .group_by(model.id, model.name, rc.type)
    )
    if unit_ids is not None:
        stmt = stmt.where(rc.unit_id.in_(list(unit_ids)))
    elif by == "field":  # every unit: the field's own totals
        stmt = stmt.where(rc.unit_id == rollup.ALL_UNITS)
    return rate_rows(db.session.execute(stmt).all())


def recovery(unit_ids=None) -> RecoveryFigures:
    """`recovery.queries.recovery_figures(unit_ids)` from the running totals (two queries)."""
    return figures_of(_recovery_rows("unit", unit_ids), _recovery_rows("field", unit_ids))


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
    """Every figure of the dashboard (about ten small queries whatever the number of cases)."""
    today = today or clock.today()
    return Dashboard(
        filters=filters,
        today=today,
        counts=state_counts(user, filters, today),
        by_unit=overdue_by_unit(user, filters, today),
        ageing=ageing(user, filters, today),
        compliance=compliance(user, filters, today),
        trend=monthly_trend(user, filters, today),
        recovery=recovery(visible_unit_ids(user)),
    )


def summary(user, today: date | None = None) -> tuple[DashboardFilters, dict, ComplianceReport]:
    """The key counters of the current year for the leadership home page (`_totals`)."""
    today = today or clock.today()
    filters = DashboardFilters(year=today.year)
    return filters, state_counts(user, filters, today), compliance(user, filters, today)


# --- cache -----------------------------------------------------------------------------------

# The figures read the running totals (about 10 ms whatever the number of cases; a field's
# dashboard scans the cases and takes longer). They are also kept in the configured cache
# (extensions.cache: Redis shared by every worker in production, a per-process SimpleCache in
# development, none under TESTING) for DASHBOARD_CACHE_SECONDS (default 60; 0 turns it off),
# per visible scope, filters and day, and per version of the data they are computed from
# (core.versions): a committed change to a case, an inspection, the unit tree, the holidays or
# the fields renews it, so the figures never lag a change; the TTL only bounds the memory used.

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
        DeadlineRule.__table__,  # the conclusion lifecycle's due dates
    )
)


#: The conclusion steps' overdue count reads only the inspections and their time limits: kept
#: on its own version, a case's change (a progress report, an answer) does not recompute it
#: (a scan of the live inspections: 6 ms at 12,500, 60 ms at 125,000).
LIFECYCLE_SET = "dashboard-lifecycle"
LIFECYCLE_SOURCES = tuple(
    t.name
    for t in (Inspection.__table__, Holiday.__table__, DeadlineRule.__table__, Setting.__table__)
)


def _cache_seconds() -> int:
    return int(current_app.config.get("DASHBOARD_CACHE_SECONDS", 60))


def _cache_key(kind: str, user, filters: DashboardFilters, today: date, data_set: str) -> str:
    visible = visible_unit_ids(user)
    scope = "all" if visible is None else ",".join(map(str, sorted(visible)))
    raw = (
        f"{kind}|{versions.version(data_set)}|{scope}|{filters.year}|{filters.field}"
        f"|{filters.tree}|{today.isoformat()}"
    )
    return "dashboard:" + hashlib.sha256(raw.encode()).hexdigest()


def cached(
    kind: str, user, filters: DashboardFilters, today: date, compute, data_set: str = DATA_SET
):
    """`compute()`, remembered under `kind` for the user's scope, the filters, the day and the
    version of `data_set` (a change to one of its sources renews it)."""
    ttl = _cache_seconds()
    if ttl <= 0:
        return compute()
    key = _cache_key(kind, user, filters, today, data_set)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=ttl)
    return value


def cached_dashboard(user, filters: DashboardFilters, today: date | None = None) -> Dashboard:
    """`dashboard()`, remembered for DASHBOARD_CACHE_SECONDS per scope, filters and day."""
    today = today or clock.today()
    return cached("page", user, filters, today, lambda: dashboard(user, filters, today))


def cached_lifecycle_overdue(user, today: date) -> int:
    """`conclusions.lifecycle.overdue_count(today)` (the province's overdue conclusion steps),
    remembered on its own sources' version (`LIFECYCLE_SET`): it scans the live inspections."""
    filters = DashboardFilters(year=today.year)
    return cached(
        "lifecycle", user, filters, today, lambda: overdue_count(today), data_set=LIFECYCLE_SET
    )


def cached_summary(user, today: date | None = None):
    """`summary()`, remembered like the dashboard."""
    today = today or clock.today()
    filters = DashboardFilters(year=today.year)
    return cached("summary", user, filters, today, lambda: summary(user, today))
