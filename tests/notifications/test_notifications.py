"""Notifications: in-app bell and list, e-mail over a real SMTP server on loopback, the daily
digest, and retry after the mail server was down."""

from __future__ import annotations

import socket
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from inspect_app.notifications import operations
from inspect_app.notifications.models import Notification
from tests import factories


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def smtp(app):
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    old = app.config["MAIL_SERVER"], app.config["MAIL_PORT"]
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    yield inbox
    controller.stop()
    app.config.update(MAIL_SERVER=old[0], MAIL_PORT=old[1])


def _user(**kw):
    return factories.make_user("unit_leader", email="lanh.dao@example.vn", **kw)


def test_immediate_email_is_sent_after_commit(db, smtp):
    user = _user()
    operations.notify(
        user, "case_assigned", "Kiến nghị mới: KN-1/1", "Hạn xử lý 30/09/2026", "/cases/1"
    )
    db.session.commit()
    assert operations.deliver() == 1
    assert len(smtp.messages) == 1
    msg = smtp.messages[0]
    assert msg["To"] == "lanh.dao@example.vn"
    assert "KN-1/1" in str(msg["Subject"]) or "KN-1/1" in msg.get_payload(decode=True).decode()
    note = db.session.execute(select(Notification)).scalar_one()
    assert note.emailed_at is not None
    assert operations.deliver() == 0  # never sent twice
    assert len(smtp.messages) == 1


def test_rolled_back_notification_sends_nothing(db, smtp):
    user = _user()
    db.session.commit()
    operations.notify(user, "x", "Không gửi")
    db.session.rollback()
    assert operations.deliver() == 0
    assert smtp.messages == []


def test_mail_server_down_then_retried(app, db):
    user = _user()
    operations.notify(user, "case_assigned", "Thông báo cần gửi lại")
    db.session.commit()
    port = _free_port()  # nothing listens there
    old = app.config["MAIL_SERVER"], app.config["MAIL_PORT"]
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    try:
        assert operations.deliver() == 0
        note = db.session.execute(select(Notification)).scalar_one()
        assert note.emailed_at is None and note.email_attempts == 1 and note.email_error
        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            assert operations.deliver() == 1
        finally:
            controller.stop()
        assert len(inbox.messages) == 1
        db.session.refresh(note)
        assert note.emailed_at is not None and note.email_error is None
    finally:
        app.config.update(MAIL_SERVER=old[0], MAIL_PORT=old[1])


def test_daily_digest_groups_notifications(db, smtp):
    from datetime import date

    user = _user()
    operations.set_email_mode(user, "digest")
    for i in range(3):
        operations.notify(user, "reminder", f"Nhắc hạn {i}")
    db.session.commit()
    assert operations.deliver() == 0  # digest users get nothing immediately
    assert operations.send_digests(date(2026, 11, 25)) == 1
    assert len(smtp.messages) == 1
    body = smtp.messages[0].get_payload(decode=True).decode()
    assert all(f"Nhắc hạn {i}" in body for i in range(3))
    assert operations.send_digests(date(2026, 11, 25)) == 0  # once a day


def test_bell_list_and_mark_read(login_as, db):
    c = login_as("inspector")
    other = factories.make_user("inspector")
    mine = operations.notify(c.user, "x", "Của tôi")
    theirs = operations.notify(other, "x", "Của người khác")
    db.session.commit()
    bell = c.get("/notifications/bell", headers={"HX-Request": "true"})
    assert bell.status_code == 200 and 'class="bell-count">1<' in bell.get_data(as_text=True)
    page = c.get("/notifications").get_data(as_text=True)
    assert "Của tôi" in page and "Của người khác" not in page
    assert c.post(f"/notifications/{theirs.id}/read").status_code == 404
    assert c.post(f"/notifications/{mine.id}/read").status_code == 303
    assert operations.unread_count(c.user) == 0
    assert operations.unread_count(other) == 1


def test_preference_rejects_unknown_mode(login_as):
    c = login_as("inspector")
    assert c.post("/notifications/preference", data={"email_mode": "sometimes"}).status_code == 422


def test_anonymous_cannot_see_bell(client):
    assert client.get("/notifications/bell").status_code == 302
