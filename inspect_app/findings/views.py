"""Pages of the findings feature: log, view, edit findings; evidence downloads."""

from __future__ import annotations

import secrets

from flask import Blueprint, flash, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from inspect_app.core import audit, clock, records
from inspect_app.core.actions import form_action
from inspect_app.core.crud import edit_page, typed_input
from inspect_app.core.files import ACCEPT, EvidenceFile, send_evidence
from inspect_app.core.htmx import redirect_to, render
from inspect_app.core.loading import get_visible_or_404
from inspect_app.core.pagination import FilteredList
from inspect_app.core.permissions import AUTHENTICATED, access, require
from inspect_app.core.roles import STAFF, Role
from inspect_app.core.templating import register_actions, register_nav
from inspect_app.findings import operations
from inspect_app.findings.models import Finding
from inspect_app.findings.queries import (
    FindingFilters,
    active_fields,
    filter_choices,
    findings_query,
)
from inspect_app.findings.schemas import FindingEditSchema, FindingSchema
from inspect_app.inspections.models import Inspection
from inspect_app.reference.models import Severity

bp = Blueprint("findings", __name__)

register_actions(
    {
        "finding_created": _l("Finding logged"),
        "finding_updated": _l("Finding edited"),
        "finding_deleted": _l("Finding deleted"),
        "finding_duplicated": _l("Finding copied from another"),
        "evidence_added": _l("Evidence file added"),
        "evidence_removed": _l("Evidence file removed"),
        "conclusion_file_attached": _l("Signed conclusion uploaded"),
    }
)

STAFF_ROLES = (*STAFF, Role.CHAIRMAN)
TEAM_ROLES = (Role.INSPECTOR, Role.LEAD_INSPECTOR)
register_nav("findings.index", _l("Findings"), STAFF_ROLES)
ACCEPT_CAPTURE = "image/*,application/pdf"


def _uploads() -> list:
    return [f for f in request.files.getlist("files") if f and f.filename]


def _get_finding(finding_id: int) -> Finding:
    """The finding if the user may see its inspection, else 404."""
    return get_visible_or_404(Finding, finding_id)


def _get_evidence(evidence_id: int) -> EvidenceFile:
    """The file if the user may see its owner, else 404."""
    return get_visible_or_404(EvidenceFile, evidence_id)


#: The list of findings: its page, its export and the API's listing.
FINDINGS = FilteredList(
    FindingFilters.from_args,
    lambda filters: findings_query(current_user, filters),
    "findings/index.html",
    "findings/_table.html",
)


@bp.route("/findings")
@access(*STAFF_ROLES)
def index():
    """All findings the user may see, filtered by inspection, field, severity, unit, text."""
    return FINDINGS.page(choices=filter_choices(current_user))


@bp.route("/findings/export.<any(csv, xlsx):fmt>")
@access(*STAFF_ROLES)
def export(fmt: str):
    """The findings of the list under its current filters, as XLSX or CSV."""
    columns = [
        (_("Observed"), lambda f: clock.local(f.observed_at).replace(tzinfo=None)),
        (_("Finding"), lambda f: f.description),
        (_("Field"), lambda f: f.field.name if f.field else ""),
        (_("Place"), lambda f: f.place or ""),
        (_("Severity"), lambda f: f.severity.label),
        (_("Inspection"), lambda f: f.inspection.decision_number),
        (_("Target unit"), lambda f: f.inspection.target_unit.name),
        (_("Author"), lambda f: f.author.full_name),
        (_("Files"), lambda f: len(f.files)),
    ]
    return FINDINGS.export(fmt, _("Findings"), "phat-hien", columns)


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
    inspection = get_visible_or_404(Inspection, inspection_id)
    require(inspection.can_log_findings(current_user, check_state=False))
    if request.method == "GET":
        operations.check_open(inspection)
        return _form_page(inspection, None, {})

    def run(data: dict) -> Finding:
        return records.create_once(
            lambda: operations.create_finding(current_user, inspection, data, _uploads()),
            lambda: operations.replayed(current_user, inspection, data.get("idempotency_key")),
        )

    def page(status: int, errors: dict):
        if _uploads():
            errors.setdefault("files", [_("Please choose the files again.")])
        return _form_page(get_visible_or_404(Inspection, inspection_id), None, errors, status)

    return form_action(
        FindingSchema(),
        run,
        page=page,
        done=lambda finding: redirect_to("findings.detail", finding_id=finding.id),
        message=_l("Finding saved."),
    )


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
        can_duplicate=finding.can_duplicate(current_user),
        events=audit.events_for("Finding", finding.id),
        errors=errors,
        accept=f"{ACCEPT_CAPTURE},{ACCEPT}",
    )


@bp.route("/findings/<int:finding_id>/edit", methods=["GET", "POST"])
@access(*TEAM_ROLES)
def edit(finding_id: int):
    """Edit a finding (author only, 403 others; 422 once locked; 409 on a stale form)."""
    finding = _get_finding(finding_id)
    require(finding.can_edit(current_user, check_state=False))
    if request.method == "GET":
        operations.check_open(finding.inspection)
    return edit_page(
        FindingEditSchema(),
        lambda data: operations.update_finding(current_user, finding, data),
        form=lambda status, errors: _form_page(
            finding.inspection, finding, errors, status, typed_input(status)
        ),
        done=lambda _f: redirect_to("findings.detail", finding_id=finding_id),
        message=_l("Finding saved."),
    )


@bp.route("/findings/<int:finding_id>/duplicate", methods=["POST"])
@access(*TEAM_ROLES)
def duplicate(finding_id: int):
    """Copy a finding as a new one of the same inspection, then edit the copy (team members
    while the inspection takes findings; 403 others, 422 once locked)."""
    finding = _get_finding(finding_id)
    require(finding.can_duplicate(current_user, check_state=False))
    (copy,) = operations.duplicate_findings(current_user, [finding])
    flash(_("Finding copied: edit the copy."), "success")
    return redirect_to("findings.edit", finding_id=copy.id)


@bp.route("/findings/<int:finding_id>/delete", methods=["POST"])
@access(*TEAM_ROLES)
def delete(finding_id: int):
    """Delete a finding and its files (author only, before the conclusion; 409 if stale)."""
    finding = _get_finding(finding_id)
    inspection_id = finding.inspection_id
    version = request.form.get("version", type=int)
    operations.delete_finding(current_user, finding, version)
    flash(_("Finding deleted."), "success")
    return redirect_to("inspections.detail", inspection_id=inspection_id)


@bp.route("/findings/<int:finding_id>/evidence", methods=["POST"])
@access(*TEAM_ROLES)
def add_evidence(finding_id: int):
    """Attach evidence files to a finding (author only; 422/413 for a refused file)."""
    finding = _get_finding(finding_id)
    files = _uploads()
    if not files:
        return _detail_page(finding, {"files": [_("Choose at least one file.")]}, 422)
    return form_action(
        None,
        lambda _data: [operations.add_evidence(current_user, finding, f) for f in files],
        page=lambda status, errors: _detail_page(_get_finding(finding_id), errors, status),
        done=lambda _added: redirect_to("findings.detail", finding_id=finding_id),
        message=ngettext("%(num)d file added.", "%(num)d files added.", len(files)),
    )


@bp.route("/evidence/<int:evidence_id>/delete", methods=["POST"])
@access(*TEAM_ROLES)
def remove_evidence(evidence_id: int):
    """Remove an evidence file (author of its finding, before the conclusion)."""
    evidence = _get_evidence(evidence_id)
    finding_id = evidence.finding_id
    operations.remove_evidence(current_user, evidence)
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
    inspection = get_visible_or_404(Inspection, inspection_id)
    require(inspection.can_upload_conclusion(current_user, check_state=False))

    def page(status: int, errors: dict):
        return render(
            "findings/conclusion_file.html",
            status=status,
            inspection=get_visible_or_404(Inspection, inspection_id),
            # One place for the message under the file input, whatever the check that refused it.
            errors={"file": [m for ms in errors.values() for m in ms]} if errors else {},
            accept="application/pdf,.pdf",
        )

    if request.method == "GET":
        return page(200, {})
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return page(422, {"file": [_("Choose the signed conclusion file.")]})
    return form_action(
        None,
        lambda _data: operations.attach_conclusion_file(current_user, inspection, upload),
        page=page,
        done=lambda _f: redirect_to("inspections.detail", inspection_id=inspection_id),
        message=_l("The signed conclusion has been uploaded."),
    )
