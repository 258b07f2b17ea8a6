"""Creating notifications, marking them read, and delivering e-mails (immediate, digest, retry).

`notify()` only adds rows; e-mails leave after the request's transaction commits (`deliver`
runs from an after-request hook and from the scheduler), so a rolled-back change never sends
mail, and a mail server that is down leaves the rows unsent to be retried.
"""

from __future__ import annotations

import smtplib
from datetime import date
from email.message import EmailMessage

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from inspect_app.auth.models import User
from inspect_app.core import audit, clock
from inspect_app.core.errors import OperationError
from inspect_app.extensions import db
from inspect_app.notifications.models import EmailMode, Notification, NotificationPreference

MAX_ATTEMPTS = 10


def notify(user: User, kind: str, title: str, body: str | None = None, link: str | None = None):
    """Queue a notification for `user` (in-app at once, e-mail after commit)."""
    note = Notification(
        user_id=user.id, kind=kind, title=title[:300], body=body, link=link, created_at=clock.now()
    )
    db.session.add(note)
    db.session.info["mail_pending"] = True
    return note


def notify_many(rows: list[dict]) -> int:
    """Queue many notifications in one INSERT (bulk actions): each row holds user_id, kind,
    title, body and link, like `notify()`'s arguments; e-mails leave after commit."""
    if not rows:
        return 0
    now = clock.now()
    db.session.execute(
        Notification.__table__.insert(),
        [{**r, "title": r["title"][:300], "created_at": now, "email_attempts": 0} for r in rows],
    )
    db.session.info["mail_pending"] = True
    return len(rows)


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


# --- delivery --------------------------------------------------------------------------


def _send(messages: list[EmailMessage]) -> None:
    cfg = current_app.config
    with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=10) as smtp:
        if cfg.get("MAIL_USE_TLS"):
            smtp.starttls()
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg.get("MAIL_PASSWORD") or "")
        for message in messages:
            smtp.send_message(message)


def _message(user: User, subject: str, text: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_SENDER"]
    msg["To"] = user.email
    msg["Subject"] = subject
    msg.set_content(text)
    return msg


def _mode_of(user_ids: set[int]) -> dict[int, EmailMode]:
    rows = db.session.execute(
        select(NotificationPreference.user_id, NotificationPreference.email_mode).where(
            NotificationPreference.user_id.in_(user_ids)
        )
    ).all()
    modes = dict(rows)
    return {uid: modes.get(uid, EmailMode.IMMEDIATE) for uid in user_ids}


def deliver(limit: int = 200) -> int:
    """Send the pending immediate e-mails; failures are counted and retried later. Commits."""
    pending = list(
        db.session.execute(
            select(Notification)
            .join(User, User.id == Notification.user_id)
            .where(
                Notification.emailed_at.is_(None),
                Notification.email_attempts < MAX_ATTEMPTS,
                User.email.is_not(None),
                User.active.is_(True),
            )
            .order_by(Notification.id)
            .limit(limit)
        ).scalars()
    )
    if not pending:
        return 0
    modes = _mode_of({n.user_id for n in pending})
    to_send = [n for n in pending if modes[n.user_id] == EmailMode.IMMEDIATE]
    for n in pending:
        if modes[n.user_id] == EmailMode.NONE:
            n.emailed_at = clock.now()  # nothing to send: never retried
    messages = []
    for n in to_send:
        with force_locale(n.user.locale):
            text = "\n\n".join(filter(None, [n.title, n.body, _link(n.link)]))
            messages.append(_message(n.user, n.title, text))
    sent = 0
    if messages:
        try:
            _send(messages)
        except (OSError, smtplib.SMTPException) as exc:
            for n in to_send:
                n.email_attempts += 1
                n.email_error = str(exc)[:500]
            current_app.logger.warning("mail delivery failed, will retry: %s", exc)
        else:
            now = clock.now()
            for n in to_send:
                n.emailed_at, n.email_error = now, None
            sent = len(to_send)
    db.session.commit()
    return sent


def _link(link: str | None) -> str | None:
    if not link:
        return None
    base = current_app.config.get("BASE_URL", "").rstrip("/")
    return f"{base}{link}" if base else link


def send_digests(day: date | None = None) -> int:
    """Send each digest user one e-mail with their unsent notifications. Commits."""
    day = day or clock.today()
    prefs = list(
        db.session.execute(
            select(NotificationPreference).where(
                NotificationPreference.email_mode == EmailMode.DIGEST,
                (NotificationPreference.last_digest_on.is_(None))
                | (NotificationPreference.last_digest_on < day),
            )
        ).scalars()
    )
    sent = 0
    for pref in prefs:
        user = db.session.get(User, pref.user_id)
        notes = list(
            db.session.execute(
                select(Notification)
                .where(
                    Notification.user_id == user.id,
                    Notification.emailed_at.is_(None),
                    Notification.email_attempts < MAX_ATTEMPTS,
                )
                .order_by(Notification.id)
            ).scalars()
        )
        if not notes or not user.email or not user.active:
            pref.last_digest_on = day
            continue
        with force_locale(user.locale):
            subject = _("Daily summary: %(n)d notifications", n=len(notes))
            text = "\n\n".join(
                "- " + " ".join(filter(None, [n.title, _link(n.link)])) for n in notes
            )
        try:
            _send([_message(user, subject, text)])
        except (OSError, smtplib.SMTPException) as exc:
            for n in notes:
                n.email_attempts += 1
                n.email_error = str(exc)[:500]
            continue
        now = clock.now()
        for n in notes:
            n.emailed_at = now
        pref.last_digest_on = day
        sent += 1
    db.session.commit()
    return sent
