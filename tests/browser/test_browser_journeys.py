"""Each role's main task, from the demo, at 1280 and 375 px, as a new user finds it: every
journey starts on the home page and goes on by the menu, links and buttons the pages show
(never a typed URL). The clicks each takes are in the journey's docstring.

- the inspector logs a finding;
- the lead submits the team report and creates a recommendation, and the Chief Inspector
  records the signed conclusion;
- the unit leader answers, the inspector rejects the answer, the unit leader reports again,
  the inspector accepts it;
- the Chief Inspector drafts and signs a report to the Chairman, the clerk registers it, the
  Chairman reads it;
- the administrator imports a tracker and finds an imported case by typing its title without
  diacritics in the header's search.

And the recommendation form keeps what is typed while its repeat-violation signal refreshes.
Each width uses demo records of its own, so the journeys do not depend on each other's order.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from inspect_app.answers.models import CaseAnswer
from inspect_app.cases.models import Case, CaseState
from inspect_app.core import clock
from inspect_app.findings.models import Finding
from inspect_app.inspections.models import Inspection, InspectionState
from inspect_app.reference.models import LegalReference
from inspect_app.reports.models import Document, DocumentItem, DocumentKind, DocumentState
from inspect_app.units.models import Unit
from tests.browser.conftest import DESKTOP, PHONE, no_horizontal_scroll, screenshot
from tests.browser.test_browser_findings import photo, query
from tests.browser.test_browser_followup import PDF, open_case_of
from tests.workflows.tracker import xlsx

WIDTHS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])


def is_phone(page: Page) -> bool:
    return page.viewport_size["width"] < 700


def start(open_page, user: str, viewport) -> Page:
    """The user's home page at the viewport's width (a phone has touch)."""
    extra = {"has_touch": True, "is_mobile": True} if viewport is PHONE else {}
    page = open_page(user, viewport=viewport, **extra)
    page.goto("/")
    no_horizontal_scroll(page)
    return page


def menu(page: Page, label: str) -> None:
    """Open a menu entry as the user would: the phone's menu button, or the desktop's top
    row, or under "Thêm" when it is not in the top row."""
    if is_phone(page):
        page.locator("details.phonemenu summary").click()
        page.locator("details.phonemenu nav").get_by_role("link", name=label, exact=True).click()
    else:
        top = page.locator("nav.mainnav").get_by_role("link", name=label, exact=True)
        if not top.is_visible():
            page.locator("nav.mainnav details.more summary").click()
        top.click()
    page.wait_for_load_state("domcontentloaded")
    no_horizontal_scroll(page)


def header_search(page: Page, text: str) -> None:
    """Type into the header's search box (in the phone's menu on a phone) and press Enter."""
    if is_phone(page):
        page.locator("details.phonemenu summary").click()
        box = page.locator("#phone-q")
    else:
        box = page.locator("#top-q")
    box.fill(text)
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    no_horizontal_scroll(page)


def accept_confirmations(page: Page) -> None:
    """Answer "OK" to the irreversible-action confirmations (data-confirm) of this page."""
    page.on("dialog", lambda dialog: dialog.accept())


def inspection_of(app, decision: str) -> int:
    return query(app, select(Inspection.id).where(Inspection.decision_number == decision))


# --- the inspector logs a finding ------------------------------------------------------------


@WIDTHS
def test_inspector_logs_a_finding(open_page, live_server, viewport):
    """thanhtra3. 1280: Trang chủ > "Cuộc thanh tra của tôi": Ghi nhận phát hiện on 27/QĐ-TTr
    > type the description, tap a severity, the place, a photo > Lưu phát hiện (4 clicks and
    3 fields). 375: Trình đơn > Cuộc thanh tra > the title of 27/QĐ-TTr > Ghi nhận phát hiện >
    the same form (6 taps)."""
    app = live_server.app
    inspection = inspection_of(app, "27/QĐ-TTr")
    text = f"Hồ sơ tuyển dụng thiếu bản sao văn bằng được chứng thực {uuid.uuid4().hex[:6]}"
    page = start(open_page, "thanhtra3", viewport)
    if is_phone(page):
        menu(page, "Cuộc thanh tra")
        page.get_by_role(
            "link", name=re.compile("tuyển dụng công chức cấp xã tại UBND xã Đồng Văn")
        ).click()
        page.wait_for_url(f"**/inspections/{inspection}")
        page.get_by_role("link", name="Ghi nhận phát hiện").first.click()
    else:
        row = page.locator(f"[data-list=my-inspections] [data-inspection='{inspection}']")
        expect(row).to_contain_text("27/QĐ-TTr")
        row.get_by_role("link", name="Ghi nhận phát hiện").click()
    page.wait_for_url(f"**/inspections/{inspection}/findings/new")
    no_horizontal_scroll(page)
    page.fill("#f-description", text)
    page.click("label[for=sev-high]")
    page.fill("#f-place", "Phòng Văn hóa - Xã hội")
    page.set_input_files("#f-files", photo())
    page.get_by_role("button", name="Lưu phát hiện").click()
    page.wait_for_url(re.compile(r"/findings/\d+$"))
    expect(page.locator("#flash .flash-success")).to_be_visible()
    expect(page.locator("main")).to_contain_text(text)
    no_horizontal_scroll(page)
    screenshot(page, f"journey-finding-{viewport['width']}")
    finding = query(app, select(Finding).where(Finding.description == text))
    assert finding.inspection_id == inspection


# --- the lead creates recommendations, the Chief Inspector records the conclusion ------------

# 1280: 21/QĐ-SNV, on-site work ended (the lead submits the team report first);
# 375: 18/QĐ-SNV, the team report already in. truongdoan2 leads both.
LEAD_RUNS = {1280: ("21/QĐ-SNV", "61/KL-TTr"), 375: ("18/QĐ-SNV", "62/KL-TTr")}


@WIDTHS
def test_lead_creates_recommendations_and_the_conclusion_is_recorded(
    open_page, live_server, viewport
):
    """truongdoan2. 1280: Trang chủ > 21/QĐ-SNV in "Cuộc thanh tra của tôi" > Nộp báo cáo của
    Đoàn (in place) > Tạo kiến nghị từ phát hiện > tick a finding, title, legal basis, required
    action > Tạo kiến nghị (4 clicks, 4 fields). 375: Trang chủ > Tạo kiến nghị từ phát hiện
    on the row of 18/QĐ-SNV > the same form (2 taps). Then chanhthanhtra: the home page's task
    "Ghi nhận kết luận" (the inspections awaiting one; Trình đơn > Cuộc thanh tra on a phone)
    > the inspection > Ghi nhận kết luận > number, date, summary > Ghi nhận kết luận (4
    clicks, 3 fields)."""
    app = live_server.app
    decision, conclusion = LEAD_RUNS[viewport["width"]]
    inspection = inspection_of(app, decision)
    title = f"Chấn chỉnh công tác tiếp nhận hồ sơ {uuid.uuid4().hex[:6]}"

    lead = start(open_page, "truongdoan2", viewport)
    row = lead.locator(f"[data-list=my-inspections] [data-inspection='{inspection}']")
    if viewport is DESKTOP:
        row.locator("a", has_text=decision).first.click()
        lead.wait_for_url(f"**/inspections/{inspection}")
        lead.get_by_role("button", name="Nộp báo cáo của Đoàn").click()
        expect(lead.locator("#flash")).to_contain_text("Đã nộp báo cáo của Đoàn")
        lead.locator("#inspection-cases").get_by_role(
            "link", name="Tạo kiến nghị từ phát hiện"
        ).click()
    else:
        row.get_by_role("link", name="Tạo kiến nghị từ phát hiện").click()
    lead.wait_for_url(f"**/cases/new/{inspection}")
    no_horizontal_scroll(lead)
    lead.locator("input[name=finding_ids]").first.check()
    lead.fill("#f-title", title)
    lead.select_option("#f-legal_reference_id", index=1)
    lead.fill("#f-required_action", "Rà soát toàn bộ hồ sơ trễ hạn và xin lỗi người dân.")
    lead.get_by_role("button", name="Tạo kiến nghị").click()
    expect(lead).to_have_url(re.compile(r"/cases/\d+$"), timeout=15000)
    expect(lead.locator("main h1")).to_contain_text(title)
    no_horizontal_scroll(lead)
    case = query(app, select(Case).where(Case.title == title))
    assert case.inspection_id == inspection and case.state == CaseState.OPEN

    chief = start(open_page, "chanhthanhtra", viewport)
    if viewport is DESKTOP:  # the home page's usual tasks: the inspections awaiting a conclusion
        chief.locator(".home-tasks").get_by_role(
            "link", name=re.compile("Ghi nhận kết luận")
        ).click()
        chief.wait_for_url(re.compile(r"/inspections/\?state=reported"))
    else:
        menu(chief, "Cuộc thanh tra")
    chief.locator("#main tr", has_text=decision).get_by_role("link").first.click()
    chief.wait_for_url(f"**/inspections/{inspection}")
    chief.get_by_role("link", name="Ghi nhận kết luận").click()
    chief.wait_for_url(f"**/inspections/{inspection}/conclude")
    no_horizontal_scroll(chief)
    chief.fill("#f-conclusion_number", conclusion)
    chief.fill("#f-conclusion_date", clock.today().isoformat())
    chief.fill("#f-conclusion_summary", "Còn hồ sơ trễ hạn chưa có văn bản xin lỗi người dân.")
    chief.get_by_role("button", name="Ghi nhận kết luận").click()
    chief.wait_for_url(f"**/inspections/{inspection}")
    expect(chief.locator("#flash .flash-success")).to_be_visible()
    expect(chief.locator("main")).to_contain_text(conclusion)
    expect(chief.locator("#inspection-cases")).to_contain_text(title)
    no_horizontal_scroll(chief)
    screenshot(chief, f"journey-conclusion-{viewport['width']}")
    concluded = query(app, select(Inspection).where(Inspection.id == inspection))
    assert concluded.state == InspectionState.CONCLUDED
    assert concluded.conclusion_number == conclusion


# --- the unit leader answers; the inspector rejects, then accepts ----------------------------

# (unit, inspection, its unit leader, a team member who verifies)
ANSWER_RUNS = {
    1280: ("TTLT", "14/QĐ-SNV", "giamdoc.ttlt", "thanhtra2"),
    375: ("XDV", "05/QĐ-TTr", "chutich.xdv", "thanhtra1"),
}


def _answer(page: Page, case_id: int, text: str) -> None:
    page.wait_for_url(f"**/cases/{case_id}/answer")
    no_horizontal_scroll(page)
    page.fill("#f-text", text)
    page.fill("#f-completion_date", clock.today().isoformat())
    page.set_input_files(
        "#f-files", {"name": "bao-cao-ket-qua.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Gửi báo cáo kết quả cuối cùng").click()
    page.wait_for_url(re.compile(rf"/cases/{case_id}$"))
    expect(page.locator("#flash .flash-success")).to_be_visible()


def _to_verify(open_page, user: str, viewport, case_id: int) -> Page:
    page = start(open_page, user, viewport)
    page.locator("[data-list=to-verify]").locator(f"a[href^='/cases/{case_id}#']").click()
    page.wait_for_url(re.compile(rf"/cases/{case_id}"))
    no_horizontal_scroll(page)
    return page


@WIDTHS
def test_unit_leader_answers_the_inspector_rejects_then_accepts(open_page, live_server, viewport):
    """The unit leader: Trang chủ > Báo cáo on the case > text, completion date, file > Gửi báo
    cáo kết quả cuối cùng (2 clicks, 3 fields). The inspector: Trang chủ > the case under "Báo
    cáo chờ tôi xác nhận" > Không chấp nhận kết quả báo cáo > the reason > Không chấp nhận và mở
    lại (3 clicks, 1 field). The unit leader: Trang chủ shows the reason first > Báo cáo lại >
    the form again (2 clicks). The inspector: Trang chủ > the case > Chấp nhận kết quả báo cáo
    (2 clicks)."""
    app = live_server.app
    unit, decision, leader_name, inspector_name = ANSWER_RUNS[viewport["width"]]
    case_id = open_case_of(app, unit, decision)
    assert case_id, f"the demo has an open case of {unit} from {decision}"
    reason = f"Chưa gửi kèm quyết định kiểm điểm {uuid.uuid4().hex[:6]}"

    leader = start(open_page, leader_name, viewport)
    leader.locator(f".home-cases [data-case='{case_id}']").get_by_role(
        "link", name="Báo cáo", exact=True
    ).click()
    _answer(leader, case_id, "Đã tổ chức kiểm điểm, rút kinh nghiệm đối với tập thể, cá nhân.")
    assert query(app, select(Case.state).where(Case.id == case_id)) == CaseState.ANSWERED

    inspector = _to_verify(open_page, inspector_name, viewport, case_id)
    expect(inspector.locator("main")).to_contain_text("bao-cao-ket-qua.pdf")
    reject = inspector.locator(
        "details", has=inspector.locator(f"form[action='/cases/{case_id}/reject']")
    )
    reject.locator("summary").click()
    reject.locator("textarea[name=reason]").fill(reason)
    reject.get_by_role("button", name="Không chấp nhận và mở lại").click()
    inspector.wait_for_url(re.compile(rf"/cases/{case_id}$"))
    expect(inspector.locator("#flash .flash-success")).to_be_visible()
    assert query(app, select(Case.state).where(Case.id == case_id)) == CaseState.OPEN

    leader.goto("/")  # the leader comes back to the home page
    returned = leader.locator(f"[data-returned='{case_id}']")
    expect(returned).to_contain_text(reason)
    assert returned.bounding_box()["y"] < leader.locator(".home-counters").bounding_box()["y"]
    no_horizontal_scroll(leader)
    returned.get_by_role("link", name="Báo cáo lại").click()
    _answer(leader, case_id, "Gửi kèm Quyết định kiểm điểm số 15/QĐ-UBND và biên bản họp.")

    inspector = _to_verify(open_page, inspector_name, viewport, case_id)
    inspector.get_by_role("button", name="Chấp nhận kết quả báo cáo (hoàn thành kiến nghị)").click()
    inspector.wait_for_url(re.compile(rf"/cases/{case_id}$"))
    expect(inspector.locator("#flash .flash-success")).to_be_visible()
    screenshot(inspector, f"journey-accepted-{viewport['width']}")
    assert query(app, select(Case.state).where(Case.id == case_id)) == CaseState.ACCEPTED
    answers = select(func.count(CaseAnswer.id)).where(CaseAnswer.case_id == case_id)
    assert query(app, answers) == 2


# --- the report to the Chairman: drafted and signed, registered by the clerk, read ---------


@WIDTHS
def test_clerk_registers_the_report_and_the_chairman_reads_it(
    open_page, live_server, viewport, tmp_path
):
    """chanhthanhtra: Văn bản > Lập báo cáo mới gửi Ủy ban nhân dân tỉnh > Tạo dự thảo > the
    summary text > Lưu dự thảo > Ký văn bản > OK (5 clicks, 1 field). vanthu: Trang chủ > Vào
    sổ và phát hành on the signed report > Vào sổ và phát hành (2 clicks). chutich: Trang chủ >
    Báo cáo gửi Chủ tịch UBND tỉnh > the report > PDF (3 clicks)."""
    app = live_server.app
    summary = f"Tổng hợp kết quả theo dõi, đôn đốc thực hiện kiến nghị {uuid.uuid4().hex[:6]}."

    chief = start(open_page, "chanhthanhtra", viewport)
    accept_confirmations(chief)
    menu(chief, "Văn bản")
    chief.get_by_role("link", name="Lập báo cáo mới gửi Ủy ban nhân dân tỉnh").click()
    chief.get_by_role("button", name="Tạo dự thảo").click()
    chief.wait_for_url(re.compile(r"/reports/\d+$"))
    document_id = int(chief.url.rsplit("/", 1)[1])
    no_horizontal_scroll(chief)
    if viewport is DESKTOP:  # the first new report takes the level-3 cases the demo left
        items = select(func.count(DocumentItem.id)).where(DocumentItem.document_id == document_id)
        assert query(app, items) > 0
    chief.fill("#f-body", summary)
    chief.get_by_role("button", name="Lưu dự thảo").click()
    expect(chief.locator("#flash")).to_contain_text("Đã lưu dự thảo")
    chief.get_by_role("button", name="Ký văn bản").click()
    expect(chief.locator("#document")).to_contain_text("chờ văn thư vào sổ")
    assert query(app, select(Document.state).where(Document.id == document_id)) == (
        DocumentState.SIGNED
    )

    clerk = start(open_page, "vanthu", viewport)
    waiting = clerk.locator(f"[data-list=to-register] [data-document='{document_id}']")
    expect(waiting).to_contain_text("Báo cáo")
    waiting.get_by_role("link", name="Vào sổ và phát hành").click()
    clerk.wait_for_url(re.compile(rf"/reports/{document_id}"))
    clerk.get_by_role("button", name="Vào sổ và phát hành").click()
    expect(clerk.locator("#flash")).to_contain_text("Văn bản đã được vào sổ và phát hành.")
    no_horizontal_scroll(clerk)
    number = query(app, select(Document.number).where(Document.id == document_id))
    assert number is not None
    label = f"{number:02d}/BC-TTr"
    expect(clerk.locator("#document")).to_contain_text(label)

    chairman = start(open_page, "chutich", viewport)
    chairman.get_by_role("link", name="Báo cáo gửi Chủ tịch UBND tỉnh").click()
    chairman.wait_for_url(re.compile(r"/reports\?kind=report"))
    no_horizontal_scroll(chairman)
    chairman.get_by_role("link", name=label, exact=True).click()
    chairman.wait_for_url(f"**/reports/{document_id}")
    expect(chairman.locator("main")).to_contain_text(summary)
    no_horizontal_scroll(chairman)
    screenshot(chairman, f"journey-chairman-{viewport['width']}")
    with chairman.expect_download() as info:
        chairman.get_by_role("link", name="PDF", exact=True).click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    kind = query(app, select(Document.kind).where(Document.id == document_id))
    assert kind == DocumentKind.REPORT


# --- the administrator imports a tracker, then finds a case without diacritics ------------

# Each width imports its own conclusion (a re-import of the same file would change nothing).
IMPORT_RUNS = {
    1280: ("88/KL-TTr", "Thu hồi phụ cấp chi sai quy định năm 2023", "thu hoi phu cap chi sai"),
    375: (
        "89/KL-TTr",
        "Xử lý trách nhiệm để thất lạc hồ sơ đất đai",
        "xu ly trach nhiem de that lac",
    ),
}


def _tracker(conclusion: str, title: str, unit_code: str, citation: str) -> bytes:
    return xlsx(
        [
            {
                "conclusion_number": conclusion,
                "conclusion_date": "20/02/2025",
                "inspection_title": "Thanh tra việc chấp hành pháp luật năm 2023",
                "target_unit": unit_code,
                "number": 1,
                "title": title,
                "type": "Thu hồi tiền, tài sản",
                "amount": "12.500.000",
                "required_action": "Thu hồi về ngân sách số tiền chi sai",
                "legal": citation,
                "responsible_unit": unit_code,
                "due_date": "30/06/2025",
            }
        ]
    )


@WIDTHS
def test_admin_imports_a_tracker_and_finds_a_case_without_diacritics(
    open_page, live_server, viewport
):
    """admin: Trang chủ > Nhập sổ theo dõi > choose the file > Kiểm tra tệp > Nhập 1 dòng (3
    clicks, 1 file); then the header's search box (in Trình đơn on a phone): type the title
    without diacritics, Enter > the case (1 click)."""
    app = live_server.app
    conclusion, title, typed = IMPORT_RUNS[viewport["width"]]
    citation = query(
        app, select(LegalReference).where(LegalReference.active.is_(True)).limit(1)
    ).citation
    unit_code = query(app, select(Unit.code).where(Unit.code == "SNV"))

    page = start(open_page, "admin", viewport)
    page.get_by_role("link", name=re.compile("Nhập sổ theo dõi")).first.click()
    page.wait_for_url("**/imports")
    no_horizontal_scroll(page)
    page.set_input_files(
        "#f-import-file",
        {
            "name": f"so-theo-doi-{conclusion[:2]}.xlsx",
            "mimeType": "application/octet-stream",
            "buffer": _tracker(conclusion, title, unit_code, citation),
        },
    )
    page.get_by_role("button", name=re.compile("Kiểm tra tệp")).click()
    expect(page.locator("[data-count=ok]")).to_have_text("1")
    expect(page.locator("[data-count=error]")).to_have_text("0")
    no_horizontal_scroll(page)
    page.locator("button[name=confirm]").click()
    page.wait_for_url("**/imports")
    expect(page.locator("#flash .flash-success")).to_be_visible()
    assert query(app, select(Case.id).where(Case.title == title)) is not None

    header_search(page, typed)
    hit = page.locator("#search-results").get_by_role("link", name=re.compile(title))
    expect(hit).to_be_visible()
    expect(hit.locator("mark").first).to_be_visible()  # the match is highlighted
    screenshot(page, f"journey-search-{viewport['width']}")
    hit.click()
    page.wait_for_url(re.compile(r"/cases/\d+$"))
    expect(page.locator("h1")).to_contain_text(title)
    expect(page.locator("main")).to_contain_text(f"so-theo-doi-{conclusion[:2]}.xlsx — dòng 2")
    no_horizontal_scroll(page)


# --- the recommendation form keeps what is typed while the repeat signal refreshes ---------


def test_typed_text_survives_the_repeat_signal_refresh(open_page, live_server):
    """Choosing the legal basis asks the server for the repeat signal; what the lead types
    while that answer is on its way stays (the answer replaces the signal, not the form).
    The request is held until the typing is done, so the race is the same on every run."""
    app = live_server.app
    inspection = inspection_of(app, "18/QĐ-SNV")
    # UBND phường Hà Giang 1 (18/QĐ-SNV's unit) already has a case on this legal basis.
    earlier = query(
        app,
        select(Case)
        .join(Unit, Case.responsible_unit_id == Unit.id)
        .where(Unit.code == "PHG", Case.state != CaseState.WITHDRAWN)
        .order_by(Case.id)
        .limit(1),
    )
    page = open_page("truongdoan2")
    page.goto(f"/cases/new/{inspection}")
    page.fill("#f-title", "Xử lý")
    page.fill("#f-required_action", "Rà soát")

    held = []
    page.route(
        lambda url: f"/cases/new/{inspection}?" in url and "legal_reference_id=" in url,
        lambda route: held.append(route),
    )
    page.select_option("#f-legal_reference_id", value=str(earlier.legal_reference_id))
    for _ in range(200):  # until htmx has sent the request (each wait lets the route be taken)
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "choosing the legal basis asks for the repeat signal"
    page.fill("#f-title", "Xử lý trách nhiệm")
    page.fill("#f-required_action", "Rà soát toàn bộ hồ sơ trễ hạn")
    page.check("input[name=finding_ids] >> nth=0")
    with page.expect_response(lambda r: "legal_reference_id=" in r.url) as answer:
        held[0].continue_()
    assert answer.value.status == 200
    signal = page.locator("#repeat-signal [data-repeats]")
    expect(signal).to_be_visible()
    expect(signal.get_by_role("link", name=earlier.reference)).to_be_visible()
    assert page.input_value("#f-title") == "Xử lý trách nhiệm"
    assert page.input_value("#f-required_action") == "Rà soát toàn bộ hồ sơ trễ hạn"
    assert page.is_checked("input[name=finding_ids] >> nth=0")
    no_horizontal_scroll(page)
