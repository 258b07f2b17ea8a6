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
from sqlalchemy import and_, exists, select
from sqlalchemy.exc import IntegrityError

from inspect_app.auth.models import Role, User
from inspect_app.cases.models import Case, CaseState
from inspect_app.core import audit, clock
from inspect_app.core.errors import OperationError
from inspect_app.escalation.models import LEVEL_STEPS, REMINDER_STEPS, EscalationStep
from inspect_app.extensions import db
from inspect_app.notifications.operations import notify
from inspect_app.reference.calendar import add_working_days, is_working_day
from inspect_app.reference.rules import get_rule

REMINDER_DAYS = {"reminder_7": 7, "reminder_3": 3, "reminder_1": 1}
LEVEL_DEFAULTS = {"level_1": ("escalation.notice", 1), "level_2": ("escalation.urging", 5)}
LEVEL_DEFAULTS["level_3"] = ("escalation.report", 15)


def level_thresholds() -> dict[str, int]:
    """Working days overdue for each level, from the rules; refuses out-of-order values."""
    values = {}
    for step, (key, default) in LEVEL_DEFAULTS.items():
        rule = get_rule(key)
        values[step] = rule.amount if rule is not None else default
    ordered = [values[s] for s in LEVEL_STEPS]
    if ordered[0] < 1 or ordered != sorted(ordered) or len(set(ordered)) != 3:
        raise OperationError(
            _("The escalation thresholds must be positive and increasing (level 1 < 2 < 3).")
        )
    return values


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
    last_working = as_of if is_working_day(as_of) else add_working_days(as_of, -1)
    for step, n in level_thresholds().items():
        result[step] = (None, add_working_days(last_working, -(n - 1)) if n > 1 else last_working)
    return result


def candidates(step: str, bounds) -> list[int]:
    """Ids of open cases due in the step's range without that step for their deadline (SQL)."""
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
    stmt = select(Case.id).where(*conditions, ~done).order_by(Case.id)
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


@dataclass
class SweepReport:
    as_of: date
    dry_run: bool
    steps: dict[str, list[str]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.steps.values())


def sweep(as_of: date, dry_run: bool = False) -> SweepReport:
    """Take every due step on every open case for `as_of`; commits after each case."""
    bounds = boundaries(as_of)
    report = SweepReport(as_of, dry_run)
    for step in REMINDER_STEPS + LEVEL_STEPS:
        ids = candidates(step, bounds)
        done = []
        for case_id in ids:
            case = db.session.get(Case, case_id)
            if dry_run:
                done.append(case.reference)
                continue
            if take_step(case, step, as_of):
                done.append(case.reference)
            db.session.commit()
        report.steps[step] = done
    return report
