"""Creating notifications, marking them read, and the e-mail outbox (immediate, digest, retry).

`notify()` adds the notification and, for a user who wants e-mails at once, its e-mail to the
outbox (`OutgoingMail`), in the same transaction: a rolled-back change sends nothing, a committed
one has its e-mail queued. No request ever talks to the mail server: the scheduler delivers the
outbox (`due_mail`, `claim_mail`, `mail_sent`, `mail_failed`, see inspect_app.scheduler) with a
bounded time per message, and retries with exponential backoff. Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from inspect_app.auth.models import User
from inspect_app.core import audit, clock
from inspect_app.core.errors import OperationError
from inspect_app.extensions import db
from inspect_app.notifications.models import (
    EmailMode,
    Notification,
    NotificationPreference,
    OutgoingMail,
)

#: Attempts before a message is given up (`failed_at`); the waits between them double from
#: FIRST_RETRY up to LONGEST_WAIT: 1, 2, 4 ... minutes, about 17 hours in all.
MAX_ATTEMPTS = 10
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)


def notify(user: User, kind: str, title: str, body: str | None = None, link: str | None = None):
    """Add a notification for `user` (in-app at once) and queue its e-mail in the outbox."""
    (row,) = _with_mail([_row(user.id, kind, title, body, link)])
    note = Notification(**row)
    db.session.add(note)
    return note


def notify_many(rows: Iterable[dict]) -> int:
    """`notify()` for many notifications at once (dicts of user_id, kind, title, body, link),
    with two INSERTs whatever their number (the escalation sweep's notices)."""
    rows = _with_mail(
        [_row(r["user_id"], r["kind"], r["title"], r.get("body"), r.get("link")) for r in rows]
    )
    if rows:
        db.session.execute(Notification.__table__.insert(), rows)  # Core executemany
    return len(rows)


def _row(user_id: int, kind: str, title: str, body: str | None, link: str | None) -> dict:
    return {
        "user_id": user_id,
        "kind": kind,
        "title": title[:300],
        "body": body,
        "link": link,
        "created_at": clock.now(),
    }


def _with_mail(rows: list[dict]) -> list[dict]:
    """Queue the e-mails of notification `rows` for the users who want each at once (one query
    for the users), and set each row's `emailed_at` (left empty for the daily digest)."""
    if not rows:
        return rows
    users = {
        u.id: u
        for u in db.session.execute(
            select(User.id, User.email, User.active, NotificationPreference.email_mode)
            .outerjoin(NotificationPreference, NotificationPreference.user_id == User.id)
            .where(User.id.in_({r["user_id"] for r in rows}))
        )
    }
    now = clock.now()
    mails = []
    for row in rows:
        user = users[row["user_id"]]
        mode = user.email_mode or EmailMode.IMMEDIATE
        row["emailed_at"] = None if mode == EmailMode.DIGEST else now
        if mode == EmailMode.IMMEDIATE and user.email and user.active:
            text = "\n\n".join(filter(None, [row["title"], row["body"], _link(row["link"])]))
            mails.append(_mail(user.id, user.email, row["title"], text, now))
    if mails:
        db.session.execute(OutgoingMail.__table__.insert(), mails)
    return rows


def _mail(user_id: int, to: str, subject: str, body: str, now: datetime) -> dict:
    return {
        "user_id": user_id,
        "to_address": to,
        "subject": subject[:300],
        "body": body,
        "created_at": now,
        "next_attempt_at": now,
        "attempts": 0,
    }


def unread_count(user: User) -> int:
    return db.session.execute(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    ).scalar_one()


def mark_read(user: User, note: Notification) -> None:
    """Mark one of the user's notifications read."""
    if note.user_id != user.id:
        raise OperationError(status=404)
    if note.read_at is None:
        note.read_at = clock.now()


def mark_all_read(user: User) -> int:
    """Mark every unread notification of the user read."""
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=clock.now())
    )
    return result.rowcount or 0


def preference(user: User) -> NotificationPreference:
    pref = db.session.get(NotificationPreference, user.id)
    return pref or NotificationPreference(user_id=user.id, email_mode=EmailMode.IMMEDIATE)


def set_email_mode(user: User, mode: str) -> None:
    """The user chooses immediate e-mails, a daily digest, or none."""
    try:
        mode = EmailMode(mode)
    except ValueError:
        raise OperationError(_("Unknown e-mail preference."), field="email_mode") from None
    pref = db.session.get(NotificationPreference, user.id)
    before = {"email_mode": pref.email_mode.value if pref else EmailMode.IMMEDIATE.value}
    if pref is None:
        pref = NotificationPreference(user_id=user.id)
        db.session.add(pref)
    pref.email_mode = mode
    audit.record(
        user,
        user,
        "email_preference_changed",
        before,
        {"email_mode": mode.value},
        object_type="User",
    )


# --- the outbox --------------------------------------------------------------------------


def _link(link: str | None) -> str | None:
    if not link:
        return None
    base = current_app.config.get("BASE_URL", "").rstrip("/")
    return f"{base}{link}" if base else link


def queue_digests(day: date | None = None) -> int:
    """Queue each digest user's one e-mail of the day with their notifications not yet mailed
    (once a day: `last_digest_on`). Returns the number of digests queued."""
    day = day or clock.today()
    prefs = list(
        db.session.execute(
            select(NotificationPreference, User)
            .join(User, User.id == NotificationPreference.user_id)
            .where(
                NotificationPreference.email_mode == EmailMode.DIGEST,
                (NotificationPreference.last_digest_on.is_(None))
                | (NotificationPreference.last_digest_on < day),
            )
        ).all()
    )
    notes_of: dict[int, list[Notification]] = {}
    if prefs:
        for note in db.session.execute(
            select(Notification)
            .where(
                Notification.user_id.in_([p.user_id for p, _u in prefs]),
                Notification.emailed_at.is_(None),
            )
            .order_by(Notification.id)
        ).scalars():
            notes_of.setdefault(note.user_id, []).append(note)
    now = clock.now()
    queued = 0
    for pref, user in prefs:
        pref.last_digest_on = day
        notes = notes_of.get(user.id, [])
        if not notes or not user.email or not user.active:
            continue
        with force_locale(user.locale):
            subject = _("Daily summary: %(n)d notifications", n=len(notes))
            text = "\n\n".join(
                "- " + " ".join(filter(None, [n.title, _link(n.link)])) for n in notes
            )
        db.session.add(OutgoingMail(**_mail(user.id, user.email, subject, text, now)))
        for n in notes:
            n.emailed_at = now
        queued += 1
    return queued


def due_mail(limit: int = 100) -> list[int]:
    """The ids of the outbox's messages due for an attempt now, oldest due first."""
    return list(
        db.session.execute(
            select(OutgoingMail.id)
            .where(
                OutgoingMail.sent_at.is_(None),
                OutgoingMail.failed_at.is_(None),
                OutgoingMail.next_attempt_at <= clock.now(),
            )
            .order_by(OutgoingMail.next_attempt_at, OutgoingMail.id)
            .limit(limit)
        ).scalars()
    )


def claim_mail(mail_id: int, lease: timedelta) -> OutgoingMail | None:
    """Take one due message for an attempt: its next attempt moves `lease` ahead, so that another
    scheduler process leaves it alone (and a process that dies mid-attempt leaves it to be tried
    again after the lease). None when it is no longer due (sent, or taken by another process)."""
    now = clock.now()
    taken = db.session.execute(
        update(OutgoingMail)
        .where(
            OutgoingMail.id == mail_id,
            OutgoingMail.sent_at.is_(None),
            OutgoingMail.failed_at.is_(None),
            OutgoingMail.next_attempt_at <= now,
        )
        .values(next_attempt_at=now + lease)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        return None
    return db.session.get(OutgoingMail, mail_id, populate_existing=True)


def mail_sent(mail: OutgoingMail) -> None:
    """Record that the mail server accepted the message: it is never sent again."""
    mail.sent_at = clock.now()
    mail.attempts += 1
    mail.last_error = None


def mail_failed(mail: OutgoingMail, error: str) -> None:
    """Record a failed attempt: the next one waits twice as long as the last (FIRST_RETRY,
    doubling, at most LONGEST_WAIT); after MAX_ATTEMPTS the message is given up."""
    now = clock.now()
    mail.attempts += 1
    mail.last_error = error[:500]
    if mail.attempts >= MAX_ATTEMPTS:
        mail.failed_at = now
    else:
        mail.next_attempt_at = now + retry_wait(mail.attempts)


def retry_wait(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_WAIT)


def purge_outbox(older_than_days: int = 90) -> int:
    """Delete the outbox's messages sent or given up more than `older_than_days` ago (the
    notifications themselves stay)."""
    cutoff = clock.now() - timedelta(days=older_than_days)
    result = db.session.execute(
        delete(OutgoingMail).where(
            (OutgoingMail.sent_at < cutoff) | (OutgoingMail.failed_at < cutoff)
        )
    )
    return result.rowcount or 0
