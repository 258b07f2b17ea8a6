"""Analytics page per role, exports, and a suggested target flowing into a plan item."""

from __future__ import annotations

import csv
import io
from datetime import date
from urllib.parse import urlsplit

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from inspect_app.core import clock
from inspect_app.core.audit import AuditEvent
from inspect_app.plans.models import PlanItem
from inspect_app.units.models import UnitKind
from tests import factories as f

ROLES = ["anonymous", "admin", "inspector", "lead_inspector", "unit_leader", "leadership"]
READ = {"admin": 200, "inspector": 200, "lead_inspector": 200, "leadership": 200}


@pytest.fixture(autouse=True)
def _today():
    with clock.frozen(date(2026, 3, 10)):
        yield


@pytest.fixture()
def risky(db):
    """Xã Rủi Ro: two late cases on the same legal basis (a repeat) in field Công chức."""
    unit = f.make_unit("Xã Rủi Ro", UnitKind.COMMUNE, code="XRR")
    field = f.make_field("Công chức")
    ref = f.make_legal_reference()
    for concluded in (date(2024, 3, 1), date(2025, 3, 3)):
        insp = f.make_inspection(
            state="monitoring",
            target_unit=unit,
            conclusion_number="1/KL",
            conclusion_date=concluded,
            start_date=date(concluded.year, 1, 2),
            decision_date=date(concluded.year, 1, 1),
        )
        insp.fields = [field]
        f.make_case(insp, "open", date(concluded.year, 6, 30), legal_reference=ref)
    db.session.commit()
    return unit, field


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "method, path, allowed",
    [
        ("GET", "/analytics", READ),
        ("GET", "/analytics/export.csv", READ),
        ("GET", "/analytics/export.xlsx", READ),
        ("POST", "/analytics/suggestions", {"admin": 422, "lead_inspector": 422}),
    ],
)
def test_permissions(db, client, login_as, risky, role, method, path, allowed):
    c = client if role == "anonymous" else login_as(role)
    r = c.open(path, method=method, data={} if method == "POST" else None)
    if role == "anonymous":
        assert r.status_code == 302 and urlsplit(r.headers["Location"]).path == "/login"
    else:
        assert r.status_code == allowed.get(role, 403)
    assert db.session.execute(select(PlanItem)).first() is None


def test_page_shows_figures_and_formula(db, login_as, risky):
    c = login_as("inspector", locale="en")
    html = c.get("/analytics?year_from=2020&year_to=2026&window=3").get_data(as_text=True)
    assert "Xã Rủi Ro" in html and "Công chức" in html
    assert "Risk = 40 × (1 − share closed on time)" in html
    assert "Suggested targets" not in html  # inspectors do not plan
    # Nonsense parameters fall back to defaults instead of failing.
    r = c.get("/analytics?year_from=abc&year_to=99999&window=-1&as_of=yesterday")
    assert r.status_code == 200


def test_exports(db, login_as, risky):
    c = login_as("leadership", locale="en")
    r = c.get("/analytics/export.csv?year_from=2024&year_to=2025")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(r.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["Unit", "Field", "Year"]
    assert [row[:4] for row in rows[1:]] == [
        ["Xã Rủi Ro", "Công chức", "2024", "1"],
        ["Xã Rủi Ro", "Công chức", "2025", "1"],
    ]
    assert rows[2][-1] == "1"  # the 2025 case repeats the 2024 one
    r = c.get("/analytics/export.xlsx?year_from=2024&year_to=2025")
    sheet = load_workbook(io.BytesIO(r.data)).active
    values = list(sheet.values)
    assert values[0][0] == "Unit" and values[2][:3] == ("Xã Rủi Ro", "Công chức", 2025)
    assert c.get("/analytics/export.pdf").status_code == 404


def test_suggestion_flows_into_a_plan_item(db, login_as, risky):
    unit, field = risky
    planner = f.make_user("lead_inspector", locale="en")
    plan = f.make_plan(2027, title="Kế hoạch 2027")
    f.make_plan(2026, title="Kế hoạch 2026")  # this year's plan: not offered
    db.session.commit()
    c = login_as(planner)
    html = c.get("/analytics?year_from=2024&year_to=2026").get_data(as_text=True)
    assert "Suggested targets for 2027" in html and "Kế hoạch 2026" not in html
    assert f'name="unit_id" value="{unit.id}"' in html
    r = c.post(
        "/analytics/suggestions",
        data={
            "plan_id": plan.id,
            "unit_id": unit.id,
            "field_ids": [field.id],
            "lead_id": planner.id,
            "period": "2",
            "kind": "kiem_tra",
            "year_from": "2024",
            "year_to": "2026",
        },
    )
    assert r.status_code == 303
    assert urlsplit(r.headers["Location"]).path == "/analytics"
    item = db.session.execute(select(PlanItem)).scalar_one()
    assert (item.plan_id, item.target_unit_id, item.period, item.lead_id) == (
        plan.id,
        unit.id,
        2,
        planner.id,
    )
    assert [x.id for x in item.fields] == [field.id] and item.kind.value == "kiem_tra"
    assert db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "plan_item_added")
    ).scalar_one()
    # Once in the plan, the unit is no longer suggested for it.
    html = c.get(f"/analytics?year_from=2024&year_to=2026&plan_id={plan.id}").get_data(as_text=True)
    assert f'name="unit_id" value="{unit.id}"' not in html


def test_suggestion_goes_through_the_overlap_check(db, login_as, risky):
    unit, field = risky
    planner = f.make_user("lead_inspector", locale="en")
    other = f.make_plan(2027, title="Kế hoạch A")
    f.make_plan_item(other, unit, fields=[field])
    plan = f.make_plan(2027, title="Kế hoạch B")
    db.session.commit()
    c = login_as(planner)
    data = {
        "plan_id": plan.id,
        "unit_id": unit.id,
        "field_ids": [field.id],
        "lead_id": planner.id,
        "period": "3",
    }
    r = c.post("/analytics/suggestions", data=data)
    assert r.status_code == 422
    assert "already planned this year" in r.get_data(as_text=True)
    assert 'name="overlap_justification"' in r.get_data(as_text=True)
    assert len(plan.items) == 0
    r = c.post(
        "/analytics/suggestions", data=data | {"overlap_justification": "Tái phạm nhiều lần"}
    )
    assert r.status_code == 303
    db.session.refresh(plan)
    assert len(plan.items) == 1


def test_no_draft_plan_for_next_year(db, login_as, risky):
    unit, field = risky
    admin = login_as("admin", locale="en")
    html = admin.get("/analytics").get_data(as_text=True)
    assert "There is no draft plan for 2027 yet" in html
    wrong = f.make_plan(2026)
    approved = f.make_plan(2027, state="approved")
    db.session.commit()
    for plan in (wrong, approved):
        r = admin.post(
            "/analytics/suggestions",
            data={
                "plan_id": plan.id,
                "unit_id": unit.id,
                "field_ids": [field.id],
                "lead_id": f.make_user("inspector").id,
                "period": "1",
            },
        )
        assert r.status_code == 422
        assert "Choose a draft plan of next year (2027)." in r.get_data(as_text=True)
    assert db.session.execute(select(PlanItem)).first() is None


def test_analytics_page_constant_queries(db, login_as, risky, count_queries):
    c = login_as("lead_inspector")
    f.make_plan(2027)
    db.session.commit()
    with count_queries() as n:
        assert c.get("/analytics?year_from=2020").status_code == 200
    small = n()
    for i in range(4):
        unit = f.make_unit(f"Xã {i}", UnitKind.COMMUNE)
        insp = f.make_inspection(state="monitoring", target_unit=unit)
        insp.fields = [risky[1]]
        f.make_case(insp, "open", date(2025, 1, 31))
    db.session.commit()
    with count_queries() as n:
        assert c.get("/analytics?year_from=2020").status_code == 200
    assert n() == small
