"""The leadership dashboard: counters, overdue by unit, ageing, compliance, monthly trend."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from flask import Blueprint, g, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from inspect_app.core import clock, versions
from inspect_app.core.errors import OperationError
from inspect_app.core.htmx import is_fragment_request, render
from inspect_app.core.permissions import access
from inspect_app.core.roles import Role
from inspect_app.core.templating import register_nav
from inspect_app.dashboard import charts, queries
from inspect_app.extensions import db
from inspect_app.recovery.queries import format_amount
from inspect_app.reference.models import FieldOfWork
from inspect_app.statistics import operations as stat_operations
from inspect_app.statistics import periods as stat_periods

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

_PLAIN = re.compile(r"[A-Za-z0-9_.-]*")

# Unit leaders are left out on purpose: the dashboard compares units with one another.
VIEWERS = (Role.ADMIN, Role.LEAD_INSPECTOR, Role.LEADERSHIP, Role.CHAIRMAN)

register_nav("dashboard.index", _l("Dashboard"), VIEWERS)
bp.record_once(lambda state: versions.watch(state.app, queries.DATA_SET, queries.SOURCES))
bp.record_once(
    lambda state: versions.watch(state.app, queries.LIFECYCLE_SET, queries.LIFECYCLE_SOURCES)
)


@bp.app_template_global("dash_percent")
def percent(rate: float | None) -> str:
    """87.5 % (87,5 % in Vietnamese); a dash when there is nothing to measure."""
    if rate is None:
        return "–"
    text = f"{rate * 100:.1f}".removesuffix(".0")
    if "dash_locale" not in g:  # a row per unit asks: the locale once per request
        g.dash_locale = str(get_locale())
    if g.dash_locale == "vi":
        text = text.replace(".", ",")
    return f"{text} %"


def cases_url(filters: queries.DashboardFilters, **extra) -> str:
    """The `/cases` list behind a figure: the list's address (one `url_for` per request) and
    the query string; the page has a link per unit and month, and `url_for` each was most of
    its rendering time."""
    if "cases_index_url" not in g:
        g.cases_index_url = url_for("cases.index")
    args = filters.case_args(**extra)
    if not args:
        return g.cases_index_url
    # Numbers, ISO dates and state names need no quoting: joined as they are (same string).
    pairs = [(k, str(v)) for k, v in args.items()]
    if all(_PLAIN.fullmatch(v) for _k, v in pairs):
        return f"{g.cases_index_url}?" + "&".join(f"{k}={v}" for k, v in pairs)
    return f"{g.cases_index_url}?{urlencode(args)}"


@bp.app_template_global("dashboard_summary")
def dashboard_summary():
    """The leadership home page's key figures (computed only when the template asks)."""
    return queries.cached_summary(current_user)


def unit_url(filters: queries.DashboardFilters, unit_id: int | str, tail: str) -> str:
    """`cases_url(filters, unit=unit_id, **extra)` for the links of a unit's row, `tail` the
    extra arguments as written in the query string ("&ontime=1"; plain values only): the same
    address, without building it argument by argument for each of hundreds of links."""
    if "dash_unit_prefix" not in g:
        base = cases_url(filters)
        g.dash_unit_prefix = base + ("&unit=" if "?" in base else "?unit=")
    return f"{g.dash_unit_prefix}{unit_id}{tail}"


def _month_links(filters: queries.DashboardFilters):
    def hrefs(month) -> tuple[str, str]:
        due = cases_url(
            filters, year=month.year, due_from=month.start.isoformat(), due_to=month.end.isoformat()
        )
        accepted = cases_url(
            filters,
            state="accepted",
            closed_from=month.start.isoformat(),
            closed_to=month.end.isoformat(),
        )
        return due, accepted

    memo: dict = {}

    def remembered(month) -> tuple[str, str]:  # the chart and the table both ask
        key = (month.year, month.month)
        if key not in memo:
            memo[key] = hrefs(month)
        return memo[key]

    return remembered


def _overdue_href(filters: queries.DashboardFilters, month) -> str | None:
    """The current month's figure is today's overdue list; a past month's needs `overdue_on`."""
    if month.as_of is None:
        return None
    if month.as_of >= clock.today():
        return cases_url(filters, overdue="1")
    return cases_url(filters, overdue_on=month.as_of.isoformat())


def _year_choices(filters: queries.DashboardFilters, today) -> list[int]:
    years = set(range(today.year - 5, today.year + 2))
    if filters.year is not None:
        years.add(filters.year)
    return sorted(years, reverse=True)


# Bars drawn in the overdue-by-unit chart: a province has hundreds of units; a chart of all of
# them is a page long (the data table below it lists every unit).
CHART_UNITS = 15


@bp.route("")
@access(*VIEWERS)
def index():
    """The dashboard for the year and field in the URL (htmx: the body only); 403 for others."""
    today = clock.today()
    filters = queries.DashboardFilters.from_args(request.args, today)
    body = _body(filters, today)
    if is_fragment_request():
        return render("dashboard/index.html", "core/_html.html", html=body)
    fields = db.session.execute(select(FieldOfWork).order_by(FieldOfWork.name)).scalars()
    return render(
        "dashboard/index.html",
        body=body,
        filters=filters,
        fields=list(fields),
        years=_year_choices(filters, today),
    )


def _body(filters: queries.DashboardFilters, today) -> Markup:
    """The figures' part of the page, rendered once and kept with the figures (for the same
    scope, filters, day and data version, in the same language): rendering its 190 KB was
    most of a cached dashboard's time, and it is the same for everyone who sees those units.
    Without the cache (DASHBOARD_CACHE_SECONDS=0, tests) it is rendered on every request."""
    kind = f"body|{get_locale()}|{'unit' if current_user.is_unit_leader else 'province'}"
    html = queries.cached(
        kind,
        current_user,
        filters,
        today,
        lambda: str(render_template("dashboard/_body.html", **_body_context(filters, today))),
    )
    # Our own template's output, escaped as it was rendered.
    return Markup(html)  # noqa: S704  # nosec B704


def _body_context(filters: queries.DashboardFilters, today) -> dict:
    data = queries.cached_dashboard(current_user, filters, today)
    # The units with most overdue cases (the list is in that order); all of them in the table.
    by_unit_chart = charts.horizontal_bars(
        [
            (row.unit_name, row.count, unit_url(filters, row.unit_id, "&overdue=1"))
            for row in data.by_unit[:CHART_UNITS]
        ]
    )
    month_links = _month_links(filters)
    trend_chart = charts.trend_chart(data.trend, lambda m: str(m.month), month_links)
    return {
        "dash": data,
        "filters": filters,
        "today": today,
        "by_unit_chart": by_unit_chart,
        "trend_chart": trend_chart,
        "cases_url": lambda **extra: cases_url(filters, **extra),
        # A unit's links: this, the unit's id, then the other arguments (`unit_url`).
        "unit_prefix": unit_url(filters, "", ""),
        "overdue_href": lambda month: _overdue_href(filters, month),
        "month_links": month_links,
        # Conclusion lifecycle steps past their due date (the province's, not a unit's).
        "conclusion_overdue": None
        if current_user.is_unit_leader
        else queries.cached_lifecycle_overdue(current_user, today),
        "recovery": data.recovery,
        "fmt_amount": format_amount,
    }


@bp.route("/periodic")
@access(*VIEWERS)
def periodic():
    """The period's figures (Circular 06/2025/TT-TTCP tables) per inspected unit and per field,
    as of the period's cut-off (as issued once its report is issued), with the period selector
    (a fragment of the dashboard)."""
    today = clock.today()
    latest = stat_periods.latest_ended(today)
    key = request.args.get("period") or (latest.key if latest else "")
    refusal, units, fields, period, cutoff, issued = None, [], [], None, None, None
    try:
        period, cutoff = stat_operations.resolve(key, today=today)
        units, fields, issued = stat_operations.breakdown_of(period, cutoff)
        cutoff = issued.cutoff if issued else cutoff
    except OperationError as e:
        refusal = str(e.message)
    return render(
        "dashboard/periodic.html",
        "dashboard/_periodic.html",
        key=key,
        period=period,
        cutoff=cutoff,
        refusal=refusal,
        issued=issued,
        units=units,
        fields=fields,
        choices=stat_periods.recent(today, 16),
        vnd=format_amount,
    )
