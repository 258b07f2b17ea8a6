"""The conclusion (kết luận thanh tra / kiểm tra) and the check's minutes (biên bản) drawn from
the layout description: measured on the PDF (rules, font, margins, the two signatures side by
side on one line), read back from Word, and converted by LibreOffice (`--headless --convert-to
pdf`) with the text read back."""

from __future__ import annotations

import io
import os
import subprocess
import unicodedata
from datetime import date
from decimal import Decimal

import pdfplumber
import pytest
from docx import Document as read_docx

from inspect_app.reports import documents, papers, word
from inspect_app.reports import layout as blocks
from tests import factories
from tests.reports.test_decree30 import MM, PAGE, _face, _lines, _rules, _text
from tests.reports.test_word import LIBREOFFICE, _docx_paragraphs

TODAY = date(2026, 11, 25)


def _inspection(db, signed=True, kind="thanh_tra", cases=3):
    unit = factories.make_unit("Sở Xây dựng")
    factories.make_user("leadership", full_name="Nguyễn Văn Hùng", title="Chánh Thanh tra")
    inspection = factories.make_inspection(
        state="monitoring" if signed else "reported",
        kind=kind,
        target_unit=unit,
        title="Thanh tra việc quản lý, sử dụng kinh phí sửa chữa trụ sở tại Sở Xây dựng",
        decision_number="05/QĐ-TTr",
        decision_date=date(2026, 3, 2),
        scope="Việc lập dự toán, đấu thầu và thanh toán",
        period_under_review="Năm 2025",
        reported_on=date(2026, 5, 4),
        conclusion_number="12/KL-TTr" if signed else None,
        conclusion_date=date(2026, 6, 3) if signed else None,
    )
    factories.make_finding(inspection, description="Thanh toán vượt khối lượng nghiệm thu")
    for n in range(1, cases + 1):
        factories.make_case(
            inspection=inspection,
            number=n,
            title=f"Thu hồi khoản chi sai số {n}",
            required_action="Nộp lại ngân sách nhà nước",
            type="recovery",
            amount_vnd=Decimal(12_500_000 * n),
            due=date(2026, 9, 30),
        )
    db.session.commit()
    return inspection


def _pdf(sheet, title="Kết luận") -> pdfplumber.PDF:
    return pdfplumber.open(io.BytesIO(documents.render_layout(sheet, title)[0]))


def _all_lines(pdf) -> list[str]:
    return [_text(line) for page in pdf.pages for line in _lines(page.chars)]


@pytest.mark.parametrize("signed", [True, False])
def test_conclusion_in_the_decree_30_layout(app, db, signed):
    with app.test_request_context():
        from inspect_app.core import clock

        inspection = _inspection(db, signed=signed)
        with clock.frozen(TODAY):
            sheet = papers.conclusion_layout(inspection)
        pdf = _pdf(sheet)
    first = pdf.pages[0]
    rules = _rules(first)
    assert len(rules) == 3, rules
    for text, (length, width) in rules.items():
        share = length / width
        if text.startswith("Độc lập"):
            assert share == pytest.approx(1.0, abs=0.01)
        else:
            assert 1 / 3 <= share <= 1 / 2, text
    chars = [c for p in pdf.pages for c in p.chars if c["text"].strip()]
    assert {_face(c) for c in chars} <= {"Tinos", "TinosBold", "TinosItalic", "TinosBoldItalic"}
    assert min(c["x0"] for c in chars) >= PAGE.left * MM - 0.5
    assert max(c["x1"] for c in chars) <= (PAGE.width - PAGE.right) * MM + 0.5
    text = " ".join(" ".join(_all_lines(pdf)).split())
    assert "KẾT LUẬN THANH TRA" in text
    # The decision that ordered it at its first citation: number, date, issuer, summary.
    assert (
        "Thực hiện Quyết định số 05/QĐ-TTr ngày 02/3/2026 của Chánh Thanh tra tỉnh về việc "
        "thanh tra việc quản lý, sử dụng kinh phí sửa chữa trụ sở tại Sở Xây dựng"
    ) in text
    assert "Thanh toán vượt khối lượng nghiệm thu (mức độ: nghiêm trọng)." in text
    assert "số tiền 37.500.000 đồng" in text and "30/9/2026" in text
    assert "- Lưu: VT, NV." in text and "Nguyễn Văn Hùng" in text
    if signed:
        assert "Số: 12/KL-TTr" in text and "ngày 03 tháng 6 năm 2026" in text
        assert "DỰ THẢO" not in text and "(chưa ký)" not in text
    else:
        assert "DỰ THẢO" in text and "/KL-TTr" in text and "12/KL-TTr" not in text
    # The signer is never among the recipients; each recipient line ends ";" but the last.
    block = sheet.foot[0]
    assert isinstance(block, blocks.Signature)
    lines = [t.text for t in block.recipients]
    assert all(line.endswith(";") for line in lines[:-1]) and lines[-1] == "- Lưu: VT, NV."
    assert not any("Chánh Thanh tra" in line for line in lines)


def test_a_check_concludes_as_a_check(app, db):
    with app.test_request_context():
        inspection = _inspection(db, kind="kiem_tra")
        sheet = papers.conclusion_layout(inspection)
    title = sheet.head[1].lines
    assert title[0].text == "KẾT LUẬN KIỂM TRA"
    body = " ".join(t for b in sheet.body if isinstance(b, blocks.Paragraphs) for t in b.texts)
    assert "Đoàn kiểm tra đã tiến hành kiểm tra trực tiếp" in body
    assert "Đoàn thanh tra" not in body and "Trưởng đoàn kiểm tra" in body
    closing = sheet.body[-1].texts[-1]
    assert closing.startswith("Yêu cầu Sở Xây dựng tổ chức thực hiện nghiêm Kết luận kiểm tra")


def test_conclusion_download_as_word_reads_back(app, db, login_as):
    inspection = _inspection(db)
    lead = login_as(inspection.lead)
    r = lead.get(f"/reports/conclusion/{inspection.id}.docx")
    assert r.status_code == 200 and r.mimetype == word.DOCX_MIME
    assert "ket-luan-12-KL-TTr.docx" in r.headers["Content-Disposition"]
    document = read_docx(io.BytesIO(r.data))
    paragraphs = _docx_paragraphs(document)
    for expected in ("KẾT LUẬN THANH TRA", "Số: 12/KL-TTr", "IV. KIẾN NGHỊ BIỆN PHÁP XỬ LÝ"):
        assert expected in paragraphs
    assert all(unicodedata.is_normalized("NFC", p) for p in paragraphs)
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "STT")
    assert [c.text for c in table.rows[0].cells] == [
        "STT",
        "Nội dung kiến nghị",
        "Đơn vị thực hiện",
        "Thời hạn",
    ]
    assert len(table.rows) == 4 and table.rows[3].cells[2].text == "Sở Xây dựng"
    pdf = lead.get(f"/reports/conclusion/{inspection.id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert login_as("inspector").get(f"/reports/conclusion/{inspection.id}.pdf").status_code == 403


def _minutes(draft: bool) -> papers.Minutes:
    return papers.Minutes(
        parent_body="THANH TRA TỈNH",
        team_name="ĐOÀN KIỂM TRA",
        place="Tuyên Quang",
        day=date(2026, 12, 14),
        decision="Quyết định số 01/QĐ-TTr ngày 07/12/2026 của Chánh Thanh tra tỉnh về việc "
        "kiểm tra việc thực hiện Kết luận thanh tra số 12/KL-TTr ngày 03/6/2026",
        conclusion="Kết luận thanh tra số 12/KL-TTr ngày 03/6/2026",
        units=(("Sở Xây dựng", "Phạm Văn Đức"),),
        team=(("Trần Thị Lan", "Trưởng đoàn"), ("Lê Văn Minh", "Thành viên")),
        summary="Đoàn đã làm việc với Sở Xây dựng.",
        results=(("Thu hồi khoản chi sai", "Sở Xây dựng", "Chưa thực hiện", "Chưa nộp."),),
        lead_name="Trần Thị Lan",
        draft=draft,
    )


@pytest.mark.parametrize("draft", [True, False])
def test_minutes_signed_side_by_side(app, draft):
    with app.app_context():
        sheet = papers.minutes_layout(_minutes(draft))
        pdf = _pdf(sheet, "Biên bản")
    assert isinstance(sheet.foot[0], blocks.Signatories)
    rules = _rules(pdf.pages[0])
    assert len(rules) == 3
    for text, (length, width) in rules.items():
        if not text.startswith("Độc lập"):
            assert 1 / 3 <= length / width <= 1 / 2, text
    last = pdf.pages[-1]
    lines = {_text(line): line for line in _lines(last.chars)}
    # The two names on one line: the unit's representative left, the team lead right.
    left, right = lines["Phạm Văn Đức"], lines["Trần Thị Lan"]
    assert left[0]["bottom"] == pytest.approx(right[0]["bottom"], abs=0.5)
    half = (PAGE.left + PAGE.text_width / 2) * MM
    assert left[-1]["x1"] < half < right[0]["x0"]
    text = " ".join(" ".join(_all_lines(pdf)).split())
    assert "BIÊN BẢN" in text and "ĐOÀN KIỂM TRA" in text and "Nơi nhận" not in text
    assert "Số:" not in text  # minutes of the team are not numbered in the register
    assert ("(chưa ký)" in text) == draft
    assert "Ông/Bà Phạm Văn Đức - Thủ trưởng Sở Xây dựng;" in text


def test_libreoffice_converts_the_conclusion_and_the_minutes(app, db, tmp_path):
    assert LIBREOFFICE, "libreoffice-writer-nogui is installed by .ci/run"
    with app.test_request_context():
        inspection = _inspection(db)
        (tmp_path / "ketluan.docx").write_bytes(
            word.render_layout_docx(papers.conclusion_layout(inspection))
        )
        (tmp_path / "bienban.docx").write_bytes(
            word.render_layout_docx(papers.minutes_layout(_minutes(False)))
        )
    env = {**os.environ, "HOME": str(tmp_path)}
    subprocess.run(
        [LIBREOFFICE, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path)]
        + ["ketluan.docx", "bienban.docx"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        timeout=240,
    )

    def text(name: str) -> str:
        out = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(tmp_path / name), "-"],
            capture_output=True,
            check=True,
        )
        return " ".join(unicodedata.normalize("NFC", out.stdout.decode()).split())

    conclusion = text("ketluan.pdf")
    for expected in (
        "THANH TRA TỈNH",
        "Số: 12/KL-TTr",
        "KẾT LUẬN THANH TRA",
        "Tuyên Quang, ngày 03 tháng 6 năm 2026",
        "I. KHÁI QUÁT CHUNG",
        "Thanh toán vượt khối lượng nghiệm thu",
        "- Lưu: VT, NV.",
        "Nguyễn Văn Hùng",
    ):
        assert expected in conclusion, expected
    minutes = text("bienban.pdf")
    for expected in ("BIÊN BẢN", "ĐOÀN KIỂM TRA", "TRƯỞNG ĐOÀN KIỂM TRA", "Phạm Văn Đức"):
        assert expected in minutes, expected
