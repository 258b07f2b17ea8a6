"""JSON bodies read with bounds: a body nested deeper than MAX_DEPTH or larger than MAX_BYTES is
refused before parsing (400), so a hostile body cannot exhaust the parser's recursion."""

from __future__ import annotations

from typing import Any

from flask.json.provider import DefaultJSONProvider

MAX_DEPTH = 32
MAX_BYTES = 1024 * 1024


def too_deep(text: str | bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether brackets outside strings nest deeper than `limit` (one linear scan)."""
    if isinstance(text, bytes | bytearray):
        text = text.decode("utf-8", errors="replace")
    if text.count("[") + text.count("{") <= limit:  # the usual body: no walk needed
        return False
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON with bounded reading; `request.get_json` turns the ValueError into a 400."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        if len(s) > MAX_BYTES:
            raise ValueError(f"JSON body larger than {MAX_BYTES} bytes")
        if too_deep(s):
            raise ValueError(f"JSON nested deeper than {MAX_DEPTH} levels")
        return super().loads(s, **kwargs)
