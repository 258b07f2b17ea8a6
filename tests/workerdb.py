"""A pytest plugin (`-p tests.workerdb`, loaded before any conftest): under pytest-xdist each
worker gets a PostgreSQL database of its own (`test_gw0`, `test_gw1`, ...), created if
missing, before the app's configuration reads TEST_DATABASE_URL. SQLite runs need nothing: the
suite uses in-memory databases and per-test files."""

from __future__ import annotations

import os

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def _worker_database() -> None:
    worker, url = os.environ.get("PYTEST_XDIST_WORKER"), os.environ.get("TEST_DATABASE_URL")
    if not (worker and url):
        return
    base = make_url(url)
    if base.database.endswith(f"_{worker}"):
        return
    name = f"{base.database}_{worker}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if exists.first() is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    os.environ["TEST_DATABASE_URL"] = base.set(database=name).render_as_string(hide_password=False)


_worker_database()
