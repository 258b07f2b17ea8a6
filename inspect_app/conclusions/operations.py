"""Recording the steps of a conclusion's lifecycle, and the daily reminders to whoever must act.

A step is recorded with its date (never in the future, never before the step it follows);
publication also logs the posting period and channels, and cannot be dated before the
signature; the Chairman's instruction carries its number."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from inspect_app.auth.models import User
from inspect_app.conclusions.lifecycle import (
    BY_KEY,
    CHAIRMAN,
    LEAD,
    LEADERSHIP,
    RECORDABLE,
    live_inspections_stmt,
    rules,
    steps_of,
)
from inspect_app.core import audit, clock
from inspect_app.core.errors import Forbidden, OperationError
from inspect_app.core.models import check_version
from inspect_app.core.roles import Role
from inspect_app.extensions import db
from inspect_app.inspections.models import Inspection
from inspect_app.notifications.models import Notification
from inspect_app.notifications.operations import notify
from inspect_app.reference.calendar import add_working_days

REMIND_WITHIN = 3  # working days before a step's due date


def can_record(user, inspection: Inspection, step: str) -> bool:
    """Who records a step: the Chairman's instruction by the Chairman, leadership or an
    administrator; the others by leadership, the team lead or an administrator."""
    if not user.is_authenticated:
        return False
    if step == "instruct":
        return user.role in (Role.CHAIRMAN, Role.LEADERSHIP, Role.ADMIN)
    return user.role in (Role.LEADERSHIP, Role.ADMIN) or user.id == inspection.lead_id


def record_step(actor: User, inspection: Inspection, step: str, data: dict) -> Inspection:
    """Record one lifecycle step with its date; 403, 409 stale, 422 unknown step, date in the
    future or before the step it follows, publication before the signature or without its
    channels and posting period, instruction without its number."""
    if step not in RECORDABLE:
        raise OperationError(_("Not a valid choice."), field="step")
    if not can_record(actor, inspection, step):
        raise Forbidden()
    check_version(inspection, data.get("version"))
    rule = BY_KEY[step]
    day: date = data["on"]
    if day > clock.today():
        raise OperationError(_("The date cannot be in the future."), field="on")
    start = getattr(inspection, rule.start)
    if step == "instruct":
        start = inspection.recommended_on or inspection.conclusion_date
    if start is None:
        raise OperationError(_("The step this one follows has not been recorded yet."), field="on")
    if step == "publish" and day < start:
        raise OperationError(
            _(
                "The conclusion cannot be published before it was signed (%(d)s).",
                d=start.strftime("%d/%m/%Y"),
            ),
            field="on",
        )
    if day < start:
        raise OperationError(
            _("The date cannot be before %(d)s, the step this one follows.", d=f"{start:%d/%m/%Y}"),
            field="on",
        )
    changes = {rule.done: day}
    if step == "publish":
        channels = (data.get("channels") or "").strip()
        until = data.get("posting_until")
        if not channels:
            raise OperationError(_("Say where the conclusion was published."), field="channels")
        if until is None or until < day:
            raise OperationError(
                _("The posting period must end on or after the publication date."),
                field="posting_until",
            )
        changes |= {"publication_channels": channels, "posting_until": until}
    if step == "instruct":
        number = (data.get("number") or "").strip()
        if not number:
            raise OperationError(_("Enter the number of the instruction."), field="number")
        changes["instruction_number"] = number
    before = audit.snapshot(inspection, tuple(changes))
    for key, value in changes.items():
        setattr(inspection, key, value)
    inspection.updated_at = clock.now()
    db.session.flush()
    audit.record(
        actor, inspection, f"conclusion_{step}", before, audit.snapshot(inspection, tuple(changes))
    )
    return inspection


def _recipients(inspection: Inspection, actor: str, staff: dict) -> list[User]:
    if actor == LEAD:
        return [inspection.lead] if inspection.lead.active else []
    return staff[CHAIRMAN if actor == CHAIRMAN else LEADERSHIP]


def send_reminders(as_of: date) -> int:
    """Job: remind whoever must act of every lifecycle step due within REMIND_WITHIN working
    days or overdue, once per user, step and day (each in their language). Returns how many."""
    staff: dict[str, list[User]] = {LEADERSHIP: [], CHAIRMAN: []}
    for user in db.session.execute(
        select(User).where(User.active.is_(True), User.role.in_([Role.LEADERSHIP, Role.CHAIRMAN]))
    ).scalars():
        staff[CHAIRMAN if user.role == Role.CHAIRMAN else LEADERSHIP].append(user)
    day_start = clock.start_of_local_day(as_of)
    sent_today = set(
        db.session.execute(
            select(Notification.user_id, Notification.kind, Notification.link).where(
                Notification.kind.like("conclusion_%"), Notification.created_at >= day_start
            )
        ).all()
    )
    known, count = rules(), 0
    # Only inspections with a step due within the reminder window (SQL): the rest wait.
    window_end = add_working_days(as_of, REMIND_WITHIN + 1) - timedelta(days=1)
    for inspection in db.session.execute(
        live_inspections_stmt(due_by=window_end, known=known)
    ).scalars():
        for step in steps_of(inspection, known):
            left = step.working_days_left(as_of)
            if left is None or left > REMIND_WITHIN:
                continue
            kind, link = f"conclusion_{step.key}", inspection.path
            for user in _recipients(inspection, step.rule.actor, staff):
                if (user.id, kind, link) in sent_today:
                    continue
                with force_locale(user.locale):
                    values = {
                        "due": f"{step.due:%d/%m/%Y}",
                        "step": str(step.rule.label),
                        "title": inspection.title,
                        "citation": step.citation,
                    }
                    if step.due < as_of:
                        title = _(
                            "Overdue since %(due)s: %(step)s, %(title)s (%(citation)s).", **values
                        )
                    else:
                        title = _("Due on %(due)s: %(step)s, %(title)s (%(citation)s).", **values)
                notify(user, kind, title, link=link)
                sent_today.add((user.id, kind, link))
                count += 1
    return count
