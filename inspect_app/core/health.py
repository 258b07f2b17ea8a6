"""What `/readyz` checks: the database answers, its schema is at the migrations' head, the
upload folder takes a file, and the scheduler's heartbeat is recent. Each check says only
"ok" or what failed, never data, paths or errors (the probe is public)."""

from __future__ import annotations

import os
import tempfile
from datetime import timedelta

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError

from inspect_app.core import clock
from inspect_app.core.jobs import HEARTBEAT, JobStatus
from inspect_app.extensions import db

OK = "ok"


def readiness(app: Flask) -> dict[str, str]:
    """{check: "ok" or what is wrong}; every check runs (those that need the database are
    "unknown" when it does not answer them)."""
    checks = {"database": OK, "migrations": OK, "uploads": _uploads(app), "scheduler": OK}
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        checks.update(database="unreachable", migrations="unknown", scheduler="unknown")
        return checks
    for name, check in (("migrations", _migrations), ("scheduler", _scheduler)):
        try:
            checks[name] = check(app)
        except SQLAlchemyError:  # e.g. a schema behind the code lacks the scheduler's table
            db.session.rollback()
            checks[name] = "unknown"
    return checks


def migration_heads(app: Flask) -> set[str]:
    """The heads of the migration scripts (read once per process: they change only with a new
    release, which restarts the processes)."""
    heads = app.extensions.get("migration_heads")
    if heads is None:
        directory = app.extensions["migrate"].directory
        heads = app.extensions["migration_heads"] = set(ScriptDirectory(directory).get_heads())
    return heads


def _migrations(app: Flask) -> str:
    current = set(MigrationContext.configure(db.session.connection()).get_current_heads())
    return OK if current == migration_heads(app) else "not at head"


def _scheduler(app: Flask) -> str:
    beat = db.session.execute(
        select(JobStatus.last_finished_at).where(JobStatus.name == HEARTBEAT)
    ).scalar_one_or_none()
    limit = timedelta(seconds=app.config["SCHEDULER_HEARTBEAT_MAX_AGE"])
    if beat is None or clock.now() - beat > limit:
        return "no recent heartbeat"
    return OK


def _uploads(app: Flask) -> str:
    folder = app.config["UPLOAD_FOLDER"]
    try:
        os.makedirs(folder, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".readyz-") as probe:
            probe.write(b"ok")
            probe.flush()
    except OSError:
        return "not writable"
    return OK
