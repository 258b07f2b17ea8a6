"""The document machinery: letterhead from config, the Decree 30/2020 layout (`reports.layout`)
rendered as HTML (the page preview, `reports/_paper.html`) and drawn as PDF (fpdf2), and the
XLSX / CSV exports of a document's case table.

Document content is Vietnamese whatever the reader's interface language: it is an official text,
not an interface string, so it is written in the templates and here, not through gettext.
"""

from __future__ import annotations

import csv
import io
import os
from datetime import date

from flask import current_app
from fpdf import FPDF
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from inspect_app.core import clock, files
from inspect_app.core.tabular import cell as safe_cell
from inspect_app.reports import layout as blocks

# Config keys of this module and their defaults (PROVINCE_NAME comes from the app's Config).
DEFAULTS = {
    "DOCUMENT_ISSUING_BODY": "THANH TRA TỈNH",
    "DOCUMENT_SIGNER_TITLE": "CHÁNH THANH TRA",
    "URGING_REPLY_WORKING_DAYS": 10,
}

PDF_MIME = "application/pdf"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv; charset=utf-8"
LEVEL_NAMES = {1: "Quá hạn", 2: "Đã đôn đốc", 3: "Báo cáo UBND tỉnh"}


def setting(key: str):
    return current_app.config.get(key, DEFAULTS[key])


def province_name() -> str:
    """The province's own name ("Tuyên Quang") from PROVINCE_NAME ("Tỉnh Tuyên Quang")."""
    name = (current_app.config.get("PROVINCE_NAME") or "Tuyên Quang").strip()
    for prefix in ("Tỉnh ", "tỉnh ", "Thành phố ", "thành phố "):
        if name.startswith(prefix):
            return name[len(prefix) :].strip()
    return name


def letterhead() -> dict[str, str]:
    """Parent body, issuing body and place name of the documents (Decree 30/2020, Art. 8)."""
    name = province_name()
    return {
        "parent_body": f"UBND TỈNH {name.upper()}",
        "issuing_body": str(setting("DOCUMENT_ISSUING_BODY")),
        "place": name,
    }


def people_committee() -> str:
    return f"Chủ tịch Ủy ban nhân dân tỉnh {province_name()}"


def date_line(place: str, day: date) -> str:
    """ "Tuyên Quang, ngày 05 tháng 02 năm 2026": leading zeros as Decree 30 asks."""
    return f"{place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def distribution_lines(text: str | None) -> list[str]:
    """The "Nơi nhận" list, one recipient a line, always ending with "- Lưu: VT, TTr."."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    lines = [line if line.startswith("-") else f"- {line}" for line in lines]
    if not lines or not lines[-1].startswith("- Lưu:"):
        lines.append("- Lưu: VT, TTr.")
    return lines


def _layout(doc) -> blocks.Layout:
    """The document's layout ("DỰ THẢO" on a draft), from its rows and texts."""
    items = list(doc.items)
    groups: list[tuple[str, list]] = []
    for item in items:
        if not groups or groups[-1][0] != item.unit_name:
            groups.append((item.unit_name, []))
        groups[-1][1].append(item)
    day = doc.issued_at.astimezone(clock.ZONE).date() if doc.issued_at else doc.as_of
    signer_lines = [line.strip() for line in doc.signer_title.splitlines() if line.strip()]
    if doc.signer_authority and signer_lines:
        signer_lines[0] = f"{doc.signer_authority} {signer_lines[0]}"
    values = {
        "items": items,
        "groups": groups,
        "figures": doc.figures or {},
        "draft_mark": not doc.is_issued,
        "date_line": date_line(doc.place, day),
        "paragraphs": [p.strip() for p in (doc.body or "").split("\n\n") if p.strip()],
        "signer_lines": [line.upper() for line in signer_lines],
        "distribution": distribution_lines(doc.distribution),
    }
    return blocks.layout(doc, values)


def paper_context(doc) -> dict:
    """What `reports/_paper.html` needs, for the page preview (included by the page): the
    document's layout, "DỰ THẢO" on a draft."""
    return {"layout": _layout(doc)}


def render_pdf(doc) -> bytes:
    """The document as an A4 PDF (Decree 30 layout; "DỰ THẢO" across drafts), drawn with fpdf2:
    a 5,000-row report in a few seconds, where laying it out as HTML took minutes."""
    return _Paper(doc).render(_layout(doc))


FONT_DIR = "/usr/share/fonts/truetype"
# DejaVu Serif Condensed: a serif face with every Vietnamese glyph, about as wide as Times New
# Roman (which Decree 30 asks for). Liberation Serif, Times' metric twin, lacks the precomposed
# vowels with two marks ("ố", "ự") here, and a per-glyph fallback font made the long table twice
# as slow to draw; plain DejaVu Serif is a fallback if the condensed face is missing.
STYLES = ("", "B", "I", "BI")
MAIN_FONT = (
    "dejavu/DejaVuSerifCondensed.ttf",
    "dejavu/DejaVuSerifCondensed-Bold.ttf",
    "dejavu/DejaVuSerifCondensed-Italic.ttf",
    "dejavu/DejaVuSerifCondensed-BoldItalic.ttf",
)
FALLBACK_FONT = (
    "dejavu/DejaVuSerif.ttf",
    "dejavu/DejaVuSerif-Bold.ttf",
    "dejavu/DejaVuSerif-Italic.ttf",
    "dejavu/DejaVuSerif-BoldItalic.ttf",
)
PT = 25.4 / 72  # millimetres per point
RED = (179, 38, 30)


def _font_files(names: tuple[str, ...]) -> tuple[str, ...] | None:
    folder = current_app.config.get("PDF_FONT_DIR", FONT_DIR)
    paths = tuple(os.path.join(folder, n) for n in names)
    return paths if all(os.path.exists(p) for p in paths) else None


class _Paper:
    """Draws a `reports.layout.Layout` on A4 with fpdf2: margins 20 / 15 / 20 / 30 mm, serif;
    the case table's header row repeated on every page, a unit's name never alone at the foot
    of a page, the signature block never split; page numbers at the top from page 2."""

    LEFT, RIGHT, TOP, BOTTOM = 30.0, 15.0, 20.0, 20.0
    PAD = 3 * PT

    def __init__(self, doc):
        pdf = FPDF(orientation="P", unit="mm", format="A4")
        paths = _font_files(MAIN_FONT) or _font_files(FALLBACK_FONT)
        if paths is None:
            raise RuntimeError("No Unicode serif font for the PDF (install fonts-dejavu-core).")
        for style, path in zip(STYLES, paths, strict=True):
            pdf.add_font("Serif", style, path)
        pdf.set_margins(self.LEFT, self.TOP, self.RIGHT)
        pdf.set_auto_page_break(True, margin=self.BOTTOM)
        pdf.set_title(f"{doc.number_label} {doc.title}")
        pdf.set_lang("vi")
        pdf.set_creator("inspect_app")
        pdf.header = self._page_number
        self.pdf = pdf
        self.width = pdf.w - self.LEFT - self.RIGHT  # 165 mm
        self._widths_cache: dict[tuple, float] = {}

    # --- primitives ------------------------------------------------------------------------

    def font(self, size: float, style: str = "") -> None:
        self.pdf.set_font("Serif", style, size)

    def _page_number(self) -> None:
        pdf = self.pdf
        if pdf.page_no() > 1:
            pdf.set_y(10)
            self.font(13)
            pdf.cell(0, 6, str(pdf.page_no()), align="C")
            pdf.set_y(self.TOP)

    def text(self, x: float, w: float, t: blocks.Text) -> None:
        """A Text in the column [x, x + w], wrapped, after its gap, inside its inset."""
        if t.gap:
            self.pdf.ln(t.gap)
        self.font(t.size, t.style)
        self.pdf.set_x(x + t.inset)
        self.pdf.multi_cell(
            w - 2 * t.inset, t.size * 1.25 * PT, t.text, align=t.align, new_x="LEFT", new_y="NEXT"
        )

    def rule(self, x: float, w: float, fraction: float, gap_before=1.0, gap_after=2.0) -> None:
        pdf = self.pdf
        y = pdf.get_y() + gap_before
        left = x + w * (1 - fraction) / 2
        pdf.set_line_width(0.8 * PT)
        pdf.line(left, y, left + w * fraction, y)
        pdf.set_y(y + gap_after)

    def column(self, x: float, w: float, items) -> None:
        for item in items:
            if isinstance(item, blocks.Rule):
                self.rule(x, w, item.fraction)
            else:
                self.text(x, w, item)

    # --- blocks ----------------------------------------------------------------------------

    def draftmark(self, block: blocks.DraftMark) -> None:
        pdf = self.pdf
        self.font(13, "B")
        pdf.set_text_color(*RED)
        pdf.set_draw_color(*RED)
        pdf.set_line_width(1.2 * PT)
        pdf.cell(pdf.get_string_width(block.text) + 6, 7, block.text, border=1, align="C")
        pdf.set_text_color(0)
        pdf.set_draw_color(0)
        pdf.ln(9)

    def letterhead(self, block: blocks.Letterhead) -> None:
        pdf = self.pdf
        top = pdf.get_y()
        left_w = self.width * block.left_width
        self.column(self.LEFT, left_w, block.left)
        left_end = pdf.get_y()
        pdf.set_y(top)
        self.column(self.LEFT + left_w, self.width - left_w, block.right)
        pdf.set_y(max(left_end, pdf.get_y()) + 5)

    def title(self, block: blocks.Title) -> None:
        self.pdf.ln(3.5)
        self.column(self.LEFT, self.width, block.lines)
        self.rule(self.LEFT, self.width, block.rule.fraction)

    def recipient(self, block: blocks.Recipient) -> None:
        self.pdf.ln(4)
        self.text(self.LEFT, self.width, block.text)
        self.pdf.ln(4)

    def paragraphs(self, block: blocks.Paragraphs) -> None:
        """Justified paragraphs with a first-line indent, 6 pt apart."""
        if not block.texts:
            return
        self.font(block.size)
        with self.pdf.text_columns(text_align="J", line_height=1.3) as cols:
            for text in block.texts:
                with cols.paragraph(first_line_indent=block.indent, bottom_margin=6 * PT) as par:
                    par.write(text)

    def heading(self, block: blocks.Heading) -> None:
        pdf = self.pdf
        pdf.ln(4 * PT)
        self.font(block.size, block.style)
        pdf.set_x(self.LEFT + 10)
        pdf.multi_cell(
            self.width - 10, block.size * 1.3 * PT, block.text, new_x="LMARGIN", new_y="NEXT"
        )
        pdf.ln(4 * PT)

    # --- the case table --------------------------------------------------------------------

    def measure(self, text: str) -> float:
        """Width of `text` at the current font, remembered per font and size (table words
        repeat: unit names, titles, "Kết luận số")."""
        key = (self.pdf.font_style, self.pdf.font_size_pt, text)
        width = self._widths_cache.get(key)
        if width is None:
            width = self._widths_cache[key] = self.pdf.get_string_width(text)
        return width

    def wrap(self, text: str, width: float) -> list[str]:
        """Greedy word wrap at the current font (words longer than a line are cut)."""
        width -= 2 * self.PAD
        measure = self.measure
        space = measure(" ")
        lines, line, used = [], [], 0.0
        for word in text.split():
            w = measure(word)
            if line and used + space + w > width:
                lines.append(" ".join(line))
                line, used = [], 0.0
            while w > width:  # a very long token: split it by characters
                cut = len(word)
                while cut > 1 and measure(word[:cut]) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
                w = measure(word)
            used = used + space + w if line else w
            line.append(word)
        if line:
            lines.append(" ".join(line))
        return lines or [""]

    def row(self, cells: list[tuple[list[str], str]], widths, size, style="", line_h=None):
        """One table row: each cell (lines, align) boxed at the height of the tallest. Drawn
        with `text()` at computed positions: `cell()` per line was most of a long report's time."""
        pdf = self.pdf
        line_h = line_h or size * 1.2 * PT
        height = max(len(lines) for lines, _ in cells) * line_h + 2 * self.PAD
        x, y = self.LEFT, pdf.get_y()
        self.font(size, style)
        baseline = self.PAD + line_h / 2 + 0.3 * size * PT  # vertically centred in the line
        for (lines, align), w in zip(cells, widths, strict=True):
            pdf.rect(x, y, w, height)
            ty = y + baseline
            for line in lines:
                if align == "C":
                    pdf.text(x + (w - self.measure(line)) / 2, ty, line)
                else:
                    pdf.text(x + self.PAD, ty, line)
                ty += line_h
            x += w
        pdf.set_xy(self.LEFT, y + height)
        return height

    def _fits(self, height: float) -> bool:
        return self.pdf.get_y() + height <= self.pdf.h - self.BOTTOM

    def _height(self, cells, size: float) -> float:
        return max(len(lines) for lines, _ in cells) * size * 1.2 * PT + 2 * self.PAD

    def casetable(self, block: blocks.CaseTable) -> None:
        pdf, size = self.pdf, block.size
        fixed = sum(w for w in block.widths if w)
        widths = [w if w else self.width - fixed for w in block.widths]
        pdf.set_line_width(0.6 * PT)
        self.font(size, "B")
        head = [(self.wrap(h, w), "C") for h, w in zip(block.headers, widths, strict=True)]
        head_h = self._height(head, size)

        def header() -> None:
            self.row(head, widths, size, "B")

        pdf.set_auto_page_break(False)
        pdf.ln(2)
        if not self._fits(head_h * 3):
            pdf.add_page()
        header()
        for number, (unit_name, items) in enumerate(block.groups, start=1):
            self.font(size, "B")
            group = [(self.wrap(f"{number}. {unit_name}", self.width), "L")]
            group_h = self._height(group, size)
            self.font(size)
            rows = []
            for item in items:
                cells = [
                    ([str(item.position)], "C"),
                    (self.wrap(f"{item.title} {item.note}", widths[1]), "L"),
                    ([item.due], "C"),
                    ([str(item.days_overdue)], "C"),
                ]
                rows.append((cells, self._height(cells, size)))
            # A unit's name is never left alone at the foot of a page: it goes with its first row.
            if not self._fits(group_h + rows[0][1]):
                pdf.add_page()
                header()
            self.row(group, [self.width], size, "B")
            for cells, h in rows:
                if not self._fits(h):
                    pdf.add_page()
                    header()
                self.row(cells, widths, size)
        pdf.set_auto_page_break(True, margin=self.BOTTOM)
        pdf.ln(3)

    # --- signature and recipients ----------------------------------------------------------

    def signature(self, block: blocks.Signature) -> None:
        pdf = self.pdf
        half = self.width / 2
        lines, signer = block.recipients, block.signer
        needed = max(6 + len(lines) * 5, len(signer) * 6 + 25 + 7) + 6
        if not self._fits(needed):  # the block is never split across pages
            pdf.add_page()
        pdf.ln(5)
        top = pdf.get_y()
        self.font(block.label.size, block.label.style)
        pdf.cell(half, 6, block.label.text, new_x="LMARGIN", new_y="NEXT")
        for line in lines:
            self.font(line.size, line.style)
            pdf.multi_cell(half, line.size * 1.25 * PT, line.text, new_x="LMARGIN", new_y="NEXT")
        left_end = pdf.get_y()
        pdf.set_y(top)
        self.column(self.LEFT + half, half, signer)
        if block.unsigned is not None:
            pdf.set_text_color(119)
            self.font(block.unsigned.size, block.unsigned.style)
            pdf.set_xy(self.LEFT + half, pdf.get_y() + 10)
            pdf.cell(half, 5, block.unsigned.text, align="C")
            pdf.set_text_color(0)
            pdf.set_y(pdf.get_y() - 10)
        pdf.set_y(pdf.get_y() + 70 * PT)
        self.text(self.LEFT + half, half, block.name)
        pdf.set_y(max(left_end, pdf.get_y()))

    def render(self, layout: blocks.Layout) -> bytes:
        self.pdf.add_page()
        for block in (*layout.head, *layout.body, *layout.foot):
            getattr(self, type(block).__name__.lower())(block)
        return bytes(self.pdf.output())


HEADERS = [
    "STT",
    "Đơn vị",
    "Số hiệu kiến nghị",
    "Nội dung kiến nghị",
    "Kết luận thanh tra",
    "Thời hạn",
    "Số ngày làm việc quá hạn",
    "Mức đôn đốc",
    "Đề xuất",
]


def _rows(doc) -> list[list]:
    """The case table's rows, every text made safe from formula injection (core.tabular)."""
    return [[safe_cell(value) for value in row] for row in _raw_rows(doc)]


def _raw_rows(doc) -> list[list]:
    return [
        [
            index,
            item.unit_name,
            item.case_reference,
            item.case_title,
            item.conclusion or "",
            item.due_date,
            item.working_days_overdue,
            LEVEL_NAMES.get(item.escalation_level, str(item.escalation_level)),
            item.proposal or "",
        ]
        for index, item in enumerate(doc.items, start=1)
    ]


def export_csv(doc) -> bytes:
    """The case table as CSV, UTF-8 with a BOM so that Excel reads the diacritics."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for row in _rows(doc):
        row[5] = row[5].strftime("%d/%m/%Y")
        writer.writerow(row)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_xlsx(doc) -> bytes:
    """The document's heading and case table as an Excel workbook."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    ws.append([safe_cell(doc.issuing_body)])
    ws.append([f"Số: {doc.number_label.strip()}" + ("" if doc.is_issued else " (DỰ THẢO)")])
    ws.append([safe_cell(doc.title)])
    ws.append([])
    ws.append(HEADERS)
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for number, row in enumerate(_rows(doc), start=header_row + 1):
        ws.append(row)
        # The row's number counted here: `ws.max_row` scans every cell (quadratic over 5,000 rows).
        ws.cell(row=number, column=6).number_format = "DD/MM/YYYY"
    for index, width in enumerate((6, 30, 14, 45, 28, 12, 12, 18, 45), start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    if doc.figures:
        fig = wb.create_sheet("Số liệu")
        fig.append(["Chỉ tiêu", "Số lượng"])
        for key, label in FIGURE_LABELS.items():
            if key in doc.figures:
                fig.append([label, doc.figures[key]])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# The period's figures, in the order the report lists them.
FIGURE_LABELS = {
    "total": "Tổng số kiến nghị đang theo dõi",
    "open": "Đang thực hiện",
    "answered": "Đơn vị đã báo cáo, chờ xác minh",
    "accepted": "Đã hoàn thành",
    "withdrawn": "Đã rút",
    "overdue": "Quá hạn tại ngày báo cáo",
    "created_in_period": "Kiến nghị mới trong kỳ",
    "accepted_in_period": "Hoàn thành trong kỳ",
    "urging_in_period": "Văn bản đôn đốc đã ban hành trong kỳ",
    "reported": "Kiến nghị quá hạn nghiêm trọng đưa vào báo cáo này",
    "recovery_vnd_recommended": "Kiến nghị thu hồi tiền, tài sản (đồng)",
    "recovery_vnd_recovered": "Đã thu hồi (đồng)",
    "recovery_vnd_rate": "Tỷ lệ thu hồi tiền, tài sản (%)",
    "recovery_m2_recommended": "Kiến nghị thu hồi đất (m²)",
    "recovery_m2_recovered": "Đã thu hồi đất (m²)",
    "recovery_m2_rate": "Tỷ lệ thu hồi đất (%)",
}


def stored_pdf_path(doc) -> str:
    """The stored file of an issued document's frozen PDF."""
    return files.stored_path(doc.pdf_stored_name)


# --- one case for the file (hồ sơ kiến nghị): its properties and its timeline ----------------


class _CaseSheet:
    """Stands for a document in `_Paper` (its PDF title) when a case's file is drawn."""

    def __init__(self, title: str):
        self.number_label = ""
        self.title = title


def case_file_pdf(
    title: str, facts: list[tuple[str, str]], timeline: list[tuple[str, ...]]
) -> bytes:
    """One case as an A4 PDF for the paper file, with `_Paper`'s fonts, margins, page numbers
    and table rows: the title, the case's properties (label, value), then its timeline
    (date and time, who, what, note), the table's header repeated on every page."""
    paper = _Paper(_CaseSheet(title))
    pdf = paper.pdf
    pdf.add_page()
    paper.text(paper.LEFT, paper.width, blocks.Text(title, 14, "B"))
    paper.rule(paper.LEFT, paper.width, 0.4)
    size = 11.0
    pdf.set_line_width(0.6 * PT)
    label_w = 50.0
    widths = [label_w, paper.width - label_w]
    for label, value in facts:
        paper.font(size, "B")
        left = paper.wrap(label, widths[0])
        paper.font(size)
        cells = [(left, "L"), (paper.wrap(value or "—", widths[1]), "L")]
        if not paper._fits(paper._height(cells, size)):
            pdf.add_page()
        paper.row(cells, widths, size)
    pdf.ln(5)
    paper.text(paper.LEFT, paper.width, blocks.Text("DIỄN BIẾN", 12, "B", align="L"))
    pdf.ln(1)
    widths = [32.0, 40.0, paper.width - 72.0]
    paper.font(size, "B")
    head = [
        (paper.wrap(h, w), "C")
        for h, w in zip(("Thời gian", "Người thực hiện", "Nội dung"), widths, strict=True)
    ]
    pdf.set_auto_page_break(False)
    paper.row(head, widths, size, "B")
    for when, who, what, note in timeline:
        paper.font(size)
        text = f"{what}. {note}" if note else what
        cells = [
            (paper.wrap(when, widths[0]), "L"),
            (paper.wrap(who, widths[1]), "L"),
            (paper.wrap(text, widths[2]), "L"),
        ]
        if not paper._fits(paper._height(cells, size)):
            pdf.add_page()
            paper.row(head, widths, size, "B")
        paper.row(cells, widths, size)
    pdf.set_auto_page_break(True, margin=paper.BOTTOM)
    return bytes(pdf.output())
