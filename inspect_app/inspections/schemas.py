"""What the inspection forms may send."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from inspect_app.core.schemas import BaseSchema, MultiValue, length, one_of, record_id
from inspect_app.decisions.schemas import DecisionFields
from inspect_app.inspections.models import InspectionState
from inspect_app.reference.models import ActivityKind


class InspectionSchema(BaseSchema):
    """Create and edit form: decision, team, target, fields, scope, dates."""

    plan_item_id = record_id(load_default=None)
    ad_hoc_reason = fields.String(load_default=None, validate=length(4000))
    kind = fields.String(load_default=None, validate=one_of(ActivityKind))
    issuing_body_id = record_id(load_default=None)
    title = fields.String(load_default=None, validate=length(300, 3))
    decision_number = fields.String(required=True, validate=length(60))
    decision_date = fields.Date(required=True)
    target_unit_id = record_id(load_default=None)
    lead_id = record_id(load_default=None)
    member_ids = MultiValue(record_id(), load_default=list)
    field_ids = MultiValue(record_id(), load_default=list)
    scope = fields.String(load_default=None, validate=length(4000))
    period_under_review = fields.String(load_default=None, validate=length(200))
    start_date = fields.Date(required=True)
    planned_end_date = fields.Date(required=True)
    version = record_id(load_default=None)


class EditSchema(InspectionSchema):
    title = fields.String(required=True, validate=length(300, 3))
    target_unit_id = record_id(required=True)
    version = record_id(required=True)


class TransitionSchema(BaseSchema):
    version = record_id(load_default=None)


def _extension_days(**kwargs) -> fields.Integer:
    return fields.Integer(
        strict=False,
        validate=validate.Range(min=1, max=365, error=_l("Must be between {min} and {max}.")),
        **kwargs,
    )


class EndOnsiteSchema(TransitionSchema, DecisionFields):
    """Ending the on-site work, with an extension (its decision's number as the reference, its
    date and signer, and the days) or without."""

    extension_reference = fields.String(load_default=None, validate=length(120))
    extension_days = _extension_days(load_default=None)


class ExtensionSchema(TransitionSchema, DecisionFields):
    """Extending the on-site work: the decision's number (the reference), date and signer,
    and the days, are required (its file where there is one)."""

    extension_reference = fields.String(required=True, validate=length(120))
    extension_days = _extension_days(required=True)


class ConcludeSchema(TransitionSchema):
    conclusion_number = fields.String(required=True, validate=length(60))
    conclusion_date = fields.Date(required=True)
    conclusion_summary = fields.String(required=True, validate=length(20000))


class InspectionDumpSchema(BaseSchema):
    id = fields.Integer()
    kind = fields.String()
    title = fields.String()
    decision_number = fields.String()
    decision_date = fields.Date()
    target_unit_id = fields.Integer()
    lead_id = fields.Integer()
    state = fields.String(validate=one_of(InspectionState))
    start_date = fields.Date()
    planned_end_date = fields.Date()
    conclusion_number = fields.String(allow_none=True)
    conclusion_date = fields.Date(allow_none=True)
