"""What the case forms may send."""

from __future__ import annotations

import re
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate

from inspect_app.cases.models import CaseType, DisciplineForm
from inspect_app.core.schemas import (
    BaseSchema,
    MultiValue,
    ReasonedSchema,
    VersionedSchema,
    length,
    one_of,
    record_id,
)
from inspect_app.decisions.schemas import DecisionFields
from inspect_app.reference.models import Severity

# Numeric(18, 0): at most 18 digits.
_MAX_VND = Decimal(10**18 - 1)


class VndAmount(fields.Field):
    """A whole amount of đồng; dots, commas, spaces and the currency sign are ignored, so that
    "1.500.000 ₫" and "1,500,000" both read as 1500000."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = re.sub(r"[\s.,₫đĐ]|VND", "", str(value), flags=re.IGNORECASE)
        if not text.isdigit():
            raise ValidationError(str(_l("Enter a whole amount in đồng, e.g. 15.000.000.")))
        amount = Decimal(text)
        if amount <= 0:
            raise ValidationError(str(_l("The amount must be greater than zero.")))
        if amount > _MAX_VND:
            raise ValidationError(str(_l("Number too large.")))
        return amount


class AreaM2(fields.Field):
    """An area in m² with at most two decimals ("1.234,5" or "1234.5"), positive."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = re.sub(r"\s|m²|m2", "", str(value), flags=re.IGNORECASE)
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        if not re.fullmatch(r"\d{1,12}(\.\d{1,2})?", text):
            raise ValidationError(str(_l("Enter the area in m² with at most two decimals.")))
        area = Decimal(text)
        if area <= 0:
            raise ValidationError(str(_l("The amount must be greater than zero.")))
        return area


class CaseCreateSchema(BaseSchema):
    finding_ids = MultiValue(
        record_id(),
        required=True,
        validate=validate.Length(min=1, error=_l("Choose at least one finding.")),
    )
    type = fields.String(required=True, validate=one_of(CaseType))
    title = fields.String(required=True, validate=length(300))
    legal_reference_id = record_id(required=True)
    severity = fields.String(required=True, validate=one_of(Severity))
    responsible_unit_id = record_id(load_default=None)
    required_action = fields.String(required=True, validate=length(5000))
    amount_vnd = VndAmount(load_default=None)
    area_m2 = AreaM2(load_default=None)
    persons_count = fields.Integer(load_default=None, validate=validate.Range(min=1, max=10000))
    discipline_form = fields.String(load_default=None, validate=one_of(DisciplineForm))
    due_date = fields.Date(load_default=None)
    due_change_reason = fields.String(load_default=None, validate=length(2000))
    inspection_version = record_id(load_default=None)


class CaseCreateFormSchema(CaseCreateSchema):
    """The page's form: the same case may also go to other units (one case each)."""

    also_unit_ids = MultiValue(record_id(), load_default=list)


class DeadlineChangeSchema(ReasonedSchema, DecisionFields):
    """A new deadline, why, and (once the conclusion is signed) the deciding document."""

    due_date = fields.Date(required=True)


class ReasonSchema(ReasonedSchema, DecisionFields):
    """Withdrawing a case: why, and (once the conclusion is signed) the deciding document."""


class VerdictSchema(ReasonSchema):
    """Rejecting or accepting in part: the reason (or what was done), optionally a new deadline
    with its reason."""

    due_date = fields.Date(load_default=None)
    due_reason = fields.String(load_default=None, validate=length(2000))


class VersionSchema(VersionedSchema):
    note = fields.String(load_default=None, validate=length(2000))


class VerifierSchema(VersionedSchema):
    """Naming the verifier of one case: the user (an inspector or lead inspector)."""

    verifier_id = record_id(required=True)


class StepChoiceSchema(BaseSchema):
    """Taking an escalation step by hand: which one (checked by the operation)."""

    step = fields.String(required=True, validate=length(20))
