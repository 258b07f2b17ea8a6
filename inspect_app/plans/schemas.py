"""What the plan forms may send."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate, validates_schema

from inspect_app.core.schemas import (
    BaseSchema,
    MultiValue,
    VersionedSchema,
    length,
    one_of,
    record_id,
)
from inspect_app.plans.models import PeriodKind, PlanState
from inspect_app.reference.models import ActivityKind

YEAR_MIN, YEAR_MAX = 2000, 2100


class PlanSchema(BaseSchema):
    year = fields.Integer(
        required=True,
        strict=False,
        validate=validate.Range(
            min=YEAR_MIN, max=YEAR_MAX, error=_l("The year must be between {min} and {max}.")
        ),
    )
    title = fields.String(required=True, validate=length(300, 3))
    issuing_unit_id = record_id(required=True)
    version = record_id(load_default=None)


class PlanItemSchema(BaseSchema):
    target_unit_id = record_id(required=True)
    field_ids = MultiValue(record_id(), required=True, validate=validate.Length(min=1))
    kind = fields.String(required=True, validate=one_of(ActivityKind))
    period_kind = fields.String(required=True, validate=one_of(PeriodKind))
    period = fields.Integer(required=True, strict=False)
    lead_id = record_id(required=True)
    content = fields.String(load_default=None, validate=length(4000))
    overlap_justification = fields.String(load_default=None, validate=length(2000))
    version = record_id(load_default=None)

    @validates_schema
    def _period_in_range(self, data, **kwargs):
        kind = data.get("period_kind")
        period = data.get("period")
        if kind is None or period is None:
            return
        top = PeriodKind(kind).max_period
        if not 1 <= period <= top:
            raise ValidationError(
                str(_l("The period must be between 1 and %(n)d.", n=top)), "period"
            )


class TransitionSchema(VersionedSchema):
    """Moving a plan through its states: its version."""


class ItemRemoveSchema(BaseSchema):
    version = record_id(load_default=None)  # the plan's; without it, no stale check


class ReturnSchema(TransitionSchema):
    reason = fields.String(required=True, validate=length(2000, 3))


class PlanFilterSchema(BaseSchema):
    year = fields.Integer(
        load_default=None, strict=False, validate=validate.Range(YEAR_MIN, YEAR_MAX)
    )
    state = fields.String(load_default=None, validate=one_of(PlanState))
    q = fields.String(load_default=None, validate=length(100, 0))
