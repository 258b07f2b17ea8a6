"""Error pages, the secret-key guard, the clock, demo seed and shared helpers (issue 2)."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from inspect_app import create_app
from inspect_app.auth.demo import DEMO_PASSWORD
from inspect_app.auth.models import User
from inspect_app.config import TestingConfig
from inspect_app.core import clock
from inspect_app.core.forms import load_form
from inspect_app.core.permissions import PUBLIC, access
from inspect_app.core.schemas import BaseSchema, record_id
from inspect_app.seed import USERS
from inspect_app.seed import seed_units as _seed_units
from inspect_app.units.models import Unit
from tests import factories

ROOT = Path(__file__).resolve().parents[2]


def body(response) -> str:
    return response.get_data(as_text=True)


# --- errors ---------------------------------------------------------------------------------


def test_unknown_url_is_a_404_page(client):
    r = client.get("/no/such/page")
    assert r.status_code == 404
    assert r.mimetype == "text/html"
    html = body(r)
    assert "<html" in html and '<p class="error-code">404</p>' in html
    assert "Traceback" not in html and "werkzeug" not in html.lower()
    # The same URL may answer a fragment or JSON: caches must not mix them up.
    assert {"HX-Request", "Accept"} <= {v.strip() for v in r.headers["Vary"].split(",")}


def test_unknown_url_for_a_signed_in_user_keeps_the_layout(login_as):
    c = login_as("inspector", locale="en")
    r = c.get("/no/such/page")
    assert r.status_code == 404
    assert "Page not found" in body(r)
    assert c.user.full_name in body(r)  # the user menu is still there


def test_wrong_method_is_405_with_allow(login_as):
    c = login_as("inspector")
    r = c.get("/logout")
    assert r.status_code == 405
    assert r.headers["Allow"] == "POST" or "POST" in r.headers["Allow"]
    assert '<p class="error-code">405</p>' in body(r)


def test_request_bigger_than_the_limit_is_413(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    r = client.post("/login", data={"username": "x", "password": "p" * 4096})
    assert r.status_code == 413
    assert '<p class="error-code">413</p>' in body(r)


def test_upload_limit_default_leaves_room_for_the_form(app):
    assert app.config["MAX_CONTENT_LENGTH"] > app.config["MAX_UPLOAD_MB"] * 1024 * 1024


def test_api_404_is_json(client):
    r = client.get("/api/no-such-thing", headers={"Accept": "application/json"})
    assert r.status_code == 404
    assert r.is_json
    assert r.get_json()["status"] == 404
    assert r.get_json()["title"]


def test_json_client_gets_json_errors_anywhere(client):
    r = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert r.status_code == 404 and r.is_json


def test_json_client_gets_401_not_a_redirect(client):
    r = client.get("/admin/users", headers={"Accept": "application/json"})
    assert r.status_code == 401
    assert r.is_json


def test_htmx_error_goes_to_the_flash_area(login_as):
    c = login_as("inspector")
    r = c.get("/admin/users", headers={"HX-Request": "true"})
    assert r.status_code == 403
    assert r.headers["HX-Retarget"] == "#flash"
    assert "<html" not in body(r)


def test_security_headers(client):
    r = client.get("/login")
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]


@pytest.fixture()
def crashing_app():
    app = create_app(TestingConfig)

    @access(PUBLIC)
    def boom():
        raise RuntimeError("secret internals")

    app.add_url_rule("/boom", "boom", boom)
    return app


def test_unexpected_error_is_a_500_page_without_details(crashing_app):
    r = crashing_app.test_client().get("/boom")
    assert r.status_code == 500
    html = body(r)
    assert '<p class="error-code">500</p>' in html
    assert "secret internals" not in html and "Traceback" not in html


# --- secret key -----------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["dev-insecure-change-me", "", "short"])
def test_production_refuses_a_weak_secret_key(key):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SECRET_KEY": key, "TESTING": False, "DEBUG": False})


def test_production_accepts_a_real_secret_key():
    app = create_app(
        {
            "SECRET_KEY": "f3a9c1d27e8b4a6f9c0d1e2f3a4b5c6d",
            "TESTING": False,
            "DEBUG": False,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True


# --- clock ----------------------------------------------------------------------------------


def test_today_is_in_the_province_time_zone():
    with clock.frozen(datetime(2026, 1, 1, 18, 0, tzinfo=UTC)):
        assert clock.today() == date(2026, 1, 2)
        assert clock.now() == datetime(2026, 1, 1, 18, 0, tzinfo=UTC)
    with clock.frozen(datetime(2026, 1, 1, 16, 59, tzinfo=UTC)):
        assert clock.today() == date(2026, 1, 1)


def test_frozen_restores_the_previous_value():
    outer = datetime(2026, 6, 1, 0, 0, tzinfo=UTC)
    with clock.frozen(outer):
        with clock.frozen(date(2026, 7, 1)):
            assert clock.now() == datetime(2026, 7, 1, 2, 0, tzinfo=UTC)  # 09:00 in Hanoi
        assert clock.now() == outer
    assert clock.now() != outer
    assert clock.now().tzinfo is not None


def test_start_of_local_day_and_local():
    assert clock.start_of_local_day(date(2026, 1, 2)) == datetime(2026, 1, 1, 17, 0, tzinfo=UTC)
    assert clock.local(datetime(2026, 1, 1, 18, 0)).hour == 1  # naive values are UTC


def test_pages_show_today_in_the_province(client):
    with clock.frozen(datetime(2026, 1, 1, 18, 0, tzinfo=UTC)):
        assert "02/01/2026" in body(client.get("/login"))


# --- forms and schemas ----------------------------------------------------------------------


class _Sample(BaseSchema):
    from marshmallow import fields as _f

    name = _f.String(required=True)
    parent_id = record_id(load_default=None)


def test_load_form_strips_and_drops_empty_values(app):
    from werkzeug.datastructures import MultiDict

    with app.test_request_context():
        data, errors = load_form(_Sample(), MultiDict({"name": "  Hà Giang ", "parent_id": ""}))
        assert (data, errors) == ({"name": "Hà Giang", "parent_id": None}, {})
        data, errors = load_form(_Sample(), MultiDict({"name": "a\x00b"}))
        assert data is None and set(errors) == {"name"}
        for bad_id in ("0", "-1", str(2**31), "99999999999999999999"):
            data, errors = load_form(_Sample(), MultiDict({"name": "a", "parent_id": bad_id}))
            assert data is None and set(errors) == {"parent_id"}, bad_id
        data, _ = load_form(_Sample(), MultiDict({"name": "a\tb\r\nc", "parent_id": "7"}))
        assert data == {"name": "a\tb\r\nc", "parent_id": 7}


def test_schema_messages_are_translated(app):
    from werkzeug.datastructures import MultiDict

    with app.test_request_context():
        _, errors = load_form(_Sample(), MultiDict({"parent_id": "abc"}))
    assert [str(m) for m in errors["name"]] != ["Missing data for required field."]
    assert [str(m) for m in errors["parent_id"]] != ["Not a valid integer."]


# --- demo seed ------------------------------------------------------------------------------


def test_seed_demo_is_idempotent_and_every_demo_user_signs_in(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    counts = (
        db.session.scalar(select(func.count()).select_from(Unit)),
        db.session.scalar(select(func.count()).select_from(User)),
    )
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    again = (
        db.session.scalar(select(func.count()).select_from(Unit)),
        db.session.scalar(select(func.count()).select_from(User)),
    )
    assert again == counts
    assert counts[1] >= len(USERS)
    assert counts[0] >= 1 + 13 + 3 + 11  # province, departments, service units, communes
    assert DEMO_PASSWORD in first.output
    for username, *_ in USERS:
        assert re.search(rf"^\s+{re.escape(username)}\s", first.output, re.M), username
        c = app.test_client()
        r = c.post("/login", data={"username": username, "password": DEMO_PASSWORD})
        assert r.status_code == 303, username
        assert c.get("/").status_code == 200, username


def test_seed_units_builds_the_tree(db):
    units = _seed_units()
    assert units["UBND"].parent_id is None
    assert units["SNV"].parent_id == units["UBND"].id
    assert units["TTLT"].parent_id == units["SNV"].id


def test_seed_completes_a_partial_database(app, db):
    factories.make_unit("Sở Nội vụ (cũ)", code="SNV")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert db.session.query(Unit).filter_by(code="SNV").one().name == "Sở Nội vụ (cũ)"


# --- assets ---------------------------------------------------------------------------------


def test_htmx_is_served_from_our_own_origin(client):
    """npm's htmx.org at the version package-lock.json pins, copied by `make setup`."""
    lock = json.loads((ROOT / "package-lock.json").read_text())
    version = lock["packages"]["node_modules/htmx.org"]["version"]
    r = client.get("/static/vendor/htmx.min.js")
    assert r.status_code == 200, "run `make setup`: it copies htmx into the static folder"
    assert r.mimetype == "text/javascript"
    assert f'version:"{version}"' in r.get_data(as_text=True)
    page = body(client.get("/login"))
    assert '<script src="/static/vendor/htmx.min.js"' in page
    assert not re.search(r'<script[^>]+src="(https?:)?//', page)  # no CDN


def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.get_json() == {"status": "ok"}


def test_the_clock_uses_the_configured_timezone():
    """APP_TIMEZONE (the app's TIMEZONE) sets the zone of "today" when the app starts."""
    instant = datetime(2026, 12, 1, 16, 30, tzinfo=UTC)  # 23:30 in Hà Nội, 01:30 in Tokyo
    try:
        create_app({"TESTING": True, "TIMEZONE": "Asia/Tokyo"})
        with clock.frozen(instant):
            assert clock.ZONE.key == "Asia/Tokyo"
            assert clock.today() == date(2026, 12, 2)
        create_app({"TESTING": True})
        with clock.frozen(instant):
            assert clock.ZONE.key == "Asia/Ho_Chi_Minh"
            assert clock.today() == date(2026, 12, 1)
    finally:
        clock.set_zone(TestingConfig.TIMEZONE)
