"""Reading HTML forms through marshmallow schemas."""

from __future__ import annotations

from typing import Any

from flask import request
from marshmallow import Schema, ValidationError


def load_form(schema: Schema, data: Any = None) -> tuple[dict | None, dict]:
    """Validate the request's form with `schema`: (data, {}) or (None, {field: [messages]})."""
    raw = data if data is not None else request.form
    cleaned = {}
    for key in raw:
        values = raw.getlist(key) if hasattr(raw, "getlist") else [raw[key]]
        field = schema.fields.get(key)
        if field is not None and getattr(field, "many_values", False):
            cleaned[key] = [v for v in values if v != ""]
        else:
            value = values[-1] if values else None
            cleaned[key] = value.strip() if isinstance(value, str) else value
    cleaned.pop("csrf_token", None)
    # An empty input means "not given": required fields then say so, optional ones stay unset.
    cleaned = {k: v for k, v in cleaned.items() if v not in ("", None)}
    try:
        return schema.load(cleaned), {}
    except ValidationError as err:
        return None, _flatten(err.messages)


def _flatten(messages: Any) -> dict:
    if isinstance(messages, dict):
        return {k: v if isinstance(v, list) else [str(v)] for k, v in messages.items()}
    return {"_schema": list(messages)}
