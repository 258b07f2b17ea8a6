"""Every kind of document (report to the Chairman, urging letter, check decision, periodic
report with its annex table, conclusion, minutes) drawn as PDF and as Word from the one layout,
the .docx converted by LibreOffice (`--headless --convert-to pdf`, all six in one run) and read
back: as many pages as the PDF, every text of the layout there in Vietnamese, and the centred
lines that wrap (summaries, signers' positions) broken at the same words as in the PDF, evened
out (never one word left alone on the last line)."""

from __future__ import annotations

import io
import os
import subprocess
import unicodedata
from datetime import date

import pdfplumber
import pytest

from inspect_app.reports import documents, operations, papers, word
from inspect_app.reports import layout as blocks
from inspect_app.reports.models import DocumentKind
from tests.reports.test_decision_layout import BODY as DECISION_BODY
from tests.reports.test_decree30 import LONG_BODY, LONG_SUMMARY, _doc, _issued, _lines, _text
from tests.reports.test_papers import _inspection, _minutes
from tests.reports.test_word import LIBREOFFICE, _texts

FACTS = operations.CaseFacts(
    id=1,
    reference="KN-3/12",
    title="Thu hồi khoản chi sai chế độ",
    required_action="Nộp lại ngân sách nhà nước 12.500.000 đồng",
    due_date=date(2026, 9, 30),
    escalation_level=2,
    unit_id=1,
    unit_name="Sở Y tế",
    inspection_title="Thanh tra việc quản lý, sử dụng kinh phí mua sắm thiết bị y tế",
    conclusion_number="05/KL-TTr",
    conclusion_date=date(2026, 3, 12),
)
ANNEX = {
    "code": "03/TTr",
    "title": "TỔNG HỢP KẾT QUẢ THEO DÕI, ĐÔN ĐỐC, KIỂM TRA VIỆC THỰC HIỆN KẾT LUẬN THANH TRA",
    "subtitle": "Kỳ báo cáo năm 2026",
    "row_header": "Đơn vị thực hiện kiến nghị",
    "columns": [
        {"head": ["Kiến nghị", "Phải thực hiện"], "unit": "kiến nghị"},
        {"head": ["Kiến nghị", "Đã hoàn thành"], "unit": "kiến nghị"},
        {"head": ["Thu hồi tiền", "Phải thu"], "unit": "đồng"},
        {"head": ["Thu hồi tiền", "Đã thu"], "unit": "đồng"},
    ],
    "rows": [
        {"label": "Sở, ban, ngành và cơ quan cấp tỉnh", "values": ["4", "3", "186.000.000", "0"]},
        {"label": "UBND xã, phường, đặc khu", "values": ["5", "2", "62.300.000", "20.000.000"]},
        {"label": "Tổng cộng", "values": ["9", "5", "248.300.000", "20.000.000"], "total": True},
    ],
}
PERIODIC_BODY = "\n\n".join(
    [
        "Thực hiện Thông tư số 06/2025/TT-TTCP của Thanh tra Chính phủ quy định chế độ báo cáo "
        "công tác thanh tra, Thanh tra tỉnh báo cáo kết quả công tác thanh tra năm 2026 như sau:",
        "I. KẾT QUẢ CÔNG TÁC THANH TRA",
        "Tổng số cuộc thanh tra thực hiện trong kỳ: 3 cuộc; đã ban hành kết luận 3 cuộc. "
        "Qua thanh tra, kiến nghị thu hồi 248.300.000 đồng (Biểu số 03/TTr).",
        "II. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TIẾP THEO",
        "Tiếp tục thực hiện Kế hoạch thanh tra năm 2027; đôn đốc, kiểm tra việc thực hiện "
        "kiến nghị quá hạn.",
        "Thanh tra tỉnh kính báo cáo Chủ tịch Ủy ban nhân dân tỉnh Tuyên Quang xem xét, chỉ đạo.",
    ]
)


def _sheets(app, db) -> dict[str, blocks.Layout]:
    report = _issued(_doc(items=40, body="Các đơn vị chậm khắc phục: ố ự ẫ ỹ Đ."), number=3)
    report.issuing_body = LONG_BODY  # a body that wraps in its column
    report.title = LONG_SUMMARY  # a summary that wraps
    with app.app_context():  # the letter's own wording (operations), its reply time configured
        urging = _issued(
            _doc(
                DocumentKind.URGING,
                body=operations.urging_body(FACTS, date(2026, 11, 25), 29),
                recipient="Sở Y tế",
                title=operations.urging_summary(FACTS),
            ),
            number=12,
        )
    decision = _issued(
        _doc(
            DocumentKind.CHECK_DECISION,
            body=DECISION_BODY,
            symbol="QĐ-TTr",
            recipient=None,
            title="Về việc kiểm tra việc thực hiện Kết luận thanh tra số 12/KL-TTr ngày 03/6/2026",
        ),
        number=2,
    )
    periodic = _doc(
        DocumentKind.PERIODIC,
        body=PERIODIC_BODY,
        symbol="BC-TTr",
        title="Kết quả công tác thanh tra năm 2026",
        figures={"annex": [ANNEX]},
    )
    with app.test_request_context():
        sheets = {
            kind: documents.layout_of(doc)
            for kind, doc in (
                ("report", report),
                ("urging", urging),
                ("decision", decision),
                ("periodic", periodic),
            )
        }
        sheets["conclusion"] = papers.conclusion_layout(_inspection(db))
        sheets["minutes"] = papers.minutes_layout(_minutes(False))
    return sheets


def _flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


MM = 72 / 25.4


def _column_texts(pdf) -> list[str]:
    """Each page's text, whole and cut into the letterhead's columns (40 %) and the signature's
    (halves), so that a text wrapped in a column reads on."""
    out = []
    for page in pdf.pages:
        out.append(page.extract_text() or "")
        for share in (0.4, 0.5):
            cut = (blocks.PAGE.left + blocks.PAGE.text_width * share) * MM
            for box in ((0, 0, cut, page.height), (cut, 0, page.width, page.height)):
                out.append(page.crop(box).extract_text() or "")
    return out


def _cells(sheet: blocks.Layout) -> set[str]:
    """The texts of the layout's table cells."""
    cells: set[str] = set()
    for block in sheet.body:
        if isinstance(block, blocks.CaseTable):
            cells |= {f"{r.title} {r.note}" for _unit, rows in block.groups for r in rows}
        elif isinstance(block, blocks.Table):
            cells |= {cell for row in block.rows for cell in row}
    for block in sheet.annex:
        cells |= {r.label for r in block.rows} | {v for r in block.rows for v in r.values}
    return cells


def _page_lines(pdf) -> list[list[str]]:
    return [[_text(line) for line in _lines(page.chars)] for page in pdf.pages]


def _wrapping_centred(sheet: blocks.Layout) -> list[blocks.Text]:
    """The centred texts of several lines: the title's (summary) and the signers' positions."""
    texts: list[blocks.Text] = []
    for block in (*sheet.head, *sheet.foot):
        if isinstance(block, blocks.Title):
            texts += block.lines
        elif isinstance(block, blocks.Signature):
            texts += block.signer
        elif isinstance(block, blocks.Signatories):
            texts += [*block.left.lines, *block.right.lines]
    return texts


def test_every_kind_as_word_matches_its_pdf(app, db, tmp_path):
    assert LIBREOFFICE, "libreoffice-writer-nogui is installed by .ci/run"
    sheets = _sheets(app, db)
    ours = {}
    with app.app_context():
        for kind, sheet in sheets.items():
            ours[kind] = pdfplumber.open(io.BytesIO(documents.render_layout(sheet, kind)[0]))
            (tmp_path / f"{kind}.docx").write_bytes(word.render_layout_docx(sheet))
        measure = word._Measure()
        wrapped = {kind: _lines_of(measure, sheet) for kind, sheet in sheets.items()}
    subprocess.run(
        [LIBREOFFICE, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path)]
        + [f"{kind}.docx" for kind in sheets],
        cwd=tmp_path,
        env={**os.environ, "HOME": str(tmp_path)},  # a profile of its own
        check=True,
        capture_output=True,
        timeout=300,
    )
    several = 0
    for kind, sheet in sheets.items():
        converted = pdfplumber.open(tmp_path / f"{kind}.pdf")
        assert len(converted.pages) == len(ours[kind].pages), kind
        text = _flat(" | ".join(_column_texts(converted)))
        words = set(text.split())
        cells = _cells(sheet)
        for expected in _texts(sheet) + [c for c in cells if c.strip()]:
            if expected in cells:  # wrapped in a table's cell: its words, exact
                assert set(_flat(expected).split()) <= words, (kind, expected)
            else:
                assert _flat(expected) in text, (kind, expected)
        for pdf in (ours[kind], converted):
            lines = [line for page in _page_lines(pdf) for line in page]
            for parts in wrapped[kind]:
                if len(parts) < 2:
                    continue
                several += pdf is converted
                # Broken at the same words in both, evened out: no line under half the widest.
                for part in parts:
                    assert any(part.strip() in line for line in lines), (kind, part)
                assert min(len(p) for p in parts) >= max(len(p) for p in parts) / 2, parts
    assert several >= 3  # the long summary, the decision's summary, the minutes' positions
    # The annex table is on its own numbered landscape page in both.
    for pdf in (ours["periodic"], pdfplumber.open(tmp_path / "periodic.pdf")):
        last = pdf.pages[-1]
        assert last.width > last.height
        assert "Biểu số 03/TTr" in _flat(last.extract_text())
        assert _page_lines(pdf)[-1][0] == str(len(pdf.pages))


def _column(sheet: blocks.Layout, t: blocks.Text) -> float:
    """The width of the column `t` is drawn in: the page's, or half of it beside another."""
    if any(isinstance(b, blocks.Title) and t in b.lines for b in sheet.head):
        return sheet.page.text_width
    return sheet.page.text_width / 2


def _lines_of(measure, sheet: blocks.Layout) -> list[list[str]]:
    """The lines of each wrapping centred text, as the PDF breaks them."""
    out = []
    for t in _wrapping_centred(sheet):
        measure.pdf.set_font("Serif", t.style, t.size)
        out.append(documents.wrapped(measure.pdf, t, _column(sheet, t))[1])
    return out


@pytest.mark.parametrize("words", [LONG_SUMMARY, "Kiểm tra việc thực hiện Kết luận thanh tra"])
def test_a_wrapping_centred_text_keeps_its_line_count_and_evens_its_lines(app, words):
    with app.app_context():
        measure = word._Measure()
    t = blocks.Text(words, 14, "B")
    measure.pdf.set_font("Serif", "B", 14)
    width = 80.0
    greedy = measure.pdf.multi_cell(width, 1, words, dry_run=True, output="LINES")
    inner, lines = documents.wrapped(measure.pdf, t, width)
    assert len(lines) == len(greedy) and inner <= width
    assert " ".join(" ".join(lines).split()) == " ".join(words.split())  # no word lost
    widths = [measure.pdf.get_string_width(line) for line in lines]
    if len(lines) > 1:
        assert min(widths) >= 0.5 * max(widths), lines
        # One millimetre less and it would take another line: the narrowest.
        assert len(measure.pdf.multi_cell(inner - 1, 1, words, dry_run=True, output="LINES")) > len(
            lines
        )
    # A left-aligned or one-line text keeps its column.
    assert documents.wrapped(measure.pdf, blocks.Text(words, 14, "B", "L"), width)[0] == width
    assert documents.wrapped(measure.pdf, blocks.Text("Ngắn", 14, "B"), width)[0] == width


def test_word_keeps_the_closing_paragraph_with_the_signature(app, tmp_path):
    """Converted by LibreOffice, whatever the letter's length, the signature's page also holds
    the closing paragraph (Decree 30: the signature never alone on a page)."""
    assert LIBREOFFICE, "libreoffice-writer-nogui is installed by .ci/run"
    lengths = range(17, 24)
    with app.app_context():
        for n in lengths:
            body = "\n\n".join(
                f"Đoạn {k}: nội dung đôn đốc thực hiện kiến nghị thanh tra, báo cáo kết quả."
                for k in range(n)
            )
            doc = _issued(_doc(DocumentKind.URGING, body=body, recipient="Sở Y tế"))
            (tmp_path / f"thu{n}.docx").write_bytes(word.render_docx(doc))
    subprocess.run(
        [LIBREOFFICE, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path)]
        + [f"thu{n}.docx" for n in lengths],
        cwd=tmp_path,
        env={**os.environ, "HOME": str(tmp_path)},
        check=True,
        capture_output=True,
        timeout=300,
    )
    pages = set()
    for n in lengths:
        pdf = pdfplumber.open(tmp_path / f"thu{n}.pdf")
        last = _flat(pdf.pages[-1].extract_text())
        assert "Nơi nhận:" in last and "Nguyễn Văn Hùng" in last, n
        assert "./." in last, f"{n} paragraphs: the signature alone on page {len(pdf.pages)}"
        pages.add(len(pdf.pages))
    assert len(pages) > 1  # some of them ran onto a second page
