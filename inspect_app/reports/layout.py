"""The Decree 30/2020 layout (Appendix I) of a document, described once as data: its blocks in
order (draft mark, letterhead with the issuing body, number, motto, place and date; a report's
title; recipient; body headings, paragraphs and case table; "Nơi nhận" and the signature) with
each text's size, style and alignment. The page preview (`reports/_paper.html`) and the PDF
(`documents._Paper`) are both drawn from it; so can any other format.

Document content is Vietnamese whatever the reader's interface language: it is an official text,
not an interface string, so it is written here, not through gettext.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

BODY_SIZE = 13.0  # pt, the body text (Decree 30: 13-14 pt)


@dataclass(frozen=True, slots=True)
class Page:
    """A4 and its margins in mm (Decree 30, Appendix I: top and bottom 20-25, left 30-35,
    right 15-20); page numbers top centre from page 2, `number_size` pt."""

    width: float = 210.0
    height: float = 297.0
    top: float = 20.0
    bottom: float = 20.0
    left: float = 30.0
    right: float = 15.0
    number_size: float = 13.0

    @property
    def text_width(self) -> float:
        return self.width - self.left - self.right


PAGE = Page()

# The rules' lengths, as fractions of the text each underlines (Decree 30, Appendix I).
BODY_RULE = 0.4  # under the issuing body: 1/3-1/2 of its text
MOTTO_RULE = 1.0  # under "Độc lập - Tự do - Hạnh phúc": as long as the motto
TITLE_RULE = 0.4  # under the summary line: 1/3-1/2 of the line


class Block:
    """A block of the document; `kind` names it for the preview's template."""

    __slots__ = ()

    @property
    def kind(self) -> str:
        return type(self).__name__


@dataclass(frozen=True, slots=True)
class Text:
    """A line or paragraph of text: size in pt, style "" / "B" / "I" / "BI", align "C" (centre),
    "L" (left) or "J" (justified); `inset` (mm each side) and `gap` (mm above); `rule`: a
    centred line under the text, that fraction of the text's own widest line long."""

    text: str
    size: float = BODY_SIZE
    style: str = ""
    align: str = "C"
    inset: float = 0.0
    gap: float = 0.0
    rule: float = 0.0

    @property
    def css(self) -> str:
        """The preview's classes for this text's size, style and alignment."""
        classes = [f"pt{self.size:g}".replace(".", "_"), f"al-{self.align.lower()}"]
        classes += [c for c, letter in (("b", "B"), ("i", "I")) if letter in self.style]
        return " ".join(classes)

    @property
    def rule_css(self) -> str:
        """The preview's class of the rule: "u40" for 40 % of the text's width."""
        return f"u{round(self.rule * 100)}" if self.rule else ""


@dataclass(frozen=True, slots=True)
class DraftMark(Block):
    text: str = "DỰ THẢO"


@dataclass(frozen=True, slots=True)
class Letterhead(Block):
    """Two columns side by side: the issuing body and number (left, 40 %), the national name,
    motto, place and date (right, 60 %)."""

    left: tuple[Text, ...]
    right: tuple[Text, ...]
    left_width: float = 0.4


@dataclass(frozen=True, slots=True)
class Title(Block):
    """A report's document type and summary line, centred under the letterhead (the summary
    line carries the rule)."""

    lines: tuple[Text, ...]


@dataclass(frozen=True, slots=True)
class Recipient(Block):
    text: Text


@dataclass(frozen=True, slots=True)
class Heading(Block):
    text: str
    size: float = BODY_SIZE
    style: str = "B"


@dataclass(frozen=True, slots=True)
class Paragraphs(Block):
    """Justified paragraphs with a 1 cm first-line indent, 6 pt apart."""

    texts: tuple[str, ...]
    size: float = BODY_SIZE
    indent: float = 10.0  # mm
    keep_with_next: bool = False  # the closing paragraph: on the signature's page


@dataclass(frozen=True, slots=True)
class CaseRow:
    position: int
    title: str
    note: str  # "(KN-3/12; Kết luận thanh tra số ...)" after the title, smaller in the preview
    due: str
    days_overdue: int


@dataclass(frozen=True, slots=True)
class CaseTable(Block):
    """The case table grouped by unit; the header row is repeated on every page."""

    headers: tuple[str, ...]
    widths: tuple[float | None, ...]  # mm; None takes the rest of the line
    groups: tuple[tuple[str, tuple[CaseRow, ...]], ...]
    size: float = 12.0


@dataclass(frozen=True, slots=True)
class Signature(Block):
    """ "Nơi nhận" (left half) beside the signer's title, signature space and name (right)."""

    label: Text
    recipients: tuple[Text, ...]
    signer: tuple[Text, ...]
    unsigned: Text | None
    name: Text


@dataclass(frozen=True, slots=True)
class Layout:
    """The blocks above the body (draft mark, letterhead, title, recipient), the body's, and
    those below it (the signature), on `page`."""

    head: tuple[Block, ...]
    body: tuple[Block, ...]
    foot: tuple[Block, ...]
    page: Page = PAGE
    annex: tuple[Block, ...] = ()  # after the signature, on landscape pages (data tables)


@dataclass(frozen=True, slots=True)
class HeaderCell:
    """A cell of a table's merged header: its text, first column, columns and header rows it
    spans (0-based, counted over the table's columns)."""

    text: str
    col: int
    colspan: int = 1
    rowspan: int = 1


def header_grid(heads: list[list[str]], lead: tuple[str, ...] = ()) -> list[list[HeaderCell]]:
    """The header rows of a table whose columns are named by paths ("Kiến nghị thu hồi" /
    "Tiền"): neighbours sharing a path's beginning share its cell (merged across), a shorter
    path's last name spans down to the deepest row; `lead` columns (STT, the rows' name) come
    first, each spanning every header row."""
    depth = max((len(h) for h in heads), default=1)
    rows: list[list[HeaderCell]] = [[] for _ in range(depth)]
    for index, text in enumerate(lead):
        rows[0].append(HeaderCell(text, index, 1, depth))
    offset = len(lead)
    for level in range(depth):
        col = 0
        while col < len(heads):
            head = heads[col]
            if len(head) <= level:
                col += 1
                continue
            span = 1
            while (
                col + span < len(heads)
                and len(heads[col + span]) > level
                and heads[col + span][: level + 1] == head[: level + 1]
            ):
                span += 1
            rowspan = depth - level if len(head) == level + 1 else 1
            rows[level].append(HeaderCell(head[level], offset + col, span, rowspan))
            col += span
    return rows


@dataclass(frozen=True, slots=True)
class AnnexRow:
    label: str
    values: tuple[str, ...]
    total: bool = False


@dataclass(frozen=True, slots=True)
class AnnexTable(Block):
    """A data table annexed to a report (biểu số liệu): its form code and title, a line under
    it (period, cut-off), the merged header, a units row and a column-number row, then the rows
    (the totals row in bold), on a landscape page of its own."""

    code: str
    title: str
    subtitle: str
    header: tuple[tuple[HeaderCell, ...], ...]
    units: tuple[str, ...]
    rows: tuple[AnnexRow, ...]
    lead: tuple[str, ...] = ("STT", "")

    @property
    def columns(self) -> int:
        return len(self.lead) + len(self.units)


def annex_tables(annex: list[dict]) -> tuple[AnnexTable, ...]:
    """The annex blocks from a document's figures (`figures["annex"]`: the tables as plain data,
    values already written the Vietnamese way)."""
    blocks = []
    for table in annex or ():
        lead = ("STT", table.get("row_header", ""))
        heads = [list(c["head"]) for c in table["columns"]]
        blocks.append(
            AnnexTable(
                code=table["code"],
                title=table["title"],
                subtitle=table.get("subtitle", ""),
                header=tuple(tuple(r) for r in header_grid(heads, lead)),
                units=tuple(c["unit"] for c in table["columns"]),
                rows=tuple(
                    AnnexRow(r["label"], tuple(r["values"]), bool(r.get("total")))
                    for r in table["rows"]
                ),
                lead=lead,
            )
        )
    return tuple(blocks)


# The blank the clerk fills by hand on an unregistered document: no-break spaces, drawn as one
# word with "Số:" (em spaces read as a column gap by text extraction).
NUMBER_BLANK = "\u00a0" * 8


def number_text(number: int | None, symbol: str) -> str:
    """ "Số" of a document: "01/BC-TTr" (a leading zero below 10), or the blank the clerk fills
    while it is not registered."""
    if number is None:
        return f"{NUMBER_BLANK}/{symbol}"
    return f"{number:02d}/{symbol}"


TYPE_LINES = {"report": "BÁO CÁO", "check_decision": "QUYẾT ĐỊNH", "periodic": "BÁO CÁO"}


def _d(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def layout(doc, c: dict) -> Layout:
    """The blocks of `doc`; `c` holds what `documents._layout` prepared from it and the config
    (rows grouped by unit, figures, body paragraphs, number, date line, signer and "Nơi nhận"
    lines, the first citations)."""
    is_report = doc.kind.value == "report"
    # A report and a decision carry their type line under the letterhead; a letter does not.
    type_line = TYPE_LINES.get(doc.kind.value)
    left: list[Text] = [
        Text(doc.parent_body.upper(), 12.5),
        Text(doc.issuing_body.upper(), 12.5, "B", rule=BODY_RULE),
        Text(f"Số: {c['number']}", 13, gap=1.0),
    ]
    if type_line is None:  # a công văn: "V/v ..." under its number, no type line
        left.append(Text(doc.title, 12.5, inset=1.5, gap=1.5))
    right = (
        Text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12.5, "B"),
        Text("Độc lập - Tự do - Hạnh phúc", 13.5, "B", rule=MOTTO_RULE),
        Text(c["date_line"], 13.5, "I", gap=1.0),
    )
    head: list = [DraftMark()] if c["draft_mark"] else []
    head.append(Letterhead(tuple(left), right))
    if type_line is not None:
        title = (Text(type_line, 14, "B"), Text(doc.title, 14, "B", inset=10, rule=TITLE_RULE))
        head.append(Title(title))
    if doc.recipient:
        head.append(Recipient(Text(f"Kính gửi: {doc.recipient}", 14)))
    if is_report:
        body = _report_body(doc, c)
    elif doc.kind.value == "periodic":
        body = _periodic_body(c)
    else:
        body = _letter_body(c)
    signature = Signature(
        label=Text("Nơi nhận:", 12, "BI", "L"),
        recipients=tuple(Text(line, 11, align="L") for line in c["distribution"]),
        signer=tuple(Text(line, 13.5, "B") for line in c["signer_lines"]),
        unsigned=Text("(chưa ký)", 11, "I") if c["draft_mark"] else None,
        name=Text(doc.signer_name or "", 13.5, "B"),
    )
    annex = annex_tables(c["figures"].get("annex", [])) if doc.kind.value == "periodic" else ()
    return Layout(tuple(head), tuple(body), (signature,), annex=annex)


def _is_heading(paragraph: str) -> bool:
    """A narrative line such as "I. KẾT QUẢ ..." or "1. Thanh tra hành chính" (short, numbered)."""
    first = paragraph.split(" ", 1)[0]
    numbered = first.rstrip(".").isdigit() or first.rstrip(".") in (
        "I",
        "II",
        "III",
        "IV",
        "V",
        "VI",
    )
    return numbered and first.endswith(".") and len(paragraph) < 120 and "\n" not in paragraph


def _periodic_body(c: dict) -> list:
    """A periodic report's narrative: its numbered lines as headings, the rest as paragraphs
    (the annex tables follow the signature)."""
    body: list = []
    texts: list[str] = []
    paragraphs = list(c["paragraphs"])
    if paragraphs and not paragraphs[-1].endswith("./."):
        last = paragraphs[-1]
        paragraphs[-1] = last + ("/." if last.endswith(".") else "./.")
    for index, paragraph in enumerate(paragraphs):
        if _is_heading(paragraph):
            if texts:
                body.append(Paragraphs(tuple(texts)))
                texts = []
            body.append(Heading(paragraph))
        elif index == len(paragraphs) - 1:
            if texts:
                body.append(Paragraphs(tuple(texts)))
                texts = []
            body.append(Paragraphs((paragraph,), keep_with_next=True))
        else:
            texts.append(paragraph)
    if texts:
        body.append(Paragraphs(tuple(texts)))
    return body


def _closing(paragraphs: list[str]) -> list:
    """Paragraphs, the last one kept with the signature (so the signature never stands alone)."""
    if not paragraphs:
        return []
    if len(paragraphs) == 1:
        return [Paragraphs(tuple(paragraphs), keep_with_next=True)]
    return [Paragraphs(tuple(paragraphs[:-1])), Paragraphs((paragraphs[-1],), keep_with_next=True)]


def _letter_body(c: dict) -> list:
    paragraphs = list(c["paragraphs"])
    if paragraphs and not paragraphs[-1].endswith("./."):
        last = paragraphs[-1]
        paragraphs[-1] = last + ("/." if last.endswith(".") else "./.")
    return _closing(paragraphs)


def _vn_number(text: str, decimals: int) -> str:
    value = f"{Decimal(text):,.{decimals}f}"
    return value.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _recovery_line(g) -> tuple[str, ...]:
    """The recovery headline: recommended vs recovered (money, land), with the rate."""
    parts = []
    for key, unit, decimals in (("vnd", "đồng", 0), ("m2", "m² đất", 2)):
        recommended = g(f"recovery_{key}_recommended")
        if not recommended or Decimal(recommended) == 0:
            continue
        recovered, rate = g(f"recovery_{key}_recovered", "0"), g(f"recovery_{key}_rate", "")
        parts.append(
            f"kiến nghị thu hồi {_vn_number(recommended, decimals)} {unit}, đã thu hồi "
            f"{_vn_number(recovered, decimals)} {unit} ({rate.replace('.', ',')}%)"
        )
    return (f"- Thu hồi: {'; '.join(parts)}.",) if parts else ()


def _report_body(doc, c: dict) -> list:
    g = c["figures"].get
    groups, paragraphs = c["groups"], c["paragraphs"]
    body: list = [
        Paragraphs(
            (
                *(f"Căn cứ {instrument};" for instrument in c["citations"]),
                "Thực hiện nhiệm vụ theo dõi, đôn đốc, kiểm tra việc thực hiện kết luận thanh tra, "
                "Thanh tra tỉnh báo cáo tình hình thực hiện kiến nghị thanh tra từ ngày "
                f"{_d(doc.period_start)} đến ngày {_d(doc.period_end)} (số liệu tính đến ngày "
                f"{_d(doc.as_of)}) như sau:",
            )
        ),
        Heading("I. KẾT QUẢ THEO DÕI, ĐÔN ĐỐC"),
        Paragraphs(
            (
                f"- Tổng số kiến nghị đang theo dõi: {g('total', 0)}, trong đó: đang thực hiện "
                f"{g('open', 0)}; đơn vị đã báo cáo kết quả, chờ kiểm tra, xác nhận "
                f"{g('answered', 0)}; đã hoàn thành, đã kiểm tra xác nhận {g('accepted', 0)}; "
                f"dừng theo dõi {g('withdrawn', 0)}.",
                f"- Trong kỳ báo cáo: kiến nghị mới {g('created_in_period', 0)}; hoàn thành "
                f"{g('accepted_in_period', 0)}; văn bản đôn đốc đã ban hành "
                f"{g('urging_in_period', 0)}.",
                f"- Kiến nghị quá hạn tại ngày báo cáo: {g('overdue', 0)}; trong đó quá hạn "
                "nghiêm trọng, đã đôn đốc nhưng chưa thực hiện, đưa vào báo cáo này: "
                f"{g('reported', len(c['items']))}.",
                *_recovery_line(g),
            )
        ),
    ]
    numerals = iter(("II", "III", "IV"))
    if paragraphs:
        body += [Heading(f"{next(numerals)}. NHẬN XÉT, ĐÁNH GIÁ"), Paragraphs(tuple(paragraphs))]
    body.append(Heading(f"{next(numerals)}. DANH SÁCH KIẾN NGHỊ QUÁ HẠN THEO ĐƠN VỊ"))
    if groups:
        body.append(_case_table(groups))
        body.append(Heading(f"{next(numerals)}. KIẾN NGHỊ, ĐỀ XUẤT"))
        body.append(
            Paragraphs(
                tuple(
                    f"- {(rows[0].proposal or unit).rstrip('.')} ({len(rows)} kiến nghị quá hạn)."
                    for unit, rows in groups
                )
            )
        )
    else:
        body.append(Paragraphs(("Trong kỳ báo cáo không có kiến nghị quá hạn nghiêm trọng.",)))
    recipient = doc.recipient or "Chủ tịch Ủy ban nhân dân tỉnh"
    body += _closing([f"Thanh tra tỉnh kính báo cáo {recipient} xem xét, chỉ đạo./."])
    return body


def _case_table(groups) -> CaseTable:
    def row(item) -> CaseRow:
        note = f"({item.case_reference}"
        note += f"; {item.conclusion})" if item.conclusion else ")"
        return CaseRow(
            item.position, item.case_title, note, _d(item.due_date), item.working_days_overdue
        )

    return CaseTable(
        headers=("STT", "Kiến nghị", "Thời hạn", "Số ngày làm việc quá hạn"),
        widths=(13.0, None, 25.0, 30.0),  # STT, case (the rest), deadline, days overdue
        groups=tuple((unit, tuple(row(item) for item in rows)) for unit, rows in groups),
    )
