"""Writing a record together with its audit event: adding one, switching its `active` flag
(operations of the features call these; no request, no commit)."""

from __future__ import annotations

from typing import TypeVar

from inspect_app.core import audit
from inspect_app.extensions import db

R = TypeVar("R")


def add(actor, record: R, action: str, fields: tuple[str, ...] | list[str], **event) -> R:
    """Add `record` (flushed, so it has its id) and record `action` with its `fields` after
    (`event`: the rest of `audit.record`'s arguments, e.g. `note`)."""
    db.session.add(record)
    db.session.flush()
    audit.record(actor, record, action, after=audit.snapshot(record, fields), **event)
    return record


def set_active(actor, record: R, active: bool, prefix: str) -> R:
    """Deactivate (hide from new records, keep for old ones) or reactivate `record`; the event
    is `<prefix>_activated` or `<prefix>_deactivated`; nothing happens if it already is."""
    if record.active == active:
        return record
    record.active = active
    db.session.flush()
    audit.record(
        actor,
        record,
        f"{prefix}_activated" if active else f"{prefix}_deactivated",
        {"active": not active},
        {"active": active},
    )
    return record
