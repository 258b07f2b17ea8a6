"""The escalation ladder (theo dõi, đôn đốc, kiểm tra): reminders before a deadline, then the
overdue notice (level 1), the urging letter (level 2), the check of implementation and the
responsibility proposal in the report to the Chairman (level 3), each taken once per case and
deadline, through one operation the sweep and the UI share.

Thresholds come from deadline rules (`escalation.notice`, `escalation.urging`,
`escalation.check`, `escalation.report`, working days overdue); reminders are 7, 3 and 1
working days before. With the setting `escalation.report_after_check` on (the default: Law
84/2025 Art. 55 puts the check first), level 3 waits for a check result "partly done" or "not
done" for the case's current deadline.

Who hears of a step: the leaders of the case's unit, per case; the leaders of the unit above it
and leadership, once per step and day, grouped ("12 kiến nghị chuyển sang kiểm tra việc thực
hiện"), linking to the case list filtered on that step and day; the Chairman of the cases
going into the report (level 3).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, and_, exists, func, select
from sqlalchemy import case as sa_case
from sqlalchemy import literal as sa_literal

from inspect_app.auth.models import User
from inspect_app.cases.models import (
    CHECK_STEP,
    LADDER_STEPS,
    LEVEL_STEPS,
    Case,
    CaseState,
    EscalationStep,
)
from inspect_app.core import audit, clock
from inspect_app.core.errors import Forbidden, OperationError
from inspect_app.core.roles import Role
from inspect_app.extensions import db
from inspect_app.implementation_checks.models import UNFULFILLED, CheckedCase
from inspect_app.inspections.models import Inspection
from inspect_app.notifications.models import Notification
from inspect_app.notifications.operations import notify_many
from inspect_app.reference.calendar import (
    add_working_days,
    working_days_overdue_bound,
)
from inspect_app.reference.rules import (
    automatic_steps,
    check_threshold,
    level_thresholds,
    report_waits_for_check,
)
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
    levels = level_thresholds()
    for step, n in levels.items():
        result[step] = (None, working_days_overdue_bound(as_of, n))
    result[CHECK_STEP] = (None, working_days_overdue_bound(as_of, check_threshold(levels)))
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
    CHECK_STEP: _l(
        "Case %(ref)s is overdue after the urging letter: the inspectorate will check its "
        "implementation (deadline %(due)s)."
    ),
}


def _group_title(step: str, count: int) -> str:
    """The grouped notice of a step for `count` cases, in the current locale."""
    if step == CHECK_STEP:
        return ngettext(
            "%(num)d case moved to checking implementation.",
            "%(num)d cases moved to checking implementation.",
            count,
        )
    if step == "level_3":
        return ngettext(
            "%(num)d case moved to the report to the People's Committee.",
            "%(num)d cases moved to the report to the People's Committee.",
            count,
        )
    if step == "level_2":
        return ngettext(
            "%(num)d case moved to urging: urging letter drafted for signature.",
            "%(num)d cases moved to urging: urging letters drafted for signature.",
            count,
        )
    return ngettext("%(num)d case became overdue.", "%(num)d cases became overdue.", count)


MESSAGES["reminder_3"] = MESSAGES["reminder_1"] = MESSAGES["reminder_7"]


class Recipients:
    """Who hears of a step: the active unit leaders of the case's unit, per case; for a level
    (and the check), the leaders of its parent unit, and from level 2 leadership, grouped (see
    `summarise`). Loaded once (the sweep shares it between batches) as (id, locale) pairs in
    id order."""

    def __init__(self):
        self.leaders: dict[int, list[tuple[int, str]]] = {}
        self.leadership: list[tuple[int, str]] = []
        self.chairman: list[tuple[int, str]] = []
        roles = [Role.UNIT_LEADER, Role.LEADERSHIP, Role.CHAIRMAN]
        rows = db.session.execute(
            select(User.id, User.locale, User.role, User.unit_id)
            .where(User.active.is_(True), User.role.in_(roles))
            .order_by(User.id)
        ).all()
        for uid, locale, role, unit_id in rows:
            if role == Role.UNIT_LEADER:
                self.leaders.setdefault(unit_id, []).append((uid, locale))
            elif role == Role.CHAIRMAN:
                self.chairman.append((uid, locale))
            else:
                self.leadership.append((uid, locale))

    def of(self, step: str, unit_id: int) -> list[tuple[int, str]]:
        """The leaders told of the step on a case of `unit_id`, one notice per case."""
        return list({uid: (uid, locale) for uid, locale in self.leaders.get(unit_id, ())}.values())

    @staticmethod
    def grouped(step: str) -> bool:
        return step in LEVEL_STEPS or step == CHECK_STEP

    def leadership_hears(self, step: str) -> bool:
        return step == CHECK_STEP or (step in LEVEL_STEPS and LEVEL_STEPS.index(step) >= 1)


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
    summarise_now: bool = True,
) -> list[str]:
    """Take `step` on the open cases among `case_ids` for their current deadline, set-based (the
    case page passes one case, the sweep a batch): record the step, raise the case's level,
    draft the documents (level 2: the urging letter; level 3: the rows of the open report
    drafts), notify the units' leaders in each one's language, audit; then (unless the sweep
    does it once per step: `summarise_now=False`) the grouped notices of the day. A case that
    has the step for its deadline is skipped. Returns the references of the cases it was
    taken on, in id order."""
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
                # Read on the case's timeline: the day of the sweep, as dates are written there.
                "note": f"{as_of:%d/%m/%Y}",
            }
        )
    notify_many(notes)
    audit.record_many(events, plain=True)
    if summarise_now:
        summarise(step, as_of, recipients)
    return [Case.reference_of(r.inspection_id, r.number) for r in taken]


def group_link(step: str, as_of: date) -> str:
    """The case list filtered on the cases that took `step` on `as_of` (a grouped notice's
    link; each reader sees the cases of their own units)."""
    return f"/cases?step={step}&step_on={as_of.isoformat()}"


def summarise(step: str, as_of: date, recipients: Recipients | None = None) -> int:
    """The grouped notices of `step` on `as_of`: one per recipient (leadership from level 2
    and for the check; the leaders of a parent unit for its units' cases), counting the cases
    that took the step that day, whatever the number of batches or sweeps: the recipient's
    unread notice of the step and day is updated, else one is written. One aggregate query and one look-up.
    Returns the number of notices written or updated."""
    if not Recipients.grouped(step):
        return 0
    recipients = recipients or Recipients()
    per_parent = dict(
        db.session.execute(
            select(Unit.parent_id, func.count())
            .select_from(EscalationStep)
            .join(Case, Case.id == EscalationStep.case_id)
            .join(Unit, Unit.id == Case.responsible_unit_id)
            .where(EscalationStep.step == step, EscalationStep.on_date == as_of)
            .group_by(Unit.parent_id)
        ).all()
    )
    counts: dict[int, tuple[str, int]] = {}
    for parent_id, count in per_parent.items():
        for uid, locale in recipients.leaders.get(parent_id, ()) if parent_id else ():
            counts[uid] = (locale, counts.get(uid, (locale, 0))[1] + count)
    total = sum(per_parent.values())
    if recipients.leadership_hears(step):
        for uid, locale in recipients.leadership:
            counts[uid] = (locale, total)
    if step == "level_3":  # the report to the Chairman: the Chairman hears of it too
        for uid, locale in recipients.chairman:
            counts[uid] = (locale, total)
    counts = {uid: v for uid, v in counts.items() if v[1] > 0}
    if not counts:
        return 0
    kind, link = f"{step}_group", group_link(step, as_of)
    table = Notification.__table__
    existing = dict(
        db.session.execute(
            select(table.c.user_id, func.max(table.c.id))
            .where(
                table.c.user_id.in_(list(counts)),
                table.c.kind == kind,
                table.c.link == link,
                table.c.read_at.is_(None),
            )
            .group_by(table.c.user_id)
        ).all()
    )
    titles: dict[tuple[str, int], str] = {}
    for locale, count in counts.values():
        if (locale, count) not in titles:
            with force_locale(locale or "vi"):
                titles[locale, count] = _group_title(step, count) % {"num": count}
    new = []
    for uid in sorted(counts):
        title = titles[counts[uid]][:300]
        if uid in existing:
            db.session.execute(
                table.update().where(table.c.id == existing[uid]).values(title=title)
            )
        else:
            new.append({"user_id": uid, "kind": kind, "title": title, "link": link})
    notify_many(new)
    return len(counts)


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
    # A conclusion's recommendations are followed up once it is signed.
    signed = exists().where(
        Inspection.id == Case.inspection_id, Inspection.conclusion_date.is_not(None)
    )
    conditions = [Case.state == CaseState.OPEN, Case.due_date < high, signed]
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
    if step == "level_3" and report_waits_for_check():
        # The responsibility proposal follows a check that found the case not (fully) done.
        conditions.append(
            exists().where(
                CheckedCase.case_id == Case.id,
                CheckedCase.due_date == Case.due_date,
                CheckedCase.outcome.in_(UNFULFILLED),
            )
        )
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
    each, then the step's grouped notices. A crash loses at most the batch in progress, and a
    rerun (or a second sweep) takes each step once; its grouped notices count the whole day."""
    bounds = boundaries(as_of)
    report = SweepReport(as_of, dry_run)
    recipients = None if dry_run else Recipients()
    automatic = automatic_steps()
    for step in LADDER_STEPS:
        report.steps[step], report.counts[step] = [], 0
        if step not in automatic:  # taken by leadership on the case page (`take_step_by_hand`)
            continue
        after_id = 0
        while True:
            ids = _batch(step, bounds, after_id)
            if not ids:
                break
            after_id = ids[-1]
            if dry_run:
                report.add(step, _references(ids))
                continue
            taken = take_step(step, ids, as_of, recipients=recipients, summarise_now=False)
            report.add(step, taken)
            db.session.commit()
        if dry_run:
            db.session.rollback()
        elif report.counts[step]:
            summarise(step, as_of, recipients)  # told once per step, after every batch
            db.session.commit()
    return report


def manual_steps_due(case: Case, as_of: date) -> list[str]:
    """The steps the sweep does not take by itself that `case` is due for on `as_of` (one
    query per such step; none when every step is automatic)."""
    automatic = automatic_steps()
    manual = [s for s in LADDER_STEPS if s not in automatic]
    if not manual or case.state != CaseState.OPEN:
        return []
    bounds = boundaries(as_of)
    return [
        step
        for step in manual
        if db.session.execute(
            select(Case.id).where(Case.id == case.id, *_candidate_conditions(step, bounds))
        ).first()
    ]


def take_step_by_hand(actor: User, case: Case, step: str, as_of: date) -> list[str]:
    """Leadership takes a step the sweep leaves to them (the escalation form's manual steps)
    on one case, through the same `take_step`; 403 not leadership nor an administrator, 422
    an unknown step or one the case is not due for today."""
    if not case.can_take_step(actor, check_state=False):
        raise Forbidden()
    if step not in LADDER_STEPS:
        raise OperationError(_("Not a valid choice."), field="step")
    if step not in manual_steps_due(case, as_of):
        raise OperationError(
            _("This case is not due for that step today, or the sweep takes it by itself."),
            field="step",
        )
    return take_step(step, [case.id], as_of, actor=actor)


def _references(ids: list[int]) -> list[str]:
    rows = db.session.execute(
        select(Case.inspection_id, Case.number).where(Case.id.in_(ids)).order_by(Case.id)
    )
    return [Case.reference_of(inspection_id, number) for inspection_id, number in rows]
