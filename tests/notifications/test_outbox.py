"""The e-mail outbox: a request only queues (the row exists exactly when the change committed),
the scheduler delivers over SMTP with a bounded time per message and retries with exponential
backoff; tested against a mail server that refuses, one that hangs and one that answers."""

from __future__ import annotations

import socket
import threading
import time
from datetime import UTC, date, datetime, timedelta
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from inspect_app.core import clock
from inspect_app.core.roles import Role
from inspect_app.notifications import operations
from inspect_app.notifications.models import Notification, OutgoingMail
from inspect_app.scheduler import send_mail
from tests import factories as f
from tests.conftest import Inbox, _free_port

NOW = datetime(2026, 9, 1, 2, 0, tzinfo=UTC)


class Hanging:
    """A TCP server that accepts connections and never says a word (counts them)."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def close(self) -> None:
        for conn in self.accepted:
            conn.close()
        self.sock.close()


class RefusingRecipients(Inbox):
    """An SMTP server that answers, but refuses every recipient (a 4xx or 5xx reply)."""

    def __init__(self, code: str = "450 4.2.1 mailbox busy, try later"):
        super().__init__()
        self.code = code
        self.tries = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.tries += 1
        return self.code


@pytest.fixture()
def mail_at(app):
    """mail_at(port, timeout=...) points the app's SMTP settings at a local port."""
    old = {k: app.config[k] for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_TIMEOUT")}

    def _point(port: int, timeout: int = 2) -> None:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=timeout)

    yield _point
    app.config.update(old)


@pytest.fixture()
def hanging():
    server = Hanging()
    yield server
    server.close()


@pytest.fixture()
def refusing():
    handler = RefusingRecipients()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


def _subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def _outbox(db) -> list[OutgoingMail]:
    db.session.expire_all()  # the jobs work in their own app context and session
    return list(db.session.execute(select(OutgoingMail).order_by(OutgoingMail.id)).scalars())


def _user(**kw):
    return f.make_user(Role.UNIT_LEADER, email="lanh.dao@example.vn", **kw)


# --- queueing ------------------------------------------------------------------------------


def test_notify_queues_the_mail_in_the_same_transaction(db):
    clock.freeze(NOW)
    user = _user()
    operations.notify(user, "case_assigned", "Kiến nghị mới: KN-1/1", "Hạn 30/09/2026", "/cases/1")
    db.session.rollback()
    assert _outbox(db) == []  # rolled back: no notification, no e-mail
    user = _user()
    operations.notify(user, "case_assigned", "Kiến nghị mới: KN-1/1", "Hạn 30/09/2026", "/cases/1")
    db.session.commit()
    (mail,) = _outbox(db)
    assert (mail.to_address, mail.subject) == ("lanh.dao@example.vn", "Kiến nghị mới: KN-1/1")
    assert mail.body == "Kiến nghị mới: KN-1/1\n\nHạn 30/09/2026\n\n/cases/1"
    assert mail.next_attempt_at == NOW and mail.attempts == 0 and mail.sent_at is None
    assert db.session.execute(select(Notification.emailed_at)).scalar_one() == NOW


@pytest.mark.parametrize(
    ("mode", "email", "active", "queued"),
    [
        ("immediate", "a@example.vn", True, 1),
        ("none", "a@example.vn", True, 0),
        ("digest", "a@example.vn", True, 0),
        ("immediate", None, True, 0),
        ("immediate", "a@example.vn", False, 0),
    ],
)
def test_only_users_who_want_mail_at_once_get_it_queued(db, mode, email, active, queued):
    user = f.make_user(Role.INSPECTOR, email=email, active=active)
    operations.set_email_mode(user, mode)
    operations.notify_many([{"user_id": user.id, "kind": "x", "title": "Nhắc hạn"}] * 2)
    db.session.commit()
    assert len(_outbox(db)) == 2 * queued
    pending = db.session.execute(
        select(func.count()).where(Notification.emailed_at.is_(None))
    ).scalar_one()
    assert pending == (2 if mode == "digest" else 0)  # the digest's, for the day's summary


def test_digest_is_queued_once_a_day_with_the_day_s_notifications(db):
    user = _user()
    operations.set_email_mode(user, "digest")
    for i in range(3):
        operations.notify(user, "reminder", f"Nhắc hạn {i}")
    db.session.commit()
    assert _outbox(db) == []
    assert operations.queue_digests(date(2026, 11, 25)) == 1
    db.session.commit()
    (mail,) = _outbox(db)
    assert all(f"Nhắc hạn {i}" in mail.body for i in range(3))
    assert "3" in mail.subject
    operations.notify(user, "reminder", "Nhắc hạn sau")
    assert operations.queue_digests(date(2026, 11, 25)) == 0  # once a day
    assert operations.queue_digests(date(2026, 11, 26)) == 1
    db.session.commit()
    assert "Nhắc hạn sau" in _outbox(db)[1].body and "Nhắc hạn 0" not in _outbox(db)[1].body


# --- the request path ----------------------------------------------------------------------


def _name_deputy(login_as, db):
    """A write request that notifies (naming a deputy), with its duration in seconds."""
    clock.freeze(date(2026, 9, 1))
    dept = f.make_unit("Sở Nội vụ")
    director = f.make_user(Role.UNIT_LEADER, unit=dept)
    deputy = f.make_user(
        Role.UNIT_LEADER, unit=f.make_unit("Văn phòng Sở", parent=dept), email="pho@example.vn"
    )
    client = login_as(director)
    client.refresh_token()
    start = time.perf_counter()
    r = client.post(
        "/deputies",
        data={"deputy_id": deputy.id, "starts_on": "2026-09-01", "ends_on": "2026-09-15"},
    )
    elapsed = time.perf_counter() - start
    assert r.status_code == 303
    return elapsed


@pytest.mark.parametrize("state", ["refused", "hanging", "answering", "refusing recipients"])
def test_a_write_request_never_talks_to_the_mail_server(
    db, login_as, mail_at, hanging, refusing, smtp, state
):
    """Whatever the mail server does, the request only queues: it contacts no server (the
    hanging one accepts no connection, the answering one receives nothing) and its time is that
    of the page, far below one SMTP timeout."""
    port = {
        "refused": _free_port(),
        "hanging": hanging.port,
        "answering": None,
        "refusing recipients": refusing.port,
    }[state]
    mail_at(port or smtp.port, timeout=5)
    elapsed = _name_deputy(login_as, db)
    assert elapsed < 2.5
    assert hanging.accepted == [] and smtp.messages == [] and refusing.tries == 0
    (mail,) = _outbox(db)
    assert mail.to_address == "pho@example.vn" and mail.attempts == 0 and mail.sent_at is None


# --- delivery ------------------------------------------------------------------------------


def _queue(db, n=1):
    clock.freeze(NOW)
    user = _user()
    for i in range(n):
        operations.notify(user, "case_assigned", f"Thông báo {i}")
    db.session.commit()


def test_answering_server_gets_each_message_once(app, db, smtp):
    _queue(db, 3)
    assert send_mail(app) == "3 e-mails sent, 0 refused"
    assert sorted(_subject(m) for m in smtp.messages) == [f"Thông báo {i}" for i in range(3)]
    assert all(m["To"] == "lanh.dao@example.vn" for m in smtp.messages)
    assert all(m.sent_at == NOW and m.attempts == 1 for m in _outbox(db))
    clock.freeze(NOW + timedelta(days=1))
    assert send_mail(app) == "0 e-mails sent, 0 refused"  # never sent twice
    assert len(smtp.messages) == 3


def test_refused_connection_is_retried_with_backoff_then_delivered(app, db, mail_at):
    _queue(db, 2)
    port = _free_port()  # nothing listens there
    mail_at(port)
    out = send_mail(app)
    assert "mail server unavailable" in out
    first, second = _outbox(db)
    # The run stops at the first server failure: the second message was not even tried.
    assert first.attempts == 1 and "ConnectionRefusedError" in first.last_error
    assert first.next_attempt_at == NOW + timedelta(minutes=1)
    assert second.attempts == 0 and second.last_error is None
    # The second message is still due; the first waits its minute.
    clock.freeze(NOW + timedelta(seconds=30))
    send_mail(app)
    for m in (first, second):
        db.session.refresh(m)
    assert (first.attempts, second.attempts) == (1, 1)
    # Each further failure doubles the wait.
    clock.freeze(NOW + timedelta(minutes=1))
    send_mail(app)
    db.session.refresh(first)
    assert first.attempts == 2
    assert first.next_attempt_at == NOW + timedelta(minutes=1) + timedelta(minutes=2)
    # The server comes back on that port: each message is delivered, once.
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        clock.freeze(NOW + timedelta(hours=1))
        assert send_mail(app) == "2 e-mails sent, 0 refused"
        clock.freeze(NOW + timedelta(hours=2))
        assert send_mail(app) == "0 e-mails sent, 0 refused"
    finally:
        controller.stop()
    assert sorted(_subject(m) for m in inbox.messages) == ["Thông báo 0", "Thông báo 1"]
    assert all(m.sent_at is not None and m.last_error is None for m in _outbox(db))


def test_hanging_server_costs_one_timeout_per_run(app, db, mail_at, hanging, smtp):
    _queue(db, 3)
    mail_at(hanging.port, timeout=1)
    start = time.perf_counter()
    out = send_mail(app)
    elapsed = time.perf_counter() - start
    assert "mail server unavailable" in out
    assert 0.9 <= elapsed < 3, elapsed  # one timeout, not one per message
    mails = _outbox(db)
    assert [m.attempts for m in mails] == [1, 0, 0]
    assert "timed out" in mails[0].last_error.lower()
    # The server is replaced by one that answers: everything is delivered once.
    mail_at(smtp.port, timeout=1)
    clock.freeze(NOW + timedelta(minutes=5))
    assert send_mail(app) == "3 e-mails sent, 0 refused"
    assert len(smtp.messages) == 3


def test_refused_recipient_is_retried_alone_then_given_up(app, db, mail_at, refusing):
    _queue(db, 2)
    mail_at(refusing.port)
    assert send_mail(app) == "0 e-mails sent, 2 refused"  # both tried: the server is up
    assert all("450" in m.last_error and m.attempts == 1 for m in _outbox(db))
    at = NOW
    for attempt in range(2, operations.MAX_ATTEMPTS + 1):
        at += operations.retry_wait(attempt - 1)
        clock.freeze(at)
        send_mail(app)
        assert [m.attempts for m in _outbox(db)] == [attempt, attempt]
    assert all(m.failed_at == at and m.sent_at is None for m in _outbox(db))
    clock.freeze(at + timedelta(days=2))
    assert send_mail(app) == "0 e-mails sent, 0 refused"  # given up: never tried again
    assert refusing.tries == 2 * operations.MAX_ATTEMPTS


def test_backoff_doubles_up_to_its_ceiling():
    waits = [operations.retry_wait(n) for n in range(1, 12)]
    assert waits[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert max(waits) == operations.LONGEST_WAIT
    assert all(a <= b for a, b in zip(waits, waits[1:], strict=False))


def test_a_claimed_message_is_left_alone_by_another_process(app, db, smtp):
    _queue(db, 1)
    (mail_id,) = operations.due_mail()
    assert operations.claim_mail(mail_id, timedelta(minutes=1)) is not None
    db.session.commit()
    assert operations.claim_mail(mail_id, timedelta(minutes=1)) is None  # a second scheduler
    assert operations.due_mail() == []
    assert send_mail(app) == "0 e-mails sent, 0 refused"
    clock.freeze(NOW + timedelta(minutes=1))  # the first process died: the lease runs out
    assert send_mail(app) == "1 e-mails sent, 0 refused"
    assert len(smtp.messages) == 1
