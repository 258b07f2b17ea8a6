"""Periodic reports on inspection work: the period's figures (live until a report is issued,
then as issued), every cell drilled down to its records, generating the report (its document
goes through the register: signed by the Chief Inspector or a deputy, numbered by the clerk),
regenerating a draft, and the annex tables as XLSX."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, make_response, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from inspect_app.core import audit, clock
from inspect_app.core.actions import form_action
from inspect_app.core.errors import OperationError
from inspect_app.core.htmx import redirect_to, render
from inspect_app.core.loading import get_visible_or_404
from inspect_app.core.permissions import access
from inspect_app.core.templating import register_actions, register_nav
from inspect_app.extensions import db
from inspect_app.reports.layout import header_grid
from inspect_app.statistics import definitions, operations, periods, queries, xlsx
from inspect_app.statistics.models import (
    FIGURE_READERS,
    GENERATORS,
    STAT_READERS,
    PeriodicReport,
    can_generate,
)
from inspect_app.statistics.schemas import GenerateSchema, RegenerateSchema

bp = Blueprint("statistics", __name__, url_prefix="/statistics")

register_nav("statistics.index", _l("Periodic reports"), STAT_READERS)
register_actions(
    {
        "periodic_report_generated": _l("Figures computed as of the cut-off"),
        "periodic_report_frozen": _l("Figures frozen as issued"),
    }
)
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def slug(code: str) -> str:
    """ "01-TTr": a table's code in a URL."""
    return code.replace("/", "-")


def tables_for_page(snap: dict) -> list[dict]:
    """The snapshot's tables with their header grids and formatted figures, for the page."""
    out = []
    for table in snap["tables"]:
        heads = [c["head"] for c in table["columns"]]
        out.append(
            {
                **table,
                "slug": slug(table["code"]),
                "grid": header_grid(heads, ("STT", table["row_header"])),
                "shown": [
                    {
                        **row,
                        "texts": [
                            operations.fmt(row["cells"][c["key"]]["value"], c["unit"])
                            for c in table["columns"]
                        ],
                    }
                    for row in table["rows"]
                ],
            }
        )
    return out


def _selected_period(key: str | None):
    """The period asked for (or the latest ended one), its cut-off, and any refusal message."""
    today = clock.today()
    key = key or (periods.latest_ended(today).key if periods.latest_ended(today) else "")
    try:
        period, cutoff = operations.resolve(key, today=today)
        return key, period, cutoff, None
    except OperationError as e:
        return key, None, None, str(e.message)


def _index(key: str | None, status: int = 200, errors: dict | None = None, form=None):
    key, period, cutoff, refusal = _selected_period(key)
    report = operations.report_for(key) if key and period else None
    snap = None
    if report is not None and report.is_frozen:
        snap = report.snapshot
    elif period is not None:
        snap = operations.live_snapshot(period, cutoff)
    return render(
        "statistics/index.html",
        "statistics/_figures.html",
        status=status,
        key=key,
        period=period,
        cutoff=cutoff,
        refusal=refusal,
        report=report,
        snap=snap,
        tables=tables_for_page(snap) if snap else [],
        choices=periods.recent(clock.today(), 16),
        versions=definitions.versions(),
        can_generate=can_generate(current_user),
        errors=errors or {},
        form=form or {},
        reports=db.session.execute(
            db.select(PeriodicReport).order_by(PeriodicReport.period_end.desc()).limit(20)
        ).scalars(),
    )


@bp.route("")
@access(*FIGURE_READERS)
def index():
    """The figures of a period (live, or as issued) with the period selector; a period not
    ended or not covered is explained, never an error page."""
    return _index(request.args.get("period"))


@bp.route("/generate", methods=["POST"])
@access(*GENERATORS)
def generate():
    """Generate (or regenerate the draft of) a period's report; 403, 409 (signed or issued:
    the existing report is offered), 422 (period not ended, cut-off, version)."""
    key = request.form.get("period")

    def page(status, errors):
        return _index(key, status, errors, request.form)

    return form_action(
        GenerateSchema(),
        lambda d: operations.generate(current_user, d["period"], d["cutoff"], d["version"]),
        page=page,
        done=lambda r: redirect_to("statistics.report", report_id=r.id),
        message=_l("The report's figures have been computed as of the cut-off."),
    )


def _report_page(report: PeriodicReport, status: int = 200, errors=None):
    return render(
        "statistics/report.html",
        status=status,
        report=report,
        doc=report.document,
        snap=report.snapshot,
        tables=tables_for_page(report.snapshot),
        events=audit.events_for("PeriodicReport", report.id),
        can_regenerate=report.can_regenerate(current_user),
        errors=errors or {},
    )


@bp.route("/reports/<int:report_id>")
@access(*STAT_READERS)
def report(report_id: int):
    """One periodic report: its tables as computed (frozen once issued), drill-downs, its
    document's state and files; 404 if not visible."""
    return _report_page(get_visible_or_404(PeriodicReport, report_id))


@bp.route("/reports/<int:report_id>/regenerate", methods=["POST"])
@access(*GENERATORS)
def regenerate(report_id: int):
    """Recompute a draft's figures as of its cut-off; 403, 404, 409 (stale, signed, issued),
    422 (cut-off)."""
    item = get_visible_or_404(PeriodicReport, report_id)
    return form_action(
        RegenerateSchema(),
        lambda d: operations.regenerate(current_user, item, d["version"], d["cutoff"]),
        page=lambda status, errors: _report_page(
            get_visible_or_404(PeriodicReport, report_id), status, errors
        ),
        done=lambda r: redirect_to("statistics.report", report_id=r.id),
        message=_l("The report's figures have been computed as of the cut-off."),
    )


def _cell(snap: dict, table_slug: str, row_key: str, col_key: str):
    for table in snap["tables"]:
        if slug(table["code"]) != table_slug:
            continue
        column = next((c for c in table["columns"] if c["key"] == col_key), None)
        row = next((r for r in table["rows"] if r["key"] == row_key), None)
        if column is None or row is None:
            break
        return table, row, column, row["cells"][col_key]
    abort(404)


def _value_of(snap: dict, table: dict, column: dict) -> str:
    definition = next(t for t in snap["definition"]["tables"] if t["code"] == table["code"])
    return next(c["value"] for c in definition["columns"] if c["key"] == column["key"])


def _drill(snap: dict, table_slug: str, row_key: str, col_key: str, **context):
    table, row, column, cell = _cell(snap, table_slug, row_key, col_key)
    value = _value_of(snap, table, column)
    rows = queries.drill_rows(cell["kind"], cell["ids"], value)
    listed = sum((r.amount for r in rows), Decimal(0))
    return render(
        "statistics/cell.html",
        snap=snap,
        table=table,
        row=row,
        column=column,
        figure=operations.fmt(cell["value"], column["unit"]),
        listed=operations.fmt(listed, column["unit"]),
        matches=Decimal(cell["value"]) == listed,
        is_sum=value.startswith("sum:"),
        kind=cell["kind"],
        rows=rows,
        fmt=operations.fmt,
        **context,
    )


@bp.route("/reports/<int:report_id>/cells/<table_slug>/<row_key>/<col_key>")
@access(*FIGURE_READERS)
def report_cell(report_id: int, table_slug: str, row_key: str, col_key: str):
    """The records a report's cell counts (its frozen ids once issued); 404 for no such cell."""
    item = get_visible_or_404(PeriodicReport, report_id)
    return _drill(item.snapshot, table_slug, row_key, col_key, report=item)


@bp.route("/cells/<period_key>/<table_slug>/<row_key>/<col_key>")
@access(*FIGURE_READERS)
def cell(period_key: str, table_slug: str, row_key: str, col_key: str):
    """The records a live cell counts for an ended period; 404 for a period that cannot be
    reported or no such cell."""
    try:
        period, cutoff = operations.resolve(period_key)
    except OperationError:
        abort(404)
    return _drill(
        operations.live_snapshot(period, cutoff), table_slug, row_key, col_key, report=None
    )


@bp.route("/reports/<int:report_id>/annex.xlsx")
@access(*STAT_READERS)
def annex(report_id: int):
    """The annex tables as an Excel workbook in the forms' layout; 404 if not visible."""
    item = get_visible_or_404(PeriodicReport, report_id)
    doc = item.document
    data = xlsx.workbook(
        item.snapshot, doc.issuing_body, doc.number_label if doc.is_issued else None
    )
    response = make_response(data)
    response.mimetype = XLSX_MIME
    name = f"bieu-so-lieu-{item.period_key}.xlsx"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
