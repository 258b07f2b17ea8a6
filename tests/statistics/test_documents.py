"""The periodic report as a document: the narrative pre-filled from the figures and kept once
edited, the issued PDF (Decree 30 number, every annex with its totals, landscape annex pages)
and the Word file's annex tables (merged headers, the figures of the screen) read back."""

from __future__ import annotations

import io
import subprocess
import unicodedata
from datetime import date

import pdfplumber
from docx import Document as Word

from inspect_app.reports import documents, word
from inspect_app.statistics import operations
from tests import factories as f

D = date
PERIOD = "2026-Q1"


def pdf_text(data: bytes) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"],
        input=data,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return unicodedata.normalize("NFC", out)


def test_the_narrative_is_refreshed_until_edited_then_kept(world):
    chief = world["chief"]
    report = operations.generate(chief, PERIOD)
    doc = report.document
    assert "kiến nghị thu hồi 100.000.000 đồng" in doc.body
    assert "đã thu 30.000.000 đồng (đạt 30%)" in doc.body
    operations.regenerate(chief, report, report.version, cutoff=D(2026, 2, 5))  # before p1
    assert "đã thu 0 đồng" in doc.body  # not edited: pre-filled again from the new figures
    doc.body = doc.body.replace("II. ĐÁNH GIÁ CHUNG", "II. ĐÁNH GIÁ CHUNG (đã biên tập)")
    edited = doc.body
    operations.regenerate(chief, report, report.version, cutoff=D(2026, 3, 14))
    assert doc.body == edited  # the drafter's text is kept
    assert (
        report.snapshot["narrative"] != edited
        and "đã thu 30.000.000" in report.snapshot["narrative"]
    )


def test_the_issued_pdf_carries_the_number_and_every_annex_with_its_totals(world):
    chief = world["chief"]
    report = operations.generate(chief, PERIOD)
    f.issue_document(chief, report.document)
    doc = report.document
    data = documents.render_pdf(doc)
    text = pdf_text(data)
    assert f"Số: {doc.number:02d}/BC-TTr" in text
    assert "Kết quả công tác thanh tra quý I năm 2026" in text
    for code in ("01/TTr", "02/TTr", "03/TTr"):
        assert f"Biểu số {code}" in text
    assert text.count("Tổng cộng") == 3
    assert text.count("(số liệu từ ngày 15/12/2025 đến ngày 14/03/2026)") == 3  # each annex
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        first, *rest = pdf.pages
        assert first.width < first.height  # the report: portrait A4
        annex = [p for p in rest if "Biểu số" in (p.extract_text() or "")]
        assert len(annex) == 3 and all(p.width > p.height for p in annex)  # landscape
        for page in annex:  # nothing outside the page: the tables are not cut
            words = page.extract_words()
            assert max(w["x1"] for w in words) <= page.width - 20
            assert max(w["bottom"] for w in words) <= page.height - 20


def test_the_word_annexes_are_the_screen_tables(world):
    report = operations.generate(world["chief"], PERIOD)
    doc = report.document
    tables = Word(io.BytesIO(word.render_docx(doc))).tables[-3:]
    for table, snap in zip(tables, report.snapshot["tables"], strict=True):
        xml = table._tbl.xml
        assert "w:gridSpan" in xml and "w:vMerge" in xml  # merged headers
        assert len(table.columns) == 2 + len(snap["columns"])
        body = [[c.text for c in r.cells] for r in table.rows][-len(snap["rows"]) :]
        for cells, row in zip(body, snap["rows"], strict=True):
            assert cells[1] == row["label"]
            assert cells[2:] == [
                operations.fmt(row["cells"][c["key"]]["value"], c["unit"]) for c in snap["columns"]
            ]
        units = [c.text for c in table.rows[-len(snap["rows"]) - 2].cells][2:]
        assert units == [c["unit"] for c in snap["columns"]]
