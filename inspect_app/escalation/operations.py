"""The escalation ladder (theo dõi, đôn đốc): reminders before a deadline, then three overdue
levels, each taken once per case and deadline, through one operation the sweep and the UI share.

Thresholds come from deadline rules (`escalation.notice`, `escalation.urging`,
`escalation.report`, working days overdue); reminders are 7, 3 and 1 working days before.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, and_, exists, func, select
from sqlalchemy import case as sa_case
from sqlalchemy import literal as sa_literal

from inspect_app.auth.models import User
from inspect_app.cases.models import LEVEL_STEPS, REMINDER_STEPS, Case, CaseState, EscalationStep
from inspect_app.core import audit, clock
from inspect_app.core.roles import Role
from inspect_app.extensions import db
from inspect_app.notifications.operations import notify_many
from inspect_app.reference.calendar import (
    add_working_days,
    working_days_overdue_bound,
)
from inspect_app.reference.rules import level_thresholds
from inspect_app.reports.operations import (
    add_to_report_drafts,
    create_urging_letters,
    insert_ignoring_duplicates,
)
from inspect_app.units.models import Unit

REMINDER_DAYS = {"reminder_7": 7, "reminder_3": 3, "reminder_1": 1}


def boundaries(as_of: date) -> dict[str, tuple[date | None, date]]:
    """For each step, the [low, high) range of due dates it applies to on `as_of`.

    Reminder n: n working days or fewer remain (and more than the next smaller reminder).
    Level with threshold n: at least n working days have passed since the deadline."""
    after = {n: add_working_days(as_of, n) for n in (2, 4, 8)}
    result: dict[str, tuple[date | None, date]] = {
        "reminder_7": (after[4], after[8]),
        "reminder_3": (after[2], after[4]),
        "reminder_1": (as_of + timedelta(days=1), after[2]),
    }
    for step, n in level_thresholds().items():
        result[step] = (None, working_days_overdue_bound(as_of, n))
    return result


def candidates(step: str, bounds) -> list[int]:
    """Ids of open cases due in the step's range without that step for their deadline (SQL; all
    of them: for small sets and tests; the sweep reads them in batches)."""
    stmt = select(Case.id).where(*_candidate_conditions(step, bounds)).order_by(Case.id)
    return list(db.session.execute(stmt).scalars())


# The notification of each step, translated into each recipient's language.
MESSAGES = {
    "reminder_7": _l("Reminder: case %(ref)s is due on %(due)s."),
    "level_1": _l("Case %(ref)s is overdue (deadline %(due)s)."),
    "level_2": _l(
        "Case %(ref)s is overdue: an urging letter has been drafted for signature "
        "(deadline %(due)s)."
    ),
    "level_3": _l(
        "Case %(ref)s is seriously overdue and goes into the report to the People's "
        "Committee (deadline %(due)s)."
    ),
}
MESSAGES["reminder_3"] = MESSAGES["reminder_1"] = MESSAGES["reminder_7"]


class Recipients:
    """Who hears of a step: the active unit leaders of the case's unit; for a level, its parent
    unit's too; from level 2, leadership. Loaded once (the sweep shares it between batches) as
    (id, locale) pairs in id order."""

    def __init__(self):
        self.leaders: dict[int, list[tuple[int, str]]] = {}
        self.leadership: list[tuple[int, str]] = []
        rows = db.session.execute(
            select(User.id, User.locale, User.role, User.unit_id)
            .where(User.active.is_(True), User.role.in_([Role.UNIT_LEADER, Role.LEADERSHIP]))
            .order_by(User.id)
        ).all()
        for uid, locale, role, unit_id in rows:
            if role == Role.UNIT_LEADER:
                self.leaders.setdefault(unit_id, []).append((uid, locale))
            else:
                self.leadership.append((uid, locale))
        self.parent = dict(db.session.execute(select(Unit.id, Unit.parent_id)).all())

    def of(self, step: str, unit_id: int) -> list[tuple[int, str]]:
        recipients = list(self.leaders.get(unit_id, ()))
        if step in LEVEL_STEPS:
            parent = self.parent.get(unit_id)
            if parent:
                recipients += self.leaders.get(parent, [])
            if LEVEL_STEPS.index(step) >= 1:
                recipients += self.leadership
        return list({uid: (uid, locale) for uid, locale in recipients}.values())


def _titles(step: str, locales: set) -> dict:
    """The step's message in each locale, with %(ref)s and %(due)s still to fill."""
    titles = {}
    for locale in locales:
        with force_locale(locale or "vi"):
            titles[locale] = str(MESSAGES[step])
    return titles


def _insert_steps(step: str, case_ids: Collection[int], as_of: date) -> set[int]:
    """INSERT ... SELECT of the step for the open cases among `case_ids`, at their current
    deadline; cases that have it (a concurrent sweep's rows too) are skipped (ON CONFLICT DO
    NOTHING). Returns the ids of the cases it was taken on."""
    table = EscalationStep.__table__
    source = (
        select(
            Case.id,
            sa_literal(step),
            Case.due_date,
            sa_literal(as_of, Date),
            sa_literal(clock.now(), table.c.created_at.type),
        )
        .where(Case.id.in_(list(case_ids)), Case.state == CaseState.OPEN)
        .order_by(Case.id)  # step rows (and their ids) in case order
    )
    stmt = (
        insert_ignoring_duplicates(table)
        .from_select(["case_id", "step", "due_date", "on_date", "created_at"], source)
        .returning(table.c.case_id)
    )
    return set(db.session.execute(stmt).scalars())


def take_step(
    step: str,
    case_ids: Collection[int],
    as_of: date,
    actor: User | None = None,
    recipients: Recipients | None = None,
) -> list[str]:
    """Take `step` on the open cases among `case_ids` for their current deadline, set-based (the
    case page passes one case, the sweep a batch): record the step, raise the case's level,
    draft the documents (level 2: the urging letter; level 3: the rows of the open report
    drafts), notify in each recipient's language, audit. A case that has the step for its
    deadline is skipped. Returns the references of the cases it was taken on, in id order."""
    taken_ids = _insert_steps(step, case_ids, as_of)
    if not taken_ids:
        return []
    taken = db.session.execute(
        select(
            Case.id,
            Case.inspection_id,
            Case.number,
            Case.due_date,
            Case.responsible_unit_id,
            Case.escalation_level,
        )
        .where(Case.id.in_(list(taken_ids)))
        .order_by(Case.id)
    ).all()
    level = LEVEL_STEPS.index(step) + 1 if step in LEVEL_STEPS else 0
    if level:
        table = Case.__table__
        db.session.execute(
            table.update()
            .where(table.c.id.in_(list(taken_ids)))
            .values(
                escalation_level=sa_case(
                    (table.c.escalation_level < level, level), else_=table.c.escalation_level
                ),
                escalated_on=as_of,
                version=table.c.version + 1,
                updated_at=clock.now(),
            )
        )
        _expire_cases(taken_ids)
    if step == "level_2":
        create_urging_letters(taken_ids, as_of, actor)
    elif step == "level_3":
        add_to_report_drafts(taken_ids, as_of)
    recipients = recipients or Recipients()
    audience = {r.id: recipients.of(step, r.responsible_unit_id) for r in taken}
    titles = _titles(step, {locale for users in audience.values() for _uid, locale in users})
    notes, events = [], []
    for case_id, inspection_id, number, due, _unit_id, before in taken:
        values = {"ref": Case.reference_of(inspection_id, number), "due": f"{due:%d/%m/%Y}"}
        for uid, locale in audience[case_id]:
            title = titles[locale] % values
            notes.append(
                {"user_id": uid, "kind": step, "title": title, "link": Case.path_of(case_id)}
            )
        events.append(
            {
                "actor_id": getattr(actor, "id", None),
                "object_type": "Case",
                "object_id": case_id,
                "action": f"escalation_{step}",
                "before": {"escalation_level": before},
                "after": {"escalation_level": max(before, level), "due_date": due.isoformat()},
                "note": as_of.isoformat(),
            }
        )
    notify_many(notes)
    audit.record_many(events, plain=True)
    return [Case.reference_of(r.inspection_id, r.number) for r in taken]


def _expire_cases(ids: Collection[int]) -> None:
    """Expire loaded cases whose rows were changed with SQL (a page holds its case)."""
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, Case) and obj.id in ids:
            db.session.expire(obj)


REFERENCES_KEPT = 1000  # per step in a SweepReport: the report stays small at a million cases
BATCH_SIZE = 5000  # cases per transaction in the sweep


@dataclass
class SweepReport:
    """What a sweep did (or would do): the number of steps taken per step, and the references
    of the first REFERENCES_KEPT cases of each step (memory stays flat however many there are)."""

    as_of: date
    dry_run: bool
    steps: dict[str, list[str]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, step: str, references: list[str]) -> None:
        kept = self.steps.setdefault(step, [])
        kept.extend(references[: max(0, REFERENCES_KEPT - len(kept))])
        self.counts[step] = self.counts.get(step, 0) + len(references)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _candidate_conditions(step: str, bounds) -> list:
    low, high = bounds[step]
    conditions = [Case.state == CaseState.OPEN, Case.due_date < high]
    if low is not None:
        conditions.append(Case.due_date >= low)
    done = exists().where(
        and_(
            EscalationStep.case_id == Case.id,
            EscalationStep.step == step,
            EscalationStep.due_date == Case.due_date,
        )
    )
    conditions.append(~done)
    return conditions


def count_candidates(step: str, bounds) -> int:
    """How many open cases the step is due for (one COUNT)."""
    return db.session.execute(
        select(func.count()).select_from(Case).where(*_candidate_conditions(step, bounds))
    ).scalar_one()


def _batch(step: str, bounds, after_id: int) -> list[int]:
    """The ids of the next BATCH_SIZE cases due for `step` with an id above `after_id`."""
    stmt = (
        select(Case.id)
        .where(*_candidate_conditions(step, bounds), Case.id > after_id)
        .order_by(Case.id)
        .limit(BATCH_SIZE)
    )
    return list(db.session.execute(stmt).scalars())


def sweep(as_of: date, dry_run: bool = False) -> SweepReport:
    """Take every due step on every open case for `as_of`: per step, batches of BATCH_SIZE
    cases in id order (keyset, so memory stays flat) through `take_step`, one transaction
    each. A crash loses at most the batch in progress, and a rerun (or a second sweep) takes
    each step once."""
    bounds = boundaries(as_of)
    report = SweepReport(as_of, dry_run)
    recipients = None if dry_run else Recipients()
    for step in REMINDER_STEPS + LEVEL_STEPS:
        report.steps[step], report.counts[step] = [], 0
        after_id = 0
        while True:
            ids = _batch(step, bounds, after_id)
            if not ids:
                break
            after_id = ids[-1]
            if dry_run:
                report.add(step, _references(ids))
                continue
            report.add(step, take_step(step, ids, as_of, recipients=recipients))
            db.session.commit()
        if dry_run:
            db.session.rollback()
    return report


def _references(ids: list[int]) -> list[str]:
    rows = db.session.execute(
        select(Case.inspection_id, Case.number).where(Case.id.in_(ids)).order_by(Case.id)
    )
    return [Case.reference_of(inspection_id, number) for inspection_id, number in rows]
