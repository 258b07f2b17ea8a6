"""Hardening: security headers, cookies, ProxyFix behind a configured number of proxies."""

from __future__ import annotations

from inspect_app import create_app
from inspect_app.config import Config

BASE = {"TESTING": True, "SECRET_KEY": "hardening-test-key", "SQLALCHEMY_DATABASE_URI": "sqlite://"}


def test_security_headers_on_pages_and_api(client):
    for url in ("/login", "/api/v1/cases"):
        r = client.get(url)
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["X-Frame-Options"] == "DENY"
        assert "script-src 'self'" in r.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]


def test_cookies_are_secure_and_httponly_outside_debug():
    assert Config.SESSION_COOKIE_SECURE is True
    assert Config.SESSION_COOKIE_HTTPONLY is True
    assert Config.REMEMBER_COOKIE_SECURE is True


def _remote_addr(app, headers):
    seen = {}

    @app.route("/_probe")
    def _probe():
        from flask import request

        seen["addr"], seen["scheme"] = request.remote_addr, request.scheme
        return "ok"

    from inspect_app.core.permissions import PUBLIC, access

    app.view_functions["_probe"] = access(PUBLIC)(_probe)
    app.test_client().get("/_probe", headers=headers, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    return seen


def test_forwarded_headers_are_ignored_without_trusted_proxies():
    app = create_app(BASE)
    assert app.config["TRUSTED_PROXIES"] == 0
    seen = _remote_addr(app, {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"})
    assert seen == {"addr": "10.0.0.1", "scheme": "http"}


def test_one_trusted_proxy_sets_client_address_and_scheme():
    app = create_app({**BASE, "TRUSTED_PROXIES": 1})
    seen = _remote_addr(
        app, {"X-Forwarded-For": "198.51.100.7, 203.0.113.9", "X-Forwarded-Proto": "https"}
    )
    # Only the last hop (added by our one proxy) is believed, not what the client wrote.
    assert seen == {"addr": "203.0.113.9", "scheme": "https"}
