"""Every main page, for the role that uses it, at 1280 and 375 px: nothing overflows sideways,
no visible text is squeezed into a column a few letters wide (values wrapping every few
letters), and axe finds no serious or critical violation. Then the lead's journey whose next
step appears in place (team report -> recommendations), at both widths."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from inspect_app.cases.models import Case, CaseState
from inspect_app.extensions import db
from inspect_app.inspections.models import Inspection
from inspect_app.reports.models import Document, DocumentKind
from inspect_app.statistics.models import PeriodicReport
from inspect_app.units.models import Unit
from tests.browser.conftest import DESKTOP, PHONE, SQUEEZED, axe_violations, no_horizontal_scroll


def _decision(app, number: str) -> int:
    with app.app_context():
        value = db.session.execute(
            select(Inspection.id).where(Inspection.decision_number == number)
        ).scalar_one()
        db.session.remove()
    return value


# (name, user, path): each role's pages of its main task; "{...}" are ids from the demo.
# With test_browser_accessibility.PAGES (the same checks, axe at both widths there) these are
# every page of every role's menu, the record pages its main task opens, and their forms.
PAGES = [
    ("leadership-analytics", "chanhthanhtra", "/analytics"),
    ("leadership-inspection", "chanhthanhtra", "/inspections/{reported}"),
    ("leadership-cases", "chanhthanhtra", "/cases"),
    ("leadership-extensions", "chanhthanhtra", "/extensions"),
    ("leadership-checks", "chanhthanhtra", "/implementation-checks"),
    ("leadership-findings", "chanhthanhtra", "/findings"),
    ("leadership-reference", "chanhthanhtra", "/reference"),
    ("leadership-new-report", "chanhthanhtra", "/reports/new"),
    ("leadership-report", "chanhthanhtra", "/reports/{report}"),
    ("chairman-home", "chutich", "/"),
    ("chairman-reports", "chutich", "/reports?kind=report"),
    ("chairman-dashboard", "chutich", "/dashboard"),
    ("chairman-plans", "chutich", "/plans"),
    ("chairman-report", "chutich", "/reports/{report}"),
    ("leadership-statistics", "chanhthanhtra", "/statistics?period=2025-Y"),
    ("leadership-periodic-report", "chanhthanhtra", "/statistics/reports/{periodic}"),
    ("chairman-statistics", "chutich", "/statistics?period=2026-9M"),
    ("chairman-statistics-unended", "chutich", "/statistics?period=2026-Y"),
    ("clerk-home", "vanthu", "/"),
    ("clerk-documents", "vanthu", "/reports"),
    ("clerk-registers", "vanthu", "/reports/registers"),
    ("lead-home", "truongdoan2", "/"),
    ("lead-inspection", "truongdoan2", "/inspections/{ended}"),
    ("lead-case-form", "truongdoan2", "/cases/new/{reported}"),
    ("lead-new-inspection", "truongdoan2", "/inspections/new"),
    ("lead-extensions", "truongdoan2", "/extensions"),
    ("inspector-inspection", "thanhtra3", "/inspections/{onsite}"),
    ("inspector-finding-form", "thanhtra3", "/inspections/{onsite}/findings/new"),
    ("inspector-cases", "thanhtra3", "/cases?state=answered"),
    ("inspector-case", "thanhtra3", "/cases/{answered}"),
    ("inspector-inspections", "thanhtra3", "/inspections/?mine=1"),
    ("unit-leader-cases", "giamdoc.snv", "/cases"),
    ("unit-leader-case", "giamdoc.snv", "/cases/{snv_case}"),
    ("unit-leader-deputies", "giamdoc.snv", "/deputies"),
    ("unit-leader-inspections", "giamdoc.snv", "/inspections/"),
    ("admin-notifications", "admin", "/notifications"),
    ("admin-deputies", "admin", "/deputies"),
    ("admin-jobs", "admin", "/admin/jobs"),
    ("admin-search", "admin", "/search?q=dong+van"),
]


@pytest.fixture(scope="module")
def ids(live_server):
    app = live_server.app
    with app.app_context():
        first = {
            "report": select(Document.id)
            .where(Document.kind == DocumentKind.REPORT)
            .order_by(Document.id),
            "answered": select(Case.id).where(Case.state == CaseState.ANSWERED).order_by(Case.id),
            "periodic": select(PeriodicReport.id).order_by(PeriodicReport.id),
            "snv_case": select(Case.id)
            .join(Unit, Case.responsible_unit_id == Unit.id)
            .where(Unit.code == "SNV")
            .order_by(Case.id),
        }
        found = {k: db.session.execute(q.limit(1)).scalar_one() for k, q in first.items()}
        db.session.remove()
    return {
        "reported": _decision(app, "18/QĐ-SNV"),
        "onsite": _decision(app, "27/QĐ-TTr"),
        "ended": _decision(app, "21/QĐ-SNV"),
        **found,
    }


@pytest.mark.parametrize(("name", "user", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_page_is_readable_at_both_widths(visit, ids, name, user, path):
    for viewport in (DESKTOP, PHONE):
        extra = {"has_touch": True, "is_mobile": True} if viewport is PHONE else {}
        page, response = visit(user, path.format(**ids), viewport, bypass_csp=True, **extra)
        assert response.status == 200, (path, response.status)
        no_horizontal_scroll(page)
        assert page.evaluate(SQUEEZED) == [], (name, viewport["width"])
        if viewport is DESKTOP:  # axe at one width here (the main pages get both elsewhere)
            assert axe_violations(page) == [], name


def test_phone_header_is_compact_and_its_menu_works_from_the_keyboard(open_page):
    page = open_page("chanhthanhtra", viewport=PHONE, has_touch=True, is_mobile=True)
    page.goto("/")
    header = page.locator("header.topbar").bounding_box()
    assert header["height"] <= 80, header  # was 190 of 812 px
    summary = page.locator("details.phonemenu summary")
    summary.focus()
    page.keyboard.press("Enter")
    panel = page.locator("details.phonemenu nav")
    expect(panel).to_be_visible()
    expect(panel.get_by_role("link", name="Văn bản")).to_be_visible()
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(summary).to_be_focused()


def test_desktop_menu_is_short_with_the_rest_under_more(open_page):
    page = open_page("chanhthanhtra")
    page.goto("/")
    top = page.locator("nav.mainnav > ul > li > a")
    assert top.all_inner_texts() == [
        "Bảng điều hành",
        "Kiến nghị",
        "Văn bản",
        "Kế hoạch",
        "Phân tích",
    ]
    assert page.locator("header.topbar").bounding_box()["height"] <= 80  # one row at 1280 px
    # A longer name is cut (whole in its title) rather than pushing the header onto two rows.
    page.evaluate(
        "document.querySelector('.usermenu .account > summary').textContent ="
        " 'Nguyễn Thị Thanh Hương Giang'"
    )
    assert page.locator("header.topbar").bounding_box()["height"] <= 80
    page.locator("details.more summary").click()
    expect(page.locator("details.more").get_by_role("link", name="Cuộc thanh tra")).to_be_visible()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_team_report_brings_the_recommendation_button_without_reload(
    open_page, live_server, viewport
):
    # 21/QĐ-SNV: on-site work ended, truongdoan2 leads. The desktop run submits the report in
    # place; the phone run opens the page after it and finds the button laid out for a phone.
    inspection_id = _decision(live_server.app, "21/QĐ-SNV")
    page = open_page("truongdoan2", viewport=viewport)
    page.goto(f"/inspections/{inspection_id}")
    cases = page.locator("#inspection-cases")
    if viewport is DESKTOP:
        expect(cases.get_by_role("link", name="Tạo kiến nghị từ phát hiện")).to_have_count(0)
        navigations = []
        page.on("framenavigated", lambda frame: navigations.append(frame.url))
        page.get_by_role("button", name="Nộp báo cáo của Đoàn").click()
        expect(page.locator("#flash")).to_contain_text("Đã nộp báo cáo của Đoàn")
        assert navigations == []  # an in-page update
    link = cases.get_by_role("link", name="Tạo kiến nghị từ phát hiện")
    expect(link).to_be_visible()
    no_horizontal_scroll(page)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_unit_leader_sees_the_sent_back_answer_first_and_reports_again(open_page, viewport):
    page = open_page("giamdoc.snv", viewport=viewport)
    page.goto("/")
    returned = page.locator("[data-returned]").first
    expect(returned).to_be_visible()
    expect(returned).to_contain_text("bản dự thảo")  # the team's reason, in the demo
    counters = page.locator(".home-counters").bounding_box()
    assert returned.bounding_box()["y"] < counters["y"]  # above everything else
    returned.get_by_role("link", name="Báo cáo lại").click()
    expect(page).to_have_url(re.compile(r"/cases/\d+/answer$"))
    no_horizontal_scroll(page)


def test_case_list_title_column_is_readable_at_1280(open_page):
    # The title column kept a readable measure beside the nowrap deadline and state badges
    # (it was 180 px of 1280, its titles wrapping every two words); the tick-box column is
    # no wider than its box.
    page = open_page("chanhthanhtra")
    page.goto("/cases")
    widths = page.eval_on_selector_all(
        "#case-list table thead th", "ths => ths.map(th => th.getBoundingClientRect().width)"
    )
    assert widths[2] >= 280, widths  # Kiến nghị
    assert widths[0] <= 60, widths  # the tick boxes
    counters = page.locator("#case-list .counters .tile").all()
    assert len({round(t.bounding_box()["y"]) for t in counters}) == 1  # one row of five


def test_the_chief_inspectors_home_lists_the_usual_tasks(open_page):
    page = open_page("chanhthanhtra")
    page.goto("/")
    tasks = page.locator(".home-tasks")
    expect(tasks.get_by_role("link", name=re.compile("Ghi nhận kết luận"))).to_have_attribute(
        "href", "/inspections/?state=reported"
    )
    expect(tasks.get_by_role("link", name=re.compile("Lập báo cáo mới"))).to_be_visible()
    expect(page.locator("nav.mainnav details.more summary.current")).to_have_count(0)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_log_a_finding_is_at_the_top_of_the_inspection_on_a_phone(open_page, live_server, viewport):
    # 27/QĐ-TTr, on site: the inspector's button was below the decision, timeline, team and
    # duration cards on a phone (a screen and a half down); at 1280 it stays in the findings.
    page = open_page("thanhtra3", viewport=viewport)
    page.goto(f"/inspections/{_decision(live_server.app, '27/QĐ-TTr')}")
    top = page.locator("main > .pagehead").get_by_role("link", name="Ghi nhận phát hiện")
    in_findings = page.locator("#inspection-findings").get_by_role(
        "link", name="Ghi nhận phát hiện"
    )
    expect(in_findings).to_be_visible()
    if viewport is PHONE:
        expect(top).to_be_visible()
        assert top.bounding_box()["y"] < viewport["height"]  # on the first screen
        top.click()
    else:
        expect(top).to_have_count(0)  # hidden at 1280: the findings' button is near
        in_findings.click()
    expect(page).to_have_url(re.compile(r"/findings/new$"))
