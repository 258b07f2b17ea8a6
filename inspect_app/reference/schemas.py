"""What the reference-data forms may send."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from inspect_app.core.schemas import BaseSchema, length, one_of, record_id
from inspect_app.reference.models import ActivityKind, DayKind
from inspect_app.reference.rules import APPROVER_CHOICES, LADDER, THRESHOLD_RULES

# Deadlines longer than ten years are typing mistakes (and would overflow date arithmetic).
MAX_DAYS = 3650

_BOOL = {"truthy": {"1", "on", "true"}, "falsy": {"0", "false"}}


def day_count(**kwargs) -> fields.Integer:
    return fields.Integer(
        strict=False,
        validate=[
            validate.Range(min=0, error=_l("The number of days cannot be negative.")),
            validate.Range(max=MAX_DAYS, error=_l("At most {max} days.")),
        ],
        **kwargs,
    )


class FieldSchema(BaseSchema):
    code = fields.String(required=True, validate=length(30, 2))
    name = fields.String(required=True, validate=length(200, 2))
    name_en = fields.String(load_default=None, validate=length(200))


class IssuingBodySchema(BaseSchema):
    code = fields.String(required=True, validate=length(20, 2))
    name = fields.String(required=True, validate=length(200, 2))
    display_name = fields.String(required=True, validate=length(200, 2))
    signer_title = fields.String(required=True, validate=length(200, 2))
    legal_basis = fields.String(required=True, validate=length(4000, 10))
    activity_kind = fields.String(required=True, validate=one_of(ActivityKind))
    signer_unit_id = record_id(load_default=None)
    version = record_id(load_default=None)


class LegalReferenceSchema(BaseSchema):
    instrument = fields.String(required=True, validate=length(200, 3))
    article = fields.String(required=True, validate=length(30))
    clause = fields.String(load_default="", validate=length(30, 0))
    summary = fields.String(required=True, validate=length(2000, 3))
    version = record_id(load_default=None)


class ActiveSchema(BaseSchema):
    active = fields.Boolean(required=True, **_BOOL)
    version = record_id(load_default=None)


class DeadlineRuleSchema(BaseSchema):
    label = fields.String(load_default=None, validate=length(200, 2))
    amount = day_count(required=True)
    day_kind = fields.String(required=True, validate=one_of(DayKind))
    extension_max = day_count(load_default=None)
    source = fields.String(required=True, validate=length(300, 2))
    note = fields.String(load_default=None, validate=length(2000))
    version = record_id(load_default=None)


class HolidaySchema(BaseSchema):
    day = fields.Date(required=True)
    name = fields.String(required=True, validate=length(200, 2))
    is_working_day = fields.Boolean(load_default=False, **_BOOL)
    document = fields.String(load_default=None, validate=length(200))
    provisional = fields.Boolean(load_default=False, **_BOOL)


class HolidayConfirmSchema(BaseSchema):
    document = fields.String(load_default=None, validate=length(200))


class SettingsSchema(BaseSchema):
    extension_approver = fields.String(required=True, validate=one_of(APPROVER_CHOICES))
    # Checked by the operation (a clear range message rather than a type error).
    extension_max_approved = fields.String(required=True, validate=length(3))
    approver_version = fields.Integer(required=True, strict=False)
    max_approved_version = fields.Integer(required=True, strict=False)


def _version() -> fields.Integer:
    return fields.Integer(required=True, strict=False, validate=validate.Range(min=0))


def _threshold() -> fields.Integer:
    return fields.Integer(
        required=True,
        strict=False,
        validate=validate.Range(min=1, max=365, error=_l("Must be between {min} and {max}.")),
    )


# The escalation form: a threshold (working days overdue) per level and the check, whether
# level 3 waits for the check, which steps are automatic, and the versions the form was built on.
EscalationSchema = BaseSchema.from_dict(
    {
        **{f"threshold_{step}": _threshold() for step in THRESHOLD_RULES},
        **{f"v_{step}": _version() for step in THRESHOLD_RULES},
        "report_after_check": fields.Boolean(load_default=False, **_BOOL),
        "v_report_after_check": _version(),
        **{f"auto_{step}": fields.Boolean(load_default=False, **_BOOL) for step in LADDER},
        **{f"v_auto_{step}": _version() for step in LADDER},
    },
    name="EscalationSchema",
)
