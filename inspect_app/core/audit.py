"""The append-only audit trail: every operation records one event, chained by hashes.

Each event stores the hash of the previous event and its own hash over its content, so editing
or deleting a row breaks the chain; `flask audit verify` walks it and reports the first break.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, select, text
from sqlalchemy.orm import Mapped, lazyload, mapped_column, relationship

from inspect_app.core import clock
from inspect_app.core.models import UTCDateTime
from inspect_app.extensions import db

GENESIS = "0" * 64
CHAIN_LOCK_KEY = 7_310_001  # PostgreSQL advisory lock that serialises appends to the chain


class AuditEvent(db.Model):
    """One recorded change: who, when, on what, which action, the values before and after."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    on_behalf_of_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    object_type: Mapped[str] = mapped_column(String(40), nullable=False)
    object_id: Mapped[int | None] = mapped_column()
    action: Mapped[str] = mapped_column(String(60), nullable=False)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(String(2000))
    prev_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)

    actor = relationship("User", foreign_keys=[actor_id], lazy="joined")
    on_behalf_of = relationship("User", foreign_keys=[on_behalf_of_id])

    def payload(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "actor_id": self.actor_id,
            "on_behalf_of_id": self.on_behalf_of_id,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "action": self.action,
            "before": self.before,
            "after": self.after,
            "note": self.note,
        }

    def compute_hash(self) -> str:
        body = json.dumps(self.payload(), sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256((self.prev_hash + body).encode()).hexdigest()


def jsonable(value: Any) -> Any:
    """Turn model values into what JSON columns and hashes store."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    return value


def snapshot(obj: Any, fields: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """The named attributes of a record, as stored in an event's before/after."""
    return {f: jsonable(getattr(obj, f)) for f in fields}


def record(
    actor,
    obj: Any,
    action: str,
    before: dict | None = None,
    after: dict | None = None,
    note: str | None = None,
    on_behalf_of=None,
    object_type: str | None = None,
) -> AuditEvent:
    """Append an event for `obj` (flushed so it gets an id) to the chain."""
    session = db.session
    if obj is not None and getattr(obj, "id", None) is None:
        session.flush()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CHAIN_LOCK_KEY})
    prev = session.execute(
        select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).scalar_one_or_none()
    event = AuditEvent(
        at=clock.now(),
        actor_id=getattr(actor, "id", None),
        on_behalf_of_id=getattr(on_behalf_of, "id", None),
        object_type=object_type or type(obj).__name__,
        object_id=getattr(obj, "id", None),
        action=action,
        before=jsonable(before) if before else None,
        after=jsonable(after) if after else None,
        note=note,
        prev_hash=prev or GENESIS,
    )
    event.hash = event.compute_hash()
    session.add(event)
    session.flush()
    return event


def record_many(events: list[dict[str, Any]], plain: bool = False) -> int:
    """Append many events to the chain at once, in the given order (the escalation sweep's bulk
    path): the chain lock taken once, the last hash read once, every hash computed in Python in
    order, and one INSERT executemany. Each dict holds what `record()` takes: `actor_id`,
    `on_behalf_of_id`, `object_type`, `object_id`, `action`, `before`, `after`, `note` (ids, not
    objects; absent keys are None). The events get the same `at` (one instant for the batch).
    Rows written are identical to what the same `record()` calls would write, so
    `verify_chain()` holds. `plain=True`: before/after already hold only JSON values (no
    dates, enums, decimals), so they are not converted again. Returns the number of events."""
    if not events:
        return 0
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CHAIN_LOCK_KEY})
    prev = (
        session.execute(
            select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
        ).scalar_one_or_none()
        or GENESIS
    )
    at = clock.now()
    at_text = at.isoformat()
    rows = []
    for e in events:
        before, after = e.get("before"), e.get("after")
        row = {
            "at": at,
            "actor_id": e.get("actor_id"),
            "on_behalf_of_id": e.get("on_behalf_of_id"),
            "object_type": e["object_type"],
            "object_id": e.get("object_id"),
            "action": e["action"],
            "before": (before if plain else jsonable(before)) if before else None,
            "after": (after if plain else jsonable(after)) if after else None,
            "note": e.get("note"),
            "prev_hash": prev,
        }
        payload = {k: row[k] for k in _PAYLOAD_KEYS}
        payload["at"] = at_text
        body = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
        prev = row["hash"] = hashlib.sha256((prev + body).encode()).hexdigest()
        rows.append(row)
    # Plain executemany in list order: ids ascend in chain order (verify_chain walks by id).
    session.execute(AuditEvent.__table__.insert(), rows)
    return len(rows)


_PAYLOAD_KEYS = (
    "at",
    "actor_id",
    "on_behalf_of_id",
    "object_type",
    "object_id",
    "action",
    "before",
    "after",
    "note",
)


@dataclass
class ChainReport:
    ok: bool
    checked: int
    broken_id: int | None = None
    reason: str | None = None


def verify_chain(batch: int = 5000) -> ChainReport:
    """Walk the chain in id order and report the first event that was edited or is missing."""
    prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        # Without the actors, and forgetting each batch: memory stays flat on a long chain, and
        # nothing else in the session (a signed-in user, say) is detached.
        rows = list(
            db.session.execute(
                select(AuditEvent)
                .options(lazyload(AuditEvent.actor))
                .where(AuditEvent.id > last_id)
                .order_by(AuditEvent.id)
                .limit(batch)
            ).scalars()
        )
        if not rows:
            return ChainReport(True, checked)
        try:
            for event in rows:
                if event.prev_hash != prev:
                    return ChainReport(
                        False, checked, event.id, "the previous event is missing or was altered"
                    )
                if event.compute_hash() != event.hash:
                    return ChainReport(False, checked, event.id, "this event's content was altered")
                prev = event.hash
                checked += 1
                last_id = event.id
        finally:
            for event in rows:
                db.session.expunge(event)


def events_for(object_type: str, object_id: int) -> list[AuditEvent]:
    """The timeline of one object, oldest first (actor loaded with it)."""
    return list(
        db.session.execute(
            select(AuditEvent)
            .where(AuditEvent.object_type == object_type, AuditEvent.object_id == object_id)
            .order_by(AuditEvent.id)
        ).scalars()
    )
