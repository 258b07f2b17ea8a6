"""Every document as Word (.docx) from the same layout: read back with python-docx (texts exact,
Vietnamese kept, A4 and the margins, Times New Roman, page numbers from page 2, the case
table's header repeated), and converted with LibreOffice (`--headless --convert-to pdf`), the
PDF read back."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import unicodedata
from datetime import date

import pytest
from docx import Document as read_docx
from docx.oxml.ns import qn

from inspect_app.reports import documents, word
from inspect_app.reports import layout as blocks
from inspect_app.reports.models import DocumentKind
from tests.reports.test_decree30 import LONG_BODY, _doc, _issued


def _texts(layout: blocks.Layout) -> list[str]:
    """Every text of the layout, in order."""
    out: list[str] = []
    for block in (*layout.head, *layout.body, *layout.foot):
        if isinstance(block, blocks.DraftMark | blocks.Heading):
            out.append(block.text)
        elif isinstance(block, blocks.Letterhead):
            out += [t.text for t in (*block.left, *block.right)]
        elif isinstance(block, blocks.Title):
            out += [t.text for t in block.lines]
        elif isinstance(block, blocks.Recipient):
            out.append(block.text.text)
        elif isinstance(block, blocks.Paragraphs):
            out += list(block.texts)
        elif isinstance(block, blocks.CaseTable):
            out += [f"{r.title} {r.note}" for _u, rows in block.groups for r in rows]
        elif isinstance(block, blocks.Signature):
            out += [block.label.text, *(t.text for t in block.recipients)]
            out += [t.text for t in block.signer] + [block.name.text]
    return [t for t in out if t.strip()]


def _docx_paragraphs(document) -> list[str]:
    """Paragraph texts of the body and of every table cell, in document order."""
    found = []
    body = document.element.body
    for p in body.iter(qn("w:p")):
        text = "".join(r.text for r in p.iter(qn("w:r")))  # a w:noBreakHyphen reads "-"
        if text.strip():
            found.append(text)
    return found


@pytest.mark.parametrize(
    "kind, kw",
    [
        (DocumentKind.REPORT, {"items": 40, "body": "Đoạn một: ố ự ẫ ỹ Đ.\n\nĐoạn hai."}),
        (DocumentKind.URGING, {"body": "Đề nghị thực hiện.", "recipient": "Sở Y tế"}),
        (DocumentKind.REPORT, {"issuing_body": LONG_BODY, "body": "x"}),
    ],
)
def test_docx_reads_back_in_the_layout(app, kind, kw):
    doc = _issued(_doc(kind, **kw), number=4)
    with app.app_context():
        data = word.render_docx(doc)
        sheet = documents.layout_of(doc)
    document = read_docx(io.BytesIO(data))
    section = document.sections[0]
    sizes = [section.page_width, section.page_height, section.top_margin, section.bottom_margin]
    sizes += [section.left_margin, section.right_margin]
    assert [x.mm for x in sizes] == pytest.approx([210, 297, 20, 20, 30, 15], abs=0.05)
    # Page numbers: a PAGE field in the header, none on page 1.
    assert section.different_first_page_header_footer
    header = section.header._element
    assert any("PAGE" in (t.text or "") for t in header.iter(qn("w:instrText")))
    assert not "".join(t.text or "" for t in section.first_page_header._element.iter(qn("w:t")))
    # Every text of the layout, exact (NFC), in order.
    paragraphs = _docx_paragraphs(document)
    at = 0
    for text in _texts(sheet):
        at = paragraphs.index(text, at)
        assert unicodedata.is_normalized("NFC", paragraphs[at])
    fonts = {r.font.name for p in document.paragraphs for r in p.runs if r.text.strip()}
    assert fonts == {"Times New Roman"}
    if kw.get("items"):
        table = next(t for t in document.tables if t.rows[0].cells[0].text == "STT")
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        assert len(table.rows) == 1 + 40 + 2  # header, rows, unit groups (25 a unit)
    rules = [p for p in document.element.body.iter(qn("w:pBdr"))]
    assert len(rules) == (3 if kind == DocumentKind.REPORT else 2)


LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")


def test_libreoffice_converts_the_docx_and_the_text_reads_back(app, tmp_path):
    """The .docx opens in LibreOffice without repair: converted to PDF, the text is there."""
    assert LIBREOFFICE, "libreoffice-writer-nogui is installed by .ci/run"
    doc = _issued(_doc(items=30, body="Các đơn vị chậm khắc phục: ố ự ẫ ỹ."), number=9)
    with app.app_context():
        (tmp_path / "doc.docx").write_bytes(word.render_docx(doc))
    env = {**os.environ, "HOME": str(tmp_path)}  # a profile of its own
    subprocess.run(
        [LIBREOFFICE, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), "doc.docx"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        timeout=180,
    )
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(tmp_path / "doc.pdf"), "-"],
        capture_output=True,
        check=True,
    )
    text = " ".join(unicodedata.normalize("NFC", out.stdout.decode()).split())
    for expected in (
        "UBND TỈNH TUYÊN QUANG",
        "THANH TRA TỈNH",
        "Số: 09/BC-TTr",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Tuyên Quang, ngày 05 tháng 3 năm 2026",
        "Các đơn vị chậm khắc phục: ố ự ẫ ỹ.",
        "Khắc phục sai phạm số 00030",
        "Nơi nhận:",
        "- Lưu: VT, NV.",
        "Nguyễn Văn Hùng",
    ):
        assert expected in text, expected
    pages = out.stdout.decode().split("\f")
    assert len([p for p in pages if p.strip()]) >= 2
    assert pages[1].split()[0] == "2"  # the page number on top of page 2


def test_docx_download_for_a_draft(app, db, login_as):
    from inspect_app.reports import operations
    from tests import factories

    boss = factories.make_user("leadership")
    draft = operations.build_report_draft(boss, date(2026, 10, 1), date(2026, 10, 31))
    db.session.commit()
    r = login_as(boss).get(f"/reports/{draft.id}/docx")
    assert r.status_code == 200 and r.mimetype == word.DOCX_MIME
    assert "du-thao-BC-TTr" in r.headers["Content-Disposition"]
    assert "DỰ THẢO" in _docx_paragraphs(read_docx(io.BytesIO(r.data)))
