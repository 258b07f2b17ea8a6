"""Pages of the findings feature: log, view, edit findings; evidence downloads."""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, current_app, flash, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from inspect_app.core import audit, clock
from inspect_app.core.errors import OperationError
from inspect_app.core.files import ACCEPT, EvidenceFile, send_evidence
from inspect_app.core.forms import load_form
from inspect_app.core.htmx import redirect_to, render
from inspect_app.core.pagination import paginate
from inspect_app.core.permissions import AUTHENTICATED, access, require
from inspect_app.core.roles import STAFF, Role
from inspect_app.core.templating import register_actions, register_nav
from inspect_app.extensions import db
from inspect_app.findings import operations
from inspect_app.findings.access import (
    OPEN_STATES,
    can_manage_inspection,
    get_visible_inspection,
    is_team_member,
)
from inspect_app.findings.models import Finding
from inspect_app.findings.queries import (
    active_fields,
    clean_filters,
    filter_choices,
    findings_of,
    findings_query,
)
from inspect_app.findings.schemas import FindingEditSchema, FindingSchema
from inspect_app.reference.models import Severity

bp = Blueprint("findings", __name__)

register_nav("findings.index", _l("Findings"), STAFF)
register_actions(
    {
        "finding_created": _l("Finding logged"),
        "finding_updated": _l("Finding edited"),
        "finding_deleted": _l("Finding deleted"),
        "evidence_added": _l("Evidence file added"),
        "evidence_removed": _l("Evidence file removed"),
        "conclusion_file_attached": _l("Signed conclusion uploaded"),
    }
)

STAFF_ROLES = (Role.INSPECTOR, Role.LEAD_INSPECTOR, Role.LEADERSHIP, Role.ADMIN)
TEAM_ROLES = (Role.INSPECTOR, Role.LEAD_INSPECTOR)
ACCEPT_CAPTURE = "image/*,application/pdf"


@bp.app_context_processor
def _findings_helpers():
    return {"findings_panel": findings_panel}


def findings_panel(inspection) -> dict:
    """What the inspection page's findings fragment shows to the signed-in user."""
    user = current_user
    return {
        "findings": findings_of(inspection),
        "can_log": is_team_member(user, inspection) and inspection.state in OPEN_STATES,
        "can_upload_conclusion": inspection.is_concluded
        and can_manage_inspection(user, inspection),
        "conclusion_file": inspection.conclusion_file,
    }


def _uploads() -> list:
    return [f for f in request.files.getlist("files") if f and f.filename]


def _error_dict(e: OperationError) -> dict:
    return {e.field or "_schema": [str(e.message)]}


def _get_finding(finding_id: int) -> Finding:
    """The finding if the user may see its inspection, else 404."""
    finding = db.session.get(Finding, finding_id)
    if finding is None or not finding.can_view(current_user):
        abort(404)
    return finding


def _get_evidence(evidence_id: int) -> EvidenceFile:
    evidence = db.session.get(EvidenceFile, evidence_id)
    if evidence is None or not evidence.can_view(current_user):
        abort(404)
    return evidence


@bp.route("/findings")
@access(*STAFF_ROLES)
def index():
    """All findings the user may see, filtered by inspection, field, severity, unit, text."""
    filters = clean_filters(request.args)
    page = paginate(findings_query(current_user, filters))
    return render(
        "findings/index.html",
        "findings/_table.html",
        page=page,
        filters=filters,
        choices=filter_choices(current_user),
    )


def _form_page(inspection, finding, errors, status=200, form=None):
    return render(
        "findings/form.html",
        status=status,
        inspection=inspection,
        finding=finding,
        fields=active_fields(),
        severities=list(Severity),
        errors=errors,
        form=request.form if form is None else form,
        accept=ACCEPT_CAPTURE,
        observed_default=clock.local(finding.observed_at if finding else clock.now()).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        new_key=secrets.token_hex(16),
    )


@bp.route("/inspections/<int:inspection_id>/findings/new", methods=["GET", "POST"])
@access(*TEAM_ROLES)
def new(inspection_id: int):
    """Log a finding with evidence (404 unseen inspection, 403 not on the team, 422 closed
    inspection or bad input, 413 file too large)."""
    inspection = get_visible_inspection(current_user, inspection_id)
    require(is_team_member(current_user, inspection))
    if request.method == "GET":
        operations.check_open(inspection)
        return _form_page(inspection, None, {})
    data, errors = load_form(FindingSchema())
    status = 422
    if data:
        try:
            finding = operations.create_finding(current_user, inspection, data, _uploads())
            db.session.commit()
        except OperationError as e:
            db.session.rollback()
            if e.status == 403:
                raise
            errors, status = _error_dict(e), e.status
        except IntegrityError:
            # The same form (idempotency key) was saved by a concurrent retry: show that one.
            db.session.rollback()
            inspection = get_visible_inspection(current_user, inspection_id)
            finding = operations.replayed(current_user, inspection, data.get("idempotency_key"))
            if finding is None:
                raise
            return redirect_to("findings.detail", finding_id=finding.id)
        else:
            flash(_("Finding saved."), "success")
            return redirect_to("findings.detail", finding_id=finding.id)
    if _uploads():
        errors.setdefault("files", [_("Please choose the files again.")])
    return _form_page(inspection, None, errors, status)


@bp.route("/findings/<int:finding_id>")
@access(AUTHENTICATED)
def detail(finding_id: int):
    """A finding with its evidence files (thumbnails, SHA-256) and its history."""
    finding = _get_finding(finding_id)
    return _detail_page(finding, {})


def _detail_page(finding: Finding, errors: dict, status: int = 200):
    return render(
        "findings/detail.html",
        status=status,
        finding=finding,
        can_edit=finding.can_edit(current_user),
        events=audit.events_for("Finding", finding.id),
        errors=errors,
        accept=f"{ACCEPT_CAPTURE},{ACCEPT}",
    )


@bp.route("/findings/<int:finding_id>/edit", methods=["GET", "POST"])
@access(*TEAM_ROLES)
def edit(finding_id: int):
    """Edit a finding (author only, 403 others; 422 once locked; 409 on a stale form)."""
    finding = _get_finding(finding_id)
    inspection = finding.inspection
    if finding.author_id != current_user.id:
        abort(403)
    if request.method == "GET":
        operations.check_open(inspection)
        return _form_page(inspection, finding, {})
    data, errors = load_form(FindingEditSchema())
    status = 422
    if data:
        try:
            operations.update_finding(current_user, finding, data)
        except OperationError as e:
            db.session.rollback()
            if e.status == 403:
                raise
            if e.status == 409:
                flash(str(e.message), "error")
                current = _get_finding(finding_id)
                return _form_page(current.inspection, current, {}, 409, form={})
            errors, status = _error_dict(e), e.status
        else:
            db.session.commit()
            flash(_("Finding saved."), "success")
            return redirect_to("findings.detail", finding_id=finding.id)
    return _form_page(inspection, finding, errors, status)


@bp.route("/findings/<int:finding_id>/delete", methods=["POST"])
@access(*TEAM_ROLES)
def delete(finding_id: int):
    """Delete a finding and its files (author only, before the conclusion; 409 if stale)."""
    finding = _get_finding(finding_id)
    inspection_id = finding.inspection_id
    version = request.form.get("version", type=int)
    operations.delete_finding(current_user, finding, version)
    db.session.commit()
    flash(_("Finding deleted."), "success")
    if "inspections.detail" in current_app.view_functions:
        return redirect_to("inspections.detail", inspection_id=inspection_id)
    return redirect_to("findings.index", inspection=inspection_id)


@bp.route("/findings/<int:finding_id>/evidence", methods=["POST"])
@access(*TEAM_ROLES)
def add_evidence(finding_id: int):
    """Attach evidence files to a finding (author only; 422/413 for a refused file)."""
    finding = _get_finding(finding_id)
    files = _uploads()
    if not files:
        return _detail_page(finding, {"files": [_("Choose at least one file.")]}, 422)
    try:
        for file_storage in files:
            operations.add_evidence(current_user, finding, file_storage)
    except OperationError as e:
        db.session.rollback()
        if e.status == 403:
            raise
        return _detail_page(_get_finding(finding_id), _error_dict(e), e.status)
    db.session.commit()
    flash(ngettext("%(num)d file added.", "%(num)d files added.", len(files)), "success")
    return redirect_to("findings.detail", finding_id=finding.id)


@bp.route("/evidence/<int:evidence_id>/delete", methods=["POST"])
@access(*TEAM_ROLES)
def remove_evidence(evidence_id: int):
    """Remove an evidence file (author of its finding, before the conclusion)."""
    evidence = _get_evidence(evidence_id)
    finding_id = evidence.finding_id
    operations.remove_evidence(current_user, evidence)
    db.session.commit()
    flash(_("File removed."), "success")
    return redirect_to("findings.detail", finding_id=finding_id)


@bp.route("/evidence/<int:evidence_id>")
@access(AUTHENTICATED)
def evidence(evidence_id: int):
    """Download a stored file (404 unless the user may see its inspection)."""
    return send_evidence(_get_evidence(evidence_id))


@bp.route("/evidence/<int:evidence_id>/thumb")
@access(AUTHENTICATED)
def thumbnail(evidence_id: int):
    """The JPEG thumbnail of an image (404 unless visible and an image)."""
    return send_evidence(_get_evidence(evidence_id), thumbnail=True)


@bp.route("/inspections/<int:inspection_id>/conclusion-file", methods=["GET", "POST"])
@access(Role.LEAD_INSPECTOR, Role.LEADERSHIP, Role.ADMIN)
def conclusion_file(inspection_id: int):
    """Upload the signed conclusion (team leader or leadership, once concluded)."""
    inspection = get_visible_inspection(current_user, inspection_id)
    require(can_manage_inspection(current_user, inspection))
    errors: dict = {}
    status = 200
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            errors, status = {"file": [_("Choose the signed conclusion file.")]}, 422
        else:
            try:
                operations.attach_conclusion_file(current_user, inspection, upload)
            except OperationError as e:
                db.session.rollback()
                if e.status == 403:
                    raise
                errors, status = {"file": [str(e.message)]}, e.status
                inspection = get_visible_inspection(current_user, inspection_id)
            else:
                db.session.commit()
                flash(_("The signed conclusion has been uploaded."), "success")
                if "inspections.detail" in current_app.view_functions:
                    return redirect_to("inspections.detail", inspection_id=inspection.id)
                return redirect_to("findings.conclusion_file", inspection_id=inspection.id)
    return render(
        "findings/conclusion_file.html",
        status=status,
        inspection=inspection,
        errors=errors,
        accept="application/pdf,.pdf",
    )
