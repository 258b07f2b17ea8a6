"""/findings and /evidence: findings the user may see and their stored files."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user
from marshmallow import fields

from inspect_app.api.common import Kind, api_route
from inspect_app.api.inspections import INSPECTION
from inspect_app.api.schemas import PageQuery, enum_field, id_field, record_schema, text_field
from inspect_app.core.files import EvidenceFile, send_evidence
from inspect_app.core.loading import get_visible_or_404
from inspect_app.findings import operations as finding_operations
from inspect_app.findings import views as finding_views
from inspect_app.findings.models import Finding
from inspect_app.findings.schemas import FindingDumpSchema, FindingSchema
from inspect_app.reference.models import Severity

EvidenceOut = record_schema(
    "EvidenceOut",
    EvidenceFile,
    "id finding_id inspection_id original_name content_type size sha256 uploaded_by_id uploaded_at",
    download_url=fields.Function(
        lambda evidence: url_for("api.evidence_download", evidence_id=evidence.id),
        metadata={"type": "string"},
    ),
)


class FindingOut(FindingDumpSchema):
    severity = enum_field(Severity, required=True)
    field_id = fields.Integer(allow_none=True)
    place = fields.String(allow_none=True)
    files = fields.List(fields.Nested(EvidenceOut), required=True)


class FindingQuery(PageQuery):
    inspection = id_field()
    field = id_field()
    unit = id_field()
    severity = enum_field(Severity)
    q = text_field()


FINDING = Kind(
    "/findings/<int:finding_id>",
    "finding",
    "findings",
    lambda finding_id: get_visible_or_404(Finding, finding_id),
    FindingOut,
)
EVIDENCE = Kind(
    "/evidence/<int:evidence_id>",
    "evidence",
    "findings",
    lambda evidence_id: get_visible_or_404(EvidenceFile, evidence_id),
    EvidenceOut,
)


@FINDING.listing(finding_views.index, query=FindingQuery)
def findings():
    """Findings the user may see.

    Findings filtered like the page, newest observation first, with their files."""
    return finding_views.FINDINGS.query()


FINDING.detail(finding_views.detail, "One finding with its evidence files")


@INSPECTION.action(
    "findings",
    finding_views.new,
    FindingSchema,
    rule="can_log_findings",
    tag="findings",
    response=FindingOut,
    status=201,
)
def finding_create(inspection, data):
    """Log a finding (team members; files are added on the page).

    Log a finding; 403 not on the team, 422 closed inspection or bad input."""
    return finding_operations.create_finding(current_user, inspection, data)


EVIDENCE.detail(
    finding_views.evidence,
    "Metadata of an evidence file",
    "Name, type, size and SHA-256 of a stored file; 404 unless its owner is visible.",
)


@api_route(
    "/evidence/<int:evidence_id>/download", finding_views.evidence, tag="findings", binary=True
)
def evidence_download(evidence_id: int):
    """Download an evidence file.

    The stored bytes; 404 unless its owner is visible."""
    return send_evidence(EVIDENCE.load(evidence_id))
