"""Every Decree 30/2020 (Appendix I) rule measured on the generated PDF itself with pdfplumber:
the font (a Times-metric serif with every Vietnamese letter, never a fallback), sizes, margins,
rules as long as their fraction of the text they underline (short and long issuing bodies and
summaries), page numbers top centre from page 2, the signature never alone on its page, the
"Nơi nhận" lines, the signer's authority prefix; for 1 page and about 400 pages."""

from __future__ import annotations

import io
import unicodedata
from datetime import date

import pdfplumber
import pytest

from inspect_app.core import clock
from inspect_app.reports import documents
from inspect_app.reports import layout as blocks
from inspect_app.reports.models import Document, DocumentItem, DocumentKind, DocumentState

MM = 72 / 25.4  # points per millimetre
PAGE = blocks.PAGE
LONG_BODY = "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG"
LONG_SUMMARY = (
    "Tình hình thực hiện kiến nghị thanh tra, kiểm tra quá hạn của các sở, ban, ngành và ủy ban "
    "nhân dân các xã, phường trên địa bàn tỉnh trong năm 2026"
)


def _doc(kind=DocumentKind.REPORT, items=0, body=None, **kw) -> Document:
    """A document built in memory (nothing stored): a report with `items` case rows."""
    values = dict(
        kind=kind,
        year=2026,
        state=DocumentState.DRAFT,
        parent_body="UBND TỈNH TUYÊN QUANG",
        issuing_body="THANH TRA TỈNH",
        place="Tuyên Quang",
        symbol="BC-TTr" if kind == DocumentKind.REPORT else "TTr-NV",
        drafting_unit="NV",
        title="Tình hình thực hiện kiến nghị thanh tra quá hạn tháng 10/2026",
        recipient="Chủ tịch Ủy ban nhân dân tỉnh Tuyên Quang",
        body=body,
        distribution="- Như trên;\n- Thanh tra Chính phủ (để báo cáo)\n- Chánh Thanh tra tỉnh;",
        signer_title="CHÁNH THANH TRA",
        signer_name="Nguyễn Văn Hùng",
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
        as_of=date(2026, 11, 25),
        figures={"total": items, "overdue": items, "reported": items},
    )
    values.update(kw)
    doc = Document(**values)
    doc.items = [
        DocumentItem(
            position=n,
            case_id=n,
            unit_name=f"Ủy ban nhân dân xã Số {n // 25}",
            case_reference=f"KN-{n}/1",
            case_title=f"Khắc phục sai phạm số {n:05d} về quản lý đất đai, xây dựng ở địa phương",
            conclusion="Kết luận thanh tra số 05/KL-TTr ngày 12/3/2026",
            due_date=date(2026, 10, 15),
            working_days_overdue=29,
            escalation_level=3,
            proposal="Đề nghị xử lý trách nhiệm người đứng đầu",
        )
        for n in range(1, items + 1)
    ]
    return doc


def _issued(doc: Document, number: int = 1, signed=date(2026, 3, 5)) -> Document:
    doc.state, doc.number = DocumentState.ISSUED, number
    doc.signed_at = clock.start_of_local_day(signed)
    doc.registered_on = signed
    return doc


def _pdf(app, doc) -> pdfplumber.PDF:
    with app.app_context():
        return pdfplumber.open(io.BytesIO(documents.render_pdf(doc)))


def _face(c) -> str:
    """The embedded font's name without its subset prefix ("MPDFAB+TinosBold" -> "TinosBold")."""
    return c["fontname"].split("+")[1].replace("-", "")


def _lines(chars) -> list[list[dict]]:
    """Characters grouped into text lines (same baseline), each sorted left to right; a line is
    cut where a gap of more than 1.2 em separates two columns (the letterhead's)."""
    rows: dict[float, list[dict]] = {}
    for c in chars:
        if c["text"].strip():
            rows.setdefault(round(c["bottom"], 1), []).append(c)
    lines = []
    for key in sorted(rows):
        line: list[dict] = []
        for c in sorted(rows[key], key=lambda c: c["x0"]):
            if line and c["x0"] - line[-1]["x1"] > 1.2 * c["size"]:
                lines.append(line)
                line = []
            line.append(c)
        lines.append(line)
    return lines


def _text(line) -> str:
    """The line's text, a space wherever the gap between two characters is a space wide."""
    out, previous = [], None
    for c in line:
        if previous is not None and c["x0"] - previous["x1"] > 0.15 * c["size"]:
            out.append(" ")
        out.append(c["text"])
        previous = c
    return unicodedata.normalize("NFC", "".join(out))


def _ruled_text_width(page, rule) -> tuple[str, float]:
    """The text a rule underlines: the lines just above it, in the rule's column and of the
    same font and size as the nearest one; returns (text, widest line's width)."""
    centre = (rule["x0"] + rule["x1"]) / 2
    left, right = PAGE.left * MM, (PAGE.width - PAGE.right) * MM
    split = (PAGE.left + 0.4 * PAGE.text_width) * MM  # the letterhead's two columns
    for lo, hi in ((left, split), (split, right), (left, right)):
        if abs(centre - (lo + hi) / 2) < 3 * MM:
            break
    column = [
        c
        for c in page.chars
        if c["bottom"] <= rule["top"] + 0.5 and lo - 0.5 <= c["x0"] and c["x1"] <= hi + 0.5
    ]
    lines = _lines(column)
    lines.reverse()  # nearest first
    font = (lines[0][0]["fontname"], lines[0][0]["size"])
    picked, last_top = [], None
    for line in lines:
        if (line[0]["fontname"], line[0]["size"]) != font:
            break
        if last_top is not None and last_top - line[0]["bottom"] > line[0]["size"]:
            break
        picked.append(line)
        last_top = line[0]["top"]
    width = max(line[-1]["x1"] - line[0]["x0"] for line in picked)
    return " ".join(_text(line) for line in reversed(picked)), width


def _rules(page) -> dict[str, tuple[float, float]]:
    """{underlined text: (rule length, text width)} for every rule of the page."""
    found = {}
    for rule in page.lines:
        text, width = _ruled_text_width(page, rule)
        found[text] = (rule["x1"] - rule["x0"], width)
    return found


@pytest.mark.parametrize("body", ["THANH TRA TỈNH", LONG_BODY, "SỞ NỘI VỤ"])
@pytest.mark.parametrize("summary", ["Báo cáo tháng 10/2026", LONG_SUMMARY])
def test_rules_are_as_long_as_their_share_of_the_text(app, body, summary):
    doc = _doc(issuing_body=body, title=summary, body="Nhận xét chung.")
    pdf = _pdf(app, doc)
    rules = _rules(pdf.pages[0])
    assert len(rules) == 3, rules
    by_kind = {}
    for text, (length, width) in rules.items():
        if text.startswith("Độc lập"):
            by_kind["motto"] = (text, length / width)
        elif text.replace(" ", "") in body.replace(" ", ""):
            by_kind["body"] = (text, length / width)
        else:
            by_kind["title"] = (text, length / width)
    assert by_kind["motto"][0] == "Độc lập - Tự do - Hạnh phúc"
    assert by_kind["motto"][1] == pytest.approx(1.0, abs=0.01)  # as long as the motto
    assert " ".join(by_kind["body"][0].split()) == body
    assert 1 / 3 <= by_kind["body"][1] <= 1 / 2  # 1/3-1/2 of the issuing body's text
    # The summary's lines (under "BÁO CÁO", of the same face: the widest is the summary's).
    assert by_kind["title"][0].replace(" ", "") == "BÁOCÁO" + summary.replace(" ", "")
    assert 1 / 3 <= by_kind["title"][1] <= 1 / 2  # 1/3-1/2 of the summary line
    if body == LONG_BODY:  # wraps in its column: the rule follows its widest line
        assert LONG_BODY not in {_text(line) for line in _lines(pdf.pages[0].chars)}


def test_font_sizes_and_margins_on_one_page(app):
    doc = _issued(_doc(body="Đoạn một.\n\nĐoạn hai."), number=3)
    pdf = _pdf(app, doc)
    assert len(pdf.pages) == 1
    page = pdf.pages[0]
    assert (page.width, page.height) == pytest.approx((210 * MM, 297 * MM), abs=0.5)
    chars = [c for c in page.chars if c["text"].strip()]
    # One face, Tinos (Times New Roman metrics), embedded, for every character.
    assert {_face(c) for c in chars} == {"Tinos", "TinosBold", "TinosItalic", "TinosBoldItalic"}
    assert min(c["x0"] for c in chars) >= PAGE.left * MM - 0.5
    assert max(c["x1"] for c in chars) <= (PAGE.width - PAGE.right) * MM + 0.5
    assert min(c["top"] for c in chars) >= PAGE.top * MM - 0.5
    assert max(c["bottom"] for c in chars) <= (PAGE.height - PAGE.bottom) * MM + 0.5
    assert 20 <= PAGE.top <= 25 and 20 <= PAGE.bottom <= 25
    assert 30 <= PAGE.left <= 35 and 15 <= PAGE.right <= 20
    lines = {_text(line): line[0] for line in _lines(chars)}

    def style(text):
        c = next(c for t, c in lines.items() if t.replace(" ", "") == text.replace(" ", ""))
        return _face(c), round(c["size"], 1)

    assert style("UBND TỈNH TUYÊN QUANG") == ("Tinos", 12.5)  # 12-13 pt
    assert style("THANH TRA TỈNH") == ("TinosBold", 12.5)  # 12-13 pt bold
    assert style("Số: 03/BC-TTr") == ("Tinos", 13)  # leading zero below 10
    assert style("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") == ("TinosBold", 12.5)
    assert style("Độc lập - Tự do - Hạnh phúc") == ("TinosBold", 13.5)  # 13-14 pt bold
    assert style("Tuyên Quang, ngày 05 tháng 3 năm 2026") == ("TinosItalic", 13.5)
    assert style("BÁO CÁO") == ("TinosBold", 14)  # 13-14 pt bold
    assert style("Nơi nhận:") == ("TinosBoldItalic", 12)  # 12 pt bold italic
    assert style("- Lưu: VT, NV.") == ("Tinos", 11)  # lines 11 pt
    assert style("CHÁNH THANH TRA") == ("TinosBold", 13.5)  # 13-14 pt bold
    assert style("Nguyễn Văn Hùng") == ("TinosBold", 13.5)
    assert style("Đoạn một.") == ("Tinos", 13)  # body 13-14 pt
    # No page number on page 1.
    assert all(c["top"] >= PAGE.top * MM - 0.5 for c in chars)


def test_recipient_lines_end_with_a_semicolon_and_never_name_the_signer(app):
    page = _pdf(app, _issued(_doc(body="x"))).pages[0]
    lines = [_text(line) for line in _lines(page.chars) if round(line[0]["size"]) == 11]
    recipients = [t for t in lines if t.startswith("-")]
    assert recipients == ["- Như trên;", "- Thanh tra Chính phủ (để báo cáo);", "- Lưu: VT, NV."]
    # The signer (Chánh Thanh tra) is dropped from the list given to the draft.
    assert not any("Chánh Thanh tra" in t for t in recipients)


@pytest.mark.parametrize(
    "title, lines",
    [
        ("Chánh Thanh tra tỉnh", ["CHÁNH THANH TRA"]),
        ("Quyền Chánh Thanh tra tỉnh", ["Q. CHÁNH THANH TRA"]),
        ("Phó Chánh Thanh tra tỉnh", ["KT. CHÁNH THANH TRA", "PHÓ CHÁNH THANH TRA"]),
        ("Chánh Văn phòng", ["TL. CHÁNH THANH TRA", "CHÁNH VĂN PHÒNG"]),
        ("Trưởng phòng Nghiệp vụ 1", ["TUQ. CHÁNH THANH TRA", "TRƯỞNG PHÒNG"]),
        ("Phó Giám đốc Sở Nội vụ", ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]),
    ],
)
def test_authority_prefix_follows_the_signer(app, title, lines):
    with app.app_context():
        authority, position = documents.signing_for(title)
    doc = _issued(_doc(body="x", signer_authority=authority, signer_title=position))
    page = _pdf(app, doc).pages[0]
    bold = [_text(line) for line in _lines(page.chars) if round(line[0]["size"], 1) == 13.5]
    signer = [t for t in bold if t.replace(" ", "") in {x.replace(" ", "") for x in lines}]
    assert [s.replace(" ", "") for s in signer] == [x.replace(" ", "") for x in lines]


def test_number_date_and_summary_rules(app):
    with app.app_context():
        assert documents.date_line("Tuyên Quang", date(2026, 2, 5)) == (
            "Tuyên Quang, ngày 05 tháng 02 năm 2026"
        )
        assert documents.date_line("Tuyên Quang", date(2026, 1, 31)).endswith("tháng 01 năm 2026")
        assert documents.date_line("Tuyên Quang", date(2026, 3, 5)).endswith(
            "ngày 05 tháng 3 năm 2026"
        )
        assert documents.date_line("Tuyên Quang", date(2026, 12, 10)).endswith(
            "ngày 10 tháng 12 năm 2026"
        )
        assert documents.short_date(date(2026, 4, 9)) == "09/4/2026"
    assert blocks.number_text(1, "BC-TTr") == "01/BC-TTr"
    assert blocks.number_text(9, "TTr-NV") == "09/TTr-NV"
    assert blocks.number_text(10, "BC-TTr") == "10/BC-TTr"
    assert blocks.number_text(None, "BC-TTr").strip("\u00a0") == "/BC-TTr"
    doc = _issued(_doc(DocumentKind.URGING, body="Đề nghị thực hiện.", recipient="Sở Y tế"), 12)
    doc.title = "V/v đôn đốc thực hiện Kết luận thanh tra số 05/KL-TTr ngày 12/3/2026"
    page = _pdf(app, doc).pages[0]
    texts = [_text(line).replace(" ", "") for line in _lines(page.chars)]
    assert "Số:12/TTr-NV" in texts
    assert not any(t.startswith("BÁOCÁO") for t in texts)  # a công văn has no type line
    assert len(page.lines) == 2  # no title rule either
    # The "V/v" line, 12-13 pt, under the number in the left column.
    vv = [line for line in _lines(page.chars) if _text(line).startswith("V/v")][0]
    assert 12 <= vv[0]["size"] <= 13 and vv[-1]["x1"] < (PAGE.left + 0.4 * 165) * MM


def test_signature_never_stands_alone_on_a_page(app):
    """Whatever the body's length, the signature's page also holds the closing paragraph."""
    seen_two_pages = False
    for n in range(17, 24):
        body = "\n\n".join(
            f"Đoạn {k}: nội dung đôn đốc thực hiện kiến nghị thanh tra, báo cáo kết quả."
            for k in range(n)
        )
        doc = _issued(_doc(DocumentKind.URGING, body=body, recipient="Sở Y tế"))
        pdf = _pdf(app, doc)
        last = pdf.pages[-1]
        text = "".join(_text(line) for line in _lines(last.chars)).replace(" ", "")
        assert "Nơinhận:" in text and "NguyễnVănHùng" in text
        assert "./." in text, f"{n} paragraphs: the signature alone on page {len(pdf.pages)}"
        seen_two_pages |= len(pdf.pages) > 1
    assert seen_two_pages


def test_about_400_pages_numbered_top_centre_from_page_2(app):
    doc = _issued(_doc(items=5300, body="Nhận xét chung."))
    pdf = _pdf(app, doc)
    count = len(pdf.pages)
    assert 350 <= count <= 450, count
    centre = (PAGE.left + (PAGE.width - PAGE.right)) / 2 * MM
    for index in (1, 2, count // 2, count - 1):
        page = pdf.pages[index]
        top = [c for c in page.chars if c["bottom"] < PAGE.top * MM]
        assert "".join(c["text"] for c in top) == str(index + 1)
        assert (top[0]["x0"] + top[-1]["x1"]) / 2 == pytest.approx(centre, abs=1.5)
        assert round(top[0]["size"]) == 13
        body = [c for c in page.chars if c["bottom"] >= PAGE.top * MM]
        assert max(c["bottom"] for c in body) <= (PAGE.height - PAGE.bottom) * MM + 0.5
        assert min(c["x0"] for c in body) >= PAGE.left * MM - 0.5
        if index < count - 1:  # the table's pages: its faces only
            assert {_face(c) for c in body} <= {"Tinos", "TinosBold"}
            # The table header is repeated on every page of the table.
            assert "STT" in "".join(_text(line) for line in _lines(body))
    last = "".join(_text(line) for line in _lines(pdf.pages[-1].chars)).replace(" ", "")
    assert "Nơinhận:" in last and "./." in last
    assert not [c for c in pdf.pages[0].chars if c["bottom"] < PAGE.top * MM]


def test_font_with_every_vietnamese_letter_or_a_clear_error(app, tmp_path):
    from fontTools.ttLib import TTFont

    with app.app_context():
        family, paths = documents.document_font()
    assert family in ("Tinos", "Liberation Serif")
    letters = documents.vietnamese_letters()
    assert len(letters) == 2 * (12 * 6 + 17)  # 72 vowels with tones and 17 consonants, 2 cases
    for path in paths:
        cmap = TTFont(path).getBestCmap()
        assert [c for c in letters if ord(c) not in cmap] == []
    # A configured folder without the font: a clear message naming what to install.
    documents._find_font.cache_clear()
    app.config["DOCUMENT_FONT_DIR"] = str(tmp_path)
    try:
        with app.app_context():
            family_again, _ = documents.document_font()
        assert family_again == family  # the configured folder is searched first, then installed
    finally:
        app.config.pop("DOCUMENT_FONT_DIR")
        documents._find_font.cache_clear()
    with app.app_context(), pytest.raises(documents.FontMissing) as missing:
        documents._find_font.__wrapped__(None, roots=(str(tmp_path),))
    assert "fonts-croscore" in str(missing.value)


def test_liberation_serif_1_is_refused_for_lack_of_vietnamese_letters():
    """Debian's fonts-liberation (1.x, installed by CI for other uses) lacks "ố", "ự"...: the
    coverage check refuses it rather than fall back glyph by glyph."""
    import os

    old = [
        os.path.join(folder, "LiberationSerif-Regular.ttf")
        for root in documents.FONT_ROOTS
        for folder, _dirs, files in os.walk(root)
        if "LiberationSerif-Regular.ttf" in files
    ]
    assert old, "fonts-liberation is installed by .ci/run"
    from fontTools.ttLib import TTFont

    for path in old:
        version = TTFont(path)["head"].fontRevision
        assert documents._covers_vietnamese(path) == (version >= 2)
