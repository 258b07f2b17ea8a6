"""What the extension request forms may send."""

from __future__ import annotations

from marshmallow import fields

from inspect_app.core.schemas import ReasonedSchema, VersionedSchema, length
from inspect_app.decisions.schemas import DecisionFields


class ExtensionAskSchema(ReasonedSchema):
    requested_date = fields.Date(required=True)


class DecisionSchema(VersionedSchema, DecisionFields):
    """Approving or refusing: the reason; an approval of a signed conclusion's deadline also
    its deciding document."""

    decision_reason = fields.String(required=True, validate=length(2000))


class CancelSchema(VersionedSchema):
    """Withdrawing one's own pending request: the version only."""
