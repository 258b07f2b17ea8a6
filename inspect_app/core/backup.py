"""Backups: one directory holding a consistent snapshot of the database and the uploaded files.

`create(folder)` writes
- the database: `pg_dump --format=custom` on PostgreSQL, SQLite's online backup API on SQLite
  (both read one consistent snapshot while the application keeps running);
- `uploads.tar`: every file of UPLOAD_FOLDER, taken after the database, so that each file the
  snapshot names is in it (files are written once under random names);
- `manifest.json`: the database kind, the Alembic migration the database was at, and the size
  and sha256 of each part.

`restore(folder)` checks the manifest against the parts and against this code (same database
kind, same migration head), refuses a target database that holds any table or an upload folder
that holds any file, loads both, then walks the audit chain.

`rotate(root, keep)` is the scheduled job's: a new backup under `root`, the oldest beyond
`keep` removed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess  # nosec B404 - pg_dump / pg_restore with an argument list, never a shell
import tarfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import inspect, text
from sqlalchemy.engine import URL

from inspect_app.core.audit import ChainReport, verify_chain
from inspect_app.extensions import db

FORMAT = 1
MANIFEST = "manifest.json"
UPLOADS = "uploads.tar"
DATABASE_PARTS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
CHUNK = 1024 * 1024
# Names of the scheduled backups under BACKUP_DIR (sorting by name sorts by time).
ROTATED = re.compile(r"inspect-\d{8}-\d{6}")


class BackupError(Exception):
    """A backup that cannot be written or restored; the message says why, for the operator."""


@dataclass
class Restored:
    head: str
    files: int
    audit: ChainReport


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def database_kind() -> str:
    name = db.engine.dialect.name
    if name not in DATABASE_PARTS:
        raise BackupError(f"backups support PostgreSQL and SQLite, not {name}")
    return name


def code_head() -> str:
    """The migration head of this code (what `flask db upgrade` brings a database to)."""
    heads = ScriptDirectory(current_app.extensions["migrate"].directory).get_heads()
    if len(heads) != 1:
        raise BackupError(f"the migrations have {len(heads)} heads; expected one")
    return heads[0]


def database_head() -> str | None:
    """The migration the database is at (None: never migrated)."""
    if not inspect(db.engine).has_table("alembic_version"):
        return None
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


# --- create ---------------------------------------------------------------------------------


def create(folder: str | os.PathLike) -> dict:
    """Write a backup into `folder` (new or empty); returns the manifest."""
    target = Path(folder)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"{target} exists and is not an empty folder")
    kind = database_kind()
    head = database_head()
    if head is None:
        raise BackupError("the database has no migration version: run `flask db upgrade` first")
    created = not target.exists()
    target.mkdir(parents=True, exist_ok=True)
    db_part = target / DATABASE_PARTS[kind]
    try:
        if kind == "postgresql":
            _pg(
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(db_part),
            )
        else:
            _sqlite_copy(db_part)
        files = _tar_uploads(target / UPLOADS)
    except BaseException:
        # Half a backup must never be mistaken for one (it has no manifest either).
        if created:
            shutil.rmtree(target, ignore_errors=True)
        else:
            for part in target.iterdir():
                part.unlink()
        raise
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": kind,
        "migration_head": head,
        "uploaded_files": files,
        "parts": {
            part.name: {"sha256": sha256(part), "bytes": part.stat().st_size}
            for part in (db_part, target / UPLOADS)
        },
    }
    if kind == "postgresql":
        manifest["pg_dump"] = _pg_version("pg_dump")
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def _sqlite_copy(dest: Path) -> None:
    """SQLite's online backup API: a consistent copy while others read and write."""
    source = db.engine.raw_connection()
    try:
        out = sqlite3.connect(dest)
        try:
            source.driver_connection.backup(out)
        finally:
            out.close()
    finally:
        source.close()


def _upload_root() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"])


def _tar_uploads(dest: Path) -> int:
    """Every regular file of the upload folder (half-written `.part` files left out)."""
    root = _upload_root()
    count = 0
    with tarfile.open(dest, "w") as tar:
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file() and not path.is_symlink() and path.suffix != ".part":
                    tar.add(path, arcname=path.relative_to(root).as_posix(), recursive=False)
                    count += 1
    return count


# --- restore --------------------------------------------------------------------------------


def check(folder: str | os.PathLike) -> dict:
    """The manifest of an intact backup that this code and this database can take."""
    source = Path(folder)
    manifest_path = source / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"{source} is not a backup: {MANIFEST} is missing")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        parts = manifest["parts"]
        kind, head = manifest["database"], manifest["migration_head"]
    except (ValueError, KeyError, TypeError):
        raise BackupError(f"{manifest_path} is damaged (not a backup manifest)") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"backup format {manifest.get('format')!r} is not {FORMAT}")
    if kind not in DATABASE_PARTS:
        raise BackupError(f"unknown database kind in the manifest: {kind!r}")
    for name in (DATABASE_PARTS[kind], UPLOADS):
        if name not in parts:
            raise BackupError(f"the manifest lists no {name}: the backup is incomplete")
    for name, info in parts.items():
        path = source / Path(name).name
        if not path.is_file():
            raise BackupError(f"{name} is missing from the backup")
        if sha256(path) != info.get("sha256"):
            raise BackupError(f"{name} is damaged: its sha256 differs from the manifest")
    here = database_kind()
    if kind != here:
        raise BackupError(f"this is a {kind} backup; the target database is {here}")
    code = code_head()
    if head != code:
        raise BackupError(
            f"the backup is at migration {head}, this code at {code}: restore it with the "
            "version of the application that made it, then upgrade"
        )
    return manifest


def restore(folder: str | os.PathLike) -> Restored:
    """Load a checked backup into an empty database and an empty upload folder."""
    source = Path(folder)
    manifest = check(source)
    tables = inspect(db.engine).get_table_names()
    if tables:
        raise BackupError(
            f"the target database is not empty ({len(tables)} tables): restore only into a "
            "new, empty database"
        )
    root = _upload_root()
    if root.is_dir() and any(root.iterdir()):
        raise BackupError(f"the upload folder {root} is not empty")
    db.session.remove()
    part = source / DATABASE_PARTS[manifest["database"]]
    if manifest["database"] == "postgresql":
        db.engine.dispose()
        _pg(
            "pg_restore",
            *("--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"),
            *("--dbname", str(db.engine.url.database), str(part)),
        )
    else:
        _sqlite_load(part)
    db.engine.dispose()
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / UPLOADS) as tar:
        members = tar.getmembers()
        tar.extractall(root, filter="data")
    return Restored(database_head() or "", len(members), verify_chain())


def _sqlite_load(part: Path) -> None:
    target = db.engine.raw_connection()
    try:
        src = sqlite3.connect(f"file:{part}?mode=ro", uri=True)
        try:
            src.backup(target.driver_connection)
        finally:
            src.close()
    finally:
        target.close()


# --- the scheduled job ------------------------------------------------------------------------


def rotate(root: str | os.PathLike, keep: int) -> tuple[Path, list[Path]]:
    """A new backup under `root`, then the oldest scheduled backups beyond `keep` removed."""
    base = Path(root)
    folder = base / _stamp()
    create(folder)
    done = sorted(p for p in base.iterdir() if p.is_dir() and ROTATED.fullmatch(p.name))
    removed = done[: max(len(done) - max(keep, 1), 0)]
    for old in removed:
        shutil.rmtree(old)
    return folder, removed


def _stamp() -> str:
    return datetime.now(UTC).strftime("inspect-%Y%m%d-%H%M%S")


# --- PostgreSQL client tools ------------------------------------------------------------------


def _pg_env() -> dict[str, str]:
    """The connection as libpq environment variables (the password never on a command line)."""
    url: URL = db.engine.url
    env = dict(os.environ)
    for var, value in (
        ("PGHOST", url.host or url.query.get("host")),
        ("PGPORT", url.port),
        ("PGUSER", url.username),
        ("PGPASSWORD", url.password),
        ("PGDATABASE", url.database),
        ("PGSSLMODE", url.query.get("sslmode")),
    ):
        if value:
            env[var] = str(value)
    return env


def _pg(tool: str, *args: str) -> None:
    exe = shutil.which(tool)
    if exe is None:
        raise BackupError(f"{tool} is not installed (Debian: postgresql-client)")
    done = subprocess.run(  # noqa: S603  # nosec B603 - fixed tool, argument list
        [exe, *args], env=_pg_env(), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{tool} failed: {done.stderr.strip()[-2000:]}")


def _pg_version(tool: str) -> str:
    exe = shutil.which(tool) or tool
    done = subprocess.run(  # noqa: S603  # nosec B603 - fixed tool, argument list
        [exe, "--version"], capture_output=True, text=True, check=False
    )
    return done.stdout.strip()
