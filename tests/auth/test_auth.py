"""Sign-in, sign-out, throttling, idle expiry, CSRF, password change and language (issue 2)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from flask import template_rendered

from inspect_app.auth import operations
from inspect_app.auth.models import LoginAttempt, User
from inspect_app.core import clock
from inspect_app.core.audit import AuditEvent
from inspect_app.core.roles import Role
from tests import factories

ROLES = [r.value for r in Role]
ROLE_LABELS = {
    "admin": "Administrator",
    "inspector": "Inspector",
    "lead_inspector": "Lead inspector",
    "unit_leader": "Unit leader",
    "leadership": "Chief Inspector",
    "chairman": "Chairman of the Provincial People's Committee",
    "clerk": "Clerk",
}
START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


@contextmanager
def rendered_templates(app):
    names: list[str] = []

    def record(sender, template, context, **extra):
        names.append(template.name)

    template_rendered.connect(record, app)
    try:
        yield names
    finally:
        template_rendered.disconnect(record, app)


def english(client) -> None:
    """Switch an anonymous client to English, so that messages can be compared."""
    assert client.post("/language", data={"lang": "en"}).status_code == 303


def sign_in(client, username, password=factories.PASSWORD, ip="127.0.0.1", **data):
    return client.post(
        "/login",
        data={"username": username, "password": password, **data},
        environ_base={"REMOTE_ADDR": ip},
    )


def body(response) -> str:
    return response.get_data(as_text=True)


# --- sign-in and sign-out -----------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_each_role_lands_on_its_own_home(app, db, client, role):
    user = factories.make_user(role, locale="en", full_name=f"Tester {role}")
    db.session.commit()
    r = sign_in(client, user.username)
    assert r.status_code == 303
    assert r.headers["Location"] == "/"
    with rendered_templates(app) as names:
        home = client.get("/")
    assert home.status_code == 200
    assert f"home/{role}.html" in names
    html = body(home)
    assert f"Tester {role}" in html
    assert f"({ROLE_LABELS[role]})" in html.replace("&#39;", "'")
    # Only administrators get the administration tiles on their home.
    assert ('href="/admin/users"' in html) == (role == "admin")


def test_sign_in_records_a_successful_attempt_and_an_audit_event(db, client):
    user = factories.make_user("inspector")
    db.session.commit()
    assert sign_in(client, user.username, ip="10.1.2.3").status_code == 303
    attempt = db.session.query(LoginAttempt).one()
    assert (attempt.username, attempt.ip, attempt.success) == (user.username, "10.1.2.3", True)
    event = db.session.query(AuditEvent).filter_by(action="login").one()
    assert event.actor_id == user.id


def test_username_is_case_insensitive(db, client):
    factories.make_user("inspector", username="thanhtra9")
    db.session.commit()
    assert sign_in(client, "  ThanhTra9 ").status_code == 303


def test_wrong_password_is_401_with_a_clear_message(db, client):
    user = factories.make_user("inspector")
    db.session.commit()
    english(client)
    r = sign_in(client, user.username, "not-the-password")
    assert r.status_code == 401
    assert "Wrong username or password." in body(r)
    assert 'name="username"' in body(r)  # the form is shown again
    assert not client.signed_in
    assert db.session.query(LoginAttempt).one().success is False


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(db, client):
    factories.make_user("inspector", username="realuser")
    db.session.commit()
    english(client)
    wrong = sign_in(client, "realuser", "not-the-password")
    unknown = sign_in(client, "nobody-here", "not-the-password")
    assert unknown.status_code == wrong.status_code == 401
    assert "Wrong username or password." in body(unknown)


def test_unknown_user_costs_a_password_hash_check(db, client, monkeypatch):
    """Timing must not tell which usernames exist: unknown names also check a hash."""
    calls = []
    real = operations.check_password_hash

    def spy(pwhash, password):
        calls.append(password)
        return real(pwhash, password)

    monkeypatch.setattr(operations, "check_password_hash", spy)
    assert sign_in(client, "nobody-here", "some-password").status_code == 401
    assert calls == ["some-password"]


def test_disabled_account_is_refused_with_403(db, client):
    user = factories.make_user("inspector", active=False)
    db.session.commit()
    english(client)
    r = sign_in(client, user.username)
    assert r.status_code == 403
    assert "This account is disabled" in body(r)
    assert not client.signed_in
    assert client.get("/account/password").status_code == 302


@pytest.mark.parametrize(
    "data",
    [
        {"username": "a" * 500, "password": "whatever-password"},
        {"username": "admin", "password": "p" * 5000},
        {"username": "", "password": ""},
        {"username": "ab\x00cd", "password": "whatever-password"},
    ],
    ids=["long-username", "long-password", "empty", "nul-byte"],
)
def test_malformed_sign_in_is_refused_without_a_server_error(db, client, data):
    r = client.post("/login", data=data)
    assert r.status_code in (401, 422)
    assert 'name="username"' in body(r)


def test_logout_requires_post(login_as):
    c = login_as("inspector")
    assert c.get("/logout").status_code == 405
    assert c.get("/account/password").status_code == 200


def test_logout_requires_the_csrf_token(login_as):
    c = login_as("inspector")
    r = c.post("/logout", csrf=False)
    assert r.status_code == 400
    assert c.get("/account/password").status_code == 200  # still signed in


def test_logout_signs_out(login_as):
    c = login_as("inspector")
    r = c.post("/logout")
    assert r.status_code == 303
    assert urlsplit(r.headers["Location"]).path == "/login"
    assert not c.signed_in
    r = c.get("/account/password")
    assert r.status_code == 302
    assert urlsplit(r.headers["Location"]).path == "/login"


def test_logout_from_htmx_leaves_the_page_with_hx_redirect(login_as):
    c = login_as("inspector")
    r = c.post("/logout", headers={"HX-Request": "true"})
    assert r.status_code == 204
    assert r.headers["HX-Redirect"] == "/login"
    assert not c.signed_in


def test_next_is_followed_after_sign_in(db, client):
    user = factories.make_user("inspector")
    db.session.commit()
    r = client.get("/account/password")
    assert r.status_code == 302
    login_url = r.headers["Location"]
    assert urlsplit(login_url).path == "/login"
    assert "next=/account/password" in login_url or "next=%2Faccount%2Fpassword" in login_url
    form = body(client.get(login_url))
    assert 'name="next" value="/account/password"' in form
    r = sign_in(client, user.username, next="/account/password")
    assert r.status_code == 303
    assert r.headers["Location"] == "/account/password"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.com",
        "http://evil.com",
        "https://evil.com/",
        "https:evil.com",
        "/\\evil.com",
        "\\\\evil.com",
        "/\t/evil.com",
        "javascript:alert(1)",
        "evil.com",
    ],
)
def test_next_never_leaves_the_site(db, client, target):
    user = factories.make_user("inspector")
    db.session.commit()
    r = sign_in(client, user.username, next=target)
    assert r.status_code == 303
    assert r.headers["Location"] == "/"


def test_language_switch_next_never_leaves_the_site(db, client):
    r = client.post("/language", data={"lang": "en", "next": "//evil.com"})
    assert r.status_code == 303
    assert r.headers["Location"] == "/"


# --- throttling -----------------------------------------------------------------------------


def test_account_is_throttled_after_max_failures_then_released(app, db, client):
    user = factories.make_user("inspector")
    db.session.commit()
    english(client)
    max_failures = app.config["LOGIN_MAX_FAILURES"]
    lock = app.config["LOGIN_LOCK_MINUTES"]
    with clock.frozen(START):
        # Each failure from another address, so that only the account limit can apply.
        for i in range(max_failures):
            r = sign_in(client, user.username, "wrong-password", ip=f"10.0.0.{i + 1}")
            assert r.status_code == 401, i
        r = sign_in(client, user.username, ip="10.0.9.9")  # the right password
        assert r.status_code == 429
        assert f"Try again in {lock} minutes" in body(r)
        assert not client.signed_in
    with clock.frozen(START + timedelta(minutes=lock - 1)):
        assert sign_in(client, user.username, ip="10.0.9.9").status_code == 429
    with clock.frozen(START + timedelta(minutes=lock + 1)):
        r = sign_in(client, user.username, ip="10.0.9.9")
        assert r.status_code == 303
        assert client.signed_in


def test_fewer_failures_than_the_limit_do_not_throttle(app, db, client):
    user = factories.make_user("inspector")
    db.session.commit()
    with clock.frozen(START):
        for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
            assert sign_in(client, user.username, "wrong-password").status_code == 401
        assert sign_in(client, user.username).status_code == 303


def test_failures_older_than_the_window_do_not_count(app, db, client):
    user = factories.make_user("inspector")
    db.session.commit()
    max_failures = app.config["LOGIN_MAX_FAILURES"]
    with clock.frozen(START):
        for _ in range(max_failures - 1):
            sign_in(client, user.username, "wrong-password")
    later = START + timedelta(minutes=app.config["LOGIN_LOCK_MINUTES"] + 1)
    with clock.frozen(later):
        assert sign_in(client, user.username, "wrong-password").status_code == 401
        assert sign_in(client, user.username).status_code == 303


def test_client_address_is_throttled_across_usernames(app, db, client):
    victim = factories.make_user("inspector")
    db.session.commit()
    english(client)
    max_failures = app.config["LOGIN_MAX_FAILURES"]
    with clock.frozen(START):
        for i in range(max_failures):
            r = sign_in(client, f"guess{i}", "wrong-password", ip="10.6.6.6")
            assert r.status_code == 401
        r = sign_in(client, victim.username, ip="10.6.6.6")
        assert r.status_code == 429
        assert "Try again in" in body(r)
        # The account itself is not locked: another address signs in.
        other = client.application.test_client()
        assert sign_in(other, victim.username, ip="10.7.7.7").status_code == 303
    with clock.frozen(START + timedelta(minutes=app.config["LOGIN_LOCK_MINUTES"] + 1)):
        assert sign_in(client, victim.username, ip="10.6.6.6").status_code == 303


def test_throttle_limits_come_from_the_config(app, db, client, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES", 2)
    user = factories.make_user("inspector")
    db.session.commit()
    with clock.frozen(START):
        for _ in range(2):
            assert sign_in(client, user.username, "wrong-password").status_code == 401
        assert sign_in(client, user.username).status_code == 429


# --- idle expiry ----------------------------------------------------------------------------


def test_idle_session_expires(app, login_as):
    with clock.frozen(START):
        c = login_as("inspector", locale="en")
    # Activity inside the window keeps the session alive and moves the window.
    with clock.frozen(START + timedelta(minutes=29)):
        assert c.get("/account/password").status_code == 200
    with clock.frozen(START + timedelta(minutes=29 + 31)):
        r = c.get("/account/password")
        assert r.status_code == 302
        assert urlsplit(r.headers["Location"]).path == "/login"
        assert not c.signed_in
        page = c.get(r.headers["Location"])
        assert page.status_code == 200
        assert "Your session expired" in body(page)
        # Signed out for good, not only for one request.
        assert c.get("/account/password").status_code == 302


def test_idle_session_expiry_on_an_htmx_request_redirects_the_page(app, login_as):
    with clock.frozen(START):
        c = login_as("admin")
    with clock.frozen(START + timedelta(minutes=31)):
        r = c.get("/admin/users", headers={"HX-Request": "true"})
    assert r.status_code == 401
    assert urlsplit(r.headers["HX-Redirect"]).path == "/login"
    assert "<form" not in body(r) and 'name="password"' not in body(r)
    assert not c.signed_in


def test_anonymous_htmx_request_gets_hx_redirect(client):
    r = client.get("/admin/users", headers={"HX-Request": "true"})
    assert r.status_code == 401
    assert urlsplit(r.headers["HX-Redirect"]).path == "/login"
    assert "Location" not in r.headers


# --- CSRF -----------------------------------------------------------------------------------

CSRF_POSTS = {
    "/logout": {},
    "/language": {"lang": "en"},
    "/admin/users/new": {
        "username": "newbie",
        "full_name": "Người Mới",
        "role": "inspector",
        "password": "a-long-password-2026",
    },
}


@pytest.mark.parametrize("url", list(CSRF_POSTS))
def test_post_without_csrf_token_is_refused(db, login_as, url):
    c = login_as("admin", locale="en")
    r = c.post(url, data=CSRF_POSTS[url], csrf=False)
    assert r.status_code == 400
    assert "security token" in body(r)
    assert "<html" in body(r)  # the clear page, not a bare error
    assert c.signed_in
    assert db.session.query(User).filter_by(username="newbie").count() == 0
    assert db.session.get(User, c.user.id).locale == "en"


@pytest.mark.parametrize("url", list(CSRF_POSTS))
def test_post_with_wrong_csrf_token_is_refused(login_as, url):
    c = login_as("admin")
    r = c.post(url, data=CSRF_POSTS[url], csrf=False, headers={"X-CSRFToken": "forged"})
    assert r.status_code == 400


@pytest.mark.parametrize("url", list(CSRF_POSTS))
def test_post_with_csrf_token_works(db, login_as, url):
    c = login_as("admin")
    r = c.post(url, data=CSRF_POSTS[url])
    assert r.status_code == 303


def test_csrf_token_in_a_plain_form_field_works(login_as):
    c = login_as("admin")
    token = c.refresh_token()
    r = c.post("/language", data={"lang": "en", "csrf_token": token}, csrf=False)
    assert r.status_code == 303


# --- password change ------------------------------------------------------------------------

NEW_PASSWORD = "a-brand-new-password"


@pytest.mark.parametrize(
    "data, message",
    [
        (
            {"current_password": "wrong-password", "password_confirm": NEW_PASSWORD},
            "The current password is wrong.",
        ),
        (
            {"current_password": factories.PASSWORD, "password_confirm": NEW_PASSWORD + "x"},
            "The two new passwords differ.",
        ),
        (
            {
                "current_password": factories.PASSWORD,
                "password": "short",
                "password_confirm": "short",
            },
            "at least 10 characters",
        ),
    ],
    ids=["wrong-current", "mismatch", "too-short"],
)
def test_password_change_refused(app, db, login_as, data, message):
    c = login_as("inspector", locale="en")
    old_hash = c.user.password_hash
    r = c.post("/account/password", data={"password": NEW_PASSWORD, **data})
    assert r.status_code == 422
    assert message in body(r)
    assert db.session.get(User, c.user.id).password_hash == old_hash


def test_password_must_not_contain_the_username(db, login_as):
    c = login_as("inspector", locale="en")
    password = f"my-{c.user.username}-password"
    r = c.post(
        "/account/password",
        data={
            "current_password": factories.PASSWORD,
            "password": password,
            "password_confirm": password,
        },
    )
    assert r.status_code == 422
    assert "must not contain the username" in body(r)


def test_password_change_succeeds(app, db, login_as):
    c = login_as("inspector")
    r = c.post(
        "/account/password",
        data={
            "current_password": factories.PASSWORD,
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
        },
    )
    assert r.status_code == 303
    user = db.session.get(User, c.user.id)
    assert user.password_changed_at is not None
    assert db.session.query(AuditEvent).filter_by(action="password_changed").count() == 1
    fresh = app.test_client()
    assert sign_in(fresh, user.username, factories.PASSWORD).status_code == 401
    assert sign_in(fresh, user.username, NEW_PASSWORD).status_code == 303


# --- language -------------------------------------------------------------------------------


def test_default_language_is_vietnamese(client):
    assert '<html lang="vi">' in body(client.get("/login"))


def test_anonymous_language_switch(client):
    r = client.post("/language", data={"lang": "en", "next": "/login"})
    assert r.status_code == 303
    assert r.headers["Location"] == "/login"
    html = body(client.get("/login"))
    assert '<html lang="en">' in html
    assert "Sign in" in html
    client.post("/language", data={"lang": "vi"})
    assert '<html lang="vi">' in body(client.get("/login"))


def test_unknown_language_is_refused(client):
    assert client.post("/language", data={"lang": "fr"}).status_code == 400
    assert '<html lang="vi">' in body(client.get("/login"))


def test_signed_in_language_is_remembered_on_the_account(app, db, login_as):
    c = login_as("inspector")
    assert '<html lang="vi">' in body(c.get("/"))
    assert c.post("/language", data={"lang": "en"}).status_code == 303
    assert '<html lang="en">' in body(c.get("/"))
    user = db.session.get(User, c.user.id)
    assert user.locale == "en"
    event = db.session.query(AuditEvent).filter_by(action="locale_changed").one()
    assert (event.before, event.after) == ({"locale": "vi"}, {"locale": "en"})
    # A new session of the same user starts in English.
    fresh = app.test_client()
    assert sign_in(fresh, user.username).status_code == 303
    assert '<html lang="en">' in body(fresh.get("/"))


def _next_of(location: str) -> str | None:
    from urllib.parse import parse_qs

    values = parse_qs(urlsplit(location).query).get("next")
    return values[0] if values else None


def test_fragment_request_returns_to_the_page_not_the_fragment(client):
    r = client.get(
        "/cases?state=open",
        headers={"HX-Request": "true", "HX-Current-URL": "http://localhost/cases?state=open"},
    )
    assert r.status_code == 401
    assert _next_of(r.headers["HX-Redirect"]) == "/cases?state=open"


def test_form_post_returns_to_the_page_it_was_posted_from(client):
    r = client.post("/cases/1/accept", headers={"Referer": "http://localhost/cases/1"})
    assert r.status_code == 302
    assert _next_of(r.headers["Location"]) == "/cases/1"


def test_foreign_referrer_is_not_a_return_path(client):
    r = client.post("/cases/1/accept", headers={"Referer": "https://evil.example/x"})
    assert r.status_code == 302
    assert _next_of(r.headers["Location"]) is None
