"""LOG_FORMAT=json: one JSON line per request with the user, route, endpoint, status and time."""

from __future__ import annotations

import json
import logging
import os

from inspect_app import create_app
from inspect_app.config import TestingConfig
from inspect_app.core.requestlog import LOGGER
from inspect_app.extensions import db as _db
from tests import factories
from tests.conftest import Client


def _json_app(tmp_path, **extra):
    config = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'log.db'}"
    app = create_app({**config, "SQLALCHEMY_DATABASE_URI": url, **extra})
    app.test_client_class = Client
    return app


def _lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_one_json_line_per_request(tmp_path, db):
    log = tmp_path / "requests.log"
    app = _json_app(tmp_path, LOG_FORMAT="json", LOG_FILE=str(log))
    saved = logging.getLogger("inspect_app").handlers[:]
    try:
        with app.app_context():
            _db.create_all()
            user = factories.make_user("inspector")
            _db.session.commit()
            client = app.test_client()
            assert client.get("/healthz").status_code == 200
            response = client.post(
                "/login", data={"username": user.username, "password": factories.PASSWORD}
            )
            assert response.status_code == 303
            assert client.get("/cases").status_code == 200
            assert client.get("/cases/999999").status_code == 404
            user_id = user.id
            _db.session.remove()
            _db.engine.dispose()
    finally:
        for handler in logging.getLogger(LOGGER).handlers:
            handler.close()
        logging.getLogger(LOGGER).handlers[:] = []
        logging.getLogger("inspect_app").handlers[:] = saved
    lines = _lines(log)
    by_path = {(line["method"], line["path"]): line for line in lines}
    health = by_path[("GET", "/healthz")]
    assert health["status"] == 200 and health["user_id"] is None
    assert health["endpoint"] == "home.healthz" and health["route"] == "/healthz"
    cases = by_path[("GET", "/cases")]
    assert cases["user_id"] == user_id and cases["status"] == 200
    assert isinstance(cases["duration_ms"], float) and cases["duration_ms"] >= 0
    missing = by_path[("GET", "/cases/999999")]
    assert missing["status"] == 404 and missing["route"] == "/cases/<int:case_id>"
    assert by_path[("POST", "/login")]["status"] == 303
    assert {line["level"] for line in lines} == {"info"}
    assert all(line["logger"] == LOGGER and line["time"].endswith("+00:00") for line in lines)


def test_text_logs_by_default(tmp_path, db):
    app = _json_app(tmp_path)
    assert app.config["LOG_FORMAT"] == "text"
    hooks = [f.__name__ for f in app.after_request_funcs[None]]
    assert "finish_request" in hooks and "log_request" not in hooks
    with app.app_context():
        _db.engine.dispose()
