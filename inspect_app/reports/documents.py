"""The document machinery: letterhead from config, the Decree 30/2020 layout rendered as HTML (the
page preview, `reports/_paper.html`) and drawn as PDF (fpdf2), and the XLSX / CSV exports of a
document's case table.

Document content is Vietnamese whatever the reader's interface language: it is an official text,
not an interface string, so it is written in the templates and here, not through gettext.
"""

from __future__ import annotations

import csv
import io
import os
from datetime import date

from flask import current_app

from inspect_app.core import files

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
    """The province's own name ("Hà Giang Mới") from PROVINCE_NAME ("Tỉnh Hà Giang Mới")."""
    name = (current_app.config.get("PROVINCE_NAME") or "Hà Giang Mới").strip()
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
    """ "Hà Giang Mới, ngày 05 tháng 02 năm 2026": leading zeros as Decree 30 asks."""
    return f"{place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def distribution_lines(text: str | None) -> list[str]:
    """The "Nơi nhận" list, one recipient a line, always ending with "- Lưu: VT, TTr."."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    lines = [line if line.startswith("-") else f"- {line}" for line in lines]
    if not lines or not lines[-1].startswith("- Lưu:"):
        lines.append("- Lưu: VT, TTr.")
    return lines


def _context(doc, draft_mark: bool) -> dict:
    items = list(doc.items)
    groups: list[tuple[str, list]] = []
    for item in items:
        if not groups or groups[-1][0] != item.unit_name:
            groups.append((item.unit_name, []))
        groups[-1][1].append(item)
    day = doc.issued_at.astimezone(_zone()).date() if doc.issued_at else doc.as_of
    signer_lines = [line.strip() for line in doc.signer_title.splitlines() if line.strip()]
    if doc.signer_authority and signer_lines:
        signer_lines[0] = f"{doc.signer_authority} {signer_lines[0]}"
    return {
        "doc": doc,
        "items": items,
        "groups": groups,
        "figures": doc.figures or {},
        "draft_mark": draft_mark,
        "date_line": date_line(doc.place, day),
        "paragraphs": [p.strip() for p in (doc.body or "").split("\n\n") if p.strip()],
        "signer_lines": [line.upper() for line in signer_lines],
        "distribution": distribution_lines(doc.distribution),
        "level_names": LEVEL_NAMES,
        "province": province_name(),
    }


def _zone():
    from inspect_app.core.clock import ZONE

    return ZONE


def _render(name: str, context: dict) -> str:
    """Render without the request's context processors: documents are also rendered by the
    scheduler and the seed, outside any request."""
    return current_app.jinja_env.get_template(name).render(**context)


def paper_context(doc, draft_mark: bool | None = None) -> dict:
    """What `reports/_paper.html` needs, for the page preview (included by the page)."""
    context = _context(doc, (not doc.is_issued) if draft_mark is None else draft_mark)
    del context["doc"]  # the page passes it itself
    return context


def render_pdf(doc) -> bytes:
    """The document as an A4 PDF (Decree 30 layout; "DỰ THẢO" across drafts), drawn with fpdf2:
    a 5,000-row report in a few seconds, where laying it out as HTML took minutes."""
    return _Paper(_context(doc, not doc.is_issued)).render()


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
    """The Decree 30/2020 layout (Appendix I): A4, margins 20 / 15 / 20 / 30 mm, 13 pt serif;
    the letterhead's two blocks, number, motto, place and date, title, recipient, body, the case
    table grouped by unit with its header row repeated on every page, the signature block and
    "Nơi nhận"; page numbers at the top from page 2."""

    LEFT, RIGHT, TOP, BOTTOM = 30.0, 15.0, 20.0, 20.0

    def __init__(self, context: dict):
        from fpdf import FPDF

        self.c = context
        self.doc = context["doc"]
        pdf = FPDF(orientation="P", unit="mm", format="A4")
        paths = _font_files(MAIN_FONT) or _font_files(FALLBACK_FONT)
        if paths is None:
            raise RuntimeError("No Unicode serif font for the PDF (install fonts-dejavu-core).")
        for style, path in zip(STYLES, paths, strict=True):
            pdf.add_font("Serif", style, path)
        pdf.set_margins(self.LEFT, self.TOP, self.RIGHT)
        pdf.set_auto_page_break(True, margin=self.BOTTOM)
        pdf.set_title(f"{self.doc.number_label} {self.doc.title}")
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

    def centered(self, x: float, w: float, text: str, size: float, style: str = "") -> None:
        """Lines of `text` centred in the column [x, x + w], wrapped."""
        self.font(size, style)
        self.pdf.set_x(x)
        self.pdf.multi_cell(w, size * 1.25 * PT, text, align="C", new_x="LEFT", new_y="NEXT")

    def rule(self, x: float, w: float, fraction: float, gap_before=1.0, gap_after=2.0) -> None:
        pdf = self.pdf
        y = pdf.get_y() + gap_before
        left = x + w * (1 - fraction) / 2
        pdf.set_line_width(0.8 * PT)
        pdf.line(left, y, left + w * fraction, y)
        pdf.set_y(y + gap_after)

    def paragraphs(self, texts: list[str], size: float = 13, indent: float = 10.0) -> None:
        """Justified paragraphs with a 1 cm first-line indent, 6 pt apart."""
        if not texts:
            return
        self.font(size)
        with self.pdf.text_columns(text_align="J", line_height=1.3) as cols:
            for text in texts:
                with cols.paragraph(first_line_indent=indent, bottom_margin=6 * PT) as par:
                    par.write(text)

    def heading(self, text: str) -> None:
        self.pdf.ln(4 * PT)
        self.paragraphs_bold(text)

    def paragraphs_bold(self, text: str) -> None:
        self.font(13, "B")
        self.pdf.set_x(self.LEFT + 10)
        self.pdf.multi_cell(self.width - 10, 13 * 1.3 * PT, text, new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(4 * PT)

    # --- blocks ----------------------------------------------------------------------------

    def letterhead(self) -> None:
        pdf, doc = self.pdf, self.doc
        if self.c["draft_mark"]:
            self.font(13, "B")
            pdf.set_text_color(*RED)
            pdf.set_draw_color(*RED)
            pdf.set_line_width(1.2 * PT)
            pdf.cell(pdf.get_string_width("DỰ THẢO") + 6, 7, "DỰ THẢO", border=1, align="C")
            pdf.set_text_color(0)
            pdf.set_draw_color(0)
            pdf.ln(9)
        top = pdf.get_y()
        left_w = self.width * 0.4
        right_x, right_w = self.LEFT + left_w, self.width * 0.6
        self.centered(self.LEFT, left_w, doc.parent_body.upper(), 12.5)
        self.centered(self.LEFT, left_w, doc.issuing_body.upper(), 12.5, "B")
        self.rule(self.LEFT, left_w, 0.3)
        self.centered(self.LEFT, left_w, f"Số: {doc.number_label}", 13)
        if doc.kind.value != "report":
            pdf.ln(1.5)
            self.centered(self.LEFT + 1.5, left_w - 3, doc.title, 12)
        left_end = pdf.get_y()
        pdf.set_y(top)
        self.centered(right_x, right_w, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12.5, "B")
        self.centered(right_x, right_w, "Độc lập - Tự do - Hạnh phúc", 13.5, "B")
        self.rule(right_x, right_w, 0.62)
        pdf.ln(1.5)
        self.centered(right_x, right_w, self.c["date_line"], 13.5, "I")
        pdf.set_y(max(left_end, pdf.get_y()) + 5)

    def title_block(self) -> None:
        pdf = self.pdf
        pdf.ln(3.5)
        self.centered(self.LEFT, self.width, "BÁO CÁO", 14, "B")
        self.centered(self.LEFT + 10, self.width - 20, self.doc.title, 14, "B")
        self.rule(self.LEFT, self.width, 0.3 * 0.4)

    def recipient(self) -> None:
        if self.doc.recipient:
            self.pdf.ln(4)
            self.centered(self.LEFT, self.width, f"Kính gửi: {self.doc.recipient}", 13)
            self.pdf.ln(4)

    def report_body(self) -> None:
        doc, f, groups = self.doc, self.c["figures"], self.c["groups"]
        paragraphs = self.c["paragraphs"]
        self.paragraphs(
            [
                "Thực hiện nhiệm vụ theo dõi, đôn đốc, kiểm tra việc thực hiện kết luận thanh tra "
                "theo Luật Thanh tra số 84/2025/QH15 và Nghị định số 216/2025/NĐ-CP, Thanh tra "
                "tỉnh báo cáo tình hình thực hiện kiến nghị thanh tra từ ngày "
                f"{_d(doc.period_start)} đến ngày {_d(doc.period_end)} (số liệu tính đến ngày "
                f"{_d(doc.as_of)}) như sau:"
            ]
        )
        self.heading("I. KẾT QUẢ THEO DÕI, ĐÔN ĐỐC")
        g = f.get
        self.paragraphs(
            [
                f"- Tổng số kiến nghị đang theo dõi: {g('total', 0)}, trong đó: đang thực hiện "
                f"{g('open', 0)}; đơn vị đã báo cáo, chờ xác minh {g('answered', 0)}; đã hoàn "
                f"thành {g('accepted', 0)}; đã rút {g('withdrawn', 0)}.",
                f"- Trong kỳ báo cáo: kiến nghị mới {g('created_in_period', 0)}; hoàn thành "
                f"{g('accepted_in_period', 0)}; văn bản đôn đốc đã ban hành "
                f"{g('urging_in_period', 0)}.",
                f"- Kiến nghị quá hạn tại ngày báo cáo: {g('overdue', 0)}; trong đó quá hạn "
                "nghiêm trọng, đã đôn đốc nhưng chưa thực hiện, đưa vào báo cáo này: "
                f"{g('reported', len(self.c['items']))}.",
            ]
        )
        numerals = ["II", "III", "IV"] if paragraphs else ["", "II", "III"]
        if paragraphs:
            self.heading("II. NHẬN XÉT, ĐÁNH GIÁ")
            self.paragraphs(paragraphs)
        self.heading(f"{numerals[1]}. DANH SÁCH KIẾN NGHỊ QUÁ HẠN THEO ĐƠN VỊ")
        if groups:
            self.case_table(groups)
            self.heading(f"{numerals[2]}. KIẾN NGHỊ, ĐỀ XUẤT")
            self.paragraphs(
                [
                    f"- {(rows[0].proposal or unit).rstrip('.')} ({len(rows)} kiến nghị quá hạn)."
                    for unit, rows in groups
                ]
            )
        else:
            self.paragraphs(["Trong kỳ báo cáo không có kiến nghị quá hạn nghiêm trọng."])
        recipient = doc.recipient or "Chủ tịch Ủy ban nhân dân tỉnh"
        self.paragraphs([f"Thanh tra tỉnh kính báo cáo {recipient} xem xét, chỉ đạo./."])

    def letter_body(self) -> None:
        paragraphs = list(self.c["paragraphs"])
        if paragraphs and not paragraphs[-1].endswith("./."):
            last = paragraphs[-1]
            paragraphs[-1] = last + ("/." if last.endswith(".") else "./.")
        self.paragraphs(paragraphs)

    # --- the case table --------------------------------------------------------------------

    COLUMNS = (13.0, None, 25.0, 30.0)  # STT, case (the rest), deadline, working days overdue
    HEADERS = ("STT", "Kiến nghị", "Thời hạn", "Số ngày làm việc quá hạn")
    PAD = 3 * PT

    def _widths(self) -> list[float]:
        fixed = sum(w for w in self.COLUMNS if w)
        return [w if w else self.width - fixed for w in self.COLUMNS]

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

    def _item_cells(self, item, widths) -> tuple[list, float]:
        """A case's cells (lines, alignment) and the row's height."""
        text = f"{item.case_title} ({item.case_reference}"
        text += f"; {item.conclusion})" if item.conclusion else ")"
        self.font(12)
        cells = [
            ([str(item.position)], "C"),
            (self.wrap(text, widths[1]), "L"),
            ([_d(item.due_date)], "C"),
            ([str(item.working_days_overdue)], "C"),
        ]
        return cells, max(len(lines) for lines, _ in cells) * 12 * 1.2 * PT + 2 * self.PAD

    def case_table(self, groups) -> None:
        pdf = self.pdf
        widths = self._widths()
        pdf.set_line_width(0.6 * PT)
        self.font(12, "B")
        head = [(self.wrap(h, w), "C") for h, w in zip(self.HEADERS, widths, strict=True)]
        line_h = 12 * 1.2 * PT
        head_h = max(len(lines) for lines, _ in head) * line_h + 2 * self.PAD

        def header() -> None:
            self.row(head, widths, 12, "B")

        pdf.set_auto_page_break(False)
        pdf.ln(2)
        if not self._fits(head_h * 3):
            pdf.add_page()
        header()
        for number, (unit_name, items) in enumerate(groups, start=1):
            self.font(12, "B")
            group = [(self.wrap(f"{number}. {unit_name}", self.width), "L")]
            group_h = len(group[0][0]) * line_h + 2 * self.PAD
            rows = [self._item_cells(item, widths) for item in items]
            # A unit's name is never left alone at the foot of a page: it goes with its first row.
            if not self._fits(group_h + rows[0][1]):
                pdf.add_page()
                header()
            self.row(group, [self.width], 12, "B")
            for cells, h in rows:
                if not self._fits(h):
                    pdf.add_page()
                    header()
                self.row(cells, widths, 12)
        pdf.set_auto_page_break(True, margin=self.BOTTOM)
        pdf.ln(3)

    # --- signature and recipients ----------------------------------------------------------

    def signature(self) -> None:
        pdf = self.pdf
        half = self.width / 2
        lines = self.c["distribution"]
        signer = self.c["signer_lines"]
        needed = max(6 + len(lines) * 5, len(signer) * 6 + 25 + 7) + 6
        if not self._fits(needed):  # the block is never split across pages
            pdf.add_page()
        pdf.ln(5)
        top = pdf.get_y()
        self.font(12, "BI")
        pdf.cell(half, 6, "Nơi nhận:", new_x="LMARGIN", new_y="NEXT")
        self.font(11)
        for line in lines:
            pdf.multi_cell(half, 11 * 1.25 * PT, line, new_x="LMARGIN", new_y="NEXT")
        left_end = pdf.get_y()
        pdf.set_y(top)
        for line in signer:
            self.centered(self.LEFT + half, half, line, 13, "B")
        if self.c["draft_mark"]:
            pdf.set_text_color(119)
            self.font(11, "I")
            pdf.set_xy(self.LEFT + half, pdf.get_y() + 10)
            pdf.cell(half, 5, "(chưa ký)", align="C")
            pdf.set_text_color(0)
            pdf.set_y(pdf.get_y() - 10)
        pdf.set_y(pdf.get_y() + 70 * PT)
        self.centered(self.LEFT + half, half, self.doc.signer_name or "", 13, "B")
        pdf.set_y(max(left_end, pdf.get_y()))

    def render(self) -> bytes:
        self.pdf.add_page()
        self.letterhead()
        is_report = self.doc.kind.value == "report"
        if is_report:
            self.title_block()
        self.recipient()
        if is_report:
            self.report_body()
        else:
            self.letter_body()
        self.signature()
        return bytes(self.pdf.output())


def _d(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


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
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    ws.append([doc.issuing_body])
    ws.append([f"Số: {doc.number_label.strip()}" + ("" if doc.is_issued else " (DỰ THẢO)")])
    ws.append([doc.title])
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
}


def stored_pdf_path(doc) -> str:
    """The stored file of an issued document's frozen PDF."""
    return files.stored_path(doc.pdf_stored_name)
