"""The Decree 30/2020 layout (Appendix I) of a document, described once as data: its blocks in
order (draft mark, letterhead with the issuing body, number, motto, place and date; the type
line, summary and deciding authority; recipient; body headings, paragraphs and case table;
"Nơi nhận" and the signature, or two signatures side by side on minutes) with each text's size,
style and alignment. The page preview (`reports/_paper.html`), the PDF
(`documents.render_layout`) and Word (`word.render_layout_docx`) are all drawn from it.

The API other features build on (kept stable):
- `compose(Spec(...))` -> `Layout`: any document from plain values (letterhead, number, date
  line, type line, summary, authority, recipient, body blocks, "Nơi nhận", signer or two
  signatories). Nothing here reads the database or the config.
- `layout(doc, c)`: a registered `reports.Document` (what `documents.layout_of(doc)` calls);
  its body comes from the builder `register_body(kind, builder)` names for its kind (a report's
  case table, a decision's articles, a letter's paragraphs by default).
- `text_blocks(paragraphs, decision=False)`: an editable text (paragraphs apart by a blank
  line) as body blocks: "I. ..." headings, "QUYẾT ĐỊNH:" centred, "Căn cứ ..." in italics and
  "Điều 1." in bold in a decision, the last paragraph kept with the signature.
- Blocks: `Text`, `Paragraphs`, `Heading`, `CaseTable` (+ `CaseRow`), `Table` (any grid),
  `Signature`, `Signatories`; `number_text(number, symbol)` for "Số:".

Document content is Vietnamese whatever the reader's interface language: it is an official text,
not an interface string, so it is written here, not through gettext.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
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
    """A heading kept with what follows it (never alone at the foot of a page): "I. ..." on
    the left after the paragraphs' indent, or a decision's "QUYẾT ĐỊNH:" centred (align "C")."""

    text: str
    size: float = BODY_SIZE
    style: str = "B"
    align: str = "L"


@dataclass(frozen=True, slots=True)
class Paragraphs(Block):
    """Justified paragraphs with a 1 cm first-line indent, 6 pt apart; `style` "I" for a
    decision's bases ("Căn cứ ..."); `bold_lead`: each text's words up to its first ". " in
    bold (a decision's "Điều 1.")."""

    texts: tuple[str, ...]
    size: float = BODY_SIZE
    indent: float = 10.0  # mm
    keep_with_next: bool = False  # the closing paragraph: on the signature's page
    style: str = ""
    bold_lead: bool = False

    def split(self, text: str) -> tuple[str, str]:
        """(bold lead, rest) of one text: ("Điều 1. ", "Kiểm tra ...") or ("", text)."""
        if self.bold_lead and ". " in text:
            lead, rest = text.split(". ", 1)
            return f"{lead}. ", rest
        return "", text


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
class Table(Block):
    """A ruled grid (minutes' results, a conclusion's recommendations): header cells bold and
    centred, repeated on every page; `widths` in mm, None takes the rest of the line;
    `centred` the columns whose cells are centred."""

    headers: tuple[str, ...]
    widths: tuple[float | None, ...]
    rows: tuple[tuple[str, ...], ...]
    centred: tuple[int, ...] = ()
    size: float = 12.0


@dataclass(frozen=True, slots=True)
class Signer:
    """One signature column: its position lines (bold capitals) and the name under the
    signing space."""

    lines: tuple[Text, ...]
    name: Text


@dataclass(frozen=True, slots=True)
class Signatories(Block):
    """Two signatures side by side and no "Nơi nhận" (minutes: the inspected party's
    representative on the left, the team's on the right, whose space takes a digital
    signature)."""

    left: Signer
    right: Signer
    unsigned: Text | None = None


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


def month_text(month: int) -> str:
    """Decree 30: a leading zero for January and February only ("02", "3", "12")."""
    return f"{month:02d}" if month <= 2 else str(month)


def short_date(day: date) -> str:
    """ "05/3/2026", "05/02/2026": a date cited in the text, by the date line's padding rule
    (the day below 10 padded, the month only for 1 and 2)."""
    return f"{day.day:02d}/{month_text(day.month)}/{day.year}"


def _d(day: date | None) -> str:
    return short_date(day) if day else ""


TYPE_LINES = {"report": "BÁO CÁO", "check_decision": "QUYẾT ĐỊNH", "periodic": "BÁO CÁO"}


@dataclass(frozen=True, slots=True)
class Spec:
    """What a document says, in plain values, for `compose`.

    `number`: "Số:" text from `number_text` (None: no number line, e.g. minutes kept in the
    file); `type_line`: "BÁO CÁO", "QUYẾT ĐỊNH", "KẾT LUẬN THANH TRA", "BIÊN BẢN" (None: a
    công văn, whose "V/v ..." summary goes under its number); `authority`: a decision's
    deciding authority under its title ("CHÁNH THANH TRA TỈNH"); `distribution`: the "Nơi nhận"
    lines (`documents.distribution_lines`); `signer_lines` with the authority prefix already on
    the first ("KT. CHÁNH THANH TRA"); `countersigner`: minutes' other party (lines, name),
    drawn on the left instead of "Nơi nhận"; `draft`: "DỰ THẢO" and "(chưa ký)"."""

    parent_body: str
    issuing_body: str
    number: str | None
    date_line: str
    title: str
    type_line: str | None = None
    authority: str | None = None
    recipient: str | None = None
    body: tuple[Block, ...] = ()
    distribution: tuple[str, ...] = ()
    signer_lines: tuple[str, ...] = ()
    signer_name: str = ""
    countersigner: tuple[tuple[str, ...], str] | None = None
    draft: bool = False


def compose(spec: Spec) -> Layout:
    """The blocks of a document from its `Spec` (Decree 30, Appendix I)."""
    left: list[Text] = [
        Text(spec.parent_body.upper(), 12.5),
        Text(spec.issuing_body.upper(), 12.5, "B", rule=BODY_RULE),
    ]
    if spec.number is not None:
        left.append(Text(f"Số: {spec.number}", 13, gap=1.0))
    if spec.type_line is None:  # a công văn: "V/v ..." under its number, no type line
        left.append(Text(spec.title, 12.5, inset=1.5, gap=1.5))
    right = (
        Text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12.5, "B"),
        Text("Độc lập - Tự do - Hạnh phúc", 13.5, "B", rule=MOTTO_RULE),
        Text(spec.date_line, 13.5, "I", gap=1.0),
    )
    head: list[Block] = [DraftMark()] if spec.draft else []
    head.append(Letterhead(tuple(left), right))
    if spec.type_line is not None:
        title = [
            Text(spec.type_line, 14, "B"),
            Text(spec.title, 14, "B", inset=10, rule=TITLE_RULE),
        ]
        if spec.authority:
            title.append(Text(spec.authority.upper(), 14, "B", gap=2.0))
        head.append(Title(tuple(title)))
    if spec.recipient:
        head.append(Recipient(Text(f"Kính gửi: {spec.recipient}", 14)))
    unsigned = Text("(chưa ký)", 11, "I") if spec.draft else None

    def signer(lines, name) -> Signer:
        return Signer(tuple(Text(line, 13.5, "B") for line in lines), Text(name or "", 13.5, "B"))

    if spec.countersigner is not None:
        foot: Block = Signatories(
            signer(*spec.countersigner), signer(spec.signer_lines, spec.signer_name), unsigned
        )
    else:
        foot = Signature(
            label=Text("Nơi nhận:", 12, "BI", "L"),
            recipients=tuple(Text(line, 11, align="L") for line in spec.distribution),
            signer=tuple(Text(line, 13.5, "B") for line in spec.signer_lines),
            unsigned=unsigned,
            name=Text(spec.signer_name or "", 13.5, "B"),
        )
    return Layout(tuple(head), tuple(spec.body), (foot,))


# The body builder of each kind of registered document: (doc, c) -> body blocks. Features
# above the documents register theirs for a kind of their own (`register_body`).
BODIES: dict[str, object] = {}


def register_body(kind: str, builder) -> None:
    """Name the body builder `builder(doc, c) -> list[Block]` of documents of `kind`."""
    BODIES[kind] = builder


def layout(doc, c: dict) -> Layout:
    """The blocks of a registered document `doc`; `c` holds what `documents.layout_of`
    prepared from it and the config (rows grouped by unit, figures, body paragraphs, number,
    date line, signer and "Nơi nhận" lines, the first citations, the deciding authority)."""
    kind = doc.kind.value
    builder = BODIES.get(kind, _letter_body)
    sheet = compose(
        Spec(
            parent_body=doc.parent_body,
            issuing_body=doc.issuing_body,
            number=c["number"],
            date_line=c["date_line"],
            title=doc.title,
            type_line=TYPE_LINES.get(kind),
            authority=c.get("authority") if kind == "check_decision" else None,
            recipient=doc.recipient,
            body=tuple(builder(doc, c)),
            distribution=tuple(c["distribution"]),
            signer_lines=tuple(c["signer_lines"]),
            signer_name=doc.signer_name or "",
            draft=c["draft_mark"],
        )
    )
    annex = annex_tables((c.get("figures") or {}).get("annex", [])) if kind == "periodic" else ()
    return replace(sheet, annex=annex) if annex else sheet


def _is_numbered_heading(paragraph: str) -> bool:
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


def _periodic_body(doc, c: dict) -> list:
    """A periodic report's narrative: its numbered lines as headings, the rest as paragraphs
    (the annex tables follow the signature)."""
    body: list = []
    texts: list[str] = []
    paragraphs = list(c["paragraphs"])
    if paragraphs and not paragraphs[-1].endswith("./."):
        last = paragraphs[-1]
        paragraphs[-1] = last + ("/." if last.endswith(".") else "./.")
    for index, paragraph in enumerate(paragraphs):
        if _is_numbered_heading(paragraph):
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


def _ended(paragraphs: list[str]) -> list[str]:
    """The text's last paragraph ends "./." (Decree 30: the end of the body)."""
    paragraphs = list(paragraphs)
    if paragraphs and not paragraphs[-1].endswith("./."):
        last = paragraphs[-1]
        paragraphs[-1] = last + ("/." if last.endswith(".") else "./.")
    return paragraphs


HEADING_NUMERALS = ("I.", "II.", "III.", "IV.", "V.", "VI.", "VII.", "VIII.", "IX.", "X.")


def _is_heading(text: str) -> bool:
    """ "I. KẾT QUẢ ..." or "II. Nhận xét": a numbered part, one short line."""
    first = text.split(" ", 1)[0]
    return first in HEADING_NUMERALS and len(text) <= 120 and "\n" not in text


def _is_centred(text: str) -> bool:
    """ "QUYẾT ĐỊNH:", "KẾT LUẬN:": a short line in capitals ending with a colon."""
    return text.endswith(":") and len(text) <= 40 and text == text.upper()


def text_blocks(paragraphs, decision: bool = False, end: bool = True) -> list[Block]:
    """An editable text as body blocks: "I. ..." headings, centred "QUYẾT ĐỊNH:", paragraphs;
    in a decision its bases ("Căn cứ ...", "Theo đề nghị ...") in italics and its articles'
    "Điều N." in bold. `end`: the last paragraph ends "./." and is kept with the signature."""
    texts = _ended([p for p in paragraphs if p.strip()]) if end else list(paragraphs)
    out: list[Block] = []
    run: list[str] = []
    run_kind = None

    def flush(keep: bool = False) -> None:
        if run:
            style = "I" if run_kind == "basis" else ""
            out.append(
                Paragraphs(
                    tuple(run), style=style, bold_lead=run_kind == "article", keep_with_next=keep
                )
            )
            run.clear()

    for index, text in enumerate(texts):
        last = end and index == len(texts) - 1
        if _is_centred(text):
            flush()
            out.append(Heading(text, 14, "B", align="C"))
            run_kind = None
            continue
        if _is_heading(text):
            flush()
            out.append(Heading(text))
            run_kind = None
            continue
        kind = "plain"
        if decision and text.startswith(("Căn cứ ", "Theo đề nghị", "Xét ")):
            kind = "basis"
        elif decision and text.startswith("Điều "):
            kind = "article"
        if kind != run_kind or last:
            flush()
            run_kind = kind
        run.append(text)
        if last:
            flush(keep=True)
    flush()
    return out


def _letter_body(doc, c: dict) -> list:
    return text_blocks(c["paragraphs"])


def _decision_body(doc, c: dict) -> list:
    return text_blocks(c["paragraphs"], decision=True)


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
    """A report to the Chairman: its bases, the figures, the assessment, the overdue cases by
    unit and the proposals."""
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


register_body("report", _report_body)
register_body("check_decision", _decision_body)
register_body("periodic", _periodic_body)
