"""Values remembered for the length of one request (looked up by several templates or lists)."""

from __future__ import annotations

from flask import g, has_request_context


def per_request(name: str) -> dict:
    """A dict kept on `g` for the current request; outside a request a fresh one each call
    (the scheduler and the CLI then compute every time, never from a stale value)."""
    if not has_request_context():
        return {}
    return g.setdefault(f"_memo_{name}", {})
