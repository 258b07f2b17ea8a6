"""/analytics: repeat-violation figures, unit risk scores and suggested targets."""

from __future__ import annotations

from flask import jsonify, request
from marshmallow import Schema, fields, validate

from inspect_app.analytics import views as analytics_views
from inspect_app.analytics.queries import (
    AnalyticsParams,
    analytics,
    risk_formula,
    suggested_targets,
    table_records,
    unit_record,
    unit_records,
)
from inspect_app.api.common import api_route
from inspect_app.api.schemas import year_field
from inspect_app.core import clock
from inspect_app.recovery.queries import recovery_figures


class AnalyticsQuery(Schema):
    year_from = year_field()
    year_to = year_field()
    window = fields.Integer(validate=validate.Range(min=1, max=20))
    as_of = fields.Date(metadata={"description": "Group units by the tree on this date"})


class AnalyticsParamsOut(Schema):
    year_from = fields.Integer(required=True)
    year_to = fields.Integer(required=True)
    window = fields.Integer(required=True)
    as_of = fields.Date(allow_none=True)


def _figures() -> dict:
    """The figures of a unit (or of a unit, field and year): the same in the table and the
    units' list."""
    return {
        "cases": fields.Integer(required=True),
        "decided": fields.Integer(required=True),
        "on_time": fields.Integer(required=True),
        "on_time_share": fields.Float(allow_none=True),
        "avg_working_days_overdue": fields.Float(allow_none=True),
        "repeats": fields.Integer(required=True),
    }


AnalyticsRowOut = Schema.from_dict(
    {
        "unit_id": fields.Integer(required=True),
        "unit": fields.String(required=True),
        "field_id": fields.Integer(allow_none=True),
        "field": fields.String(required=True),
        "year": fields.Integer(required=True),
        **_figures(),
    },
    name="AnalyticsRowOut",
)
AnalyticsUnitOut = Schema.from_dict(
    {
        "unit_id": fields.Integer(required=True),
        "unit": fields.String(required=True),
        "active": fields.Boolean(required=True),
        **_figures(),
        "risk_score": fields.Float(required=True),
    },
    name="AnalyticsUnitOut",
)


class SuggestionOut(Schema):
    unit_id = fields.Integer(required=True)
    unit = fields.String(required=True)
    risk_score = fields.Float(required=True)
    field_ids = fields.List(fields.Integer(), required=True)


class RecoveryRateOut(Schema):
    """Recommended vs recovered in one measure; amounts as exact strings."""

    id = fields.Integer(attribute="key", allow_none=True)
    name = fields.String(required=True)
    measure = fields.String(required=True, metadata={"enum": ["VND", "m²"]})
    cases = fields.Integer(required=True)
    recommended = fields.Decimal(required=True, as_string=True, metadata={"type": "string"})
    recovered = fields.Decimal(required=True, as_string=True, metadata={"type": "string"})
    remaining = fields.Decimal(required=True, as_string=True, metadata={"type": "string"})
    rate = fields.Decimal(
        as_string=True, allow_none=True, metadata={"type": "string", "description": "percent"}
    )


class RecoveryOut(Schema):
    province = fields.List(fields.Nested(RecoveryRateOut), required=True)
    by_unit = fields.List(fields.Nested(RecoveryRateOut), required=True)
    by_field = fields.List(fields.Nested(RecoveryRateOut), required=True)


class AnalyticsOut(Schema):
    params = fields.Nested(AnalyticsParamsOut, required=True)
    recovery = fields.Nested(RecoveryOut, required=True)
    formula = fields.String(required=True)
    rows = fields.List(fields.Nested(AnalyticsRowOut), required=True)
    units = fields.List(fields.Nested(AnalyticsUnitOut), required=True)
    suggested = fields.List(fields.Nested(SuggestionOut), required=True)


@api_route(
    "/analytics",
    analytics_views.index,
    tag="analytics",
    query=AnalyticsQuery,
    response=AnalyticsOut,
    description="The same parameters as the analytics page; invalid values fall back to the "
    "defaults (the last five years, a three-year repeat window, today's tree). `suggested` "
    "does not leave out units already in a plan.",
)
def analytics_figures():
    """Repeat-violation figures per unit, field and year, unit risk scores, suggested targets.

    The analytics page's figures as JSON (a fixed number of queries)."""
    params = AnalyticsParams.from_args(request.args, clock.today())
    result = analytics(params)
    recovery = recovery_figures()
    suggested = [
        {**unit_record(u), "risk_score": u.score, "field_ids": u.top_field_ids()}
        for u in suggested_targets(result, set())
    ]
    return jsonify(
        AnalyticsOut().dump(
            {
                "params": params,
                "formula": risk_formula(),
                "rows": table_records(result),
                "units": unit_records(result),
                "suggested": suggested,
                "recovery": {
                    "province": list(recovery.province.values()),
                    "by_unit": recovery.by_unit,
                    "by_field": recovery.by_field,
                },
            }
        )
    )
