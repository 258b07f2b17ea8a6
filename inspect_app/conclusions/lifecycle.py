"""The steps of a conclusion's lifecycle as data, and their computed due dates.

Each step: what records it (an inspection column), from which date its time limit runs, the
deadline rule (amount, calendar or working days, citation) and who must act. A due date is
computed, never stored: an administrator changing a rule changes every due date. Signing is
recorded by the inspection's "conclude" transition (its conclusion date)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select

from inspect_app.core.memo import per_request
from inspect_app.extensions import db
from inspect_app.inspections.models import LIFECYCLE_RECORDS, Inspection, InspectionState
from inspect_app.reference.calendar import add_days, working_days_between
from inspect_app.reference.models import DayKind, DeadlineRule
from inspect_app.reference.rules import FALLBACKS

LEAD, LEADERSHIP, CHAIRMAN = "lead", "leadership", "chairman"


@dataclass(frozen=True)
class StepRule:
    key: str
    label: object
    rule: str | None  # deadline rule key; None: a required step without its own time limit
    start: str  # the inspection column its time limit runs from
    done: str  # the inspection column recording it
    actor: str  # who must act: the team lead, leadership, the Chairman


STEPS = (
    StepRule(
        "assign_drafting",
        _l("Drafting of the conclusion assigned"),
        "conclusion.assign_drafting",
        "reported_on",
        "drafting_assigned_on",
        LEADERSHIP,
    ),
    StepRule(
        "draft",
        _l("Draft conclusion submitted"),
        None,
        "drafting_assigned_on",
        "draft_submitted_on",
        LEAD,
    ),
    StepRule(
        "appraise",
        _l("Draft conclusion appraised (thẩm định)"),
        None,
        "draft_submitted_on",
        "appraised_on",
        LEADERSHIP,
    ),
    StepRule(
        "sign",
        _l("Conclusion signed"),
        "conclusion.sign",
        "draft_submitted_on",
        "conclusion_date",
        LEADERSHIP,
    ),
    StepRule(
        "publish",
        _l("Conclusion published"),
        "conclusion.publish",
        "conclusion_date",
        "published_on",
        LEADERSHIP,
    ),
    StepRule(
        "recommend",
        _l("Implementation recommended to the Chairman"),
        "conclusion.recommend",
        "conclusion_date",
        "recommended_on",
        LEADERSHIP,
    ),
    StepRule(
        "instruct",
        _l("Chairman's written implementing instruction"),
        "chairman.instruction",
        "recommended_on",
        "instruction_date",
        CHAIRMAN,
    ),
)
BY_KEY = {s.key: s for s in STEPS}
# A step still to record: the condition of the partial index `ix_inspection_lifecycle_pending`
# (written as the index writes it, so that both databases read only that index's rows).
PENDING = or_(*(getattr(Inspection, column).is_(None) for column in LIFECYCLE_RECORDS))
RECORDABLE = tuple(s.key for s in STEPS if s.key != "sign")
# Inspections whose lifecycle may still have a step to take (closed ones are done with).
LIVE_STATES = (
    InspectionState.REPORTED,
    InspectionState.CONCLUDED,
    InspectionState.MONITORING,
)


@dataclass(frozen=True)
class Step:
    rule: StepRule
    starts_on: date | None
    done_on: date | None
    due: date | None
    citation: str | None
    amount: int | None
    day_kind: DayKind | None

    @property
    def key(self) -> str:
        return self.rule.key

    @property
    def label(self) -> str:
        return str(self.rule.label)

    def is_overdue(self, today: date) -> bool:
        return self.done_on is None and self.due is not None and self.due < today

    def working_days_left(self, today: date) -> int | None:
        if self.done_on is not None or self.due is None:
            return None
        return working_days_between(today, self.due)


def rules() -> dict[str, tuple[int, DayKind, str]]:
    """(amount, day kind, citation) of every lifecycle rule: one query, kept for the request
    (with the other rules read in it: a rule's change drops them all)."""
    memo = per_request("rules")
    if "conclusion" in memo:
        return memo["conclusion"]
    keys = [s.rule for s in STEPS if s.rule]
    found = {
        r.key: (r.amount, r.day_kind, r.source)
        for r in db.session.execute(
            select(DeadlineRule).where(DeadlineRule.key.in_(keys))
        ).scalars()
    }
    memo["conclusion"] = {k: found.get(k) or FALLBACKS[k] for k in keys}
    return memo["conclusion"]


def steps_of(inspection: Inspection, known: dict | None = None) -> list[Step]:
    """The lifecycle of one inspection: each step's start, record and due date with its rule's
    citation (a step whose start is not recorded has no due date yet)."""
    known = known or rules()
    result = []
    for rule in STEPS:
        start = getattr(inspection, rule.start)
        amount = kind = citation = due = None
        if rule.rule:
            amount, kind, citation = known[rule.rule]
            due = add_days(start, amount, kind) if start else None
        result.append(
            Step(rule, start, getattr(inspection, rule.done), due, citation, amount, kind)
        )
    return result


def _last_start(amount: int, kind: DayKind, limit: date) -> date:
    """The last start date whose time limit (amount, kind) ends on or before `limit`: due
    dates never decrease as the start moves later, so bisect between a start surely early
    enough and `limit - amount` (a time limit lasts at least `amount` calendar days)."""
    hi = limit - timedelta(days=amount)
    lo = hi - timedelta(days=amount + 60)
    while add_days(lo, amount, kind) > limit:
        lo -= timedelta(days=amount + 60)
    low, high = lo.toordinal(), hi.toordinal()
    while low < high:
        mid = (low + high + 1) // 2
        if add_days(date.fromordinal(mid), amount, kind) <= limit:
            low = mid
        else:
            high = mid - 1
    return date.fromordinal(low)


def _due_by(limit: date, known: dict) -> dict[str, object]:
    """Per step with a time limit: the SQL condition "not recorded, and due on or before
    `limit`" (its start on or before the last start whose due date is `limit` or earlier)."""
    conditions = {}
    for rule in STEPS:
        if rule.rule:
            amount, kind, _source = known[rule.rule]
            start, done = getattr(Inspection, rule.start), getattr(Inspection, rule.done)
            conditions[rule.key] = and_(
                done.is_(None), start.is_not(None), start <= _last_start(amount, kind, limit)
            )
    return conditions


def _pending(stmt):
    """`stmt` on the live inspections with a step still to record: their partial index (keyed
    by state and report date, so that SQLite prefers it to the index of every inspection's
    state)."""
    return stmt.where(
        PENDING, Inspection.state.in_(LIVE_STATES), Inspection.reported_on.is_not(None)
    )


def live_inspections_stmt(due_by: date | None = None, known: dict | None = None):
    """Inspections with a step left to record (SQL; the reminders and the dashboard); with
    `due_by`, only those with a step due on or before that day (under the rules `known`)."""
    due = [] if due_by is None else [or_(*_due_by(due_by, known or rules()).values())]
    return _pending(select(Inspection).where(*due).order_by(Inspection.id))


def overdue_steps(today: date) -> list[tuple[Inspection, Step]]:
    """Every overdue lifecycle step of the live inspections, in inspection order."""
    known = rules()
    stmt = live_inspections_stmt(due_by=today - timedelta(days=1), known=known)
    return [
        (inspection, step)
        for inspection in db.session.execute(stmt).scalars()
        for step in steps_of(inspection, known)
        if step.is_overdue(today)
    ]


def overdue_count(today: date) -> int:
    """How many lifecycle steps are overdue on `today`: one SQL count, whatever the rows."""
    conditions = _due_by(today - timedelta(days=1), rules())
    counts = db.session.execute(
        _pending(select(*(func.count().filter(c) for c in conditions.values())))
    ).one()
    return sum(counts)
