"""`/readyz`: 200 when the database answers, its schema is at the migrations' head, the upload
folder takes a file and the scheduler's heartbeat is recent; else 503 naming what failed. No
sign-in, no data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask_migrate import downgrade, upgrade

from inspect_app import create_app
from inspect_app.config import TestingConfig
from inspect_app.core import clock
from inspect_app.core.jobs import HEARTBEAT, JobStatus
from inspect_app.extensions import db as _db

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
ALL_OK = {"database": "ok", "migrations": "ok", "uploads": "ok", "scheduler": "ok"}


def _testing(**overrides) -> dict:
    return {
        **{k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()},
        **overrides,
    }


def _beat(age: timedelta) -> None:
    _db.session.merge(JobStatus(name=HEARTBEAT, last_finished_at=NOW - age, last_ok=True))
    _db.session.commit()


@pytest.fixture()
def migrated(empty_database_url, tmp_path):
    """An app on a database built by the migrations, with an upload folder of its own."""
    app = create_app(
        _testing(SQLALCHEMY_DATABASE_URI=empty_database_url, UPLOAD_FOLDER=str(tmp_path / "up"))
    )
    with app.app_context():
        upgrade()
        yield app
        _db.session.remove()
        _db.engine.dispose()


def test_ready_when_everything_is_fine_then_each_failure_named(migrated, tmp_path):
    clock.freeze(NOW)
    try:
        _beat(timedelta(seconds=30))
        client = migrated.test_client()
        r = client.get("/readyz")
        assert r.status_code == 200, r.get_json()
        assert r.get_json() == {"status": "ok", "checks": ALL_OK}
        assert "no-store" in r.headers["Cache-Control"]
        assert "Set-Cookie" not in r.headers
        assert (tmp_path / "up").is_dir() and list((tmp_path / "up").iterdir()) == []

        _beat(timedelta(seconds=migrated.config["SCHEDULER_HEARTBEAT_MAX_AGE"] + 1))
        r = client.get("/readyz")
        assert r.status_code == 503
        assert r.get_json() == {
            "status": "unavailable",
            "checks": {**ALL_OK, "scheduler": "no recent heartbeat"},
        }
        _beat(timedelta(0))

        (tmp_path / "file").write_text("not a folder")
        migrated.config["UPLOAD_FOLDER"] = str(tmp_path / "file" / "uploads")
        r = client.get("/readyz")
        assert r.status_code == 503 and r.get_json()["checks"] == {
            **ALL_OK,
            "uploads": "not writable",
        }
        migrated.config["UPLOAD_FOLDER"] = str(tmp_path / "up")

        # The code is newer than the schema: back before the heartbeat table's migration.
        downgrade(revision="96f880f37a0e")
        r = client.get("/readyz")
        assert r.status_code == 503
        assert r.get_json()["checks"] == {
            **ALL_OK,
            "migrations": "not at head",
            "scheduler": "unknown",
        }
    finally:
        clock.freeze(None)


def test_no_heartbeat_and_no_migrations_on_the_test_schema(client):
    r = client.get("/readyz")
    assert r.status_code == 503
    checks = r.get_json()["checks"]
    assert checks["database"] == "ok"
    assert checks["migrations"] == "not at head"  # built by create_all, never migrated
    assert checks["scheduler"] == "no recent heartbeat"


def test_database_unreachable_is_503_not_500(tmp_path):
    app = create_app(
        _testing(
            SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none",
            UPLOAD_FOLDER=str(tmp_path),
        )
    )
    r = app.test_client().get("/readyz")
    assert r.status_code == 503
    assert r.get_json()["checks"] == {
        "database": "unreachable",
        "migrations": "unknown",
        "uploads": "ok",
        "scheduler": "unknown",
    }
