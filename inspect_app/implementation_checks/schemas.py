"""What the check forms and API bodies may send."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, pre_load, validate

from inspect_app.core.schemas import BaseSchema, MultiValue, VersionedSchema, length, one_of
from inspect_app.core.schemas import record_id as id_field
from inspect_app.implementation_checks.models import CheckOutcome


class CheckCreateSchema(BaseSchema):
    inspection_id = id_field(required=True)
    case_ids = MultiValue(
        id_field(),
        required=True,
        validate=validate.Length(min=1, error=_l("Choose at least one overdue case.")),
    )
    lead_id = id_field(required=True)
    member_ids = MultiValue(id_field(), load_default=list)
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)


class MinutesSchema(VersionedSchema):
    minutes_date = fields.Date(required=True)
    minutes_summary = fields.String(required=True, validate=length(10000))


class ResultIn(Schema):
    case_id = id_field(required=True)
    outcome = fields.String(required=True, validate=one_of(CheckOutcome))
    found = fields.String(required=True, validate=length(5000))


class ResultsSchema(VersionedSchema):
    """The API sends a list; the page sends `outcome_<case id>` and `found_<case id>` pairs,
    turned into the same list (a case left without an outcome is not recorded)."""

    results = fields.List(fields.Nested(ResultIn), required=True)

    @pre_load
    def _from_form(self, data, **kwargs):
        if not isinstance(data, dict) or "results" in data:
            return data
        results = []
        for key in data:
            if key.startswith("outcome_") and data.get(key):
                case_id = key.removeprefix("outcome_")
                results.append(
                    {
                        "case_id": case_id,
                        "outcome": data[key],
                        "found": data.get(f"found_{case_id}"),
                    }
                )
        if not results:
            raise ValidationError({"results": [str(_l("Record the result of at least one case."))]})
        return {"version": data.get("version"), "results": results}
