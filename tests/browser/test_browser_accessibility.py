"""axe-core on every main page, for the role that uses it: no serious or critical violation.

Each page must not scroll sideways on the phone; with BROWSER_SHOTS naming a folder, each is
also photographed there at desktop (1280 px) and phone (375 px) width for a human look.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from inspect_app.cases.models import Case, CaseState
from inspect_app.extensions import db
from inspect_app.inspections.models import Inspection
from inspect_app.plans.models import Plan
from inspect_app.units.models import Unit
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    SQUEEZED,
    axe_violations,
    no_horizontal_scroll,
    screenshot,
)


def _first_id(app, query) -> int:
    with app.app_context():
        value = db.session.execute(query.limit(1)).scalar_one()
        db.session.remove()
    return value


def _inspection(app, decision: str = "18/QĐ-SNV") -> int:
    return _first_id(app, select(Inspection.id).where(Inspection.decision_number == decision))


# (name, user or None, path; "{...}" ids are filled from the seed)
PAGES = [
    ("login", None, "/login"),
    ("home-admin", "admin", "/"),
    ("home-inspector", "thanhtra3", "/"),
    ("home-lead", "truongdoan2", "/"),
    ("home-unit-leader", "giamdoc.snv", "/"),
    ("home-leadership", "chanhthanhtra", "/"),
    ("plans", "chanhthanhtra", "/plans"),
    ("plan", "chanhthanhtra", "/plans/{plan}"),
    ("inspections", "truongdoan2", "/inspections/"),
    ("inspection", "truongdoan2", "/inspections/{inspection}"),
    ("finding-form", "thanhtra3", "/inspections/{inspection}/findings/new"),
    ("findings", "thanhtra3", "/findings"),
    ("cases", "truongdoan", "/cases"),
    ("case", "truongdoan", "/cases/{case}"),
    ("case-unit-leader", "giamdoc.syt", "/cases"),
    ("notifications", "truongdoan", "/notifications"),
    ("answer", "giamdoc.snv", "/cases/{snv_case}/answer"),
    ("dashboard", "chanhthanhtra", "/dashboard"),
    ("reports", "chanhthanhtra", "/reports"),
    ("admin-users", "admin", "/admin/users"),
    ("admin-units", "admin", "/admin/units"),
    ("admin-reference", "admin", "/reference"),
    ("admin-legal", "admin", "/reference/legal"),
    ("admin-rules", "admin", "/reference/rules"),
    ("admin-holidays", "admin", "/reference/holidays"),
    ("imports", "admin", "/imports"),
]


@pytest.fixture(scope="module")
def seeded_ids(live_server):
    app = live_server.app
    return {
        "inspection": _inspection(app),
        "case": _first_id(app, select(Case.id).order_by(Case.id)),
        "plan": _first_id(app, select(Plan.id).order_by(Plan.year.desc())),
        "snv_case": _first_id(
            app,
            select(Case.id)
            .join(Unit, Case.responsible_unit_id == Unit.id)
            .where(Unit.code == "SNV", Case.state == CaseState.OPEN)
            .order_by(Case.id),
        ),
    }


@pytest.mark.parametrize(("name", "user", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_main_page_has_no_serious_axe_violation(visit, seeded_ids, name, user, path):
    url = path.format(**seeded_ids)
    # axe is injected as a script tag: only these contexts bypass the CSP.
    page, response = visit(user, url, DESKTOP, bypass_csp=True)
    assert response.status == 200, (url, response.status)
    screenshot(page, f"{name}-desktop")
    no_horizontal_scroll(page)
    assert page.evaluate(SQUEEZED) == [], name
    assert axe_violations(page) == []

    phone, response = visit(user, url, PHONE, bypass_csp=True, has_touch=True, is_mobile=True)
    assert response.status == 200, (url, response.status)
    screenshot(phone, f"{name}-phone")
    no_horizontal_scroll(phone)
    assert phone.evaluate(SQUEEZED) == [], name
    assert axe_violations(phone) == []


def test_keyboard_skip_link_and_user_menu(open_page):
    page = open_page("truongdoan")
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    expect(skip).to_be_focused()
    assert skip.bounding_box()["x"] >= 0  # shown when focused
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # visible focus

    summary = page.locator("details.menu.account summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.locator("details.menu.account")).to_have_attribute("open", "")
    sign_out = page.locator("details.menu.account form[action='/logout'] button")
    expect(sign_out).to_be_visible()
    sign_out.focus()
    page.keyboard.press("Escape")
    expect(page.locator("details.menu.account")).not_to_have_attribute("open", "")
    expect(summary).to_be_focused()
