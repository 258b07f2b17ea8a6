"""SQLite under several workers: a write that meets another worker's write waits for it
(the driver's busy timeout) instead of failing with "database is locked"."""

from __future__ import annotations

import sqlite3
import threading
import time

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

import inspect_app.extensions  # noqa: F401 - the SQLite connection events


def _other_worker_writes(path, seconds: float) -> threading.Thread:
    """Another connection holds the write lock for `seconds`, then commits."""
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE counter SET n = n + 100")

    def commit_later():
        time.sleep(seconds)
        other.execute("COMMIT")
        other.close()

    thread = threading.Thread(target=commit_later)
    thread.start()
    return thread


def _engine(tmp_path):
    path = tmp_path / "locking.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER)"))
        conn.execute(text("INSERT INTO counter VALUES (1, 0)"))
    return engine, path


def test_a_savepoint_that_reads_then_writes_waits_for_the_other_writer(tmp_path):
    # create_once's shape: a savepoint, a read, then the insert.
    engine, path = _engine(tmp_path)
    thread = _other_worker_writes(path, 0.3)
    started = time.perf_counter()
    with Session(engine) as session:
        with session.begin_nested():
            session.execute(text("SELECT n FROM counter")).all()
            session.execute(text("UPDATE counter SET n = n + 1"))
        session.commit()
    waited = time.perf_counter() - started
    thread.join()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT n FROM counter")).scalar_one() == 101
    assert waited >= 0.2  # it waited for the other commit rather than failing
    engine.dispose()


def test_a_transaction_that_reads_then_writes_waits_for_the_other_writer(tmp_path):
    engine, path = _engine(tmp_path)
    thread = _other_worker_writes(path, 0.3)
    with Session(engine) as session:
        session.execute(text("SELECT n FROM counter")).all()
        session.execute(text("UPDATE counter SET n = n + 1"))
        session.execute(text("SELECT n FROM counter")).all()
        session.execute(text("UPDATE counter SET n = n + 1"))
        session.commit()
    thread.join()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT n FROM counter")).scalar_one() == 102
    engine.dispose()


def test_a_connection_waits_30_seconds_for_the_write_lock(db):
    """Issuing holds the write lock while it draws, signs and time-stamps: others wait for it
    (SQLite's busy timeout), they do not fail after the driver's 5 s."""
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
        else:  # PostgreSQL waits for a row lock as long as it takes (no lock_timeout set)
            assert conn.exec_driver_sql("SHOW lock_timeout").scalar() == "0"
