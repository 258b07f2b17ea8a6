"""State changes of findings (phát hiện) and evidence files, each audited."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from inspect_app.core import audit, clock
from inspect_app.core.errors import Forbidden, OperationError
from inspect_app.core.files import EvidenceFile, delete_stored, store_upload
from inspect_app.core.models import check_version
from inspect_app.extensions import db
from inspect_app.findings.models import Finding
from inspect_app.inspections.models import Inspection
from inspect_app.reference.models import FieldOfWork, Severity

FINDING_FIELDS = ("description", "field_id", "place", "observed_at", "severity")
FILE_FIELDS = ("original_name", "content_type", "size", "sha256")
CLOCK_SKEW = timedelta(minutes=10)  # phones' clocks run a little ahead


def check_open(inspection: Inspection) -> None:
    """Refuse (422, with the reason) unless the inspection is open for findings."""
    if not inspection.takes_findings:
        if inspection.is_concluded:
            message = _(
                "This inspection is %(state)s: its findings are locked.",
                state=inspection.state.label.lower(),
            )
        else:
            message = _(
                "Findings can be logged only once on-site work has started "
                "(this inspection is %(state)s).",
                state=inspection.state.label.lower(),
            )
        raise OperationError(message)


def _check_author(actor, finding: Finding) -> None:
    if not finding.can_edit(actor, check_state=False):
        raise Forbidden(_("Only the author of a finding can change it."))
    check_open(finding.inspection)


def _apply(finding: Finding, data: dict) -> None:
    field_id = data.get("field_id")
    if field_id is not None:
        field = db.session.get(FieldOfWork, field_id)
        if field is None or not field.active:
            raise OperationError(_("Unknown field."), field="field_id")
    if data["observed_at"] > clock.now() + CLOCK_SKEW:
        raise OperationError(
            _("The time of a finding cannot be in the future."), field="observed_at"
        )
    finding.description = data["description"].strip()
    finding.field_id = field_id
    finding.place = (data.get("place") or "").strip() or None
    finding.observed_at = data["observed_at"]
    finding.severity = Severity(data["severity"])


def _existing(key: str | None) -> Finding | None:
    if not key:
        return None
    return db.session.execute(
        select(Finding).where(Finding.idempotency_key == key)
    ).scalar_one_or_none()


def replayed(actor, inspection: Inspection, key: str | None) -> Finding | None:
    """The finding an earlier submission with this key created (offline sync retries)."""
    found = _existing(key)
    if found is not None and (found.author_id != actor.id or found.inspection_id != inspection.id):
        raise OperationError(_("This form was already used for another finding."), status=409)
    return found


def _not_on_team(inspection: Inspection) -> Forbidden:
    return Forbidden(
        _(
            "Only members of %(team)s can log findings.",
            team=inspection.kind.term("team_in_text"),
        )
    )


def create_finding(actor, inspection: Inspection, data: dict, files=()) -> Finding:
    """A team member logs a finding (with its evidence files) while the inspection is open.

    A repeated submission with the same idempotency key returns the first finding.
    Raises 403 (not on the team), 422 (state, bad data, refused file), 413 (file too large).
    """
    replay = replayed(actor, inspection, data.get("idempotency_key"))
    if replay is not None:
        return replay
    if not inspection.can_log_findings(actor, check_state=False):
        raise _not_on_team(inspection)
    check_open(inspection)
    finding = Finding(
        inspection_id=inspection.id,
        author_id=actor.id,
        idempotency_key=data.get("idempotency_key"),
    )
    _apply(finding, data)
    # A concurrent retry with the same key fails here on the unique key; the view answers it
    # with `replayed` after rolling back.
    db.session.add(finding)
    db.session.flush()
    audit.record(actor, finding, "finding_created", after=audit.snapshot(finding, FINDING_FIELDS))
    for file_storage in files:
        add_evidence(actor, finding, file_storage)
    return finding


def duplicate_findings(actor, findings) -> list[Finding]:
    """Copy findings (one or a batch) as new findings of their inspections, authored by
    `actor` and observed now, without their evidence files (a file belongs to one finding);
    each copy audited with its source. 403 for one the actor may not copy, 422 once locked."""
    copies = []
    for source in findings:
        if not source.can_duplicate(actor, check_state=False):
            raise _not_on_team(source.inspection)
        check_open(source.inspection)
        copy = Finding(
            inspection_id=source.inspection_id,
            author_id=actor.id,
            description=source.description,
            field_id=source.field_id,
            place=source.place,
            observed_at=clock.now(),
            severity=source.severity,
        )
        db.session.add(copy)
        copies.append((source, copy))
    db.session.flush()
    audit.record_many(
        [
            {
                "actor_id": actor.id,
                "object_type": "Finding",
                "object_id": copy.id,
                "action": "finding_duplicated",
                "after": {**audit.snapshot(copy, FINDING_FIELDS), "source_id": source.id},
            }
            for source, copy in copies
        ]
    )
    return [copy for _source, copy in copies]


def update_finding(actor, finding: Finding, data: dict) -> Finding:
    """The author edits a finding until the conclusion; 409 on a stale version, 403 others."""
    _check_author(actor, finding)
    check_version(finding, data.get("version"))
    before = audit.snapshot(finding, FINDING_FIELDS)
    _apply(finding, data)
    db.session.flush()
    after = audit.snapshot(finding, FINDING_FIELDS)
    if after != before:
        audit.record(actor, finding, "finding_updated", before, after)
    return finding


def delete_finding(actor, finding: Finding, version: int | None = None) -> None:
    """The author deletes a finding (and its files) before the conclusion."""
    _check_author(actor, finding)
    check_version(finding, version)
    before = audit.snapshot(finding, FINDING_FIELDS)
    before["files"] = [audit.snapshot(f, FILE_FIELDS) for f in finding.files]
    audit.record(actor, finding, "finding_deleted", before=before)
    for evidence in list(finding.files):
        delete_stored(evidence)
    db.session.delete(finding)
    db.session.flush()


def add_evidence(actor, finding: Finding, file_storage) -> EvidenceFile:
    """The author attaches one evidence file (checked and stored; see core.files)."""
    _check_author(actor, finding)
    evidence = store_upload(file_storage, actor, finding=finding)
    audit.record(
        actor,
        finding,
        "evidence_added",
        after=audit.snapshot(evidence, FILE_FIELDS),
        note=f"{evidence.original_name} · SHA-256 {evidence.sha256}",
    )
    return evidence


def remove_evidence(actor, evidence: EvidenceFile) -> None:
    """The author of its finding removes an evidence file before the conclusion."""
    finding = evidence.finding
    if finding is None:
        raise OperationError(_("This file is not evidence of a finding."), status=404)
    _check_author(actor, finding)
    audit.record(
        actor,
        finding,
        "evidence_removed",
        before=audit.snapshot(evidence, FILE_FIELDS),
        note=evidence.original_name,
    )
    delete_stored(evidence)


def attach_conclusion_file(actor, inspection: Inspection, file_storage) -> EvidenceFile:
    """The team leader or leadership uploads the signed conclusion once it is concluded
    (replacing an earlier upload, which is kept); 403 others, 422 before the conclusion."""
    if not inspection.can_upload_conclusion(actor, check_state=False):
        raise Forbidden(_("Only the team leader or the leadership can upload the conclusion."))
    if not inspection.is_concluded:
        raise OperationError(
            _("The signed conclusion can be uploaded only once the inspection is concluded.")
        )
    before = {"conclusion_file_id": inspection.conclusion_file_id}
    evidence = store_upload(file_storage, actor, inspection_id=inspection.id)
    inspection.conclusion_file_id = evidence.id
    db.session.flush()
    audit.record(
        actor,
        inspection,
        "conclusion_file_attached",
        before=before,
        after={"conclusion_file_id": evidence.id, **audit.snapshot(evidence, FILE_FIELDS)},
        note=f"{evidence.original_name} · SHA-256 {evidence.sha256}",
    )
    return evidence
