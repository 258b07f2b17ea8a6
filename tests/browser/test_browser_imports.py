"""Journey of the tracker import: an administrator downloads the template, uploads a tracker
with a bad row, reads the dry run, uploads the corrected file, imports it, and finds the imported
case in the case list by its exact title (searching it without diacritics is the normalised
search's journey)."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlalchemy import select

from inspect_app.cases.models import Case
from inspect_app.extensions import db
from inspect_app.reference.models import LegalReference
from inspect_app.units.models import Unit
from tests.browser.conftest import screenshot
from tests.browser.test_browser_findings import query
from tests.workflows.tracker import xlsx

TITLE = "Thu hồi phụ cấp chi sai quy định năm 2023"


def _tracker(unit_code: str, citation: str, due: str) -> bytes:
    base = {
        "conclusion_number": "88/KL-TTr",
        "conclusion_date": "20/02/2025",
        "inspection_title": "Thanh tra việc chi phụ cấp năm 2023",
        "target_unit": unit_code,
        "type": "Thu hồi tiền, tài sản",
        "amount": "12.500.000",
        "required_action": "Thu hồi về ngân sách số tiền chi sai",
        "legal": citation,
        "responsible_unit": unit_code,
    }
    return xlsx(
        [
            {**base, "number": 1, "title": TITLE, "due_date": due},
            {
                **base,
                "number": 2,
                "title": "Kiểm điểm trách nhiệm",
                "type": "Kiểm điểm, xử lý kỷ luật",
                "amount": None,
                "due_date": "30/06/2025",
            },
        ]
    )


def test_admin_imports_a_tracker_after_a_dry_run(open_page, live_server):
    app = live_server.app
    unit_code = query(app, select(Unit.code).where(Unit.code == "SNV")) or query(
        app, select(Unit.code).order_by(Unit.id).limit(1)
    )
    with app.app_context():
        ref = db.session.execute(
            select(LegalReference).where(LegalReference.active.is_(True)).limit(1)
        ).scalar_one()
        citation = ref.citation
        db.session.remove()

    page = open_page("admin")
    page.goto("/cases")
    page.click("a[href='/imports']")
    page.wait_for_url("**/imports")
    with page.expect_download() as download:
        page.click("a[href='/imports/template.xlsx']")
    with open(download.value.path(), "rb") as saved:
        template = load_workbook(io.BytesIO(saved.read()))
    assert template.sheetnames == ["Kiến nghị", "Hướng dẫn"]

    # A deadline before the conclusion: the dry run says so, with the column; nothing imported.
    page.set_input_files(
        "#f-import-file",
        {
            "name": "so-theo-doi.xlsx",
            "mimeType": "application/octet-stream",
            "buffer": _tracker(unit_code, citation, "01/01/2025"),
        },
    )
    page.click("button:has-text('Kiểm tra tệp')")
    bad = page.locator("tr[data-row='2'][data-status='error']")
    expect(bad).to_be_visible()
    expect(bad).to_contain_text("Hạn thực hiện")
    expect(page.locator("[data-count=error]")).to_have_text("1")
    expect(page.locator("button[name=confirm]")).to_have_count(0)
    screenshot(page, "import-dry-run-error")
    assert query(app, select(Case.id).where(Case.title == TITLE)) is None

    # The corrected file: every row ok, then imported in one go.
    page.set_input_files(
        "#f-import-file",
        {
            "name": "so-theo-doi.xlsx",
            "mimeType": "application/octet-stream",
            "buffer": _tracker(unit_code, citation, "30/06/2025"),
        },
    )
    page.click("button:has-text('Kiểm tra tệp')")
    expect(page.locator("[data-count=ok]")).to_have_text("2")
    expect(page.locator("[data-count=error]")).to_have_text("0")
    screenshot(page, "import-dry-run-ok")
    page.click("button[name=confirm]")
    page.wait_for_url("**/imports")
    expect(page.locator("#flash .flash-success")).to_contain_text("so-theo-doi.xlsx")
    assert query(app, select(Case.import_source).where(Case.title == TITLE)) == (
        "so-theo-doi.xlsx — dòng 2"
    )

    # Found in the case list by its exact title.
    page.goto("/cases")
    page.fill("#q", TITLE)
    found = page.locator("#case-list a", has_text=TITLE)
    expect(found).to_be_visible()
    found.click()
    page.wait_for_url(re.compile(r"/cases/\d+$"))
    expect(page.locator("h1")).to_contain_text(TITLE)
    expect(page.locator("main")).to_contain_text("so-theo-doi.xlsx — dòng 2")
