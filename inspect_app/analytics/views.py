"""The repeat-violation analytics page, its exports, and adding a suggested target to a plan."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, abort, make_response, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from inspect_app.analytics.queries import (
    DAYS_CAP,
    SUGGEST_MIN_SCORE,
    AnalyticsParams,
    analytics,
    risk_formula,
    suggested_targets,
    table_records,
)
from inspect_app.analytics.schemas import SuggestionSchema
from inspect_app.auth.queries import active_inspectors
from inspect_app.core import clock
from inspect_app.core.actions import form_action
from inspect_app.core.errors import OperationError
from inspect_app.core.htmx import redirect_to, render
from inspect_app.core.permissions import access
from inspect_app.core.roles import READERS, Role
from inspect_app.core.templating import register_nav
from inspect_app.extensions import db
from inspect_app.plans import operations as plan_operations
from inspect_app.plans.models import Plan, PlanState
from inspect_app.reference.models import ActivityKind

bp = Blueprint("analytics", __name__, url_prefix="/analytics")

register_nav("analytics.index", _l("Analytics"), READERS)

COLUMNS = [
    ("unit", _l("Unit")),
    ("field", _l("Field")),
    ("year", _l("Year")),
    ("cases", _l("Cases")),
    ("decided", _l("Decided")),
    ("on_time", _l("Closed on time")),
    ("on_time_share", _l("Share closed on time")),
    ("avg_working_days_overdue", _l("Average working days overdue")),
    ("repeats", _l("Repeats")),
]


def _next_year_drafts() -> list[Plan]:
    """Draft plans of next year: where suggested targets can go."""
    return list(
        db.session.execute(
            select(Plan)
            .options(selectinload(Plan.items))
            .where(Plan.year == clock.today().year + 1, Plan.state == PlanState.DRAFT)
            .order_by(Plan.title, Plan.id)
        ).scalars()
    )


def _page(params: AnalyticsParams, status: int = 200, errors: dict | None = None, failed=None):
    result = analytics(params)
    can_plan = Plan.can_author(current_user)
    plans = _next_year_drafts() if can_plan else []
    chosen = request.values.get("plan_id", "")
    plan = next((p for p in plans if str(p.id) == chosen), plans[0] if plans else None)
    excluded = {item.target_unit_id for item in plan.items} if plan else set()
    leads = active_inspectors() if can_plan else []
    return render(
        "analytics/index.html",
        status=status,
        result=result,
        params=params,
        formula=risk_formula(),
        days_cap=DAYS_CAP,
        min_score=SUGGEST_MIN_SCORE,
        can_plan=can_plan,
        plans=plans,
        plan=plan,
        next_year=clock.today().year + 1,
        suggestions=suggested_targets(result, excluded) if plan else [],
        leads=leads,
        kinds=list(ActivityKind),
        errors=errors or {},
        failed=failed,
        form=request.form,
    )


@bp.route("")
@access(*READERS)
def index():
    """Figures per unit, field and year, the unit risk scores and the suggested targets."""
    return _page(AnalyticsParams.from_args(request.args, clock.today()))


@bp.route("/export.<fmt>")
@access(*READERS)
def export(fmt: str):
    """The analytics table as CSV or XLSX (404 for another format)."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    params = AnalyticsParams.from_args(request.args, clock.today())
    records = table_records(analytics(params))
    header = [str(label) for _key, label in COLUMNS]
    name = f"analytics_{params.year_from}_{params.year_to}.{fmt}"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        for record in records:
            writer.writerow(["" if record[k] is None else record[k] for k, _label in COLUMNS])
        body = ("\ufeff" + out.getvalue()).encode()  # BOM: Excel reads UTF-8 diacritics
        mimetype = "text/csv; charset=utf-8"
    else:
        book = Workbook(write_only=True)
        sheet = book.create_sheet(str(_("Analytics")))
        sheet.append(header)
        for record in records:
            sheet.append([record[k] for k, _label in COLUMNS])
        buffer = io.BytesIO()
        book.save(buffer)
        body = buffer.getvalue()
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = make_response(body)
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.route("/suggestions", methods=["POST"])
@access(Role.ADMIN, Role.LEAD_INSPECTOR)
def add_suggestion():
    """Add a suggested target to a draft plan of next year through the plans' own checks
    (overlap included): 422 with the page and the message when refused."""
    params = AnalyticsParams.from_args(request.form, clock.today())
    next_year = clock.today().year + 1

    def add(data: dict):
        plan = db.session.get(Plan, data["plan_id"])
        if plan is None or plan.year != next_year or plan.state != PlanState.DRAFT:
            message = _("Choose a draft plan of next year (%(year)d).", year=next_year)
            raise OperationError(message, field="plan_id")
        payload = {
            "target_unit_id": data["unit_id"],
            "field_ids": data["field_ids"],
            "kind": data["kind"],
            "period_kind": "quarter",
            "period": data["period"],
            "lead_id": data["lead_id"],
            "content": _("Suggested by the repeat-violation analytics."),
            "overlap_justification": data.get("overlap_justification"),
        }
        return plan_operations.add_item(current_user, plan, payload)

    return form_action(
        SuggestionSchema(),
        add,
        page=lambda status, errors: _page(params, status, errors, request.form.get("unit_id")),
        done=lambda item: redirect_to("analytics.index", plan_id=item.plan_id, **params.as_args()),
        message=lambda item: _(
            "%(unit)s was added to %(plan)s.", unit=item.target_unit.name, plan=item.plan.title
        ),
    )
