"""The document machinery: letterhead from config, the Decree 30/2020 layout (`reports.layout`)
rendered as HTML (the page preview, `reports/_paper.html`) and drawn as PDF (fpdf2), and the
XLSX / CSV exports of a document's case table.

Document content is Vietnamese whatever the reader's interface language: it is an official text,
not an interface string, so it is written in the templates and here, not through gettext.
"""

from __future__ import annotations

import csv
import functools
import io
import os
import unicodedata
from datetime import date

from flask import current_app
from fontTools.ttLib import TTFont
from fpdf import FPDF
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from inspect_app.core import clock, files
from inspect_app.core.tabular import cell as safe_cell
from inspect_app.reference.queries import issuing_body_id
from inspect_app.reports import layout as blocks

# Config keys of this module and their defaults (PROVINCE_NAME comes from the app's Config).
DEFAULTS = {
    "DOCUMENT_ISSUING_BODY": "THANH TRA TỈNH",
    "DOCUMENT_SIGNER_TITLE": "CHÁNH THANH TRA",
    "DOCUMENT_DRAFTING_UNIT": "NV",
    "URGING_REPLY_WORKING_DAYS": 10,
    # The registers (sổ đăng ký văn bản) kept by the clerk: one per issuing body, by its code in
    # the symbols ("BC-TTr", "QĐ-SNV"): the Provincial Inspectorate, and Home Affairs for checks.
    "DOCUMENT_REGISTERS": {"THANH TRA TỈNH": "TTr", "SỞ NỘI VỤ": "SNV"},
}

PDF_MIME = "application/pdf"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv; charset=utf-8"
LEVEL_NAMES = {1: "Quá hạn", 2: "Đã đôn đốc", 3: "Báo cáo Chủ tịch UBND tỉnh"}


def setting(key: str):
    return current_app.config.get(key, DEFAULTS[key])


def province_name() -> str:
    """The province's own name ("Tuyên Quang") from PROVINCE_NAME ("Tỉnh Tuyên Quang")."""
    name = (current_app.config.get("PROVINCE_NAME") or "Tuyên Quang").strip()
    for prefix in ("Tỉnh ", "tỉnh ", "Thành phố ", "thành phố "):
        if name.startswith(prefix):
            return name[len(prefix) :].strip()
    return name


def letterhead(body: str | None = None) -> dict:
    """Parent body, issuing body and place name of the documents (Decree 30/2020, Art. 8),
    and the issuing body's record (its head signs); `body` one of the registers' issuing
    bodies, the configured one by default."""
    name = province_name()
    issuing = body or str(setting("DOCUMENT_ISSUING_BODY"))
    return {
        "parent_body": f"UBND TỈNH {name.upper()}",
        "issuing_body": issuing,
        "place": name,
        "issuing_body_id": issuing_body_id(issuing),
    }


def registers() -> dict[str, str]:
    """The clerk's registers: issuing body -> its code in the symbols."""
    return dict(setting("DOCUMENT_REGISTERS"))


def body_code(body: str) -> str:
    """ "TTr" for "THANH TRA TỈNH": the issuing body's code in its documents' symbols."""
    return registers().get(body, "TTr")


def drafting_unit() -> str:
    """The drafting unit's code ("NV": the follow-up division), last in "Lưu: VT, NV."."""
    return str(setting("DOCUMENT_DRAFTING_UNIT"))


def people_committee() -> str:
    return f"Chủ tịch Ủy ban nhân dân tỉnh {province_name()}"


month_text = blocks.month_text
short_date = blocks.short_date


def date_line(place: str, day: date) -> str:
    """ "Tuyên Quang, ngày 05 tháng 02 năm 2026" / "..., ngày 25 tháng 3 năm 2026": the day
    padded below 10, the month only for 1 and 2 (Decree 30, Appendix I)."""
    return f"{place}, ngày {day.day:02d} tháng {month_text(day.month)} năm {day.year}"


# Law 84/2025/QH15 was passed on 25 June 2025 (9th session of the 15th National Assembly);
# Decree 216/2025/NĐ-CP of 5 August 2025 is titled "quy định chi tiết một số điều và hướng dẫn
# thi hành Luật Thanh tra", Decree 217/2025/NĐ-CP of the same day "về hoạt động kiểm tra chuyên
# ngành" (their published texts).
LAW_ON_INSPECTION = "Luật Thanh tra số 84/2025/QH15 ngày 25 tháng 6 năm 2025 của Quốc hội"
DECREE_216 = (
    "Nghị định số 216/2025/NĐ-CP ngày 05 tháng 8 năm 2025 của Chính phủ quy định chi tiết một "
    "số điều và hướng dẫn thi hành Luật Thanh tra"
)
DECREE_217 = (
    "Nghị định số 217/2025/NĐ-CP ngày 05 tháng 8 năm 2025 của Chính phủ về hoạt động kiểm tra "
    "chuyên ngành"
)
LEGAL_BASIS = (LAW_ON_INSPECTION, DECREE_216)

# The deciding authority a decision names under its title, per issuing body (Decree 30,
# Appendix III, form 1.1): overridden by DOCUMENT_AUTHORITIES.
AUTHORITIES = {"THANH TRA TỈNH": "CHÁNH THANH TRA TỈNH", "SỞ NỘI VỤ": "GIÁM ĐỐC SỞ NỘI VỤ"}


# How a body or position written in capitals in the letterhead reads inside a sentence.
IN_TEXT = {
    "THANH TRA TỈNH": "Thanh tra tỉnh",
    "SỞ NỘI VỤ": "Sở Nội vụ",
    "CHÁNH THANH TRA TỈNH": "Chánh Thanh tra tỉnh",
    "GIÁM ĐỐC SỞ NỘI VỤ": "Giám đốc Sở Nội vụ",
}


def in_text(caps: str) -> str:
    """ "Thanh tra tỉnh" for "THANH TRA TỈNH": a letterhead's name as a sentence writes it
    (DOCUMENT_NAMES_IN_TEXT overrides; else only the first letter stays a capital)."""
    known = current_app.config.get("DOCUMENT_NAMES_IN_TEXT") or IN_TEXT
    return known.get(caps) or caps[:1] + caps[1:].lower()


def deciding_authority(body: str) -> str:
    """ "CHÁNH THANH TRA TỈNH" for "THANH TRA TỈNH": who decides in a body's decisions."""
    known = current_app.config.get("DOCUMENT_AUTHORITIES") or AUTHORITIES
    return known.get(body) or f"THỦ TRƯỞNG {body}"


# Who signs how (Decree 30, Art. 13 and Appendix I): the signer's position (User.title, first
# match by prefix) gives the authority prefix and the lines above the signature. Overridden by
# DOCUMENT_SIGNING ([prefix, authority or None, [lines]] ...).
SIGNING = (
    ("Phó Chánh Thanh tra", "KT.", ("CHÁNH THANH TRA", "PHÓ CHÁNH THANH TRA")),
    ("Quyền Chánh Thanh tra", "Q.", ("CHÁNH THANH TRA",)),
    ("Chánh Thanh tra", None, ("CHÁNH THANH TRA",)),
    ("Chánh Văn phòng", "TL.", ("CHÁNH THANH TRA", "CHÁNH VĂN PHÒNG")),
    ("Trưởng phòng", "TUQ.", ("CHÁNH THANH TRA", "TRƯỞNG PHÒNG")),
    ("Phó Giám đốc", "KT.", ("GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")),
    ("Giám đốc", None, ("GIÁM ĐỐC",)),
)


def signing_for(title: str | None) -> tuple[str | None, str] | None:
    """(authority prefix, signer's position lines) for a signer's position, or None if no rule
    matches (the draft's own signer fields then stand)."""
    rules = current_app.config.get("DOCUMENT_SIGNING") or SIGNING
    wanted = (title or "").strip().casefold()
    for prefix, authority, lines in rules:
        if wanted.startswith(prefix.casefold()):
            return authority, "\n".join(lines)
    return None


def _core(line: str) -> str:
    """A recipient line reduced to its name: "- Chánh Thanh tra tỉnh (để báo cáo);" ->
    "chánh thanh tra"."""
    text = line.strip().lstrip("-").strip().rstrip(";.").split("(")[0].strip().casefold()
    return text.removesuffix(" tỉnh").strip()


def distribution_lines(
    text: str | None, drafting_unit: str = "NV", signer: str | None = None
) -> list[str]:
    """The "Nơi nhận" list: one recipient a line, each "- ...;", the last "- Lưu: VT,
    <drafting unit>."; the signer's own position is never among the recipients."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    lines = [line for line in lines if not line.lstrip("- ").startswith("Lưu:")]
    own = _core(signer) if signer else None
    out = []
    for line in lines:
        if own and _core(line) == own:
            continue
        name = line.lstrip("-").strip().rstrip(";.,").strip()
        if name:
            out.append(f"- {name};")
    out.append(f"- Lưu: VT, {drafting_unit}.")
    return out


def layout_of(doc) -> blocks.Layout:
    """The document's layout ("DỰ THẢO" on a draft), from its rows and texts."""
    items = list(doc.items)
    groups: list[tuple[str, list]] = []
    for item in items:
        if not groups or groups[-1][0] != item.unit_name:
            groups.append((item.unit_name, []))
        groups[-1][1].append(item)
    signed = doc.signed_at or doc.issued_at
    day = signed.astimezone(clock.ZONE).date() if signed else doc.as_of
    signer_lines = [line.strip() for line in doc.signer_title.splitlines() if line.strip()]
    if doc.signer_authority and signer_lines:
        signer_lines[0] = f"{doc.signer_authority} {signer_lines[0]}"
    values = {
        "items": items,
        "groups": groups,
        "figures": doc.figures or {},
        "draft_mark": doc.state.value == "draft",
        "number": blocks.number_text(doc.number, doc.symbol),
        "date_line": date_line(doc.place, day),
        "citations": LEGAL_BASIS,
        "authority": deciding_authority(doc.issuing_body),
        "paragraphs": [p.strip() for p in (doc.body or "").split("\n\n") if p.strip()],
        "signer_lines": [line.upper() for line in signer_lines],
        "distribution": distribution_lines(
            doc.distribution, doc.drafting_unit, signer_lines[-1] if signer_lines else None
        ),
    }
    return blocks.layout(doc, values)


def paper_context(doc) -> dict:
    """What `reports/_paper.html` needs, for the page preview (included by the page): the
    document's layout, "DỰ THẢO" on a draft."""
    return {"layout": layout_of(doc)}


def render_pdf(doc) -> bytes:
    """The document as an A4 PDF (Decree 30 layout; "DỰ THẢO" across drafts), drawn with fpdf2:
    a 5,000-row report in a few seconds, where laying it out as HTML took minutes."""
    return render_signable(doc)[0]


def render_signable(doc) -> tuple[bytes, tuple | None]:
    """The PDF and where its signing space is: (page, x, y from the top, width, height) in mm,
    for a visible digital signature."""
    number = blocks.number_text(doc.number, doc.symbol).strip() if doc.symbol else ""
    return render_layout(layout_of(doc), f"{number} {doc.title}".strip())


def render_layout(sheet: blocks.Layout, title: str) -> tuple[bytes, tuple | None]:
    """Any layout (`blocks.compose`) as an A4 PDF titled `title`, and its signing space
    (page, x, y from the top, width, height in mm) for a visible digital signature."""
    paper = _Paper(title, sheet.page)
    data = paper.render(sheet)
    return data, getattr(paper, "signature_box", None)


def annex_columns(block: blocks.AnnexTable, width: float) -> tuple[list[float], float]:
    """A data table's column widths (mm) and size (pt) as the PDF draws them, for Word."""
    return _Paper("", blocks.PAGE).annex_columns(block, width)


def issued_file_path(doc) -> str:
    """The issued file: the signed final uploaded back if there is one, else the stored PDF."""
    return files.stored_path(doc.final_stored_name or doc.pdf_stored_name)


# A Times New Roman metric twin with every Vietnamese letter (Decree 30 asks for Times New
# Roman): Tinos (Debian fonts-croscore) or Liberation Serif 2.x (fonts-liberation2). Liberation
# Serif 1.x (fonts-liberation) lacks the vowels with two marks ("ố", "ự") and is refused by the
# coverage check: no glyph-by-glyph fallback to another face.
FONT_FAMILIES = (
    ("Tinos", ("Tinos-Regular.ttf", "Tinos-Bold.ttf", "Tinos-Italic.ttf", "Tinos-BoldItalic.ttf")),
    (
        "Liberation Serif",
        (
            "LiberationSerif-Regular.ttf",
            "LiberationSerif-Bold.ttf",
            "LiberationSerif-Italic.ttf",
            "LiberationSerif-BoldItalic.ttf",
        ),
    ),
)
FONT_ROOTS = ("/usr/share/fonts", "/usr/local/share/fonts")
STYLES = ("", "B", "I", "BI")
PT = 25.4 / 72  # millimetres per point
CELL_PAD = 3 * PT  # a ruled table's cell padding (mm), Word's cell margins too
RED = (179, 38, 30)


def vietnamese_letters() -> str:
    """Every letter of Vietnamese (the 29 letters, both cases, with the five tone marks)."""
    base = "aăâeêioôơuưy"
    tones = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")
    vowels = {unicodedata.normalize("NFC", v + t) for v in base for t in tones}
    letters = vowels | set("bcdđghklmnpqrstvx")
    return "".join(sorted(letters | {c.upper() for c in letters}))


class FontMissing(RuntimeError):
    """No configured or installed font can draw an official document."""


@functools.lru_cache(maxsize=16)
def _covers_vietnamese(path: str) -> bool:
    cmap = TTFont(path, lazy=True).getBestCmap()
    return all(ord(c) in cmap for c in vietnamese_letters())


@functools.lru_cache(maxsize=4)
def _find_font(configured: str | None, roots=FONT_ROOTS) -> tuple[str, tuple[str, ...]]:
    folders = [configured] if configured else []
    for root in roots:
        for folder, _dirs, _files in sorted(os.walk(root)):
            folders.append(folder)
    for family, names in FONT_FAMILIES:
        for folder in folders:
            paths = tuple(os.path.join(folder, n) for n in names)
            if all(os.path.isfile(p) for p in paths) and all(map(_covers_vietnamese, paths)):
                return family, paths
    raise FontMissing(
        "No Times-metric serif font with every Vietnamese letter was found for official "
        "documents: install the Debian package fonts-croscore (Tinos) or fonts-liberation2 "
        "(Liberation Serif 2.x), or set DOCUMENT_FONT_DIR to a folder holding "
        "Tinos-Regular/Bold/Italic/BoldItalic.ttf."
    )


def document_font() -> tuple[str, tuple[str, ...]]:
    """(family, regular / bold / italic / bold italic files) of the documents' font: from
    DOCUMENT_FONT_DIR if set, else the first installed family of FONT_FAMILIES; FontMissing
    with what to install otherwise."""
    return _find_font(current_app.config.get("DOCUMENT_FONT_DIR"))


def _line_count(pdf: FPDF, text: str, width: float) -> int:
    return len(pdf.multi_cell(width, 1, text, dry_run=True, output="LINES"))


def wrapped(pdf: FPDF, t: blocks.Text, width: float) -> tuple[float, list[str]]:
    """(the width `t` is wrapped in, its lines) in a column `width` mm wide, at the font set:
    the column inside t's inset; for a centred text of several lines (a long summary, issuing
    body or signer's position) the narrowest width that keeps as many lines, so the lines come
    out even and no word is left alone on the last."""
    inner = width - 2 * t.inset
    if t.align == "C" and _line_count(pdf, t.text, inner) > 1:
        lines = _line_count(pdf, t.text, inner)
        words = max(pdf.get_string_width(word) for word in t.text.split())
        low, high = min(inner, words + 2 * pdf.c_margin + 0.01), inner
        if _line_count(pdf, t.text, low) <= lines:
            high = low
        while high - low > 0.05:  # the line count only grows as the width shrinks
            middle = (low + high) / 2
            if _line_count(pdf, t.text, middle) <= lines:
                high = middle
            else:
                low = middle
        inner = high
    return inner, pdf.multi_cell(inner, 1, t.text, align=t.align, dry_run=True, output="LINES")


class _Paper:
    """Draws a `reports.layout.Layout` on A4 with fpdf2 in its page's margins, in a Times-metric
    serif; rules as long as their fraction of the text above them; the case table's header row
    repeated on every page, a unit's name never alone at the foot of a page, the closing
    paragraph kept with the signature block; page numbers top centre from page 2."""

    PAD = CELL_PAD

    def __init__(self, title: str, page: blocks.Page = blocks.PAGE):
        pdf = FPDF(orientation="P", unit="mm", format=(page.width, page.height))
        _family, paths = document_font()
        # Each face is read when first drawn with (~50 ms a face): a paper without italics
        # never reads them.
        self._faces = dict(zip(STYLES, paths, strict=True))
        self.page = page
        self.LEFT, self.RIGHT, self.TOP, self.BOTTOM = page.left, page.right, page.top, page.bottom
        pdf.set_margins(self.LEFT, self.TOP, self.RIGHT)
        pdf.set_auto_page_break(True, margin=self.BOTTOM)
        pdf.set_title(title)
        pdf.set_lang("vi")
        pdf.set_creator("inspect_app")
        pdf.header = self._page_number
        self.pdf = pdf
        self.width = page.text_width  # 165 mm
        self._widths_cache: dict[tuple, float] = {}

    # --- primitives ------------------------------------------------------------------------

    def font(self, size: float, style: str = "") -> None:
        face = "".join(sorted(set(style.upper()) - {"U"}))  # "IB" -> "BI", as fpdf2 keys them
        path = self._faces.pop(face, None)
        if path is not None:
            self.pdf.add_font("Serif", face, path)
        self.pdf.set_font("Serif", style, size)

    def _page_number(self) -> None:
        pdf = self.pdf
        if pdf.page_no() > 1:  # top centre, in the top margin, from page 2
            pdf.set_y(self.TOP / 2 - 3)
            self.font(self.page.number_size)
            pdf.cell(0, 6, str(pdf.page_no()), align="C")
            pdf.set_y(self.TOP)

    def text(self, x: float, w: float, t: blocks.Text) -> None:
        """A Text in the column [x, x + w], wrapped, after its gap, inside its inset; its rule
        under it, centred, `t.rule` of its widest line long."""
        pdf = self.pdf
        if t.gap:
            pdf.ln(t.gap)
        self.font(t.size, t.style)
        inner, lines = wrapped(pdf, t, w)
        pdf.set_x(x + (w - inner) / 2)
        pdf.multi_cell(inner, t.size * 1.25 * PT, t.text, align=t.align, new_x="LEFT", new_y="NEXT")
        if t.rule:
            widest = max(pdf.get_string_width(line) for line in lines)
            length = min(widest, inner) * t.rule
            y = pdf.get_y() + 0.6
            left = x + (w - length) / 2
            pdf.set_line_width(0.6 * PT)
            pdf.line(left, y, left + length, y)
            pdf.set_y(y + 1.4)

    def column(self, x: float, w: float, items) -> None:
        for item in items:
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
        self.pdf.ln(2)

    def recipient(self, block: blocks.Recipient) -> None:
        self.pdf.ln(4)
        self.text(self.LEFT, self.width, block.text)
        self.pdf.ln(4)

    def paragraphs(self, block: blocks.Paragraphs) -> None:
        """Justified paragraphs with a first-line indent, 6 pt apart (a bold lead first)."""
        if not block.texts:
            return
        self.font(block.size, block.style)
        bold = "".join(sorted(set(block.style + "B")))
        with self.pdf.text_columns(text_align="J", line_height=1.3) as cols:
            for text in block.texts:
                lead, rest = block.split(text)
                with cols.paragraph(first_line_indent=block.indent, bottom_margin=6 * PT) as par:
                    if lead:
                        self.font(block.size, bold)
                        par.write(lead)
                        self.font(block.size, block.style)
                    par.write(rest)

    def _heading_height(self, block: blocks.Heading) -> float:
        inset = 0 if block.align == "C" else 10
        line_h = block.size * 1.3 * PT
        return self._lines_height(block.text, self.width - inset, block.size, block.style, line_h)

    def heading(self, block: blocks.Heading) -> None:
        pdf = self.pdf
        pdf.ln(4 * PT)
        self.font(block.size, block.style)
        inset = 0 if block.align == "C" else 10
        pdf.set_x(self.LEFT + inset)
        pdf.multi_cell(
            self.width - inset,
            block.size * 1.3 * PT,
            block.text,
            align=block.align,
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.ln(4 * PT)

    def _lead_height(self, block) -> float:
        """What must follow a heading on its page: a table's header and first rows, or a
        paragraph's first three lines."""
        if isinstance(block, blocks.CaseTable | blocks.Table):
            return 30.0
        if isinstance(block, blocks.Paragraphs) and block.texts:
            line_h = block.size * 1.3 * PT
            first = self._lines_height(block.texts[0], self.width, block.size, "", line_h)
            return min(first + line_h, 3 * line_h)
        return 10.0

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

    def _grid_head(self, block) -> tuple[list[float], list]:
        """A table's column widths (None: the rest of the line) and its wrapped header cells."""
        fixed = sum(w for w in block.widths if w)
        widths = [w if w else self.width - fixed for w in block.widths]
        self.pdf.set_line_width(0.6 * PT)
        self.font(block.size, "B")
        head = [(self.wrap(h, w), "C") for h, w in zip(block.headers, widths, strict=True)]
        return widths, head

    def casetable(self, block: blocks.CaseTable) -> None:
        pdf, size = self.pdf, block.size
        widths, head = self._grid_head(block)
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

    def table(self, block: blocks.Table) -> None:
        """A ruled grid, its header row repeated on every page, a row never split."""
        pdf, size = self.pdf, block.size
        widths, head = self._grid_head(block)
        pdf.set_auto_page_break(False)
        pdf.ln(2)
        if not self._fits(self._height(head, size) * 2):
            pdf.add_page()
        self.row(head, widths, size, "B")
        for values in block.rows:
            self.font(size)
            cells = [
                (self.wrap(v, w), "C" if i in block.centred else "L")
                for i, (v, w) in enumerate(zip(values, widths, strict=True))
            ]
            if not self._fits(self._height(cells, size)):
                pdf.add_page()
                self.row(head, widths, size, "B")
            self.row(cells, widths, size)
        pdf.set_auto_page_break(True, margin=self.BOTTOM)
        pdf.ln(3)

    # --- signature and recipients ----------------------------------------------------------

    def _lines_height(self, text: str, width: float, size: float, style: str, line_h: float):
        self.font(size, style)
        return self.pdf.multi_cell(width, line_h, text, dry_run=True, output="HEIGHT")

    def _paragraphs_height(self, block: blocks.Paragraphs) -> float:
        """At least the height `paragraphs()` takes: each text wrapped as if every line had the
        first line's indent (as many lines or one more), 6 pt after each."""
        line_h = block.size * 1.3 * PT
        return sum(
            self._lines_height(t, self.width - block.indent, block.size, block.style, line_h)
            + 6 * PT
            for t in block.texts
        )

    SIGN_SPACE = 70 * PT  # room for the signature and seal

    def _signature_height(self, block: blocks.Signature) -> float:
        half = self.width / 2
        left = 6 + sum(
            self._lines_height(t.text, half, t.size, t.style, t.size * 1.25 * PT)
            for t in block.recipients
        )
        right = sum(
            self._lines_height(t.text, half, t.size, t.style, t.size * 1.25 * PT)
            for t in (*block.signer, block.name)
        )
        return 5 + max(left, right + self.SIGN_SPACE)

    def signature(self, block: blocks.Signature) -> None:
        """ "Nơi nhận" beside the signer, never split across pages; the signing space is kept
        in `signature_box` (page, x, y, width, height in mm from the top) for a visible digital
        signature."""
        pdf = self.pdf
        half = self.width / 2
        if not self._fits(self._signature_height(block)):
            pdf.add_page()
        pdf.ln(5)
        top = pdf.get_y()
        self.font(block.label.size, block.label.style)
        pdf.cell(half, 6, block.label.text, new_x="LMARGIN", new_y="NEXT")
        for line in block.recipients:
            self.font(line.size, line.style)
            pdf.multi_cell(half, line.size * 1.25 * PT, line.text, new_x="LMARGIN", new_y="NEXT")
        left_end = pdf.get_y()
        pdf.set_y(top)
        self.column(self.LEFT + half, half, block.signer)
        space_top = pdf.get_y()
        self.signature_box = (pdf.page_no(), self.LEFT + half, space_top, half, self.SIGN_SPACE)
        if block.unsigned is not None:
            pdf.set_text_color(119)
            self.font(block.unsigned.size, block.unsigned.style)
            pdf.set_xy(self.LEFT + half, space_top + 10)
            pdf.cell(half, 5, block.unsigned.text, align="C")
            pdf.set_text_color(0)
        pdf.set_y(space_top + self.SIGN_SPACE)
        self.text(self.LEFT + half, half, block.name)
        pdf.set_y(max(left_end, pdf.get_y()))

    # --- annexed data tables (landscape pages) -----------------------------------------------

    ANNEX_SIZE = 7.0  # pt: the widest form fits a landscape page at this size or smaller
    ANNEX_MIN = 5.0

    def _annex_widths(self, block: blocks.AnnexTable, width: float, size: float):
        """Each column's width: its widest value or word (STT and the rows' name first), scaled
        to the page's width."""
        self.font(size)
        needs = [8.0, max([self.measure(r.label) / 2 for r in block.rows] + [28.0])]
        for index in range(len(block.units)):
            texts = [r.values[index] for r in block.rows] + [block.units[index]]
            self.font(size, "B")
            words = [
                self.measure(w)
                for row in block.header
                for c in row
                if c.col == index + len(block.lead) and c.colspan == 1
                for w in c.text.split()
            ]
            self.font(size)
            needs.append(max([self.measure(t) for t in texts] + words + [6.0]) + 2 * self.PAD)
        scale = width / sum(needs)
        return [n * scale for n in needs], scale

    def annex_columns(self, block: blocks.AnnexTable, width: float) -> tuple[list[float], float]:
        """The data table's column widths (mm) across `width` and its size (pt): ANNEX_SIZE, or
        smaller (down to ANNEX_MIN) when its widest values do not fit."""
        size = self.ANNEX_SIZE
        widths, scale = self._annex_widths(block, width, size)
        if scale < 1:  # too wide: a smaller size, then the widths again
            size = max(self.ANNEX_MIN, size * scale)
            widths, _scale = self._annex_widths(block, width, size)
        return widths, size

    def annextable(self, block: blocks.AnnexTable) -> None:
        """A data table on a landscape page: code top right, title, subtitle, the merged header
        (drawn cell by cell), units and column numbers, then the rows (totals in bold)."""
        pdf = self.pdf
        pdf.add_page(orientation="L")
        width = pdf.w - self.LEFT - self.RIGHT
        widths, size = self.annex_columns(block, width)
        self.font(11, "B")
        pdf.set_x(self.LEFT)
        pdf.cell(width, 5, f"Biểu số {block.code}", align="R", new_x="LMARGIN", new_y="NEXT")
        self.text(self.LEFT, width, blocks.Text(block.title, 12, "B"))
        if block.subtitle:
            self.text(self.LEFT, width, blocks.Text(block.subtitle, 11, "I"))
        pdf.ln(2)
        xs = [self.LEFT]
        for w in widths:
            xs.append(xs[-1] + w)
        line_h = size * 1.2 * PT
        self.font(size, "B")
        depth = len(block.header)
        level_h = []
        for level, row in enumerate(block.header):
            lines = [
                len(self.wrap(c.text, xs[c.col + c.colspan] - xs[c.col]))
                for c in row
                if c.rowspan == 1 or level == depth - 1
            ]
            level_h.append(max(lines + [1]) * line_h + 2 * self.PAD)
        for level, row in enumerate(block.header):
            for c in row:  # a spanning cell needs room for its lines: the last row grows
                need = len(self.wrap(c.text, xs[c.col + c.colspan] - xs[c.col])) * line_h
                have = sum(level_h[level : level + c.rowspan])
                if need + 2 * self.PAD > have:
                    level_h[level + c.rowspan - 1] += need + 2 * self.PAD - have
        pdf.set_line_width(0.5 * PT)
        top = pdf.get_y()
        ys = [top]
        for h in level_h:
            ys.append(ys[-1] + h)
        for level, row in enumerate(block.header):
            for c in row:
                x0, x1 = xs[c.col], xs[c.col + c.colspan]
                y0, y1 = ys[level], ys[level + c.rowspan]
                pdf.rect(x0, y0, x1 - x0, y1 - y0)
                lines = self.wrap(c.text, x1 - x0)
                ty = y0 + (y1 - y0 - len(lines) * line_h) / 2 + line_h / 2 + 0.3 * size * PT
                for line in lines:
                    pdf.text(x0 + (x1 - x0 - self.measure(line)) / 2, ty, line)
                    ty += line_h
        pdf.set_xy(self.LEFT, ys[-1])
        lead = len(block.lead)
        self.font(size, "I")
        units = [([""], "C")] * lead + [([u], "C") for u in block.units]
        self.row(units, widths, size, "I")
        numbers = [(["A"], "C"), (["B"], "C")][:lead] + [
            ([f"({n})"], "C") for n in range(1, len(block.units) + 1)
        ]
        self.row(numbers, widths, size)
        for position, r in enumerate(block.rows, start=1):
            style = "B" if r.total else ""
            self.font(size, style)
            cells = [([""] if r.total else [str(position)], "C")]
            cells.append((self.wrap(r.label, widths[1]), "L"))
            cells += [([v], "C") for v in r.values]
            if not self._fits(self._height(cells, size)):
                pdf.add_page(orientation="L")
            self.row(cells, widths, size, style)

    def _signer_height(self, signer: blocks.Signer, width: float) -> float:
        return self.SIGN_SPACE + sum(
            self._lines_height(t.text, width, t.size, t.style, t.size * 1.25 * PT)
            for t in (*signer.lines, signer.name)
        )

    def signatories(self, block: blocks.Signatories) -> None:
        """Two signatures side by side (minutes), never split across pages; the right one's
        signing space kept in `signature_box`."""
        pdf = self.pdf
        half = self.width / 2
        height = 5 + max(self._signer_height(s, half) for s in (block.left, block.right))
        if not self._fits(height):
            pdf.add_page()
        pdf.ln(5)
        top, ends, tops = pdf.get_y(), [], []
        for x, signer in ((self.LEFT, block.left), (self.LEFT + half, block.right)):
            pdf.set_y(top)
            self.column(x, half, signer.lines)
            tops.append(pdf.get_y())
        space_top = max(tops)  # both names on one line, however the positions wrap
        for x, signer in ((self.LEFT, block.left), (self.LEFT + half, block.right)):
            if x > self.LEFT:
                self.signature_box = (pdf.page_no(), x, space_top, half, self.SIGN_SPACE)
            if block.unsigned is not None:
                pdf.set_text_color(119)
                self.font(block.unsigned.size, block.unsigned.style)
                pdf.set_xy(x, space_top + 10)
                pdf.cell(half, 5, block.unsigned.text, align="C")
                pdf.set_text_color(0)
            pdf.set_y(space_top + self.SIGN_SPACE)
            self.text(x, half, signer.name)
            ends.append(pdf.get_y())
        pdf.set_y(max(ends))

    def _foot_height(self, block) -> float:
        if isinstance(block, blocks.Signature):
            return self._signature_height(block)
        if isinstance(block, blocks.Signatories):
            half = self.width / 2
            return 5 + max(self._signer_height(s, half) for s in (block.left, block.right))
        return 0.0

    def render(self, layout: blocks.Layout) -> bytes:
        self.pdf.add_page()
        foot_height = sum(self._foot_height(b) for b in layout.foot)
        sequence = (*layout.head, *layout.body, *layout.foot, *layout.annex)
        for index, block in enumerate(sequence):
            # The closing paragraph goes to the next page with the signature rather than leave
            # the signature alone on a page.
            if (
                isinstance(block, blocks.Paragraphs)
                and block.keep_with_next
                and not self._fits(self._paragraphs_height(block) + foot_height)
            ):
                self.pdf.add_page()
            # A heading is never left alone at the foot of a page: it goes with what follows.
            if isinstance(block, blocks.Heading) and index + 1 < len(sequence):
                need = 8 * PT + self._heading_height(block) + self._lead_height(sequence[index + 1])
                if not self._fits(need):
                    self.pdf.add_page()
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
    "answered": "Đơn vị đã báo cáo kết quả, chờ kiểm tra, xác nhận",
    "accepted": "Đã hoàn thành",
    "withdrawn": "Dừng theo dõi",
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


def case_file_pdf(
    title: str, facts: list[tuple[str, str]], timeline: list[tuple[str, ...]]
) -> bytes:
    """One case as an A4 PDF for the paper file, with `_Paper`'s fonts, margins, page numbers
    and table rows: the title, the case's properties (label, value), then its timeline
    (date and time, who, what, note), the table's header repeated on every page."""
    paper = _Paper(title)
    pdf = paper.pdf
    pdf.add_page()
    paper.text(paper.LEFT, paper.width, blocks.Text(title, 14, "B"))
    # A centred rule 0.4 of the line under the title, as under a document's title.
    y, length = pdf.get_y() + 1.0, paper.width * 0.4
    left = paper.LEFT + (paper.width - length) / 2
    pdf.set_line_width(0.8 * PT)
    pdf.line(left, y, left + length, y)
    pdf.set_y(y + 2.0)
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
