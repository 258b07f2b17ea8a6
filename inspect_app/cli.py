"""Command-line tools: `flask seed-demo`, `flask create-user`, `flask documents verify FILE`,
`flask audit verify`, `flask backup create|restore`, `flask import cases`."""

from __future__ import annotations

import sys

import click
from flask import Flask
from sqlalchemy import select

from inspect_app.auth.demo import DEMO_PASSWORD
from inspect_app.auth.models import User
from inspect_app.auth.operations import create_user
from inspect_app.core import backup
from inspect_app.core.audit import verify_chain
from inspect_app.core.errors import OperationError
from inspect_app.core.search import fold
from inspect_app.extensions import db
from inspect_app.reports.signing import verify_pdf
from inspect_app.scheduler import register_scheduler_cli
from inspect_app.seed import FIRST_STEPS, seed_demo
from inspect_app.units.models import Unit
from inspect_app.workflows import imports


def register_cli(app: Flask) -> None:
    register_scheduler_cli(app)

    @app.cli.command("seed-demo")
    def seed_demo_command():
        """Create the demo province, units and users (safe to run again)."""
        seed_demo()
        db.session.commit()
        # Every demo account, the deputy and others added by feature seeders included.
        users = db.session.execute(select(User).order_by(User.role, User.username)).scalars()
        click.echo(f"Demo data ready. Sign in with any of these (password: {DEMO_PASSWORD}):")
        for u in users:
            click.echo(f"  {u.username:<16} {u.role.label:<20} {u.full_name}")
        click.echo("What to try first, per role:")
        for username, step in FIRST_STEPS:
            click.echo(f"  {username:<16} {step}")

    @app.cli.command("create-user")
    @click.option("--username", required=True)
    @click.option("--full-name", required=True)
    @click.option(
        "--role",
        required=True,
        type=click.Choice(["admin", "inspector", "lead_inspector", "unit_leader", "leadership"]),
    )
    @click.option("--unit-code", default=None, help="Unit code (required for unit leaders).")
    @click.option("--email", default=None)
    @click.password_option()
    def create_user_command(username, full_name, role, unit_code, email, password):
        """Create an account from the command line."""
        unit_id = None
        if unit_code:
            unit_id = db.session.execute(
                select(Unit.id).where(Unit.code == unit_code.upper())
            ).scalar_one_or_none()
            if unit_id is None:
                raise click.ClickException(f"Unknown unit code: {unit_code}")
        data = {"username": username, "full_name": full_name, "role": role, "unit_id": unit_id}
        data.update(email=email, password=password)
        try:
            user = create_user(None, data)
        except OperationError as e:
            db.session.rollback()
            raise click.ClickException(str(e.message)) from None
        db.session.commit()
        click.echo(f"Created {user.username} ({role}).")

    @app.cli.group("documents")
    def documents_group():
        """Official documents."""

    @documents_group.command("verify")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    def documents_verify(path):
        """Check a PDF's digital signature offline (DOCUMENT_TRUST_ROOTS): valid and by whom."""
        with open(path, "rb") as f:
            status = verify_pdf(f.read())
        messages = {
            "valid": "Signature VALID",
            "untrusted": "Signature intact but the certificate is NOT TRUSTED",
            "invalid": "Signature INVALID",
            "unsigned": "No digital signature",
        }
        line = messages[status.state]
        if status.signer:
            line += f": signed by {status.signer}"
        if status.signed_at:
            line += f" on {status.signed_at:%d/%m/%Y %H:%M} UTC"
        if status.detail:
            line += f" ({status.detail})"
        click.echo(line)
        if not status.valid:
            sys.exit(1)

    @app.cli.group("audit")
    def audit_group():
        """The audit trail."""

    @audit_group.command("verify")
    def audit_verify():
        """Walk the hash chain and report the first tampered or missing event."""
        report = verify_chain()
        if report.ok:
            click.echo(f"Audit chain intact: {report.checked} events verified.")
            return
        click.echo(
            f"Audit chain BROKEN at event {report.broken_id}: {report.reason} "
            f"({report.checked} events verified before it).",
            err=True,
        )
        sys.exit(1)

    @app.cli.group("backup")
    def backup_group():
        """Backups of the database and the uploaded files."""

    @backup_group.command("create")
    @click.argument("folder", type=click.Path(file_okay=False))
    def backup_create(folder):
        """Write a backup into FOLDER (new or empty): the database, the uploaded files and a
        manifest with the sha256 of each part and the migration head."""
        try:
            manifest = backup.create(folder)
        except (backup.BackupError, OSError) as e:  # OSError: a full disk, a read-only folder
            raise click.ClickException(f"Backup not written: {e}") from None
        click.echo(
            f"Backup written to {folder}: {manifest['database']} database at migration "
            f"{manifest['migration_head']}, {manifest['uploaded_files']} uploaded files."
        )

    @backup_group.command("restore")
    @click.argument("folder", type=click.Path(exists=True, file_okay=False))
    def backup_restore(folder):
        """Restore the backup in FOLDER into an empty database and upload folder, then verify
        the audit chain. Refuses a damaged backup or one of another database kind or
        migration."""
        try:
            done = backup.restore(folder)
        except (backup.BackupError, OSError) as e:
            raise click.ClickException(f"Backup not restored: {e}") from None
        click.echo(f"Restored {folder}: migration {done.head}, {done.files} uploaded files.")
        if not done.audit.ok:
            click.echo(
                f"Audit chain BROKEN at event {done.audit.broken_id}: {done.audit.reason} "
                f"({done.audit.checked} events verified before it).",
                err=True,
            )
            sys.exit(1)
        click.echo(f"Audit chain intact: {done.audit.checked} events verified.")

    @app.cli.group("import")
    def import_group():
        """Take in data an office already keeps."""

    @import_group.command("cases")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False))
    @click.option("--dry-run", is_flag=True, help="Check every row, import nothing.")
    @click.option(
        "--user", "username", default=None, help="Who imports (an administrator by default)."
    )
    @click.option(
        "--choose",
        multiple=True,
        metavar="NAME=CODE",
        help="The unit (by code) meant by a name that matches several units.",
    )
    def import_cases(file, dry_run, username, choose):
        """Import a tracker of conclusions and recommendations (XLSX or CSV, the template's
        columns): every row or none; exits 1 when a row has an error."""
        actor = _importer(username)
        with open(file, "rb") as stream:
            data = stream.read()
        name = file.replace("\\", "/").rsplit("/", 1)[-1]
        try:
            table = imports.read_table(data, name)
            choices = _unit_choices(choose)
            run = imports.check(actor, table, name, choices)
        except OperationError as e:
            raise click.ClickException(str(e.message)) from None
        for result in run.results:
            if result.status != imports.OK:
                click.echo(f"row {result.row}: {result.status}: {result.message}")
        for a in run.ambiguities:
            options = ", ".join(label for _id, label in a.candidates)
            click.echo(f'ambiguous {a.kind} "{a.name}": {options} (use --choose)')
        click.echo(
            f"{len(run.results)} rows: {run.count(imports.OK)} ok, "
            f"{run.count(imports.WARNING)} warnings, {run.count(imports.ERROR)} errors; "
            f"{run.actions(imports.CREATE)} to add, {run.actions(imports.UPDATE)} to update, "
            f"{run.actions(imports.UNCHANGED)} unchanged."
        )
        if not run.importable:
            db.session.rollback()
            click.echo("Nothing imported.", err=True)
            sys.exit(1)
        if dry_run:
            db.session.rollback()
            click.echo("Dry run: nothing imported.")
            return
        summary = imports.apply(actor, run)
        db.session.commit()
        click.echo(
            f"Imported: {summary.created} added, {summary.updated} updated, "
            f"{summary.unchanged} unchanged; {summary.inspections} conclusions added."
        )


def _importer(username: str | None) -> User:
    query = select(User).where(User.active.is_(True))
    if username:
        query = query.where(User.username == username)
    else:
        query = query.where(User.role == "admin").order_by(User.id)
    user = db.session.execute(query.limit(1)).scalar_one_or_none()
    if user is None or not imports.can_import(user):
        raise click.ClickException("No active administrator or leadership account to import as.")
    return user


def _unit_choices(choose) -> dict[str, str]:
    """--choose "Phòng Tổ chức=PTC": the unit meant by an ambiguous name, by its code."""
    choices = {}
    for item in choose:
        name, _sep, code = item.rpartition("=")
        unit_id = db.session.execute(
            select(Unit.id).where(Unit.code == code.strip().upper())
        ).scalar_one_or_none()
        if not name or unit_id is None:
            raise click.ClickException(f"--choose wants NAME=UNIT_CODE, got: {item}")
        choices[f"choose-unit-{fold(name)}"] = str(unit_id)
    return choices
