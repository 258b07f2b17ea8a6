"""/statistics/<period>: a reporting period's statistical tables (Circular 06/2025/TT-TTCP) for
the province's reporting software: as issued once the period's report is issued, else computed
as of the cut-off."""

from __future__ import annotations

from flask import jsonify
from marshmallow import Schema, fields

from inspect_app.api.common import api_route
from inspect_app.statistics import operations
from inspect_app.statistics import views as statistics_views


class StatCellOut(Schema):
    value = fields.String(required=True, metadata={"description": "exact decimal, in the unit"})
    kind = fields.String(
        required=True, metadata={"enum": ["inspection", "case", "payment", "unit"]}
    )
    ids = fields.List(fields.Integer(), required=True)


class StatColumnOut(Schema):
    key = fields.String(required=True)
    head = fields.List(fields.String(), required=True)
    unit = fields.String(required=True)


class StatRowOut(Schema):
    key = fields.String(required=True)
    label = fields.String(required=True)
    total = fields.Boolean(required=True)
    cells = fields.Dict(keys=fields.String(), values=fields.Nested(StatCellOut), required=True)


class StatTableOut(Schema):
    code = fields.String(required=True)
    title = fields.String(required=True)
    row_header = fields.String(required=True)
    columns = fields.List(fields.Nested(StatColumnOut), required=True)
    rows = fields.List(fields.Nested(StatRowOut), required=True)


class StatPeriodOut(Schema):
    key = fields.String(required=True)
    kind = fields.String(required=True)
    year = fields.Integer(required=True)
    start = fields.String(required=True)
    end = fields.String(required=True)
    label = fields.String(required=True)


class StatisticsOut(Schema):
    period = fields.Nested(StatPeriodOut, required=True)
    cutoff = fields.String(required=True)
    form_version = fields.String(required=True)
    instrument = fields.String(required=True)
    issued = fields.Boolean(required=True)
    document_number = fields.String(allow_none=True)
    tables = fields.List(fields.Nested(StatTableOut), required=True)


@api_route(
    "/statistics/<period>",
    statistics_views.index,
    tag="statistics",
    response=StatisticsOut,
    errors=(422,),
    description="`period` is 2026-Q1, 2026-Q2, 2026-Q3, 2026-Q4, 2026-6M, 2026-9M or 2026-Y. "
    "Each cell carries its figure (an exact decimal string in the column's unit) and the ids of "
    "the records it counts. 422 for a period that does not exist, has not ended or that no form "
    "version covers.",
)
def statistics_period(period: str):
    """A reporting period's statistical tables with every cell's figure and records.

    As issued (frozen) when the period's report has been issued; computed as of the cut-off
    otherwise."""
    p, cutoff = operations.resolve(period)
    report = operations.report_for(p.key)
    issued = report is not None and report.is_frozen
    snap = report.snapshot if issued else operations.live_snapshot(p, cutoff)
    return jsonify(
        StatisticsOut().dump(
            {
                "period": snap["period"],
                "cutoff": snap["cutoff"],
                "form_version": snap["definition"]["key"],
                "instrument": snap["definition"]["instrument"],
                "issued": issued,
                "document_number": report.document.number_label if issued else None,
                "tables": snap["tables"],
            }
        )
    )
