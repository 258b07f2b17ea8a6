"""Journeys of the follow-up: the unit leader answers a case with a file on a phone, an
inspector of the team accepts the answer, leadership opens the dashboard and downloads a report."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import func, select

from inspect_app.answers.models import CaseAnswer
from inspect_app.cases.models import Case, CaseState
from inspect_app.core import clock
from inspect_app.inspections.models import Inspection
from inspect_app.units.models import Unit
from tests.browser.conftest import PHONE, no_horizontal_scroll, screenshot
from tests.browser.test_browser_findings import query

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def open_case_of(app, unit_code: str, decision: str) -> int:
    return query(
        app,
        select(Case.id)
        .join(Unit, Case.responsible_unit_id == Unit.id)
        .join(Inspection, Case.inspection_id == Inspection.id)
        .where(
            Unit.code == unit_code,
            Inspection.decision_number == decision,
            Case.state == CaseState.OPEN,
        )
        .order_by(Case.id)
        .limit(1),
    )


def test_unit_leader_answers_on_phone_and_inspector_accepts(open_page, live_server):
    app = live_server.app
    # Sở Y tế's case from inspection 09/QĐ-TTr (team: truongdoan, thanhtra3).
    case_id = open_case_of(app, "SYT", "09/QĐ-TTr")
    assert case_id, "the demo seed has an open case of Sở Y tế"

    leader = open_page("giamdoc.syt", viewport=PHONE, has_touch=True, is_mobile=True)
    leader.goto(f"/cases/{case_id}")
    no_horizontal_scroll(leader)
    leader.click(f"a[href='/cases/{case_id}/answer']")
    leader.wait_for_url(f"**/cases/{case_id}/answer")
    no_horizontal_scroll(leader)
    screenshot(leader, "answer-phone")
    for selector in ("#f-files", "button[value=final]"):
        assert leader.locator(selector).bounding_box()["height"] >= 44, selector
    leader.fill("#f-text", "Đã rà soát, hủy 03 quyết định tuyển dụng sai tiêu chuẩn và kiểm điểm.")
    leader.fill("#f-completion_date", clock.today().isoformat())
    leader.set_input_files(
        "#f-files", {"name": "bao-cao-khac-phuc.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    leader.click("button[value=final]")
    leader.wait_for_url(re.compile(rf"/cases/{case_id}$"))
    expect(leader.locator("#flash .flash-success")).to_be_visible()
    assert query(app, select(Case.state).where(Case.id == case_id)) == CaseState.ANSWERED
    answers = select(func.count(CaseAnswer.id)).where(CaseAnswer.case_id == case_id)
    assert query(app, answers) == 1

    inspector = open_page("thanhtra3")
    inspector.goto(f"/cases/{case_id}")
    expect(inspector.locator("main")).to_contain_text("bao-cao-khac-phuc.pdf")
    inspector.click(f"form[action='/cases/{case_id}/accept'] button")
    inspector.wait_for_url(re.compile(rf"/cases/{case_id}$"))
    expect(inspector.locator("#flash .flash-success")).to_be_visible()
    assert query(app, select(Case.state).where(Case.id == case_id)) == CaseState.ACCEPTED


def test_leadership_opens_dashboard_and_downloads_a_report(open_page, tmp_path):
    page = open_page("chanhthanhtra")
    page.goto("/dashboard")
    expect(page.locator("[data-figure=all]")).to_be_visible()
    assert int(page.locator("[data-figure=all]").inner_text()) > 0
    # (axe on the dashboard and the reports list: test_browser_accessibility)

    page.goto("/reports")
    page.locator("#main table a[href^='/reports/']").first.click()
    page.wait_for_url(re.compile(r"/reports/\d+$"))
    with page.expect_download() as info:
        page.locator("a[href$='/pdf']").first.click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.suffix == ".pdf" and path.read_bytes().startswith(b"%PDF")
