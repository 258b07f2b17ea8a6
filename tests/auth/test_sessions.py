"""Server-side sessions: an old session cookie stops working after logout, a password change or
reset, a deactivation, a role change and "sign out all other sessions"; API tokens keep theirs."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from inspect_app.auth import operations, sessions
from inspect_app.auth.sessions import UserSession
from inspect_app.core.audit import AuditEvent
from inspect_app.core.roles import Role
from tests import factories


def cookie(client) -> str:
    return client.get_cookie("session").value


def replay(app, value: str):
    """A fresh browser that sends a copied session cookie."""
    other = app.test_client()
    other.set_cookie("session", value)
    return other


def csrf_of(client) -> str:
    html = client.get("/account/sessions").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def signed_out(client) -> bool:
    """The client is sent to the login page and the API refuses it."""
    page = client.get("/cases")
    api = client.get("/api/v1/me")
    return (
        page.status_code == 302
        and urlsplit(page.headers["Location"]).path == "/login"
        and api.status_code == 401
    )


def test_logout_ends_the_session_for_a_replayed_cookie(app, db, login_as):
    c = login_as(Role.LEAD_INSPECTOR)
    token = csrf_of(c)
    old = cookie(c)
    assert not signed_out(replay(app, old))
    assert c.post("/logout").status_code in (302, 303)
    thief = replay(app, old)
    assert signed_out(thief)
    # The old CSRF token does not make an unsafe request succeed either.
    r = thief.post("/notifications/read-all", headers={"X-CSRFToken": token}, csrf=False)
    assert r.status_code in (302, 400, 401), r.status_code
    ended = db.session.execute(select(UserSession)).scalar_one()
    assert ended.ended_at is not None
    assert db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "signed_out")
    ).scalar_one()


def test_password_change_ends_every_other_session_and_renews_this_one(app, db, login_as):
    user = factories.make_user(Role.INSPECTOR)
    a = login_as(user)
    b = login_as(user)
    old_a, old_b = cookie(a), cookie(b)
    r = a.post(
        "/account/password",
        data={
            "current_password": factories.PASSWORD,
            "password": "Một-mật-khẩu-mới-2026",
            "confirm": "Một-mật-khẩu-mới-2026",
            "password_confirm": "Một-mật-khẩu-mới-2026",
        },
    )
    assert r.status_code == 303, r.get_data(as_text=True)[:400]
    assert signed_out(replay(app, old_b))
    assert signed_out(replay(app, old_a))  # this browser's old key is gone too
    assert not signed_out(a)  # ... and it goes on in its new session
    assert len(sessions.active_for(user)) == 1


@pytest.mark.parametrize("change", ["reset", "deactivate", "role"])
def test_an_administrators_change_ends_the_users_sessions(app, db, login_as, change):
    admin = factories.make_user(Role.ADMIN)
    user = factories.make_user(Role.INSPECTOR)
    victim = login_as(user)
    old = cookie(victim)
    if change == "reset":
        operations.reset_password(admin, user, "Mật-khẩu-đặt-lại-2026")
    elif change == "deactivate":
        operations.set_active(admin, user, False)
    else:
        operations.update_user(
            admin,
            user,
            {
                "version": user.version,
                "role": Role.LEAD_INSPECTOR.value,
                "full_name": user.full_name,
            },  # fmt: skip
        )
    db.session.commit()
    assert signed_out(replay(app, old))
    assert sessions.active_for(user) == []


def test_sign_out_all_other_sessions_keeps_this_browser(app, db, login_as):
    user = factories.make_user(Role.UNIT_LEADER)
    here = login_as(user)
    there = login_as(user)
    old_there = cookie(there)
    page = here.get("/account/sessions").get_data(as_text=True)
    assert page.count("<tr>") >= 3 and "This browser" in page or "Trình duyệt này" in page
    assert here.post("/account/sessions/end-all").status_code == 303
    assert signed_out(replay(app, old_there))
    assert not signed_out(here)


def test_one_session_ended_by_its_owner_and_not_by_someone_else(app, db, login_as):
    user = factories.make_user(Role.INSPECTOR)
    here = login_as(user)
    there = login_as(user)
    stranger = login_as(Role.INSPECTOR)
    other_id = max(s.id for s in sessions.active_for(user))  # the later sign-in: `there`
    assert stranger.post(f"/account/sessions/{other_id}/end").status_code == 404
    assert here.post(f"/account/sessions/{other_id}/end").status_code == 303
    assert signed_out(there) and not signed_out(here)


def test_an_administrator_sees_and_ends_a_users_sessions(app, db, login_as):
    user = factories.make_user(Role.LEADERSHIP)
    victim = login_as(user)
    admin = login_as(Role.ADMIN)
    page = admin.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert "127.0.0.1" in page or "werkzeug" in page.lower()
    assert admin.post(f"/admin/users/{user.id}/sessions/end-all").status_code == 303
    assert signed_out(victim)


def test_api_tokens_outlive_the_session(app, db, client, login_as, api):
    headers, user = api(Role.INSPECTOR)
    c = login_as(user)
    c.post("/logout")
    assert client.get("/api/v1/me", headers=headers).status_code == 200


def test_the_server_decides_idle_expiry_so_pages_do_not_resign_the_cookie(app, db, login_as):
    from datetime import UTC, datetime, timedelta

    from inspect_app.core import clock

    start = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    with clock.frozen(start):
        c = login_as("inspector")
        user = db.session.execute(select(UserSession)).scalar_one().user
    with clock.frozen(start + timedelta(minutes=5)):
        c.get("/cases")  # the first page after signing in adds the form token to the cookie
        page = c.get("/cases")
        assert page.status_code == 200
        assert "Set-Cookie" not in page.headers
        assert len(sessions.active_for(user)) == 1
    with clock.frozen(start + timedelta(minutes=5 + 31)):
        # Unused for longer than IDLE_TIMEOUT_MINUTES: no longer listed, and it signs nobody in.
        assert sessions.active_for(user) == []
        assert signed_out(c)
    assert db.session.execute(select(UserSession)).scalar_one().ended_at is not None
