"""Backups: `flask backup create` then `flask backup restore` into a brand-new database gives the
same rows and the same uploaded files, on the suite's database kind (SQLite, or PostgreSQL
with TEST_DATABASE_URL); damaged, mismatched and misdirected restores are refused; the daily
job keeps the newest BACKUP_KEEP."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from inspect_app import create_app
from inspect_app.config import TestingConfig
from inspect_app.core import audit
from inspect_app.core.files import EvidenceFile, store_upload
from inspect_app.extensions import db as _db
from inspect_app.scheduler import run_job
from tests import factories as f


def _config() -> dict:
    return {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}


@pytest.fixture(scope="module")
def migrated_template(tmp_path_factory):
    """A database migrated to the head once per test file (`flask db upgrade`, ~2 s); each
    source database starts as a copy of it: a file copy on SQLite, CREATE DATABASE ...
    TEMPLATE on PostgreSQL."""
    base_url = os.environ.get("TEST_DATABASE_URL")
    if base_url is None:
        url = f"sqlite:///{tmp_path_factory.mktemp('migrated') / 'head.db'}"
    else:
        base = make_url(base_url)
        url = base.set(database=f"{base.database}_migrated").render_as_string(hide_password=False)
        _recreate(base, url)
    app = _app(url, tmp_path_factory.mktemp("template_uploads"))
    with app.app_context():
        upgrade()
        _db.engine.dispose()
    yield url
    if base_url is not None:
        _drop(make_url(base_url), url)


def _admin(base):
    return create_engine(base, isolation_level="AUTOCOMMIT")


def _recreate(base, url: str, template: str | None = None) -> None:
    name = make_url(url).database
    admin = _admin(base)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        copy = f' TEMPLATE "{make_url(template).database}"' if template else ""
        conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    admin.dispose()


def _drop(base, url: str) -> None:
    admin = _admin(base)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture()
def new_database(tmp_path, migrated_template):
    """new_database(name, migrated=False) -> the URL of a brand-new database of the suite's
    kind: empty, or a copy of one migrated to the head."""
    base_url = os.environ.get("TEST_DATABASE_URL")
    made: list[str] = []

    def _new(name: str, migrated: bool = False) -> str:
        if base_url is None:
            path = tmp_path / (name + ".db")
            if migrated:
                shutil.copyfile(make_url(migrated_template).database, path)
            return f"sqlite:///{path}"
        base = make_url(base_url)
        url = base.set(database=f"{base.database}_{name}").render_as_string(hide_password=False)
        _recreate(base, url, migrated_template if migrated else None)
        made.append(url)
        return url

    yield _new
    for url in made:
        _drop(make_url(base_url), url)


def _app(url: str, uploads: Path, **extra):
    return create_app(
        {**_config(), "SQLALCHEMY_DATABASE_URI": url, "UPLOAD_FOLDER": str(uploads), **extra}
    )


def _cli(app, *args):
    return app.test_cli_runner().invoke(args=list(args), catch_exceptions=False)


def _snapshot(app) -> dict[str, list[tuple]]:
    """Every row of every table, in key order (what a restore must give back)."""
    with app.app_context():
        out = {}
        with _db.engine.connect() as conn:
            for table in [*_db.metadata.sorted_tables, "alembic_version"]:
                name = table if isinstance(table, str) else table.name
                rows = conn.execute(text(f'SELECT * FROM "{name}"')).all()  # noqa: S608
                out[name] = sorted((tuple(map(repr, r)) for r in rows), key=repr)
        _db.engine.dispose()
        return out


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture()
def source(new_database, tmp_path):
    """A migrated database with cases, findings, audit events and evidence files (an image
    with its thumbnail, a PDF)."""
    app = _app(new_database("backup_src", migrated=True), tmp_path / "uploads_src")
    with app.app_context():
        finding = f.make_finding()
        f.make_case(inspection=finding.inspection, state="open")
        lead = finding.inspection.lead
        for data, name in ((f.png_bytes(), "anh chụp.png"), (f.PDF, "biên bản.pdf")):
            store_upload(f.upload(data, name), lead, finding=finding)
        audit.record(lead, finding, "create", after={"description": "Hồ sơ thiếu"})
        audit.record(lead, finding, "update", before={"a": 1}, after={"a": 2})
        _db.session.commit()
        assert _db.session.scalar(select(EvidenceFile.id).limit(1)) is not None
        _db.session.remove()
        _db.engine.dispose()
    return app


def test_round_trip_gives_back_every_row_and_file(source, new_database, tmp_path):
    out = _cli(source, "backup", "create", str(tmp_path / "bk"))
    assert out.exit_code == 0, out.output
    assert "3 uploaded files" in out.output  # two files and the image's thumbnail
    manifest = json.loads((tmp_path / "bk" / "manifest.json").read_text())
    kind = make_url(source.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name()
    assert manifest["database"] == kind
    with source.app_context():
        from inspect_app.core.backup import code_head

        assert manifest["migration_head"] == code_head()
    assert set(manifest["parts"]) == {
        "uploads.tar",
        "database.pgdump" if kind == "postgresql" else "database.sqlite3",
    }

    target = _app(new_database("backup_dst"), tmp_path / "uploads_dst")
    out = _cli(target, "backup", "restore", str(tmp_path / "bk"))
    assert out.exit_code == 0, out.output
    assert "Audit chain intact: 2 events verified." in out.output

    expected = _snapshot(source)
    assert sum(map(len, expected.values())) > 10
    assert _snapshot(target) == expected
    assert _files(tmp_path / "uploads_dst") == _files(tmp_path / "uploads_src")
    assert len(_files(tmp_path / "uploads_dst")) == 3
    # The restored database takes new rows (sequences restored past the copied keys).
    with target.app_context():
        f.make_finding()
        _db.session.commit()
        _db.engine.dispose()


def _backup(source, tmp_path) -> Path:
    folder = tmp_path / "bk"
    assert _cli(source, "backup", "create", str(folder)).exit_code == 0
    return folder


def _restore_refused(new_database, tmp_path, folder, expected: str):
    target = _app(new_database("backup_dst"), tmp_path / "uploads_dst")
    out = _cli(target, "backup", "restore", str(folder))
    assert out.exit_code != 0
    assert "Backup not restored" in out.output and expected in out.output, out.output
    with target.app_context():  # nothing was loaded
        from sqlalchemy import inspect

        assert inspect(_db.engine).get_table_names() == []
        _db.engine.dispose()
    assert not (tmp_path / "uploads_dst").exists() or not any((tmp_path / "uploads_dst").iterdir())


def _database_part(folder: Path) -> Path:
    return next(p for p in folder.iterdir() if p.name.startswith("database."))


def test_a_damaged_database_part_is_refused(source, new_database, tmp_path):
    folder = _backup(source, tmp_path)
    part = _database_part(folder)
    data = bytearray(part.read_bytes())
    data[len(data) // 2] ^= 0xFF
    part.write_bytes(bytes(data))
    _restore_refused(new_database, tmp_path, folder, f"{part.name} is damaged")


def test_a_missing_part_is_refused(source, new_database, tmp_path):
    folder = _backup(source, tmp_path)
    (folder / "uploads.tar").unlink()
    _restore_refused(new_database, tmp_path, folder, "uploads.tar is missing")


def test_a_damaged_manifest_is_refused(source, new_database, tmp_path):
    folder = _backup(source, tmp_path)
    (folder / "manifest.json").write_text('{"parts": ')
    _restore_refused(new_database, tmp_path, folder, "manifest.json is damaged")


def _edit_manifest(folder: Path, **changes) -> None:
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest.update(changes)
    path.write_text(json.dumps(manifest))


def test_a_backup_at_another_migration_is_refused(source, new_database, tmp_path):
    folder = _backup(source, tmp_path)
    _edit_manifest(folder, migration_head="0123456789ab")
    _restore_refused(new_database, tmp_path, folder, "the backup is at migration 0123456789ab")


def test_a_backup_of_another_database_kind_is_refused(source, new_database, tmp_path):
    folder = _backup(source, tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text())
    other = "sqlite" if manifest["database"] == "postgresql" else "postgresql"
    # A consistent backup of the other kind: its part named and hashed as that kind's.
    part = _database_part(folder)
    renamed = part.rename(folder / ("database.sqlite3" if other == "sqlite" else "database.pgdump"))
    manifest["parts"][renamed.name] = manifest["parts"].pop(part.name)
    _edit_manifest(folder, database=other, parts=manifest["parts"])
    _restore_refused(new_database, tmp_path, folder, f"this is a {other} backup")


def test_a_database_that_is_not_empty_is_refused(source, tmp_path):
    folder = _backup(source, tmp_path)
    before = _snapshot(source)
    out = _cli(source, "backup", "restore", str(folder))
    assert out.exit_code != 0
    assert "the target database is not empty" in out.output
    assert _snapshot(source) == before


def test_a_non_empty_upload_folder_is_refused(source, new_database, tmp_path):
    folder = _backup(source, tmp_path)
    (tmp_path / "uploads_dst").mkdir()
    (tmp_path / "uploads_dst" / "stray").write_bytes(b"x")
    target = _app(new_database("backup_dst"), tmp_path / "uploads_dst")
    out = _cli(target, "backup", "restore", str(folder))
    assert out.exit_code != 0 and "is not empty" in out.output, out.output


def test_a_backup_never_overwrites_a_folder_in_use(source, tmp_path):
    (tmp_path / "bk").mkdir()
    (tmp_path / "bk" / "notes.txt").write_text("keep me")
    out = _cli(source, "backup", "create", str(tmp_path / "bk"))
    assert out.exit_code != 0 and "is not an empty folder" in out.output
    assert (tmp_path / "bk" / "notes.txt").read_text() == "keep me"


def test_a_broken_audit_chain_after_restore_fails_the_command(source, new_database, tmp_path):
    with source.app_context():
        with _db.engine.begin() as conn:
            conn.execute(text("UPDATE audit_event SET note = 'edited' WHERE id = 1"))
        _db.engine.dispose()
    folder = _backup(source, tmp_path)
    target = _app(new_database("backup_dst"), tmp_path / "uploads_dst")
    out = _cli(target, "backup", "restore", str(folder))
    assert out.exit_code == 1
    assert "Audit chain BROKEN at event 1" in out.output


def test_the_daily_job_keeps_the_newest(source, tmp_path, monkeypatch):
    from inspect_app.core import backup

    stamps = iter(f"inspect-20261201-0{i}0000" for i in range(1, 6))
    real = backup.rotate

    def rotate(root, keep):  # one distinct folder name per run (runs are seconds apart)
        monkeypatch.setattr(backup, "_stamp", lambda: next(stamps))
        return real(root, keep)

    root = tmp_path / "backups"
    root.mkdir()
    (root / "unrelated").mkdir()  # not a scheduled backup: never removed
    source.config.update(BACKUP_DIR=str(root), BACKUP_KEEP=2)
    monkeypatch.setattr(backup, "rotate", rotate)
    for day in range(1, 5):
        assert "backup written" in run_job(source, "backup", f"2026-12-0{day}")
    kept = sorted(p.name for p in root.iterdir())
    assert kept == ["inspect-20261201-030000", "inspect-20261201-040000", "unrelated"]
    assert (root / "inspect-20261201-040000" / "manifest.json").is_file()
    with source.app_context():
        _db.engine.dispose()


def test_the_daily_job_is_off_by_default(app):
    from apscheduler.schedulers.background import BackgroundScheduler

    from inspect_app.scheduler import add_jobs

    assert app.config["BACKUP_DIR"] is None
    sched = BackgroundScheduler(timezone=app.config["TIMEZONE"])
    add_jobs(sched, app)
    assert "backup" not in {job.id for job in sched.get_jobs()}
    app.config["BACKUP_DIR"] = "/srv/backups"
    try:
        sched = BackgroundScheduler(timezone=app.config["TIMEZONE"])
        add_jobs(sched, app)
        assert "backup" in {job.id for job in sched.get_jobs()}
    finally:
        app.config["BACKUP_DIR"] = None


def test_a_failed_backup_leaves_nothing_behind(source, tmp_path, monkeypatch):
    from inspect_app.core import backup

    def broken(dest):
        dest.write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(backup, "_tar_uploads", broken)
    out = source.test_cli_runner().invoke(args=["backup", "create", str(tmp_path / "bk")])
    assert out.exit_code == 1 and "Backup not written: disk full" in out.output
    assert not (tmp_path / "bk").exists()
    (tmp_path / "empty").mkdir()
    source.test_cli_runner().invoke(args=["backup", "create", str(tmp_path / "empty")])
    assert list((tmp_path / "empty").iterdir()) == []
    with source.app_context():
        _db.engine.dispose()
