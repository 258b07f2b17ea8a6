"""Who may open which foundation page: the role x route table, and deny-by-default (issue 2)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from inspect_app import create_app
from inspect_app.config import TestingConfig
from inspect_app.core.permissions import AUTHENTICATED, PUBLIC, access
from tests import factories

ROLES = ["anonymous", "admin", "inspector", "lead_inspector", "unit_leader", "leadership"]
SIGN_IN = "sign-in"  # anonymous visitors are sent to the login page

EVERYONE_SIGNED_IN = {role: 200 for role in ROLES} | {"anonymous": SIGN_IN}
ADMIN_ONLY = {role: 403 for role in ROLES} | {"admin": 200, "anonymous": SIGN_IN}

# (method, url, {role: expected}); {user} and {unit} are ids of existing records.
TABLE = [
    ("GET", "/", EVERYONE_SIGNED_IN),
    ("GET", "/account/password", EVERYONE_SIGNED_IN),
    ("GET", "/admin/users", ADMIN_ONLY),
    ("GET", "/admin/users/new", ADMIN_ONLY),
    ("GET", "/admin/users/{user}", ADMIN_ONLY),
    ("GET", "/admin/units", ADMIN_ONLY),
    ("GET", "/admin/units/new", ADMIN_ONLY),
    ("GET", "/admin/units/{unit}", ADMIN_ONLY),
    # Unsafe actions: refused before anything changes (an admin gets the form back, 422).
    ("POST", "/admin/users/new", ADMIN_ONLY | {"admin": 422}),
    ("POST", "/admin/users/{user}", ADMIN_ONLY | {"admin": 422}),
    ("POST", "/admin/users/{user}/active", ADMIN_ONLY | {"admin": 303}),
    ("POST", "/admin/users/{user}/password", ADMIN_ONLY | {"admin": 422}),
    ("POST", "/admin/units/new", ADMIN_ONLY | {"admin": 422}),
    ("POST", "/admin/units/{unit}", ADMIN_ONLY | {"admin": 422}),
]

CASES = [
    pytest.param(method, url, role, expected[role], id=f"{method} {url} {role}")
    for method, url, expected in TABLE
    for role in ROLES
]


@pytest.mark.parametrize("method, url, role, expected", CASES)
def test_permission_table(app, db, client, login_as, method, url, role, expected):
    unit = factories.make_unit()
    target = factories.make_user("inspector", unit=unit)
    db.session.commit()
    c = client if role == "anonymous" else login_as(role)
    path = url.format(user=target.id, unit=unit.id)
    r = c.open(path, method=method, data={} if method == "POST" else None)
    if expected == SIGN_IN:
        assert r.status_code == 302, r.status_code
        assert urlsplit(r.headers["Location"]).path == "/login"
    else:
        assert r.status_code == expected, r.get_data(as_text=True)[:300]
    if expected in (403, SIGN_IN):
        # Nothing was changed by a refused request.
        db.session.expire_all()
        assert target.active is True
        assert target.full_name.startswith("Người dùng")


def test_every_route_declares_who_may_call_it(app):
    """Routes added later by any feature are covered automatically."""
    missing = sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        and getattr(app.view_functions[rule.endpoint], "_access", None) is None
    )
    assert missing == []


def test_access_declarations_are_known_rules(app):
    from inspect_app.core.roles import Role

    allowed = {PUBLIC, AUTHENTICATED, *Role}
    for rule in app.url_map.iter_rules():
        declared = getattr(app.view_functions[rule.endpoint], "_access", None)
        if declared is not None:
            assert declared <= allowed, (rule.rule, declared)


def test_public_routes_are_only_the_expected_ones(app):
    """A page made PUBLIC by mistake shows up here (features should not need any)."""
    public = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if PUBLIC in (getattr(app.view_functions[rule.endpoint], "_access", None) or ())
    }
    expected = {
        "home.index",
        "home.healthz",
        "home.readyz",
        "auth.login",
        "auth.language",
    }
    assert public - expected == set(), "new PUBLIC routes: review them, then list them here"


def test_a_route_without_declaration_is_refused():
    app = create_app(TestingConfig)
    app.add_url_rule("/undeclared", "undeclared", lambda: "secret")
    app.add_url_rule("/declared", "declared", access(PUBLIC)(lambda: "hello"))
    client = app.test_client()
    r = client.get("/undeclared")
    assert r.status_code == 403
    assert "secret" not in r.get_data(as_text=True)
    assert client.get("/declared").get_data(as_text=True) == "hello"
