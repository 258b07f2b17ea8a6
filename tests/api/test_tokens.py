"""Personal API tokens: created and revoked on the account page, shown once, stored hashed,
bearer authentication with the owner's permissions, CSRF for cookie sessions."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from sqlalchemy import select

from inspect_app.api import operations as tokens
from inspect_app.api.models import ApiToken
from inspect_app.core import clock
from inspect_app.core.audit import AuditEvent
from tests import factories

SECRET_RE = re.compile(r'<code class="token-secret">(itk_[^<]+)</code>')


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def make_token(db, user, name="script", days=None) -> str:
    _token, secret = tokens.create_token(user, name, days)
    db.session.commit()
    return secret


def test_create_token_on_the_account_page_shows_it_once(db, login_as):
    c = login_as("inspector")
    r = c.post("/account/tokens", data={"name": "Báo cáo tự động", "days": "90"})
    assert r.status_code == 200
    assert r.headers["Cache-Control"] == "no-store"
    secret = SECRET_RE.search(r.get_data(as_text=True)).group(1)
    stored = db.session.execute(select(ApiToken)).scalar_one()
    assert stored.user_id == c.user.id
    assert stored.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in (stored.prefix, stored.token_hash)
    assert secret.startswith(stored.prefix)
    assert stored.expires_at is not None
    # The list shows the prefix, never the secret again.
    page = c.get("/account/tokens").get_data(as_text=True)
    assert stored.prefix in page and secret not in page
    assert db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "api_token_created")
    ).scalar_one()


def test_token_form_refuses_bad_input(db, login_as):
    c = login_as("inspector")
    r = c.post("/account/tokens", data={"name": "", "days": "7"})
    assert r.status_code == 422
    assert db.session.execute(select(ApiToken)).first() is None


def test_token_pages_need_csrf_and_a_session(db, client, login_as):
    assert client.get("/account/tokens").status_code == 302
    c = login_as("inspector")
    r = c.post("/account/tokens", data={"name": "x"}, csrf=False)
    assert r.status_code == 400
    assert db.session.execute(select(ApiToken)).first() is None


def test_bearer_token_carries_the_owners_permissions(db, client):
    inspector = factories.make_user("inspector")
    secret = make_token(db, inspector)
    r = client.get("/api/v1/me", headers=bearer(secret))
    assert r.status_code == 200
    assert r.get_json()["username"] == inspector.username
    assert "Set-Cookie" not in r.headers  # a token request leaves no session behind
    # An inspector is not an administrator: same refusal as on the pages.
    assert client.get("/api/v1/users", headers=bearer(secret)).status_code == 403
    token = db.session.execute(select(ApiToken)).scalar_one()
    assert token.last_used_at is not None


def test_bad_revoked_expired_tokens_and_inactive_owners_are_refused(db, client):
    user = factories.make_user("admin")
    good = make_token(db, user)
    assert client.get("/api/v1/me", headers=bearer(good)).status_code == 200
    for header in ("Bearer itk_nope", "Bearer ", "Basic abc", "itk_x", "Bearer " + "x" * 500):
        r = client.get("/api/v1/me", headers={"Authorization": header})
        assert r.status_code == 401, header
        assert r.mimetype == "application/problem+json"
        assert r.headers["WWW-Authenticate"].startswith("Bearer")

    revoked = make_token(db, user, "old")
    tokens.revoke_token(
        user, db.session.execute(select(ApiToken).where(ApiToken.name == "old")).scalar_one()
    )
    db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(revoked)).status_code == 401

    expiring = make_token(db, user, "short", days=1)
    clock.freeze(clock.now() + timedelta(days=2))
    assert client.get("/api/v1/me", headers=bearer(expiring)).status_code == 401
    clock.freeze(None)

    user.active = False
    db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(good)).status_code == 401


def test_revoke_on_the_account_page(db, login_as, client):
    c = login_as("inspector")
    secret = make_token(db, c.user)
    token = db.session.execute(select(ApiToken)).scalar_one()
    r = c.post(f"/account/tokens/{token.id}/revoke")
    assert r.status_code == 303
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401
    assert secret[:12] not in c.get("/account/tokens").get_data(as_text=True)


def test_nobody_revokes_another_users_token(db, login_as, client):
    owner = factories.make_user("inspector")
    secret = make_token(db, owner)
    token = db.session.execute(select(ApiToken)).scalar_one()
    other = login_as("admin")
    assert other.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200


def test_session_cookie_writes_need_the_csrf_header(db, login_as):
    c = login_as("inspector")
    # Reading with the session works (the API page and the document are used from the browser).
    assert c.get("/api/v1/me").status_code == 200
    r = c.post("/api/v1/notifications/read-all", csrf=False)
    assert r.status_code == 400
    assert r.mimetype == "application/problem+json"
    assert c.post("/api/v1/notifications/read-all").status_code == 200


def test_token_requests_need_no_csrf_even_with_a_cookie(db, login_as):
    c = login_as("inspector")
    secret = make_token(db, c.user)
    r = c.post("/api/v1/notifications/read-all", headers=bearer(secret), csrf=False)
    assert r.status_code == 200


def test_token_wins_over_the_session(db, login_as):
    """A request with both is the token's owner: the cookie cannot lend it more rights."""
    c = login_as("admin")
    inspector = factories.make_user("inspector")
    secret = make_token(db, inspector)
    r = c.get("/api/v1/me", headers=bearer(secret))
    assert r.get_json()["username"] == inspector.username
    assert c.get("/api/v1/users", headers=bearer(secret)).status_code == 403
