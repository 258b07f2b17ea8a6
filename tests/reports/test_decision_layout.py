"""A decision's own parts in the layout (Decree 30, Appendix III, form 1.1): the deciding
authority under the title, the bases in italics each cited in full at its first citation,
"QUYẾT ĐỊNH:" centred in bold, each article's "Điều N." in bold; and headings never left alone
at the foot of a page, whatever the length of the text before them."""

from __future__ import annotations

import io

import pdfplumber
import pytest

from inspect_app.reports import documents
from inspect_app.reports import layout as blocks
from inspect_app.reports.models import DocumentKind
from tests.reports.test_decree30 import MM, PAGE, _doc, _face, _issued, _lines, _text

BODY = "\n\n".join(
    [
        f"Căn cứ {documents.LAW_ON_INSPECTION};",
        f"Căn cứ {documents.DECREE_216};",
        "Căn cứ Kết luận thanh tra số 12/KL-TTr ngày 03/6/2026 của Chánh Thanh tra tỉnh về "
        "thanh tra việc quản lý kinh phí;",
        "Theo đề nghị của bộ phận theo dõi, đôn đốc, kiểm tra việc thực hiện kết luận thanh tra.",
        "QUYẾT ĐỊNH:",
        "Điều 1. Kiểm tra việc thực hiện Kết luận thanh tra số 12/KL-TTr ngày 03/6/2026.",
        "Điều 2. Thành lập Đoàn kiểm tra.",
        "Điều 3. Quyết định này có hiệu lực kể từ ngày ký.",
    ]
)


def _decision(app):
    doc = _issued(
        _doc(
            DocumentKind.CHECK_DECISION,
            body=BODY,
            symbol="QĐ-TTr",
            recipient=None,
            title="Về việc kiểm tra việc thực hiện Kết luận thanh tra số 12/KL-TTr ngày 03/6/2026",
        ),
        number=2,
    )
    with app.app_context():
        sheet = documents.layout_of(doc)
        data = documents.render_pdf(doc)
    return sheet, pdfplumber.open(io.BytesIO(data))


def test_decision_parts(app):
    sheet, pdf = _decision(app)
    title = sheet.head[-1]
    assert [t.text for t in title.lines][0] == "QUYẾT ĐỊNH"
    assert title.lines[-1].text == "CHÁNH THANH TRA TỈNH" and title.lines[-1].style == "B"
    lines = {_text(line): line for line in _lines(pdf.pages[0].chars)}
    centre = (PAGE.left + PAGE.text_width / 2) * MM

    def centred(line) -> bool:
        return abs((line[0]["x0"] + line[-1]["x1"]) / 2 - centre) < 2

    assert centred(lines["CHÁNH THANH TRA TỈNH"])
    assert {_face(c) for c in lines["CHÁNH THANH TRA TỈNH"]} == {"TinosBold"}
    decides = lines["QUYẾT ĐỊNH:"]
    assert centred(decides) and {_face(c) for c in decides} == {"TinosBold"}
    assert decides[0]["size"] == pytest.approx(14)
    bases = [line for text, line in lines.items() if text.startswith("Căn cứ")]
    assert len(bases) == 3
    assert all({_face(c) for c in line} == {"TinosItalic"} for line in bases)
    article = next(line for text, line in lines.items() if text.startswith("Điều 1."))
    faces = [_face(c) for c in article]
    assert set(faces[: len("Điều1.")]) == {"TinosBold"}  # "Điều 1." (spaces are not drawn)
    assert set(faces[len("Điều1.") :]) == {"Tinos"}
    text = " ".join(" ".join(_text(line) for line in _lines(pdf.pages[0].chars)).split())
    # The first citations: number, date, issuer and summary (Decree 216/2025 as published).
    assert "Luật Thanh tra số 84/2025/QH15 ngày 25 tháng 6 năm 2025 của Quốc hội;" in text
    assert (
        "Nghị định số 216/2025/NĐ-CP ngày 05 tháng 8 năm 2025 của Chính phủ quy định chi tiết "
        "một số điều và hướng dẫn thi hành Luật Thanh tra;"
    ) in text


def test_the_report_and_the_letter_keep_their_bases_upright(app):
    doc = _doc(body="Nhận xét.")
    with app.app_context():
        sheet = documents.layout_of(doc)
    bases = next(b for b in sheet.body if isinstance(b, blocks.Paragraphs))
    assert bases.texts[0] == f"Căn cứ {documents.LAW_ON_INSPECTION};" and bases.style == ""


@pytest.mark.parametrize("paragraphs", range(1, 31, 3))
def test_a_heading_is_never_last_on_its_page(app, paragraphs):
    body = "\n\n".join(
        f"Nhận xét số {n}: các đơn vị cơ bản thực hiện kiến nghị thanh tra đúng thời hạn, một số "
        "đơn vị còn chậm, cần chỉ đạo khắc phục dứt điểm."
        for n in range(paragraphs)
    )
    doc = _doc(items=12, body=body)
    with app.app_context():
        sheet = documents.layout_of(doc)
        pdf = pdfplumber.open(io.BytesIO(documents.render_pdf(doc)))
    headings = {b.text for b in sheet.body if isinstance(b, blocks.Heading)}
    assert len(headings) == 4
    for page in pdf.pages[:-1]:
        lines = [_text(line) for line in _lines(page.chars)]
        assert lines[-1] not in headings, (page.page_number, lines[-1])
