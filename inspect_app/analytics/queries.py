"""Repeat-violation analytics: per unit and field across years, a unit risk score, and the
units suggested as next year's targets. A fixed number of queries whatever the data size.

`analytics(params, today)` is the one entry point the page, the exports and the API use.

Definitions (shown on the page):
- a case counts in the year its recommendation was issued (the inspection's conclusion date,
  else its decision date); withdrawn cases do not count;
- decided: accepted (done) cases, and open cases whose deadline has passed;
- on time: accepted on or before the deadline (date of acceptance in the province's zone);
- days overdue: working days from the deadline to acceptance, or to today while still open,
  averaged over the cases that were or are late;
- repeat: the same unit already had a case on the same legal basis issued earlier, in the same
  year or up to `window` calendar years before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import Integer, and_, case, cast, extract, func, literal, or_, select, union
from sqlalchemy.orm import aliased

from inspect_app.cases.models import Case, CaseState, case_finding
from inspect_app.cases.queries import REPEAT_WINDOW, issued_date, repeat_conditions
from inspect_app.core import clock, filters
from inspect_app.extensions import db
from inspect_app.findings.models import Finding
from inspect_app.inspections.models import Inspection, inspection_field
from inspect_app.reference.calendar import current_calendar
from inspect_app.reference.models import FieldOfWork
from inspect_app.units.queries import UnitHistory

DEFAULT_WINDOW = REPEAT_WINDOW
DEFAULT_SPAN = 5  # years shown by default, ending with the current one
# Risk score = W_LATE x (1 - on-time share) + W_DAYS x min(avg days overdue / DAYS_CAP, 1)
#            + W_REPEAT x repeat share; 0 (no concern) to 100.
W_LATE, W_DAYS, W_REPEAT, DAYS_CAP = 40, 30, 30, 20
SUGGEST_MIN_SCORE = 30
SUGGEST_LIMIT = 10


def risk_formula() -> str:
    return _(
        "Risk = %(a)d × (1 − share closed on time) + %(b)d × min(average working days overdue "
        "÷ %(cap)d, 1) + %(c)d × (repeats ÷ cases)",
        a=W_LATE,
        b=W_DAYS,
        cap=DAYS_CAP,
        c=W_REPEAT,
    )


def risk_score(decided: int, on_time: int, avg_days: float | None, cases: int, repeats: int):
    """The unit risk score from its figures (0 to 100, one decimal)."""
    late_part = W_LATE * (1 - on_time / decided) if decided else 0.0
    days_part = W_DAYS * min((avg_days or 0) / DAYS_CAP, 1)
    repeat_part = W_REPEAT * (repeats / cases) if cases else 0.0
    return round(late_part + days_part + repeat_part, 1)


@dataclass
class AnalyticsParams:
    """What the page, the exports and the API may ask for (invalid values fall back)."""

    year_from: int
    year_to: int
    window: int = DEFAULT_WINDOW
    as_of: date | None = None  # group by the tree on this date; None: today's tree

    @classmethod
    def default(cls, today: date) -> AnalyticsParams:
        return cls(today.year - DEFAULT_SPAN + 1, today.year)

    @classmethod
    def from_args(cls, args, today: date) -> AnalyticsParams:
        params = cls.default(today)

        year_from = filters.number(args, "year_from", 2000, 2100)
        year_to = filters.number(args, "year_to", 2000, 2100)
        if year_from and year_to and year_from > year_to:
            year_from, year_to = year_to, year_from
        params.year_from = year_from or params.year_from
        params.year_to = year_to or params.year_to
        params.window = filters.number(args, "window", 1, 20) or DEFAULT_WINDOW
        params.as_of = filters.day(args, "as_of")
        return params

    def as_args(self) -> dict:
        values = {"year_from": self.year_from, "year_to": self.year_to, "window": self.window}
        if self.as_of:
            values["as_of"] = self.as_of.isoformat()
        return values


@dataclass
class Figures:
    cases: int = 0
    decided: int = 0
    on_time: int = 0
    late: int = 0
    days_overdue_total: int = 0
    repeats: int = 0

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.decided if self.decided else None

    @property
    def avg_days_overdue(self) -> float | None:
        return round(self.days_overdue_total / self.late, 1) if self.late else None

    @property
    def score(self) -> float:
        return risk_score(
            self.decided, self.on_time, self.avg_days_overdue, self.cases, self.repeats
        )


@dataclass
class Row(Figures):
    """One line of the table: a unit, a field (None: no field recorded) and a year."""

    unit_id: int = 0
    unit_name: str = ""
    field_id: int | None = None
    field_name: str = ""
    year: int = 0


@dataclass
class UnitRisk(Figures):
    unit_id: int = 0
    unit_name: str = ""
    active: bool = True
    fields: list[tuple[int, str, int, int]] = field(default_factory=list)  # id, name, cases, rep.

    def top_field_ids(self, n: int = 2) -> list[int]:
        ranked = sorted(self.fields, key=lambda f: (-f[3], -f[2], f[1]))
        return [f[0] for f in ranked[:n]]


@dataclass
class AnalyticsResult:
    params: AnalyticsParams
    rows: list[Row]
    units: list[UnitRisk]


def _grouped(unit_column, mapping: dict[int, int]):
    """The unit a case's figures count under: its successor in the chosen tree (`mapping`)."""
    if not mapping:
        return unit_column
    return case(mapping, value=unit_column, else_=unit_column)


def _case_fields():
    """(case id, field id) pairs: fields of the case's findings and of its inspection."""
    by_finding = select(
        case_finding.c.case_id.label("case_id"), Finding.field_id.label("field_id")
    ).where(case_finding.c.finding_id == Finding.id, Finding.field_id.is_not(None))
    by_inspection = select(
        Case.id.label("case_id"), inspection_field.c.field_id.label("field_id")
    ).where(inspection_field.c.inspection_id == Case.inspection_id)
    return union(by_finding, by_inspection).subquery("case_fields")


def _facts(history: UnitHistory, params: AnalyticsParams, today: date):
    """One row per counted case: its group unit, year, state, dates and whether it repeats."""
    mapping = history.grouping(params.as_of or today)
    group = _grouped(Case.responsible_unit_id, mapping)
    issued = issued_date(Inspection)
    year = cast(extract("year", issued), Integer)

    earlier, earlier_insp = aliased(Case), aliased(Inspection)
    earlier_group = _grouped(earlier.responsible_unit_id, mapping)
    repeat = (
        select(literal(1))
        .select_from(earlier)
        .join(earlier_insp, earlier.inspection_id == earlier_insp.id)
        .where(
            *repeat_conditions(
                earlier,
                earlier_insp,
                Case.legal_reference_id,
                earlier_group == group,
                issued,
                year,
                params.window,
                before_case_id=Case.id,
            )
        )
        .exists()
    )
    return (
        select(
            Case.id.label("case_id"),
            group.label("unit_id"),
            year.label("year"),
            Case.state.label("state"),
            Case.due_date.label("due_date"),
            Case.closed_at.label("closed_at"),
            case((repeat, 1), else_=0).label("repeat"),
        )
        .join(Inspection, Case.inspection_id == Inspection.id)
        .where(Case.state != CaseState.WITHDRAWN)
        .subquery("facts")
    )


def analytics(params: AnalyticsParams, today: date | None = None) -> AnalyticsResult:
    """The analytics table and the unit risk list (a fixed number of queries)."""
    today = today or clock.today()
    history = UnitHistory()  # two queries
    facts = _facts(history, params, today)
    fields = _case_fields()
    in_years = facts.c.year.between(params.year_from, params.year_to)

    # 1. Cases and repeats per unit, field and year (SQL aggregate).
    per_row = db.session.execute(
        select(
            facts.c.unit_id,
            fields.c.field_id,
            facts.c.year,
            func.count(),
            func.sum(facts.c.repeat),
        )
        .select_from(facts)
        .outerjoin(fields, fields.c.case_id == facts.c.case_id)
        .where(in_years)
        .group_by(facts.c.unit_id, fields.c.field_id, facts.c.year)
    ).all()
    # 2. Cases and repeats per unit (each case once, whatever its fields).
    per_unit = db.session.execute(
        select(facts.c.unit_id, func.count(), func.sum(facts.c.repeat))
        .where(in_years)
        .group_by(facts.c.unit_id)
    ).all()
    # 3. The decided cases with their fields: on time or late, and by how many working days.
    decided = db.session.execute(
        select(
            facts.c.case_id,
            facts.c.unit_id,
            fields.c.field_id,
            facts.c.year,
            facts.c.state,
            facts.c.due_date,
            facts.c.closed_at,
        )
        .select_from(facts)
        .outerjoin(fields, fields.c.case_id == facts.c.case_id)
        .where(
            in_years,
            or_(
                facts.c.state == CaseState.ACCEPTED,
                and_(facts.c.state == CaseState.OPEN, facts.c.due_date < today),
            ),
        )
    ).all()
    # 4. Field names.
    field_names = dict(db.session.execute(select(FieldOfWork.id, FieldOfWork.name)).all())

    rows: dict[tuple, Row] = {}
    for unit_id, field_id, year, count, repeats in per_row:
        rows[(unit_id, field_id, year)] = Row(
            cases=count,
            repeats=int(repeats or 0),
            unit_id=unit_id,
            unit_name=_unit_name(history, unit_id, params, today),
            field_id=field_id,
            field_name=field_names.get(field_id, ""),
            year=year,
        )
    units: dict[int, UnitRisk] = {}
    for unit_id, count, repeats in per_unit:
        unit = history.units.get(unit_id)
        units[unit_id] = UnitRisk(
            cases=count,
            repeats=int(repeats or 0),
            unit_id=unit_id,
            unit_name=_unit_name(history, unit_id, params, today),
            active=bool(unit and unit.active),
        )

    calendar = current_calendar()
    seen: set[int] = set()
    for case_id, unit_id, field_id, year, state, due, closed_at in decided:
        end = clock.local(closed_at).date() if state == CaseState.ACCEPTED and closed_at else today
        on_time = state == CaseState.ACCEPTED and end <= due
        days = 0 if on_time else max(calendar.between(due, end), 0)
        targets = [rows[(unit_id, field_id, year)]]
        if case_id not in seen:  # a case with several fields counts once for its unit
            seen.add(case_id)
            targets.append(units[unit_id])
        for figures in targets:
            figures.decided += 1
            if on_time:
                figures.on_time += 1
            else:
                figures.late += 1
                figures.days_overdue_total += days

    for row in rows.values():
        if row.field_id is not None:
            unit = units[row.unit_id]
            for i, (fid, name, count, rep) in enumerate(unit.fields):
                if fid == row.field_id:
                    unit.fields[i] = (fid, name, count + row.cases, rep + row.repeats)
                    break
            else:
                unit.fields.append((row.field_id, row.field_name, row.cases, row.repeats))

    ordered_rows = sorted(rows.values(), key=lambda r: (r.unit_name, r.field_name, r.year))
    ordered_units = sorted(units.values(), key=lambda u: (-u.score, u.unit_name))
    return AnalyticsResult(params, ordered_rows, ordered_units)


def _unit_name(history: UnitHistory, unit_id: int, params: AnalyticsParams, today: date) -> str:
    return history.name_at(unit_id, params.as_of or today)


def suggested_targets(result: AnalyticsResult, excluded_unit_ids: set[int]) -> list[UnitRisk]:
    """Active units at risk (score at least SUGGEST_MIN_SCORE) with a field to inspect, not
    already targeted by the chosen plan; highest score first."""
    return [
        u
        for u in result.units
        if u.active
        and u.score >= SUGGEST_MIN_SCORE
        and u.top_field_ids()
        and u.unit_id not in excluded_unit_ids
    ][:SUGGEST_LIMIT]


def _figures(row) -> dict:
    """The compliance figures of a table row or a unit, as exported."""
    share = row.on_time_share
    return {
        "cases": row.cases,
        "decided": row.decided,
        "on_time": row.on_time,
        "on_time_share": None if share is None else round(share, 3),
        "avg_working_days_overdue": row.avg_days_overdue,
        "repeats": row.repeats,
    }


def unit_record(row) -> dict:
    """The unit of a table row, a risk list entry or a suggestion, as exported."""
    return {"unit_id": row.unit_id, "unit": row.unit_name}


def table_records(result: AnalyticsResult) -> list[dict]:
    """The table as plain dicts (exports and the API)."""
    return [
        {
            **unit_record(r),
            "field_id": r.field_id,
            "field": r.field_name,
            "year": r.year,
            **_figures(r),
        }
        for r in result.rows
    ]


def unit_records(result: AnalyticsResult) -> list[dict]:
    """The unit risk list as plain dicts (the API)."""
    return [
        {
            **unit_record(u),
            "active": u.active,
            **_figures(u),
            "risk_score": u.score,
        }
        for u in result.units
    ]
