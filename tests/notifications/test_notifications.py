"""Notifications: the in-app bell and list, marking read, the e-mail preference (their e-mails:
test_outbox)."""

from __future__ import annotations

from inspect_app.notifications import operations
from tests import factories


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
