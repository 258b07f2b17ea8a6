"""Writing a record together with its audit event: adding one, switching its `active` flag
(operations of the features call these; no request, no commit)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from inspect_app.core import audit
from inspect_app.core.errors import OperationError
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


def check_code_free(model, code: str, record) -> None:
    """422 on the form's `code` if another record of `model` (not `record`) has that code."""
    other = db.session.execute(select(model).where(model.code == code)).scalar_one_or_none()
    if other is not None and other is not record:
        raise OperationError(
            _("This code is already used by %(name)s.", name=other.name), field="code"
        )


def create_once(create: Callable[[], R], replayed: Callable[[], R | None]) -> R:
    """`create()` in a savepoint; if the same form (its idempotency key) was saved meanwhile by
    a concurrent retry, the record that one made (`replayed()`), else the IntegrityError."""
    try:
        with db.session.begin_nested():
            return create()
    except IntegrityError:
        found = replayed()
        if found is None:
            raise
        return found
