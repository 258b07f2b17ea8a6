"""The dashboard page: permissions per role, figures and the lists they link to, htmx fragment,
constant query count, empty database, bad filter values, the leadership home counters."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from inspect_app.core import clock
from inspect_app.core.roles import Role
from tests import factories as f
from tests.dashboard.support import TODAY, Links, counter, make_data_set, query


@pytest.fixture()
def data(db):
    clock.freeze(TODAY)
    result = make_data_set(db)
    db.session.commit()
    return result


ROLES = {
    "anonymous": "sign-in",
    "admin": 200,
    "inspector": 403,
    "lead_inspector": 200,
    "unit_leader": 403,
    "leadership": 200,
}


@pytest.mark.parametrize("role, expected", ROLES.items())
@pytest.mark.parametrize("url", ["/dashboard", "/dashboard?year=2026", "/dashboard?field=1"])
def test_permissions_per_role(data, client, login_as, role, expected, url):
    c = client if role == "anonymous" else login_as(role)
    response = c.get(url)
    if expected == "sign-in":
        assert response.status_code == 302
        assert urlsplit(response.headers["Location"]).path == "/login"
    else:
        assert response.status_code == expected
    body = response.get_data(as_text=True)
    if expected != 200:
        assert "Sở A" not in body and "data-figure" not in body


def test_unit_leader_never_sees_figures_even_for_their_own_unit_or_by_fragment(data, login_as):
    a, b, c = data["units"]
    leader = f.make_user(Role.UNIT_LEADER, unit=b)
    client = login_as(leader)
    for url in ("/dashboard", f"/dashboard?unit={a.id}", "/dashboard?year=all"):
        assert client.get(url).status_code == 403
        assert client.get(url, headers={"HX-Request": "true"}).status_code == 403
    home = client.get("/").get_data(as_text=True)
    assert "data-figure" not in home and "/dashboard" not in home


@pytest.mark.parametrize("role", ["admin", "lead_inspector", "leadership"])
def test_nav_entry_for_the_viewers_only(data, login_as, role):
    body = login_as(role).get("/").get_data(as_text=True)
    assert 'href="/dashboard"' in body


@pytest.mark.parametrize("role", ["inspector", "unit_leader"])
def test_no_nav_entry_for_others(data, login_as, role):
    body = login_as(role).get("/").get_data(as_text=True)
    assert 'href="/dashboard"' not in body


def test_figures_link_to_the_case_lists_that_give_the_same_numbers(data, login_as):
    client = login_as(Role.LEADERSHIP)
    page = Links(client.get("/dashboard").get_data(as_text=True))
    expected = {"open": 6, "answered": 1, "accepted": 5, "withdrawn": 1}
    for state, n in expected.items():
        link = page.figure(f"state-{state}")
        assert link["text"] == str(n)
        assert query(link["href"]) == {"year": "2026", "state": state}
        assert counter(client.get(link["href"]).get_data(as_text=True), state) == n
    overdue = page.figure("overdue")
    assert overdue["text"] == "5" and query(overdue["href"]) == {"year": "2026", "overdue": "1"}
    listed = client.get(overdue["href"]).get_data(as_text=True)
    assert counter(listed, "overdue") == 5
    assert page.figure("all")["text"] == "13"
    for unit, n in zip(data["units"], (2, 2, 1), strict=True):
        link = page.figure(f"overdue-unit-{unit.id}")
        assert link["text"] == str(n)
        assert query(link["href"]) == {"year": "2026", "unit": str(unit.id), "overdue": "1"}
        assert counter(client.get(link["href"]).get_data(as_text=True), "overdue") == n


def test_figures_that_need_proposed_filters_carry_them(data, login_as):
    client = login_as(Role.ADMIN)
    html = client.get("/dashboard").get_data(as_text=True)
    page = Links(html)
    ageing = {
        "1-5": ("2", {"overdue_max": "5"}),
        "6-15": ("1", {"overdue_min": "6", "overdue_max": "15"}),
        "16-30": ("1", {"overdue_min": "16", "overdue_max": "30"}),
        "30+": ("1", {"overdue_min": "31"}),
    }
    for key, (text, extra) in ageing.items():
        link = page.figure(f"ageing-{key}")
        assert link["text"] == text
        assert query(link["href"]) == {"year": "2026", "overdue": "1", **extra}
    compliance = page.figure("compliance")
    assert compliance["text"] == "30 %"
    assert query(compliance["href"]) == {"year": "2026", "ontime": "any"}
    # Compliance table: unit A first (lowest rate), each number a link with its filters.
    a = data["units"][0]
    row = re.search(rf'<tr data-unit="{a.id}">(.*?)</tr>', html, re.S).group(1)
    cells = [(query(link["href"]), link["text"].strip()) for link in Links(row).links]
    unit = {"year": "2026", "unit": str(a.id)}
    assert cells == [
        ({**unit, "ontime": "1"}, "1"),
        ({**unit, "state": "accepted", "ontime": "0"}, "2"),
        ({**unit, "overdue": "1"}, "2"),
        ({**unit, "ontime": "any"}, "20 %"),
    ]
    assert html.index(f'data-unit="{a.id}"') < html.index(f'data-unit="{data["units"][2].id}"')
    # Monthly trend table: July and September.
    july = re.search(r'<tr data-month="7">(.*?)</tr>', html, re.S).group(1)
    cells = [(query(link["href"]), link["text"].strip()) for link in Links(july).links]
    assert cells == [
        ({"year": "2026", "due_from": "2026-07-01", "due_to": "2026-07-31"}, "1"),
        (
            {
                "year": "2026",
                "state": "accepted",
                "closed_from": "2026-07-01",
                "closed_to": "2026-07-31",
            },
            "1",
        ),
        ({"year": "2026", "overdue_on": "2026-07-31"}, "1"),
    ]
    september = re.search(r'<tr data-month="9">(.*?)</tr>', html, re.S).group(1)
    assert query(Links(september).links[2]["href"]) == {"year": "2026", "overdue": "1"}
    assert Links(september).links[2]["text"].strip() == "5"
    october = re.search(r'<tr data-month="10">(.*?)</tr>', html, re.S).group(1)
    assert len(Links(october).links) == 2  # no "overdue at month end" for a month to come


def test_filters_in_the_url_reach_every_link(data, login_as):
    field_1 = data["fields"][0]
    client = login_as(Role.LEADERSHIP)
    html = client.get(f"/dashboard?year=2026&field={field_1.id}").get_data(as_text=True)
    page = Links(html)
    case_links = [link["href"] for link in page.links if link["href"].startswith("/cases?")]
    assert len(case_links) > 40
    for href in case_links:
        params = query(href)
        assert params["field"] == str(field_1.id) and params["year"] == "2026", href
    assert page.figure("state-open")["text"] == "2"
    # The selected field is kept in the form.
    assert re.search(rf'<option value="{field_1.id}" selected>', html)
    every_year = Links(client.get("/dashboard?year=all").get_data(as_text=True))
    assert every_year.figure("overdue")["text"] == "6"
    assert query(every_year.figure("overdue")["href"]) == {"overdue": "1"}


def test_page_has_accessible_charts_and_data_tables(data, login_as):
    html = login_as(Role.LEADERSHIP).get("/dashboard").get_data(as_text=True)
    assert html.count('<svg class="chart-svg"') == 2
    assert 'aria-labelledby="units-title"' in html and '<desc id="units-desc">' in html
    assert 'aria-labelledby="trend-title"' in html and '<desc id="trend-desc">' in html
    assert 'id="table-overdue-units"' in html and 'id="table-trend"' in html
    assert "dashboard.css" in html
    assert "<script" not in html.split("</head>")[1]  # no inline scripts in the body
    assert "style=" not in html  # CSP: style-src 'self'
    assert 'id="dash-notes"' in html


def test_htmx_filter_change_returns_the_fragment(data, login_as):
    client = login_as(Role.LEADERSHIP)
    response = client.get("/dashboard?year=2025", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    body = response.get_data(as_text=True)
    assert "<html" not in body and "<form" not in body
    page = Links(body)
    assert page.figure("overdue")["text"] == "1"
    assert query(page.figure("overdue")["href"]) == {"year": "2025", "overdue": "1"}
    full = client.get("/dashboard?year=2025").get_data(as_text=True)
    assert 'hx-push-url="true"' in full and 'hx-target="#dashboard-body"' in full
    assert 'action="/dashboard"' in full and 'method="get"' in full


@pytest.mark.parametrize(
    "qs",
    [
        "year=abc&field=xyz",
        "year=-1&field=-1",
        "year=99999999999999999999&field=99999999999999999999",
        "year=%00&field=%00",
        "year=2026&year=all&field=1&field=2",
        "year=1999",
        "unit=1&state=bogus&overdue=2",
    ],
)
def test_bad_filter_values_are_ignored(data, login_as, qs):
    response = login_as(Role.ADMIN).get(f"/dashboard?{qs}")
    assert response.status_code == 200
    page = Links(response.get_data(as_text=True))
    assert page.figure("all")["text"] in {"13", "5", "0"}


def test_empty_database_shows_zeros(db, login_as):
    clock.freeze(TODAY)
    client = login_as(Role.LEADERSHIP)
    response = client.get("/dashboard")
    assert response.status_code == 200
    page = Links(response.get_data(as_text=True))
    for name in ("state-open", "overdue", "all", "ageing-1-5", "ageing-30+"):
        assert page.figure(name)["text"] == "0"
    assert page.figure("compliance")["text"] == "–"
    home = Links(client.get("/").get_data(as_text=True))
    assert home.figure("overdue")["text"] == "0"


def test_leadership_home_shows_key_counters_and_links_to_the_dashboard(data, login_as):
    client = login_as(Role.LEADERSHIP)
    html = client.get("/").get_data(as_text=True)
    page = Links(html)
    assert page.figure("state-open")["text"] == "6"
    assert page.figure("overdue")["text"] == "5"
    assert query(page.figure("overdue")["href"]) == {"year": "2026", "overdue": "1"}
    assert page.figure("compliance")["text"] == "30 %"
    assert any(link["href"] == "/dashboard" for link in page.links)


def test_percent_in_vietnamese_uses_a_decimal_comma(data, login_as):
    client = login_as(Role.LEADERSHIP, locale="vi")
    # Unit B: 1 of 3 on time.
    b = data["units"][1]
    html = client.get("/dashboard").get_data(as_text=True)
    row = re.search(rf'<tr data-unit="{b.id}">(.*?)</tr>', html, re.S).group(1)
    assert "33,3 %" in row


@pytest.mark.parametrize("url", ["/dashboard", "/"])
def test_query_count_does_not_grow_with_the_data(db, login_as, count_queries, url):
    clock.freeze(TODAY)
    client = login_as(Role.LEADERSHIP)
    field = f.make_field()

    def make(n):
        from datetime import timedelta

        for i in range(n):
            unit = f.make_unit()
            inspection = f.make_inspection(state="monitoring", target_unit=unit)
            inspection.fields = [field]
            due = TODAY - timedelta(days=3 * i + 1)
            f.make_case(inspection, due=due)
            f.make_case(inspection, due=due, state="accepted", closed_at=clock.now())
        db.session.commit()

    def measure():
        with count_queries() as n:
            response = client.get(url)
            assert response.status_code == 200
        return n()

    make(2)
    small = measure()
    make(25)
    large = measure()
    assert small == large
    # Figures, cache token, two recovery queries, and the lifecycle's overdue count (its
    # rules, the holiday table once, the next-working-day rule, one count).
    assert small <= 17


def test_trend_chart_marks_link_to_their_lists(data, login_as):
    html = login_as(Role.LEADERSHIP).get("/dashboard").get_data(as_text=True)
    svg = html.split('aria-labelledby="trend-title"')[1].split("</svg>")[0]
    hrefs = [query(link["href"]) for link in Links(svg).links]
    # 12 months x (due, accepted) and one overdue mark for each month up to today (9).
    assert len(hrefs) == 12 * 2 + 9
    assert {"year": "2026", "overdue_on": "2026-08-31"} in hrefs
    assert {"year": "2026", "overdue": "1"} in hrefs


def test_the_units_chart_draws_the_units_with_most_overdue_and_the_table_lists_all(db, login_as):
    """A province has hundreds of units: the chart draws the 15 with most overdue cases (most
    first) and says how many more the data table lists; the table has every unit."""
    from datetime import date

    clock.freeze(TODAY)
    inspection = f.make_inspection(state="monitoring")
    units = [f.make_unit(f"Đơn vị {i:02d}") for i in range(18)]
    for i, unit in enumerate(units):
        for _ in range(i + 1):  # unit i has i + 1 overdue cases
            f.make_case(inspection, responsible_unit=unit, due=date(2026, 9, 1))
    db.session.commit()
    html = login_as(Role.LEADERSHIP).get("/dashboard").get_data(as_text=True)
    chart = html.split('aria-labelledby="units-title"')[1].split("</figure>")[0]
    assert re.findall(r"<title>(Đơn vị \d+): \d+</title>", chart) == [
        f"Đơn vị {i:02d}" for i in range(17, 2, -1)
    ]
    assert "15 đơn vị có nhiều kiến nghị quá hạn nhất; 3 đơn vị khác" in chart
    table = html.split('id="table-overdue-units"')[1].split("</table>")[0]
    assert all(f'<th scope="row">Đơn vị {i:02d}</th>' in table for i in range(18))
