"""Fixtures: the app on SQLite (or TEST_DATABASE_URL), a clean database per test, clients."""

from __future__ import annotations

import os
import re
import socket
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from flask import g, has_app_context
from flask import session as flask_session
from flask.testing import FlaskClient
from flask_wtf.csrf import generate_csrf
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

import inspect_app.models  # noqa: F401 - the whole schema, before any test module imports a query
from inspect_app import create_app
from inspect_app.auth import tokens
from inspect_app.auth.views import sign_in
from inspect_app.config import TestingConfig
from inspect_app.core import clock
from inspect_app.extensions import db as _db
from tests import factories

TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


def _forget_request_state() -> None:
    """Requests reuse the test's app context: forget what the last one cached on g (signed-in
    user, CSRF token)."""
    if has_app_context():
        for key in list(vars(g)):
            g.pop(key, None)


class Client(FlaskClient):
    """A test client that sends the CSRF token on unsafe requests unless told not to."""

    token: str | None = None

    def refresh_token(self) -> str:
        body = self.get("/login" if not self.signed_in else "/").get_data(as_text=True)
        match = TOKEN_RE.search(body)
        assert match, body[:3000]
        self.token = match.group(1) or match.group(2)
        return self.token

    @property
    def signed_in(self) -> bool:
        with self.session_transaction() as s:
            return "_user_id" in s

    def open(self, *args, csrf: bool = True, **kwargs):
        _forget_request_state()
        method = kwargs.get("method", "GET")
        if csrf and method in ("POST", "PUT", "PATCH", "DELETE"):
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("X-CSRFToken", self.token or self.refresh_token())
            kwargs["headers"] = headers
        response = super().open(*args, **kwargs)
        if has_app_context():  # the test reads fresh rows after each request
            _db.session.expire_all()
        return response


@pytest.fixture(scope="session")
def app():
    app = create_app(TestingConfig)
    app.test_client_class = Client
    with app.app_context():
        _db.drop_all()
        _db.create_all()
    yield app


@pytest.fixture()
def db(app):
    with app.app_context():
        yield _db
        _db.session.rollback()
        _db.session.remove()
        _wipe()
    clock.freeze(None)


_PG_WIPE: list[str] = []


def _wipe() -> None:
    """Empty every table after a test. On PostgreSQL one round trip of DELETEs (children
    first) and sequences set back to 1: TRUNCATE of ~50 tables costs far more per test."""
    tables = list(reversed(_db.metadata.sorted_tables))
    with _db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            if not _PG_WIPE:
                sequences = conn.execute(
                    text(
                        "SELECT sequence_name FROM information_schema.sequences"
                        " WHERE sequence_schema = current_schema()"
                    )
                ).scalars()
                # Keys added after both tables (use_alter: inspection -> its conclusion file)
                # are cut first, so that children-first order holds.
                cuts = [
                    f'UPDATE "{t.name}" SET "{fk.parent.name}" = NULL'  # noqa: S608 - our names
                    for t in tables
                    for fk in t.foreign_keys
                    if fk.use_alter or (fk.constraint is not None and fk.constraint.use_alter)
                ]
                deletes = [f'DELETE FROM "{t.name}"' for t in tables]  # noqa: S608 - our names
                # setval, not ALTER SEQUENCE ... RESTART: the same next id (1) without a
                # catalog change per sequence (1 ms for all of them, against 30).
                restarts = [f"SELECT setval('\"{name}\"', 1, false)" for name in sequences]
                _PG_WIPE.append("; ".join(cuts + deletes + restarts))
            conn.exec_driver_sql(_PG_WIPE[0])
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture()
def client(app, db):
    return app.test_client()


@pytest.fixture()
def login_as(app, db):
    """login_as(role or user) -> a signed-in client (a user of that role is made if needed).

    The session is opened by the login view's own `sign_in`, in a request context whose
    session becomes the client's cookie, with a CSRF token ready: a sign-in costs no page
    renders. `form=True` signs in through the
    login form instead (the sign-in tests themselves post to /login)."""

    def _login(who, client=None, form=False, **user_kwargs):
        user = who if hasattr(who, "username") else factories.make_user(role=who, **user_kwargs)
        _db.session.commit()
        c = client or app.test_client()
        c.token = None
        if form:
            response = c.post(
                "/login", data={"username": user.username, "password": factories.PASSWORD}
            )
            assert response.status_code == 303, response.get_data(as_text=True)[:500]
            c.token = None
        else:
            c.token = _sign_in(app, c, user)
        c.user = user
        return c

    return _login


def _sign_in(app, client, user) -> str:
    """Sign `user` in on `client` as the login form does (`auth.views.sign_in`, in a request
    context with the client's address and agent); the CSRF token of the session."""
    _forget_request_state()
    with app.test_request_context(environ_base=client.environ_base):
        sign_in(user)
        token = generate_csrf()
        signed_in = dict(flask_session)
    _forget_request_state()  # login_user and generate_csrf cached the user and token on g
    _db.session.commit()
    with client.session_transaction() as s:
        s.clear()
        s.update(signed_in)
    return token


@pytest.fixture()
def count_queries(app):
    """Context manager counting SQL statements: `with count_queries() as n: ...; n()`."""
    from contextlib import contextmanager

    @contextmanager
    def _count():
        statements: list[str] = []

        def before(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(_db.engine, "before_cursor_execute", before)
        try:
            yield lambda: len(statements)
        finally:
            event.remove(_db.engine, "before_cursor_execute", before)

    return _count


@pytest.fixture()
def empty_database_url(tmp_path):
    """A brand-new database of the kind the suite runs on. On PostgreSQL one database per
    worker, kept between tests and emptied (its schema dropped and made again) before each:
    dropping a database waits for a checkpoint, which took up to 13 s while the other workers
    wrote."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    base = make_url(url)
    name = f"{base.database}_migrations"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        found = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if found.first() is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        else:  # a connection a failed test left open would hold the schema's locks
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = :n AND pid <> pg_backend_pid()"
                ),
                {"n": name},
            )
    admin.dispose()
    target = base.set(database=name)
    emptied = create_engine(target, isolation_level="AUTOCOMMIT")
    with emptied.connect() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    emptied.dispose()
    yield target.render_as_string(hide_password=False)


@pytest.fixture()
def uploads(app, tmp_path):
    """Uploaded files go to a folder of this test's own."""
    previous = app.config["UPLOAD_FOLDER"]
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    yield tmp_path / "uploads"
    app.config["UPLOAD_FOLDER"] = previous


@pytest.fixture()
def api(db, client):
    """api(role or user) -> (headers, user): a token for a user of that role."""

    def _api(who, **kw):
        user = who if hasattr(who, "username") else factories.make_user(who, **kw)
        _token, secret = tokens.create_token(user, "test")
        db.session.commit()
        return {"Authorization": f"Bearer {secret}"}, user

    return _api


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
    """A loopback SMTP server for this test: its `messages` are what was sent."""
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.port = port
    old = app.config["MAIL_SERVER"], app.config["MAIL_PORT"]
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    yield inbox
    controller.stop()
    app.config.update(MAIL_SERVER=old[0], MAIL_PORT=old[1])
