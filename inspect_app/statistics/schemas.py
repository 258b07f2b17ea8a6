"""What the statistics forms and the API may send."""

from __future__ import annotations

from marshmallow import fields

from inspect_app.core.schemas import BaseSchema, VersionedSchema, length


class GenerateSchema(BaseSchema):
    """A period ("2026-Q1"), an optional cut-off (the rule's by default) and form version."""

    period = fields.String(required=True, validate=length(12))
    cutoff = fields.Date(load_default=None)
    version = fields.String(load_default=None, validate=length(30))


class RegenerateSchema(VersionedSchema):
    """Recompute a draft's figures: its version (and optionally a new cut-off)."""

    cutoff = fields.Date(load_default=None)
