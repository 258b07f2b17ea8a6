"""The escalation ladder (theo dõi, đôn đốc): reminders before a deadline, then three overdue
levels, each taken once per case and deadline, through one operation the sweep and the UI share.

Thresholds come from deadline rules (`escalation.notice`, `escalation.urging`,
`escalation.report`, working days overdue); reminders are 7, 3 and 1 working days before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import Date, and_, exists, select
from sqlalchemy import case as sa_case
from sqlalchemy import literal as sa_literal
from sqlalchemy.exc import IntegrityError

from inspect_app.auth.models import User
from inspect_app.cases.models import Case, CaseState
from inspect_app.core import audit, clock
from inspect_app.core.errors import OperationError
from inspect_app.core.roles import Role
from inspect_app.escalation.models import LEVEL_STEPS, REMINDER_STEPS, EscalationStep
from inspect_app.extensions import db
from inspect_app.notifications.models import Notification
from inspect_app.notifications.operations import notify
from inspect_app.reference.calendar import (
    Calendar,
    add_working_days,
    working_days_overdue_bound,
)
from inspect_app.reference.rules import level_thresholds

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


def _unit_leaders(unit_id: int) -> list[User]:
    return list(
        db.session.execute(
            select(User).where(
                User.role == Role.UNIT_LEADER, User.unit_id == unit_id, User.active.is_(True)
            )
        ).scalars()
    )


def _leadership() -> list[User]:
    return list(
        db.session.execute(
            select(User).where(User.role == Role.LEADERSHIP, User.active.is_(True))
        ).scalars()
    )


def take_step(case: Case, step: str, as_of: date, actor: User | None = None) -> bool:
    """Record `step` on `case` for its current deadline, notify, audit; False if already taken."""
    if case.state != CaseState.OPEN:
        raise OperationError(_("Only open cases are escalated."))
    record = EscalationStep(
        case_id=case.id, step=step, due_date=case.due_date, on_date=as_of, created_at=clock.now()
    )
    try:
        with db.session.begin_nested():
            db.session.add(record)
    except IntegrityError:
        return False
    before = {"escalation_level": case.escalation_level}
    recipients = _unit_leaders(case.responsible_unit_id)
    link = f"/cases/{case.id}"
    if step in LEVEL_STEPS:
        level = LEVEL_STEPS.index(step) + 1
        case.escalation_level = max(case.escalation_level, level)
        case.escalated_on = as_of
        if case.responsible_unit.parent_id:
            recipients += _unit_leaders(case.responsible_unit.parent_id)
        if level >= 2:
            recipients += _leadership()
        _document_hooks(case, step, as_of, actor)
    for user in {u.id: u for u in recipients}.values():
        with force_locale(user.locale):
            notify(user, step, _message(step, case), link=link)
    audit.record(
        actor,
        case,
        f"escalation_{step}",
        before,
        {"escalation_level": case.escalation_level, "due_date": case.due_date},
        note=as_of.isoformat(),
        object_type="Case",
    )
    return True


def _document_hooks(case: Case, step: str, as_of: date, actor: User | None) -> None:
    """Level 2 drafts the urging letter (văn bản đôn đốc) for the case and deadline, for the
    Chief Inspector to issue; level 3 puts the case into the open report drafts (later drafts
    select it by its level-3 step)."""
    from inspect_app.reports.operations import add_to_report_drafts, create_urging_letter

    if step == "level_2":
        create_urging_letter(case, as_of, actor)
    elif step == "level_3":
        add_to_report_drafts(case, as_of)


def _message(step: str, case: Case) -> str:
    if step in REMINDER_STEPS:
        return _(
            "Reminder: case %(ref)s is due on %(due)s.",
            ref=case.reference,
            due=case.due_date.strftime("%d/%m/%Y"),
        )
    texts = {
        "level_1": _("Case %(ref)s is overdue (deadline %(due)s)."),
        "level_2": _(
            "Case %(ref)s is overdue: an urging letter has been drafted for signature "
            "(deadline %(due)s)."
        ),
        "level_3": _(
            "Case %(ref)s is seriously overdue and goes into the report to the People's "
            "Committee (deadline %(due)s)."
        ),
    }
    return texts[step] % {"ref": case.reference, "due": case.due_date.strftime("%d/%m/%Y")}


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
    from sqlalchemy import func

    return db.session.execute(
        select(func.count()).select_from(Case).where(*_candidate_conditions(step, bounds))
    ).scalar_one()


class _Row:
    """A case as the bulk path reads it: plain values with the attributes `_message` and the
    document texts read (`reference`, `responsible_unit.name`, `inspection.title`, ...)."""

    __slots__ = (
        "id",
        "inspection_id",
        "number",
        "due_date",
        "responsible_unit_id",
        "escalation_level",
        "title",
        "required_action",
        "responsible_unit",
        "inspection",
    )

    def __init__(self, **values):
        for key in self.__slots__:
            setattr(self, key, values.get(key))

    @property
    def reference(self) -> str:
        return f"KN-{self.inspection_id}/{self.number}"


class _Recipients:
    """The active unit leaders by unit, each unit's parent, and leadership: loaded once per
    sweep, as (id, locale) pairs, in the order `take_step`'s queries return them (by id)."""

    def __init__(self):
        from inspect_app.units.models import Unit

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


def _templates(step: str, locales) -> dict[str, str]:
    """`_message`'s text for `step` in each locale, with %(ref)s and %(due)s left to fill."""
    keys = {"ref": "%(ref)s", "due": "%(due)s"}
    result = {}
    for locale in locales:
        with force_locale(locale):
            result[locale] = _message(step, _Template(**keys))
    return result


class _Template:
    def __init__(self, ref, due):
        self.reference = ref
        self.due_date = _Due(due)


class _Due:
    def __init__(self, text):
        self.text = text

    def strftime(self, _fmt):
        return self.text


def _batch(step: str, bounds, after_id: int, dry_run: bool) -> list[_Row]:
    """The next BATCH_SIZE cases due for `step` with an id above `after_id` (keyset)."""
    stmt = (
        select(
            Case.id,
            Case.inspection_id,
            Case.number,
            Case.due_date,
            Case.responsible_unit_id,
            Case.escalation_level,
        )
        .where(*_candidate_conditions(step, bounds), Case.id > after_id)
        .order_by(Case.id)
        .limit(BATCH_SIZE)
    )
    return [_Row(**row._mapping) for row in db.session.execute(stmt)]


def _insert_steps(step: str, bounds, first_id: int, last_id: int, as_of: date) -> set[int]:
    """INSERT ... SELECT of the step for the due cases with ids in [first_id, last_id]; a
    concurrent sweep's rows are skipped (ON CONFLICT DO NOTHING). Returns the case ids."""
    table = EscalationStep.__table__
    source = select(
        Case.id,
        sa_literal(step),
        Case.due_date,
        sa_literal(as_of, Date),
        sa_literal(clock.now(), table.c.created_at.type),
    )
    source = source.where(
        *_candidate_conditions(step, bounds), Case.id >= first_id, Case.id <= last_id
    ).order_by(Case.id)  # rows (and their ids) in case order, as the single path writes them
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = (
        insert(table)
        .from_select(["case_id", "step", "due_date", "on_date", "created_at"], source)
        .on_conflict_do_nothing()
        .returning(table.c.case_id)
    )
    return set(db.session.execute(stmt).scalars())


def _load_documents_data(rows: list[_Row]) -> None:
    """Add the texts the documents copy (case title and action, unit name, inspection)."""
    from types import SimpleNamespace

    from inspect_app.inspections.models import Inspection
    from inspect_app.units.models import Unit

    details = db.session.execute(
        select(
            Case.id,
            Case.title,
            Case.required_action,
            Unit.name,
            Inspection.title,
            Inspection.conclusion_number,
            Inspection.conclusion_date,
        )
        .join(Unit, Unit.id == Case.responsible_unit_id)
        .join(Inspection, Inspection.id == Case.inspection_id)
        .where(Case.id.in_([r.id for r in rows]))
    ).all()
    by_id = {d[0]: d for d in details}
    for r in rows:
        _, title, action, unit_name, insp_title, number, concluded = by_id[r.id]
        r.title, r.required_action = title, action
        r.responsible_unit = SimpleNamespace(name=unit_name)
        r.inspection = SimpleNamespace(
            title=insp_title, conclusion_number=number, conclusion_date=concluded
        )


def _take_batch(step: str, rows: list[_Row], bounds, as_of: date, ctx) -> list[str]:
    """Take `step` on a batch of due cases, set-based, with exactly the rows `take_step` writes
    for each: the step, the case's level, notifications, audit events, documents. No commit."""
    from inspect_app.reports.operations import add_to_report_drafts_bulk, create_urging_letters_bulk

    taken_ids = _insert_steps(step, bounds, rows[0].id, rows[-1].id, as_of)
    taken = [r for r in rows if r.id in taken_ids]
    if not taken:
        return []
    table = Case.__table__
    before = {r.id: r.escalation_level for r in taken}
    doc_events: dict[int, dict] = {}
    if step in LEVEL_STEPS:
        level = LEVEL_STEPS.index(step) + 1
        db.session.execute(
            table.update()
            .where(table.c.id.in_([r.id for r in taken]))
            .values(
                escalation_level=sa_case(
                    (table.c.escalation_level < level, level), else_=table.c.escalation_level
                ),
                escalated_on=as_of,
                version=table.c.version + 1,
                updated_at=clock.now(),
            )
        )
        for r in taken:
            r.escalation_level = max(r.escalation_level, level)
        if step in ("level_2", "level_3"):
            _load_documents_data(taken)
            cal = _Memo(Calendar(min(r.due_date for r in taken), as_of))
            if step == "level_2":
                doc_events = create_urging_letters_bulk(taken, as_of, cal)
            else:
                add_to_report_drafts_bulk(taken, as_of, cal)
    templates = ctx["templates"][step]
    notes, events = [], []
    now = clock.now()
    for r in taken:
        values = {"ref": r.reference, "due": r.due_date.strftime("%d/%m/%Y")}
        link = f"/cases/{r.id}"
        for uid, locale in ctx["recipients"].of(step, r.responsible_unit_id):
            title = (templates.get(locale) or templates[None]) % values
            notes.append(
                {
                    "user_id": uid,
                    "kind": step,
                    "title": title[:300],
                    "body": None,
                    "link": link,
                    "created_at": now,
                    "email_attempts": 0,
                }
            )
        if r.id in doc_events:
            events.append(doc_events[r.id])
        events.append(
            {
                "object_type": "Case",
                "object_id": r.id,
                "action": f"escalation_{step}",
                "before": {"escalation_level": before[r.id]},
                "after": {
                    "escalation_level": r.escalation_level,
                    "due_date": r.due_date.isoformat(),
                },
                "note": as_of.isoformat(),
            }
        )
    if notes:
        db.session.execute(Notification.__table__.insert(), notes)
        db.session.info["mail_pending"] = True
    audit.record_many(events, plain=True)  # the documents' snapshots hold only JSON values too
    return [r.reference for r in taken]


class _Memo:
    """A Calendar whose `between` is remembered: a batch asks it once per distinct deadline."""

    def __init__(self, cal: Calendar):
        self.cal, self.cache = cal, {}

    def between(self, start: date, end: date) -> int:
        key = (start, end)
        if key not in self.cache:
            self.cache[key] = self.cal.between(start, end)
        return self.cache[key]


def sweep(as_of: date, dry_run: bool = False) -> SweepReport:
    """Take every due step on every open case for `as_of`, set-based: per step, batches of
    BATCH_SIZE cases in id order (keyset, so memory stays flat), one transaction each. Each
    case gets exactly the rows `take_step` would write; a crash loses at most the batch in
    progress, and a rerun (or a second sweep) takes each step once."""
    bounds = boundaries(as_of)
    report = SweepReport(as_of, dry_run)
    ctx = None
    if not dry_run:
        recipients = _Recipients()
        locales = {loc for users in recipients.leaders.values() for _uid, loc in users}
        locales |= {loc for _uid, loc in recipients.leadership}
        ctx = {
            "recipients": recipients,
            "templates": {
                s: {**_templates(s, locales), None: _templates(s, ["vi"])["vi"]}
                for s in REMINDER_STEPS + LEVEL_STEPS
            },
        }
    for step in REMINDER_STEPS + LEVEL_STEPS:
        report.steps[step], report.counts[step] = [], 0
        after_id = 0
        while True:
            rows = _batch(step, bounds, after_id, dry_run)
            if not rows:
                break
            after_id = rows[-1].id
            if dry_run:
                report.add(step, [r.reference for r in rows])
                continue
            report.add(step, _take_batch(step, rows, bounds, as_of, ctx))
            db.session.commit()
        if dry_run:
            db.session.rollback()
    return report
