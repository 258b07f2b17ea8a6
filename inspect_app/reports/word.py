"""The document as Word (.docx), drawn from the same Decree 30 layout (`reports.layout`) as the
PDF and the preview, for offices that edit drafts in Word: A4 and the page's margins, Times New
Roman, the letterhead and signature as borderless tables, rules under the issuing body, the
motto and the summary as long as their share of the text (measured with the PDF's font, whose
metrics are Times New Roman's), the case table's header repeated on every page, page numbers
top centre from page 2, the closing paragraph kept with the signature.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace

from docx import Document as WordDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from fpdf import FPDF

from inspect_app.reports import documents
from inspect_app.reports import layout as blocks

LABEL_GAP = 6 / 72 * 25.4  # mm above "Nơi nhận:" and the signer's first line (6 pt)
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "Times New Roman"
ALIGN = {
    "C": WD_ALIGN_PARAGRAPH.CENTER,
    "L": WD_ALIGN_PARAGRAPH.LEFT,
    "J": WD_ALIGN_PARAGRAPH.JUSTIFY,
    "R": WD_ALIGN_PARAGRAPH.RIGHT,
}


class _Measure:
    """Text widths in mm with the PDF's font (Times New Roman metrics), wrapped to a column."""

    def __init__(self):
        self.pdf = FPDF(unit="mm", format="A4")
        self.pdf.add_page()
        for style, path in zip(documents.STYLES, documents.document_font()[1], strict=True):
            self.pdf.add_font("Serif", style, path)

    def wrapped(self, t: blocks.Text, width: float) -> tuple[float, float, int]:
        """(the width the PDF wraps `t` in less its cell margins, its widest line, its line
        count): `documents.wrapped`, so Word breaks the lines where the PDF does."""
        self.pdf.set_font("Serif", t.style, t.size)
        inner, lines = documents.wrapped(self.pdf, t, width)
        widest = min(max(self.pdf.get_string_width(line) for line in lines), width)
        return inner - 2 * self.pdf.c_margin, widest, len(lines)


# A hyphen inside a word ("05/KL-TTr", "Sở Nông nghiệp-Môi trường"): Word and LibreOffice may
# break the line after it where the PDF never does; written as a non-breaking hyphen.
WORD_HYPHEN = re.compile(r"(?<=\S)-(?=\S)")


def _run(paragraph, text: str, size: float, style: str = "", color=None):
    run = paragraph.add_run()
    for index, part in enumerate(WORD_HYPHEN.split(text)):
        if index:
            run._r.append(OxmlElement("w:noBreakHyphen"))
        if part:
            run._r.add_t(part)
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold = "B" in style
    run.italic = "I" in style
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    if color:
        run.font.color.rgb = RGBColor(*color)
    return run


def _paragraph(container, align="C", before=0.0, after=0.0, indent=0.0, first=0.0):
    p = container.add_paragraph()
    p.alignment = ALIGN[align]
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.left_indent = fmt.right_indent = Mm(indent) if indent else None
    if first:
        fmt.first_line_indent = Mm(first)
    fmt.line_spacing = 1.15
    return p


def _border(paragraph, side: str, size_eighths: int = 5) -> None:
    """A single line on one side of the paragraph (between its indents)."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        ppr.append(borders)
    line = OxmlElement(f"w:{side}")
    for key, value in (("w:val", "single"), ("w:sz", str(size_eighths)), ("w:space", "1")):
        line.set(qn(key), value)
    line.set(qn("w:color"), "000000")
    borders.append(line)


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    table._tbl.tblPr.append(borders)


def _all_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:color", "000000")):
            el.set(qn(key), value)
        borders.append(el)
    table._tbl.tblPr.append(borders)


def _table(container, widths_mm, borders=False):
    """A table of fixed column widths (mm); borderless ones without cell margins, so that
    their columns are exactly the layout's."""
    table = container.add_table(rows=1, cols=len(widths_mm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    pr = table._tbl.tblPr
    (_all_borders if borders else _no_borders)(table)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    pr.append(layout)
    margins = OxmlElement("w:tblCellMar")
    pad = documents.CELL_PAD if borders else 0  # the PDF's cell padding
    for side, mm in (("top", pad), ("left", pad), ("bottom", pad), ("right", pad)):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(round(mm * 56.7)))  # twentieths of a point
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    pr.append(margins)
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    return table


def _fix_widths(table, widths_mm) -> None:
    """Every row's cells at the columns' widths (LibreOffice reads the cells', Word the grid)."""
    for row in table.rows:
        cells = row.cells
        if len({id(c._tc) for c in cells}) == 1:  # a merged group row: the whole width
            cells[0].width = Mm(sum(widths_mm))
            continue
        for cell, width in zip(cells, widths_mm, strict=True):
            cell.width = Mm(width)


def _flag(element, name: str) -> None:
    """Set an on/off property (w:cantSplit, w:tblHeader, w:keepNext...) on a row or paragraph."""
    el = OxmlElement(f"w:{name}")
    element.append(el)


class _Word:
    def __init__(self, layout: blocks.Layout):
        self.layout, self.page = layout, layout.page
        self.doc = WordDocument()
        self.measure = _Measure()
        normal = self.doc.styles["Normal"]
        normal.font.name, normal.font.size = FONT, Pt(blocks.BODY_SIZE)
        # No 10 pt after every paragraph (python-docx's template default): a table cell's text
        # is spaced by the cell's margins, as in the PDF.
        normal.paragraph_format.space_after = Pt(0)
        normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
        section = self.doc.sections[0]
        section.start_type = WD_SECTION.NEW_PAGE
        section.page_width, section.page_height = Mm(self.page.width), Mm(self.page.height)
        section.top_margin, section.bottom_margin = Mm(self.page.top), Mm(self.page.bottom)
        section.left_margin, section.right_margin = Mm(self.page.left), Mm(self.page.right)
        section.header_distance = Mm(self.page.top / 2 - 3)
        self._page_numbers(section)
        self.width = self.page.text_width
        # The first paragraph python-docx's template starts with: reused, not left empty.
        self.first = self.doc.paragraphs[0] if self.doc.paragraphs else None

    def _page_numbers(self, section) -> None:
        """A PAGE field centred in the header, from page 2 (a first page with no header)."""
        section.different_first_page_header_footer = True
        p = section.header.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = _run(p, "", self.page.number_size)
        for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), ("end", None)):
            if kind:
                el = OxmlElement("w:fldChar")
                el.set(qn("w:fldCharType"), kind)
            else:
                el = OxmlElement("w:instrText")
                el.set(qn("xml:space"), "preserve")
                el.text = text
            run._r.append(el)

    def text(self, container, t: blocks.Text, width: float) -> None:
        inner, widest, lines = self.measure.wrapped(t, width)
        indent = t.inset
        if t.align == "C" and lines > 1:  # the PDF's even lines: wrapped in its width
            indent = max(0.0, (width - inner - 0.2) / 2)
        p = _paragraph(container, t.align, before=t.gap / 25.4 * 72, indent=indent)
        _run(p, t.text, t.size, t.style)
        if t.rule:
            length = widest * t.rule
            rule = _paragraph(container, "C", indent=max(0.0, (width - length) / 2))
            rule.paragraph_format.line_spacing = Pt(3)
            _run(rule, "", 2)
            _border(rule, "top")

    def column(self, cell, items, width: float) -> None:
        cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
        for item in items:
            self.text(cell, item, width)

    # --- blocks ----------------------------------------------------------------------------

    def draftmark(self, block: blocks.DraftMark) -> None:
        p = _paragraph(self.doc, "C", after=6)
        _run(p, block.text, 13, "B", color=documents.RED)
        for side in ("top", "bottom", "left", "right"):
            _border(p, side, 10)
        p.paragraph_format.right_indent = Mm(self.width - 30)

    def letterhead(self, block: blocks.Letterhead) -> None:
        left = self.width * block.left_width
        table = _table(self.doc, (left, self.width - left))
        cells = table.rows[0].cells
        self.column(cells[0], block.left, left)
        self.column(cells[1], block.right, self.width - left)
        _fix_widths(table, (left, self.width - left))

    def title(self, block: blocks.Title) -> None:
        _paragraph(self.doc, after=0)
        for t in block.lines:
            self.text(self.doc, t, self.width)

    def recipient(self, block: blocks.Recipient) -> None:
        p = _paragraph(self.doc, "C", before=12, after=12)
        _run(p, block.text.text, block.text.size, block.text.style)

    def heading(self, block: blocks.Heading) -> None:
        if block.align == "C":
            p = _paragraph(self.doc, "C", before=6, after=6)
        else:
            p = _paragraph(self.doc, "J", before=4, after=4, first=10)
        _run(p, block.text, block.size, block.style)
        _flag(p._p.get_or_add_pPr(), "keepNext")

    def paragraphs(self, block: blocks.Paragraphs) -> None:
        bold = "".join(sorted(set(block.style + "B")))
        for text in block.texts:
            p = _paragraph(self.doc, "J", after=6, first=block.indent)
            lead, rest = block.split(text)
            if lead:
                _run(p, lead, block.size, bold)
            _run(p, rest, block.size, block.style)
            if block.keep_with_next:
                _flag(p._p.get_or_add_pPr(), "keepNext")

    def _grid(self, block):
        """(column widths, a ruled table with the block's header row repeated on every page)."""
        fixed = sum(w for w in block.widths if w)
        widths = [w if w else self.width - fixed for w in block.widths]
        table = _table(self.doc, widths, borders=True)
        header = table.rows[0]
        _flag(header._tr.get_or_add_trPr(), "tblHeader")  # repeated on every page
        for cell, text in zip(header.cells, block.headers, strict=True):
            _run(cell.paragraphs[0], text, block.size, "B")
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        return widths, table

    def table(self, block: blocks.Table) -> None:
        widths, table = self._grid(block)
        for values in block.rows:
            row = table.add_row()
            _flag(row._tr.get_or_add_trPr(), "cantSplit")
            for index, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
                _run(cell.paragraphs[0], text, block.size)
                if index in block.centred:
                    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _fix_widths(table, widths)
        _paragraph(self.doc, after=3)

    def casetable(self, block: blocks.CaseTable) -> None:
        widths, table = self._grid(block)
        for number, (unit_name, rows) in enumerate(block.groups, start=1):
            group = table.add_row()
            _flag(group._tr.get_or_add_trPr(), "cantSplit")
            merged = group.cells[0].merge(group.cells[-1])
            p = merged.paragraphs[0]
            _run(p, f"{number}. {unit_name}", block.size, "B")
            _flag(p._p.get_or_add_pPr(), "keepNext")  # a unit's name never alone at a page foot
            for item in rows:
                row = table.add_row()
                _flag(row._tr.get_or_add_trPr(), "cantSplit")
                values = (str(item.position), f"{item.title} {item.note}", item.due)
                for cell, text in zip(row.cells, (*values, str(item.days_overdue)), strict=True):
                    _run(cell.paragraphs[0], text, block.size)
                for index in (0, 2, 3):
                    row.cells[index].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _fix_widths(table, widths)
        _paragraph(self.doc, after=3)

    def signature(self, block: blocks.Signature) -> None:
        half = self.width / 2
        table = _table(self.doc, (half, half))
        _flag(table.rows[0]._tr.get_or_add_trPr(), "cantSplit")  # never split across pages
        left, right = table.rows[0].cells
        left.paragraphs[0]._p.getparent().remove(left.paragraphs[0]._p)
        p = _paragraph(left, "L", before=LABEL_GAP / 25.4 * 72)
        _run(p, block.label.text, block.label.size, block.label.style)
        for line in block.recipients:
            _run(_paragraph(left, "L"), line.text, line.size, line.style)
        self._signer(right, blocks.Signer(block.signer, block.name), block.unsigned, half)
        _fix_widths(table, (half, half))

    def _signer(
        self, cell, signer: blocks.Signer, unsigned: blocks.Text | None, width: float, lines=0
    ):
        """The signer's position (its first line level with "Nơi nhận:", 6 pt down, as in the
        PDF), the signing space and the name; `lines` the position's lines beside it (two
        signers' names on one line, however their positions wrap)."""
        cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
        for index, t in enumerate(signer.lines):
            self.text(cell, replace(t, gap=max(t.gap, LABEL_GAP)) if index == 0 else t, width)
        for _ in range(lines - self._line_count(signer, width)):
            _run(_paragraph(cell, "C"), "", signer.lines[-1].size, signer.lines[-1].style)
        space = _paragraph(cell, "C", before=0)
        space.paragraph_format.line_spacing = Pt(blocks.BODY_SIZE)
        if unsigned is not None:
            _run(space, unsigned.text, unsigned.size, unsigned.style, (119,) * 3)
        for _ in range(3):
            _paragraph(cell, "C")
        self.text(cell, signer.name, width)

    def _line_count(self, signer: blocks.Signer, width: float) -> int:
        return sum(self.measure.wrapped(t, width)[2] for t in signer.lines)

    def signatories(self, block: blocks.Signatories) -> None:
        half = self.width / 2
        table = _table(self.doc, (half, half))
        _flag(table.rows[0]._tr.get_or_add_trPr(), "cantSplit")  # never split across pages
        left, right = table.rows[0].cells
        lines = max(self._line_count(s, half) for s in (block.left, block.right))
        self._signer(left, block.left, block.unsigned, half, lines)
        self._signer(right, block.right, block.unsigned, half, lines)
        _fix_widths(table, (half, half))

    def annextable(self, block: blocks.AnnexTable) -> None:
        """A data table in a landscape section of its own: code, title, subtitle, the merged
        header (repeated on every page), units, column numbers, rows (totals in bold)."""
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        section.different_first_page_header_footer = False  # numbered like the pages before
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(self.page.height), Mm(self.page.width)
        width = self.page.height - self.page.left - self.page.right
        p = _paragraph(self.doc, "R")
        _run(p, f"Biểu số {block.code}", 11, "B")
        _run(_paragraph(self.doc, "C"), block.title, 12, "B")
        if block.subtitle:
            _run(_paragraph(self.doc, "C", after=4), block.subtitle, 11, "I")
        widths, size = documents.annex_columns(block, width)  # the PDF's columns and size
        table = _table(self.doc, widths, borders=True)
        depth = len(block.header)
        for _ in range(depth + 1):
            table.add_row()
        for row in table.rows[:depth]:
            _flag(row._tr.get_or_add_trPr(), "tblHeader")
        for level, cells in enumerate(block.header):
            for c in cells:
                cell = table.cell(level, c.col)
                end = table.cell(level + c.rowspan - 1, c.col + c.colspan - 1)
                if end._tc is not cell._tc:
                    cell = cell.merge(end)
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
                _run(cell.paragraphs[0], c.text, size, "B")
        lead = len(block.lead)
        units = [""] * lead + list(block.units)
        numbers = ["A", "B"][:lead] + [f"({n})" for n in range(1, len(block.units) + 1)]
        for row, texts, style in ((depth, units, "I"), (depth + 1, numbers, "")):
            for index, text in enumerate(texts):
                cell = table.cell(row, index)
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
                _run(cell.paragraphs[0], text, size, style)
        for position, r in enumerate(block.rows, start=1):
            row = table.add_row()
            _flag(row._tr.get_or_add_trPr(), "cantSplit")
            style = "B" if r.total else ""
            texts = ["" if r.total else str(position), r.label, *r.values]
            for index, (cell, text) in enumerate(zip(row.cells, texts, strict=True)):
                if index != 1:
                    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
                _run(cell.paragraphs[0], text, size, style)
        _fix_widths(table, widths)

    def render(self) -> bytes:
        blocks_ = (*self.layout.head, *self.layout.body, *self.layout.foot, *self.layout.annex)
        for block in blocks_:
            getattr(self, type(block).__name__.lower())(block)
        if self.first is not None and not self.first.text:
            self.first._p.getparent().remove(self.first._p)
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def render_docx(doc) -> bytes:
    """The document as .docx from its Decree 30 layout ("DỰ THẢO" on a draft)."""
    return render_layout_docx(documents.layout_of(doc))


def render_layout_docx(sheet: blocks.Layout) -> bytes:
    """Any layout (`blocks.compose`) as .docx."""
    return _Word(sheet).render()
