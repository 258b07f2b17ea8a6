"""Journeys of on-site work: logging a finding with a photo on a phone, proposing a case from it,
and capturing findings without a connection (IndexedDB queue, idempotent sync)."""

from __future__ import annotations

import io
import re
import uuid

from PIL import Image
from playwright.sync_api import Page, Route, expect
from sqlalchemy import func, select

from inspect_app.cases.models import Case
from inspect_app.core.files import EvidenceFile
from inspect_app.extensions import db
from inspect_app.findings.models import Finding
from inspect_app.inspections.models import Inspection
from tests.browser.conftest import PHONE, no_horizontal_scroll

REPORTED = "18/QĐ-SNV"  # reported: team (truongdoan2 leads, thanhtra3) may still log findings


def photo(name: str = "hien-truong.jpg") -> dict:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 40, 40)).save(buf, "JPEG")
    return {"name": name, "mimeType": "image/jpeg", "buffer": buf.getvalue()}


def query(app, statement):
    with app.app_context():
        try:
            return db.session.execute(statement).scalar()
        finally:
            db.session.remove()


def inspection_id(app, decision: str = REPORTED) -> int:
    return query(app, select(Inspection.id).where(Inspection.decision_number == decision))


def findings_described(app, text: str) -> int:
    return query(app, select(func.count(Finding.id)).where(Finding.description == text))


def fill_finding(page: Page, text: str, with_photo: bool = True) -> None:
    page.fill("#f-description", text)
    page.click("label[for=sev-high]")
    page.fill("#f-place", "Bộ phận một cửa")
    if with_photo:
        page.set_input_files("#f-files", photo())


def phone_page(open_page, user: str) -> Page:
    return open_page(user, viewport=PHONE, has_touch=True, is_mobile=True)


def test_inspector_logs_finding_with_photo_on_phone_and_lead_proposes_case(open_page, live_server):
    app = live_server.app
    inspection = inspection_id(app)
    text = f"Hồ sơ một cửa trễ hạn, không có phiếu hẹn {uuid.uuid4().hex[:6]}"

    page = phone_page(open_page, "thanhtra3")
    page.goto(f"/inspections/{inspection}")
    no_horizontal_scroll(page)
    page.click(f"a[href='/inspections/{inspection}/findings/new']")
    page.wait_for_url(f"**/inspections/{inspection}/findings/new")
    no_horizontal_scroll(page)
    # Large targets: the severity choices and the save button are comfortable to tap.
    for selector in ("label[for=sev-high]", "#f-files", "form[data-offline-queue] button"):
        box = page.locator(selector).bounding_box()
        assert box["height"] >= 44, (selector, box)
    assert page.get_attribute("#f-files", "capture") == "environment"
    fill_finding(page, text)
    page.click("form[data-offline-queue] button")
    page.wait_for_url(re.compile(r"/findings/\d+$"))
    expect(page.locator("#flash .flash-success")).to_be_visible()
    expect(page.locator("main")).to_contain_text(text)
    thumb = page.locator("main img[src*='/thumb']").first
    expect(thumb).to_be_visible()
    # The thumbnail decodes (on a loaded machine it may still be loading when it is visible).
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle()
    )
    no_horizontal_scroll(page)
    finding_id = int(page.url.rsplit("/", 1)[1])
    assert findings_described(app, text) == 1
    assert query(app, select(func.count()).where(EvidenceFile.finding_id == finding_id)) == 1

    # The team leader proposes a case from this finding.
    lead = open_page("truongdoan2")
    lead.goto(f"/inspections/{inspection}")
    lead.click(f"a[href='/cases/new/{inspection}']")
    lead.wait_for_url(f"**/cases/new/{inspection}")
    lead.check(f"input[name=finding_ids][value='{finding_id}']")
    title = f"Chấn chỉnh việc tiếp nhận hồ sơ một cửa {uuid.uuid4().hex[:6]}"
    lead.fill("#f-title", title)
    lead.select_option("#f-legal_reference_id", index=1)
    # Choosing the legal basis re-renders the form (the repeat-violation signal): type on once
    # it is back, or the swap replaces what was typed meanwhile.
    lead.wait_for_load_state("networkidle")
    lead.fill("#f-required_action", "Rà soát toàn bộ hồ sơ trễ hạn, xin lỗi người dân.")
    lead.click("#case-form button.primary")
    # The URL is polled: the form's answer may be followed without a new "load" event.
    expect(lead).to_have_url(re.compile(r"/cases/\d+$"), timeout=15000)
    expect(lead.locator("main h1")).to_contain_text(title)
    assert query(app, select(func.count(Case.id)).where(Case.title == title)) == 1


def test_offline_capture_is_kept_then_sent_once(open_page, live_server):
    app = live_server.app
    inspection = inspection_id(app)
    text = f"Ghi nhận khi mất sóng tại xã {uuid.uuid4().hex[:6]}"
    page = phone_page(open_page, "thanhtra3")
    page.goto(f"/inspections/{inspection}/findings/new")
    first_key = page.input_value("input[name=idempotency_key]")

    page.context.set_offline(True)
    fill_finding(page, text)
    page.click("form[data-offline-queue] button")
    box = page.locator("#offline-queue")
    expect(box.locator("[data-count=waiting]")).to_have_text("1")
    expect(box.locator(".offline-queue-box")).to_be_visible()
    assert box.get_attribute("aria-live") == "polite"
    # Kept on the device, not sent; the form is ready for the next finding with a new key.
    assert findings_described(app, text) == 0
    assert page.input_value("#f-description") == ""
    assert page.input_value("input[name=idempotency_key]") not in ("", first_key)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d", page.input_value("#f-observed_at"))

    page.context.set_offline(False)  # the `online` event sends what was kept
    expect(box.locator("[data-part=waiting]")).to_be_hidden()
    assert findings_described(app, text) == 1
    finding = query(app, select(Finding.id).where(Finding.description == text))
    assert query(app, select(Finding.idempotency_key).where(Finding.id == finding)) == first_key
    assert query(app, select(func.count()).where(EvidenceFile.finding_id == finding)) == 1

    # Nothing is left to send: loading another page sends nothing again.
    page.goto("/")
    page.wait_for_load_state("networkidle")
    assert findings_described(app, text) == 1


def test_retry_after_a_lost_answer_does_not_duplicate(open_page, live_server):
    app = live_server.app
    inspection = inspection_id(app)
    text = f"Phản hồi bị mất giữa đường {uuid.uuid4().hex[:6]}"
    page = phone_page(open_page, "thanhtra3")
    page.goto(f"/inspections/{inspection}/findings/new")

    # The server saves the finding, but its answer never reaches the phone.
    lost = []

    def lose_answer(route: Route) -> None:
        if route.request.method == "POST" and not lost:
            route.fetch()
            lost.append(route.request.url)
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route(f"**/inspections/{inspection}/findings/new", lose_answer)
    fill_finding(page, text)
    page.click("form[data-offline-queue] button")
    expect(page.locator("#offline-queue [data-count=waiting]")).to_have_text("1")
    assert lost and findings_described(app, text) == 1

    # The next page load sends it again with the same key: the server answers the same finding.
    page.goto("/")
    expect(page.locator("#offline-queue [data-part=waiting]")).to_be_hidden()
    page.wait_for_load_state("networkidle")
    assert findings_described(app, text) == 1
    assert query(app, select(func.count(Finding.id)).where(Finding.description == text)) == 1


def test_refused_form_shows_errors_in_place(open_page, live_server):
    inspection = inspection_id(live_server.app)
    page = open_page("thanhtra3")
    page.goto(f"/inspections/{inspection}/findings/new")
    # Skip the browser's own checks to see the server's answer.
    page.evaluate("document.querySelector('form[data-offline-queue]').noValidate = true")
    page.fill("#f-description", "   ")
    page.click("form[data-offline-queue] button")
    expect(page.locator("#description-error")).to_be_visible()
    expect(page.locator("#f-description")).to_have_attribute("aria-invalid", "true")
    assert page.url.endswith(f"/inspections/{inspection}/findings/new")
