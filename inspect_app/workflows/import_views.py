"""Pages of the tracker import (nhập sổ theo dõi): the template, the upload and its dry run,
the choices of ambiguous names, the error report and the import itself.

The uploaded file is stored once (core.files, under a random name); the pages that follow name
it by a signed token bound to the user, so the dry run, the report and the import read the same
bytes without uploading them again.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from inspect_app.core.errors import OperationError
from inspect_app.core.files import max_upload_bytes, sanitize_filename, store_bytes, stored_path
from inspect_app.core.htmx import redirect_to, render
from inspect_app.core.permissions import access, require
from inspect_app.core.roles import Role
from inspect_app.core.tabular import XLSX_MIME, attachment
from inspect_app.core.templating import register_actions
from inspect_app.extensions import db
from inspect_app.workflows import imports

bp = Blueprint("imports", __name__, url_prefix="/imports")
IMPORTERS = (Role.ADMIN, Role.LEADERSHIP)
TOKEN_MAX_AGE = 2 * 24 * 3600
SHOWN_OK_ROWS = 200

register_actions(
    {
        "tracker_imported": _l("Tracker imported"),
        "case_imported": _l("Imported from a tracker"),
        "case_import_updated": _l("Updated from a tracker"),
        "inspection_imported": _l("Imported from a tracker"),
        "inspection_import_updated": _l("Updated from a tracker"),
    }
)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="tracker-import")


def _token(stored_name: str, filename: str) -> str:
    return _serializer().dumps({"f": stored_name, "n": filename, "u": current_user.id})


def _upload(token: str) -> tuple[str, bytes]:
    """(file name, bytes) of this user's upload named by `token`; 404 for any other token."""
    try:
        data = _serializer().loads(token, max_age=TOKEN_MAX_AGE)
    except BadSignature:
        abort(404)
    if data.get("u") != current_user.id:
        abort(404)
    try:
        with open(stored_path(data["f"]), "rb") as stored:
            return data["n"], stored.read()
    except (OSError, ValueError):
        abort(404)


def _choices() -> dict[str, str]:
    source = request.form if request.method == "POST" else request.args
    return {k: v for k, v in source.items() if k.startswith("choose-") and v}


def _page(status: int = 200, errors: dict | None = None, **context):
    context.setdefault("run", None)
    return render("imports/index.html", status=status, errors=errors or {}, **context)


def _dry_run_page(token: str, filename: str, data: bytes, status: int = 200, table=None):
    """The dry run of the stored upload with the current choices, or the refusal (422)."""
    choices = _choices()
    try:
        table = table if table is not None else imports.read_table(data, filename)
        run = imports.check(current_user, table, filename, choices)
    except imports.ImportFileError as e:
        return _page(422, {"file": [str(e.message)]}, filename=filename)
    ok_rows = [r for r in run.results if r.status == imports.OK]
    return _page(
        status,
        run=run,
        token=token,
        choices=choices,
        problems=[r for r in run.results if r.status != imports.OK],
        ok_rows=ok_rows[:SHOWN_OK_ROWS],
        more_ok=max(0, len(ok_rows) - SHOWN_OK_ROWS),
        status_label=imports.status_label,
    )


@bp.route("")
@access(*IMPORTERS)
def index():
    """The import page: the template to download and the upload form."""
    require(imports.can_import(current_user))
    return _page()


@bp.route("/template.xlsx")
@access(*IMPORTERS)
def template():
    """The empty tracker with its Vietnamese headers and the instructions sheet."""
    require(imports.can_import(current_user))
    return attachment(imports.template_bytes(), XLSX_MIME, "mau-so-theo-doi-kien-nghi.xlsx")


@bp.route("/check", methods=["POST"])
@access(*IMPORTERS)
def check():
    """Store the uploaded tracker and show its dry run; 422 with the reason when the file cannot
    be read (not a spreadsheet, password, too many rows, merged cells, no file)."""
    require(imports.can_import(current_user))
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _page(422, {"file": [_("Choose the tracker file (XLSX or CSV).")]})
    data = upload.read(max_upload_bytes() + 1)
    if len(data) > max_upload_bytes():
        message = _("The file is larger than %(mb)d MB.", mb=current_app.config["MAX_UPLOAD_MB"])
        return _page(422, {"file": [message]})
    filename = sanitize_filename(upload.filename, "so-theo-doi")
    try:
        table = imports.read_table(data, filename)
    except imports.ImportFileError as e:
        return _page(422, {"file": [str(e.message)]}, filename=filename)
    stored_name, _sha, _size = store_bytes(data)
    return _dry_run_page(_token(stored_name, filename), filename, data, table=table)


@bp.route("/<token>/check", methods=["POST"])
@access(*IMPORTERS)
def recheck(token: str):
    """The dry run again with the units and legal references chosen for ambiguous names."""
    require(imports.can_import(current_user))
    filename, data = _upload(token)
    return _dry_run_page(token, filename, data)


@bp.route("/<token>/report.xlsx")
@access(*IMPORTERS)
def report(token: str):
    """The uploaded sheet with each row's status and message (the choices made so far apply)."""
    require(imports.can_import(current_user))
    filename, data = _upload(token)
    try:
        table = imports.read_table(data, filename)
    except imports.ImportFileError:
        abort(404)
    run = imports.check(current_user, table, filename, _choices())
    stem = filename.rsplit(".", 1)[0] or "so-theo-doi"
    return attachment(imports.error_report(table, run), XLSX_MIME, f"{stem}-ket-qua-kiem-tra.xlsx")


@bp.route("/<token>/run", methods=["POST"])
@access(*IMPORTERS)
def run(token: str):
    """Import every row in one transaction (303 to the cases, with the counts); the dry run
    again with 422 when any row has an error: nothing is imported then."""
    require(imports.can_import(current_user))
    filename, data = _upload(token)
    try:
        table = imports.read_table(data, filename)
    except imports.ImportFileError as e:
        return _page(422, {"file": [str(e.message)]}, filename=filename)
    dry = imports.check(current_user, table, filename, _choices())
    try:
        summary = imports.apply(current_user, dry)
        db.session.flush()
    except OperationError as e:
        db.session.rollback()
        flash(str(e.message), "error")
        return _dry_run_page(token, filename, data, status=422)
    flash(
        _(
            "Imported from %(file)s: %(created)d recommendations added, %(updated)d updated, "
            "%(unchanged)d unchanged; %(inspections)d conclusions added.",
            file=filename,
            created=summary.created,
            updated=summary.updated,
            unchanged=summary.unchanged,
            inspections=summary.inspections,
        ),
        "success",
    )
    return redirect_to("imports.index")
