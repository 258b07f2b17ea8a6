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


class Block:
    """A block of the document; `kind` names it for the preview's template."""

    __slots__ = ()

    @property
    def kind(self) -> str:
        return type(self).__name__


@dataclass(frozen=True, slots=True)
class Text:
    """A line or paragraph of text: size in pt, style "" / "B" / "I" / "BI", align "C" (centre),
    "L" (left) or "J" (justified); `inset` (mm each side) and `gap` (mm above) in the PDF."""

    text: str
    size: float = BODY_SIZE
    style: str = ""
    align: str = "C"
    inset: float = 0.0
    gap: float = 0.0

    @property
    def css(self) -> str:
        """The preview's classes for this text's size, style and alignment."""
        classes = [f"pt{self.size:g}".replace(".", "_"), f"al-{self.align.lower()}"]
        classes += [c for c, letter in (("b", "B"), ("i", "I")) if letter in self.style]
        return " ".join(classes)


@dataclass(frozen=True, slots=True)
class Rule:
    """A horizontal line under a heading block, `fraction` of its column wide, centred."""

    fraction: float


@dataclass(frozen=True, slots=True)
class DraftMark(Block):
    text: str = "DỰ THẢO"


@dataclass(frozen=True, slots=True)
class Letterhead(Block):
    """Two columns side by side: the issuing body and number (left, 40 %), the national name,
    motto, place and date (right, 60 %)."""

    left: tuple[Text | Rule, ...]
    right: tuple[Text | Rule, ...]
    left_width: float = 0.4


@dataclass(frozen=True, slots=True)
class Title(Block):
    """A report's document type and title, centred under the letterhead, with a short rule."""

    lines: tuple[Text, ...]
    rule: Rule


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


@dataclass(frozen=True, slots=True)
class CaseRow:
    position: int
    title: str
    note: str  # "(KN-3/12; Kết luận số ...)" after the title, smaller in the preview
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
    those below it (the signature)."""

    head: tuple[Block, ...]
    body: tuple[Block, ...]
    foot: tuple[Block, ...]


TYPE_LINES = {"report": "BÁO CÁO", "check_decision": "QUYẾT ĐỊNH"}


def _d(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def layout(doc, c: dict) -> Layout:
    """The blocks of `doc`; `c` holds what `documents._layout` prepared from it and the config
    (rows grouped by unit, figures, body paragraphs, date line, signer and "Nơi nhận" lines)."""
    is_report = doc.kind.value == "report"
    # A report and a decision carry their type line under the letterhead; a letter does not.
    type_line = TYPE_LINES.get(doc.kind.value)
    left: list[Text | Rule] = [
        Text(doc.parent_body.upper(), 12.5),
        Text(doc.issuing_body.upper(), 12.5, "B"),
        Rule(0.3),
        Text(f"Số: {doc.number_label}", 13),
    ]
    if type_line is None:
        left.append(Text(doc.title, 12, inset=1.5, gap=1.5))
    right = (
        Text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12.5, "B"),
        Text("Độc lập - Tự do - Hạnh phúc", 13.5, "B"),
        Rule(0.62),
        Text(c["date_line"], 13.5, "I", gap=1.5),
    )
    head: list = [DraftMark()] if c["draft_mark"] else []
    head.append(Letterhead(tuple(left), right))
    if type_line is not None:
        title = (Text(type_line, 14, "B"), Text(doc.title, 14, "B", inset=10))
        head.append(Title(title, Rule(0.3 * 0.4)))
    if doc.recipient:
        head.append(Recipient(Text(f"Kính gửi: {doc.recipient}", 13)))
    body = _report_body(doc, c) if is_report else _letter_body(c)
    signature = Signature(
        label=Text("Nơi nhận:", 12, "BI", "L"),
        recipients=tuple(Text(line, 11, align="L") for line in c["distribution"]),
        signer=tuple(Text(line, 13, "B") for line in c["signer_lines"]),
        unsigned=Text("(chưa ký)", 11, "I") if c["draft_mark"] else None,
        name=Text(doc.signer_name or "", 13, "B"),
    )
    return Layout(tuple(head), tuple(body), (signature,))


def _letter_body(c: dict) -> list:
    paragraphs = list(c["paragraphs"])
    if paragraphs and not paragraphs[-1].endswith("./."):
        last = paragraphs[-1]
        paragraphs[-1] = last + ("/." if last.endswith(".") else "./.")
    return [Paragraphs(tuple(paragraphs))] if paragraphs else []


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
                "Thực hiện nhiệm vụ theo dõi, đôn đốc, kiểm tra việc thực hiện kết luận thanh tra "
                "theo Luật Thanh tra số 84/2025/QH15 và Nghị định số 216/2025/NĐ-CP, Thanh tra "
                "tỉnh báo cáo tình hình thực hiện kiến nghị thanh tra từ ngày "
                f"{_d(doc.period_start)} đến ngày {_d(doc.period_end)} (số liệu tính đến ngày "
                f"{_d(doc.as_of)}) như sau:",
            )
        ),
        Heading("I. KẾT QUẢ THEO DÕI, ĐÔN ĐỐC"),
        Paragraphs(
            (
                f"- Tổng số kiến nghị đang theo dõi: {g('total', 0)}, trong đó: đang thực hiện "
                f"{g('open', 0)}; đơn vị đã báo cáo, chờ xác minh {g('answered', 0)}; đã hoàn "
                f"thành {g('accepted', 0)}; đã rút {g('withdrawn', 0)}.",
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
    body.append(Paragraphs((f"Thanh tra tỉnh kính báo cáo {recipient} xem xét, chỉ đạo./.",)))
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
