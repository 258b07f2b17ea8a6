"""Values remembered for the length of one request (looked up by several templates or lists)."""

from __future__ import annotations

from flask import g, has_request_context
from sqlalchemy import event


def per_request(name: str) -> dict:
    """A dict kept on `g` for the current request; outside a request a fresh one each call
    (the scheduler and the CLI then compute every time, never from a stale value)."""
    if not has_request_context():
        return {}
    return g.setdefault(f"_memo_{name}", {})


def forget_on_write(model, *names: str) -> None:
    """Drop the request's memos `names` whenever the session inserts, updates or deletes a
    `model` row: what was read from that table earlier in the request is read afresh."""

    def forget(_mapper, _connection, _target) -> None:
        for name in names:
            per_request(name).clear()

    for hook in ("after_insert", "after_update", "after_delete"):
        event.listen(model, hook, forget)
