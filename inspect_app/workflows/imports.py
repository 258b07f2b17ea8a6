"""Taking in the trackers an office already keeps (sổ theo dõi kết luận, kiến nghị): one row a
recommendation with its conclusion, from XLSX or CSV (UTF-8, with or without a BOM).

The flow: `read_table` (the file as rows, or a clear refusal: not a spreadsheet, password,
too many rows, merged cells) -> `check` (the dry run: every row ok / warning / error with the
column and the reason, and the unit or legal-basis names that match several records, which the
user chooses) -> `apply` (one transaction: every row or none, each record carrying its file and
row, one audit event per record). A row's key (the "Mã tham chiếu" column, or one derived from
the conclusion and the row's number or title) finds the case again: importing the same file
again changes nothing, a corrected file updates what changed.

The case export (`export_rows`) writes the same columns, so export -> import is lossless. The
column headers are the file's format, in Vietnamese for every user (a file exported under the
English interface imports under the Vietnamese one): they are data, not interface text.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from inspect_app.auth.models import User
from inspect_app.cases.models import VND_RECOVERY_TYPES, Case, CaseState, CaseType
from inspect_app.cases.operations import RECOMMENDATION_FIELDS
from inspect_app.core import audit, clock
from inspect_app.core.errors import Forbidden, OperationError
from inspect_app.core.roles import signed_in
from inspect_app.core.search import fold
from inspect_app.core.tabular import FORMULA_STARTS, safe_text
from inspect_app.extensions import db
from inspect_app.inspections.models import Inspection, InspectionState
from inspect_app.reference.models import ActivityKind, LegalReference, Severity
from inspect_app.units.models import Unit

SHEET_TITLE = "Kiến nghị"
INSTRUCTIONS_TITLE = "Hướng dẫn"
STATUS_HEADER = "Kết quả kiểm tra"
MESSAGE_HEADER = "Thông báo"
DEFAULT_MAX_ROWS = 20_000
_CHUNK = 500


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False


COLUMNS = (
    Column("ref", "Mã tham chiếu"),
    Column("conclusion_number", "Số kết luận", True),
    Column("conclusion_date", "Ngày kết luận", True),
    Column("inspection_title", "Tên cuộc thanh tra, kiểm tra", True),
    Column("kind", "Hình thức"),
    Column("target_unit", "Đối tượng thanh tra", True),
    Column("decision_number", "Số quyết định"),
    Column("decision_date", "Ngày quyết định"),
    Column("lead", "Trưởng đoàn (tên đăng nhập)"),
    Column("number", "STT kiến nghị"),
    Column("type", "Loại kiến nghị", True),
    Column("title", "Tiêu đề kiến nghị", True),
    Column("required_action", "Nội dung kiến nghị, yêu cầu thực hiện", True),
    Column("legal", "Căn cứ pháp lý", True),
    Column("severity", "Mức độ"),
    Column("responsible_unit", "Đơn vị thực hiện", True),
    Column("amount", "Số tiền kiến nghị thu hồi (đồng)"),
    Column("area", "Diện tích đất kiến nghị thu hồi (m²)"),
    Column("due_date", "Hạn thực hiện", True),
    Column("state", "Trạng thái"),
    Column("closed_on", "Ngày hoàn thành"),
    Column("withdrawn_reason", "Lý do dừng theo dõi"),
    Column("answers_text", "Kết quả đơn vị đã báo cáo"),
)
HEADERS = {c.key: c.header for c in COLUMNS}
_BY_FOLDED_HEADER = {fold(c.header): c for c in COLUMNS}

# Text limits of the columns the rows are written to.
_LIMITS = {
    "ref": 120,
    "conclusion_number": 60,
    "decision_number": 60,
    "inspection_title": 300,
    "title": 300,
}
# Words trackers write for the enums besides their labels and codes (folded, DOMAIN.md terms).
_SYNONYMS = {
    ActivityKind: {"thanh tra": ActivityKind.THANH_TRA, "kiem tra": ActivityKind.KIEM_TRA},
    # How trackers (and this product's labels before the statistics types) name the types.
    CaseType: {
        "thu hoi tien, tai san": CaseType.RECOVERY,
        "thu hoi tien": CaseType.RECOVERY,
        "thu hoi dat": CaseType.RECOVERY_LAND,
        "thu hoi tai san": CaseType.RECOVERY_ASSETS,
        "kiem diem, xu ly ky luat": CaseType.DISCIPLINE,
        "xu ly ky luat": CaseType.DISCIPLINE,
        "xu ly hanh chinh": CaseType.ADMIN_HANDLING,
        "chuyen co quan dieu tra": CaseType.REFERRAL,
        "chan chinh, khac phuc": CaseType.OTHER,
        "sua doi, bo sung van ban": CaseType.OTHER,
        "khac": CaseType.OTHER,
    },
    CaseState: {
        "dang thuc hien": CaseState.OPEN,
        "chua thuc hien": CaseState.OPEN,
        "dang theo doi": CaseState.OPEN,
        "don vi da bao cao ket qua": CaseState.ANSWERED,
        "da bao cao": CaseState.ANSWERED,
        "da hoan thanh": CaseState.ACCEPTED,
        "hoan thanh": CaseState.ACCEPTED,
        "dung theo doi": CaseState.WITHDRAWN,
        "da huy bo": CaseState.WITHDRAWN,
    },
}
_NATIVE_REF = re.compile(r"^KN-(\d{1,9})/(\d{1,9})$")
_DATE_TEXT = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?$")


class ImportFileError(OperationError):
    """The file cannot be read as a tracker at all: nothing of it is checked or imported."""

    def __init__(self, message):
        super().__init__(message, field="file")


def can_import(user) -> bool:
    """Administrators and the leadership (Chánh Thanh tra and deputies) take in trackers: the
    import creates inspections and cases across every unit."""
    return signed_in(user) and (user.is_admin or user.is_leadership)


def max_rows() -> int:
    return int(current_app.config.get("IMPORT_MAX_ROWS") or DEFAULT_MAX_ROWS)


# --- reading the file ------------------------------------------------------------------------


@dataclass
class Table:
    """The data sheet: the header row as written, and each row (its number in the sheet, its
    cells); `formulas` holds the column indexes of formula cells by row number (never evaluated)."""

    headers: list[str]
    rows: list[tuple[int, list[Any]]]
    formulas: dict[int, list[int]] = field(default_factory=dict)
    columns: dict[str, int] = field(default_factory=dict)  # key -> index in a row


def read_table(data: bytes, filename: str = "") -> Table:
    """The tracker's rows from XLSX or CSV bytes; ImportFileError with the reason otherwise."""
    if not data:
        raise ImportFileError(_("The file is empty."))
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise ImportFileError(
                _("The file is protected by a password: open it, remove the password, save it.")
            )
        raise ImportFileError(
            _("This is an old Excel file (.xls): save it as an Excel workbook (.xlsx) or CSV.")
        )
    if data[:4] == b"PK\x03\x04":
        table = _read_xlsx(data)
    elif b"\x00" in data[:4096]:
        raise ImportFileError(_("This file is not a spreadsheet: upload an XLSX or CSV file."))
    else:
        table = _read_csv(data)
    _map_headers(table)
    return table


def _too_many(count: int) -> ImportFileError:
    return ImportFileError(
        _(
            "The file has more than %(max)d rows (%(count)d or more): split it into files of at "
            "most %(max)d rows.",
            max=max_rows(),
            count=count,
        )
    )


def _read_xlsx(data: bytes) -> Table:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as e:  # openpyxl raises many kinds for a zip that is no workbook
        raise ImportFileError(
            _("This file is not a spreadsheet: upload an XLSX or CSV file.")
        ) from e
    try:
        sheet = _data_sheet(book)
        _refuse_merged(data, getattr(sheet, "_worksheet_path", ""))
        limit = max_rows()
        if (sheet.max_row or 0) > limit + 1:
            raise _too_many(sheet.max_row - 1)
        headers: list[str] = []
        rows: list[tuple[int, list[Any]]] = []
        formulas: dict[int, list[int]] = {}
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            values = []
            for index, c in enumerate(cells):
                if getattr(c, "data_type", None) == "f":
                    formulas.setdefault(number, []).append(index)
                values.append(getattr(c, "value", None))
            if not headers:
                if any(v not in (None, "") for v in values):
                    headers = ["" if v is None else str(v).strip() for v in values]
                continue
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            rows.append((number, values))
            if len(rows) > limit:
                raise _too_many(len(rows))
    finally:
        book.close()
    return Table(headers, rows, formulas)


def _data_sheet(book):
    for sheet in book.worksheets:
        if fold(sheet.title) == fold(SHEET_TITLE):
            return sheet
    return book.worksheets[0]


def _refuse_merged(data: bytes, path: str) -> None:
    """Merged cells share one value among rows: refuse rather than guess which rows it meant."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = archive.read(path.lstrip("/")) if path else b""
    except (KeyError, zipfile.BadZipFile):
        return
    found = re.search(rb'<mergeCell ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"', xml)
    if found:
        raise ImportFileError(
            _(
                "The sheet has merged cells (%(cells)s): unmerge them and write the value in "
                "every row.",
                cells=found.group(1).decode(),
            )
        )


def _read_csv(data: bytes) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ImportFileError(
            _('The CSV file is not in UTF-8: save it as "CSV UTF-8" and upload it again.')
        ) from e
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers: list[str] = []
    rows: list[tuple[int, list[Any]]] = []
    limit = max_rows()
    try:
        for number, values in enumerate(reader, start=1):
            if not headers:
                if any(v.strip() for v in values):
                    headers = [v.strip() for v in values]
                continue
            if not any(v.strip() for v in values):
                continue
            rows.append((number, values))
            if len(rows) > limit:
                raise _too_many(len(rows))
    except csv.Error as e:
        raise ImportFileError(
            _("This file is not a spreadsheet: upload an XLSX or CSV file.")
        ) from e
    return Table(headers, rows)


def _map_headers(table: Table) -> None:
    columns = {}
    for index, header in enumerate(table.headers):
        column = _BY_FOLDED_HEADER.get(fold(header))
        if column is not None and column.key not in columns:
            columns[column.key] = index
    missing = [c.header for c in COLUMNS if c.required and c.key not in columns]
    if missing:
        raise ImportFileError(
            _(
                "The first row must hold the template's column headers; missing: %(columns)s. "
                "Download the template to see them.",
                columns=", ".join(missing),
            )
        )
    table.columns = columns


# --- the dry run ---------------------------------------------------------------------------------

OK, WARNING, ERROR = "ok", "warning", "error"
CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"


@dataclass
class RowResult:
    """One row's verdict: status, what applying it does, the messages as (column, text)."""

    row: int
    status: str = OK
    action: str = CREATE
    messages: list[tuple[str, str]] = field(default_factory=list)
    key: str = ""
    title: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    case_id: int | None = None
    changes: list[str] = field(default_factory=list)

    def error(self, column: str, message: str) -> None:
        self.status = ERROR
        self.messages.append((HEADERS.get(column, column), message))

    def warn(self, column: str, message: str) -> None:
        if self.status == OK:
            self.status = WARNING
        self.messages.append((HEADERS.get(column, column), message))

    @property
    def message(self) -> str:
        return "; ".join(f"{column}: {text}" if column else text for column, text in self.messages)


@dataclass
class Ambiguity:
    """A name in the file that matches several records: the user picks one."""

    kind: str  # "unit" or "legal"
    name: str
    folded: str
    candidates: list[tuple[int, str]]
    rows: list[int] = field(default_factory=list)

    @property
    def field_name(self) -> str:
        return f"choose-{self.kind}-{self.folded}"


@dataclass
class DryRun:
    filename: str
    results: list[RowResult]
    ambiguities: list[Ambiguity]

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    def actions(self, action: str) -> int:
        return sum(1 for r in self.results if r.status != ERROR and r.action == action)

    @property
    def importable(self) -> bool:
        return bool(self.results) and self.count(ERROR) == 0


class _Catalogue:
    """Units, legal references, users, existing inspections and cases, loaded once a run."""

    def __init__(self, table: Table, choices: dict[str, str]):
        self.choices = choices
        self.units_by_code: dict[str, Unit] = {}
        self.units_by_name: dict[str, list[Unit]] = defaultdict(list)
        for unit in db.session.execute(select(Unit)).scalars():
            self.units_by_code[unit.code.upper()] = unit
            self.units_by_name[fold(unit.name)].append(unit)
        self.refs_by_citation: dict[str, list[LegalReference]] = defaultdict(list)
        self.refs_by_summary: dict[str, list[LegalReference]] = defaultdict(list)
        self.refs_by_id: dict[int, LegalReference] = {}
        for ref in db.session.execute(select(LegalReference)).scalars():
            self.refs_by_citation[fold(ref.citation)].append(ref)
            self.refs_by_summary[fold(ref.summary)].append(ref)
            self.refs_by_id[ref.id] = ref
        self.users = {
            u.username.lower(): u
            for u in db.session.execute(select(User).where(User.active.is_(True))).scalars()
        }
        self.cases_by_ref: dict[str, Case] = {}
        self.native: dict[tuple[int, int], Case] = {}
        refs = {_text(values, table, "ref") for _row, values in table.rows} - {""}
        self._load_by_ref(refs)
        pairs = [m.groups() for r in refs if (m := _NATIVE_REF.match(r))]
        ids = sorted({int(i) for i, _n in pairs})
        for chunk in _chunks(ids):
            for case in db.session.execute(
                select(Case)
                .options(joinedload(Case.inspection))
                .where(Case.inspection_id.in_(chunk), Case.external_ref.is_(None))
            ).scalars():
                self.native[(case.inspection_id, case.number)] = case
        self.ambiguities: dict[tuple[str, str], Ambiguity] = {}
        self.matched: dict[int, Case] = {}
        self.inspections_seen: set[int] = set()
        self.enums = {e: _enum_names(e) for e in (ActivityKind, CaseType, Severity, CaseState)}

    def _load_by_ref(self, keys: set[str]) -> None:
        for chunk in _chunks(sorted(keys - set(self.cases_by_ref))):
            for case in db.session.execute(
                select(Case)
                .options(joinedload(Case.inspection))
                .where(Case.external_ref.in_(chunk))
            ).scalars():
                self.cases_by_ref[case.external_ref] = case

    def add_derived_cases(self, keys: set[str]) -> None:
        self._load_by_ref(keys)

    def unit(self, result: RowResult, column: str, name: str) -> Unit | None:
        unit = self.units_by_code.get(name.upper())
        if unit is not None:
            return unit
        folded = fold(name)
        found = self.units_by_name.get(folded, [])
        active = [u for u in found if u.active] or found
        if len(active) == 1:
            return active[0]
        if not active:
            result.error(
                column, _("Unknown unit “%(name)s”: give its code or its name.", name=name)
            )
            return None
        return self._choose(result, column, "unit", name, folded, active, self._unit_label)

    def legal(self, result: RowResult, name: str) -> LegalReference | None:
        folded = fold(name)
        found = self.refs_by_citation.get(folded) or self.refs_by_summary.get(folded, [])
        active = [r for r in found if r.active] or found
        if len(active) == 1:
            return active[0]
        if not active:
            result.error(
                "legal",
                _(
                    "Unknown legal basis “%(name)s”: write its citation as in the catalogue "
                    "(e.g. “Khoản 1, Điều 5, Luật ...”).",
                    name=name,
                ),
            )
            return None
        return self._choose(result, "legal", "legal", name, folded, active, lambda r: r.citation)

    @staticmethod
    def _unit_label(unit: Unit) -> str:
        parent = f" — {unit.parent.name}" if unit.parent_id and unit.parent else ""
        return f"{unit.name} ({unit.code}){parent}"

    def _choose(self, result, column, kind, name, folded, found, label):
        ambiguity = self.ambiguities.get((kind, folded))
        if ambiguity is None:
            ambiguity = Ambiguity(kind, name, folded, [(x.id, label(x)) for x in found])
            self.ambiguities[(kind, folded)] = ambiguity
        ambiguity.rows.append(result.row)
        chosen = self.choices.get(ambiguity.field_name)
        for x in found:
            if chosen and str(x.id) == str(chosen):
                return x
        if kind == "unit":
            message = _(
                "“%(name)s” matches %(count)d units: choose the one meant below.",
                name=name,
                count=len(found),
            )
        else:
            message = _(
                "“%(name)s” matches %(count)d legal references: choose the one meant below.",
                name=name,
                count=len(found),
            )
        result.error(column, message)
        return None


def _chunks(items: list, size: int = _CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _raw(values: list[Any], table: Table, key: str) -> Any:
    index = table.columns.get(key)
    if index is None or index >= len(values):
        return None
    return values[index]


def _clean(value: str) -> str:
    value = value.strip()
    # An apostrophe our exports put before a formula-like text (core.tabular) comes off again.
    if value.startswith("'") and value[1:2] and value[1:].startswith(FORMULA_STARTS):
        value = value[1:]
    return value


def _text(values: list[Any], table: Table, key: str) -> str:
    value = _raw(values, table, key)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        value = value.isoformat()
    return _clean(str(value))


def parse_date(value: Any) -> date | None:
    """A date from a cell: an Excel date, "dd/mm/yyyy" (also with . or -), or "yyyy-mm-dd";
    None for anything else."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    value = value.strip()
    try:
        if m := _DATE_TEXT.match(value):
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if m := _ISO_DATE.match(value):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
    return None


def parse_area(value: Any) -> Decimal:
    """Square metres from a cell, to the hundredth: a number, or text written the Vietnamese
    way ("1.234,5", "1234,50 m²") or with a decimal point ("1234.5"); raises ValueError for
    anything else (zero, negative, more than two decimals)."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float | Decimal):
        area = Decimal(str(value))
    else:
        text = re.sub(r"(?i)\s*(m²|m2|m\^2)\s*$", "", str(value).strip()).replace(" ", "")
        if "," in text:  # Vietnamese: "." groups thousands, "," marks the decimals
            text = text.replace(".", "").replace(",", ".")
        elif re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
            text = text.replace(".", "")
        try:
            area = Decimal(text)
        except InvalidOperation as e:
            raise ValueError(value) from e
    if area.is_nan() or area <= 0 or area >= 10**12 or area != area.quantize(Decimal("0.01")):
        raise ValueError(value)
    return area.quantize(Decimal("0.01"))


def _area(values, table, text: dict, case_type, result) -> Decimal | None:
    """The land area of a land recovery (required there); elsewhere warned about and dropped."""
    raw = _raw(values, table, "area")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if case_type == CaseType.RECOVERY_LAND:
            result.error("area", _("A land recovery needs the area to recover, in m²."))
        return None
    try:
        area = parse_area(_clean(raw) if isinstance(raw, str) else raw)
    except ValueError:
        result.error("area", _("“%(value)s” is not an area in m².", value=text["area"]))
        return None
    if case_type != CaseType.RECOVERY_LAND:
        result.warn("area", _("Only land recoveries carry an area: it is not imported."))
        return None
    return area


def parse_amount(value: Any) -> Decimal | None:
    """Whole đồng from a cell: a number, or text such as "1.500.000", "1,500,000", "1 500 000 đ";
    raises ValueError for anything else (fractions of a đồng included)."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float | Decimal):
        amount = Decimal(str(value))
    else:
        text = re.sub(r"(?i)\s*(đồng|dong|vnd|đ|₫)\s*$", "", str(value).strip())
        text = re.sub(r"[\s.,](?=\d{3}(\D|$))", "", text)
        try:
            amount = Decimal(text)
        except InvalidOperation as e:
            raise ValueError(value) from e
    if amount != amount.to_integral_value() or amount.is_nan():
        raise ValueError(value)
    return amount.quantize(Decimal(1))


def _enum_names(enum_cls) -> dict[str, Any]:
    """Every way a tracker names a member, folded: its code, its label in both languages."""
    names: dict[str, Any] = {}
    for locale in ("en", "vi"):
        with force_locale(locale):
            for member in enum_cls:
                names[fold(member.label)] = member
    for member in enum_cls:
        names[fold(member.value)] = member
    names.update(_SYNONYMS.get(enum_cls, {}))
    return names


def _enum(catalogue, result: RowResult, column: str, text: str, enum_cls, default=None):
    if not text:
        return default
    member = catalogue.enums[enum_cls].get(fold(text))
    if member is not None:
        return member
    choices = ", ".join(m.label for m in enum_cls)
    result.error(column, _("“%(value)s” is not one of: %(choices)s.", value=text, choices=choices))
    return default


def _derived_key(conclusion_number: str, conclusion_date: date | None, number, title: str) -> str:
    """The key of a row without one: the conclusion and the row's number, or its title."""
    day = conclusion_date.isoformat() if conclusion_date else ""
    digest = hashlib.sha256(fold(title).encode()).hexdigest()[:12]
    tail = f"#{number}" if number else "~" + digest
    return f"KL {conclusion_number[:60]} {day}{tail}"


def check(actor, table: Table, filename: str, choices: dict[str, str] | None = None) -> DryRun:
    """The dry run: each row's status, action and messages; nothing is written."""
    if not can_import(actor):
        raise Forbidden()
    catalogue = _Catalogue(table, choices or {})
    results = [_check_row(catalogue, table, number, values) for number, values in table.rows]
    derived = {r.key for r in results if r.key and not r.values.get("explicit_ref")}
    catalogue.add_derived_cases(derived)
    seen: dict[str, int] = {}
    conclusions: dict[tuple[str, date], dict] = {}
    for result in results:
        if result.key:
            if result.key in seen:
                result.error(
                    "ref",
                    _(
                        "Duplicate row: the same recommendation as row %(row)d.",
                        row=seen[result.key],
                    ),
                )
            else:
                seen[result.key] = result.row
        _check_conclusion(result, conclusions)
        if result.status != ERROR:
            _match_case(catalogue, result)
        _check_early_due(catalogue, result)
    ambiguities = sorted(catalogue.ambiguities.values(), key=lambda a: (a.kind, a.folded))
    return DryRun(filename, results, ambiguities)


def _check_row(catalogue: _Catalogue, table: Table, number: int, values: list[Any]) -> RowResult:
    result = RowResult(number)
    for index in table.formulas.get(number, ()):
        header = table.headers[index] if index < len(table.headers) else str(index + 1)
        result.error(
            "",
            _(
                "%(column)s holds a formula: formulas are never calculated here; copy the "
                "column and paste it as values.",
                column=header,
            ),
        )
    text = {c.key: _text(values, table, c.key) for c in COLUMNS}
    for column in COLUMNS:
        if column.required and not text[column.key]:
            result.error(column.key, _("This column is required."))
    for key, limit in _LIMITS.items():
        if len(text[key]) > limit:
            result.error(key, _("At most %(max)d characters.", max=limit))
    v: dict[str, Any] = {k: text[k] for k in ("conclusion_number", "inspection_title", "title")}
    v["required_action"] = text["required_action"]
    v["decision_number"] = text["decision_number"] or text["conclusion_number"]
    v["withdrawn_reason"] = text["withdrawn_reason"] or None
    v["answers_text"] = text["answers_text"] or None
    result.title = text["title"]
    for key in ("conclusion_date", "decision_date", "due_date", "closed_on"):
        raw = _raw(values, table, key)
        if raw in (None, "") or (isinstance(raw, str) and not raw.strip()):
            v[key] = None
            continue
        v[key] = parse_date(raw)
        if v[key] is None:
            result.error(
                key, _("“%(value)s” is not a date: write it as dd/mm/yyyy.", value=text[key])
            )
    v["decision_date"] = v["decision_date"] or v["conclusion_date"]
    # Judged once the row is matched: a case recorded so already keeps its deadline.
    v["early_due"] = bool(
        v["due_date"] and v["conclusion_date"] and v["due_date"] < v["conclusion_date"]
    )
    if v["decision_date"] and v["conclusion_date"] and v["decision_date"] > v["conclusion_date"]:
        result.error("decision_date", _("The decision date is after the conclusion date."))
    v["number"] = None
    if text["number"]:
        try:
            v["number"] = int(Decimal(text["number"]))
            if not 0 < v["number"] < 10**6:
                raise ValueError
        except (InvalidOperation, ValueError):
            result.error("number", _("“%(value)s” is not a whole number.", value=text["number"]))
            v["number"] = None
    v["kind"] = _enum(catalogue, result, "kind", text["kind"], ActivityKind, ActivityKind.THANH_TRA)
    v["type"] = _enum(catalogue, result, "type", text["type"], CaseType)
    v["severity"] = _enum(
        catalogue, result, "severity", text["severity"], Severity, Severity.MEDIUM
    )
    v["state"] = _enum(catalogue, result, "state", text["state"], CaseState, CaseState.OPEN)
    amount_raw = _raw(values, table, "amount")
    v["amount_vnd"] = None
    if amount_raw not in (None, "") and not (
        isinstance(amount_raw, str) and not amount_raw.strip()
    ):
        try:
            v["amount_vnd"] = parse_amount(
                _clean(amount_raw) if isinstance(amount_raw, str) else amount_raw
            )
            if v["amount_vnd"] <= 0 or v["amount_vnd"] >= 10**18:
                raise ValueError
        except ValueError:
            result.error("amount", _("“%(value)s” is not an amount in đồng.", value=text["amount"]))
            v["amount_vnd"] = None
    if v["type"] in VND_RECOVERY_TYPES and v["amount_vnd"] is None and text["amount"] == "":
        result.error("amount", _("A recovery needs the amount to recover, in đồng."))
    elif v["type"] not in (None, *VND_RECOVERY_TYPES) and v["amount_vnd"] is not None:
        result.warn("amount", _("Only recoveries carry an amount: it is not imported."))
        v["amount_vnd"] = None
    v["area_m2"] = _area(values, table, text, v["type"], result)
    if v["state"] == CaseState.WITHDRAWN and not v["withdrawn_reason"]:
        result.error("withdrawn_reason", _("A withdrawn recommendation needs the reason."))
    if v["state"] != CaseState.WITHDRAWN and v["withdrawn_reason"]:
        v["withdrawn_reason"] = None
    if text["target_unit"]:
        v["target_unit"] = catalogue.unit(result, "target_unit", text["target_unit"])
    if text["responsible_unit"]:
        v["responsible_unit"] = catalogue.unit(result, "responsible_unit", text["responsible_unit"])
    if text["legal"]:
        v["legal_reference"] = catalogue.legal(result, text["legal"])
    v["lead"] = None
    if text["lead"]:
        v["lead"] = catalogue.users.get(text["lead"].lower())
        if v["lead"] is None or v["lead"].role.value not in (
            "lead_inspector",
            "admin",
            "leadership",
        ):
            result.warn(
                "lead",
                _(
                    "No active lead inspector “%(name)s”: you are recorded as the team lead.",
                    name=text["lead"],
                ),
            )
            v["lead"] = None
    v["explicit_ref"] = bool(text["ref"])
    if text["ref"]:
        result.key = text["ref"]
    elif text["conclusion_number"] and text["title"]:
        result.key = _derived_key(
            text["conclusion_number"], v["conclusion_date"], v["number"], text["title"]
        )
    result.values = v
    return result


_CONCLUSION_FIELDS = ("inspection_title", "kind", "target_unit", "decision_number", "decision_date")


def _check_conclusion(result: RowResult, conclusions: dict) -> None:
    """Rows of one conclusion must describe the same inspection: the first row's is used."""
    v = result.values
    if result.status == ERROR or not v.get("conclusion_date"):
        return
    key = (fold(v["conclusion_number"]), v["conclusion_date"])
    first = conclusions.setdefault(
        key, {"row": result.row, **{k: v.get(k) for k in _CONCLUSION_FIELDS}}
    )
    if first["row"] == result.row:
        return
    differ = [k for k in _CONCLUSION_FIELDS if first[k] != v.get(k)]
    if differ:
        result.warn(
            differ[0],
            _(
                "Differs from row %(row)d of the same conclusion: row %(row)d's value is used.",
                row=first["row"],
            ),
        )


def _match_case(catalogue: _Catalogue, result: RowResult) -> None:
    """Create, update or unchanged, and which fields a corrected file changes."""
    case = catalogue.cases_by_ref.get(result.key)
    v = result.values
    if case is None and (m := _NATIVE_REF.match(result.key)):
        candidate = catalogue.native.get((int(m.group(1)), int(m.group(2))))
        # A reference of this database only when the conclusion is the same one too.
        if candidate is not None and fold(candidate.inspection.conclusion_number) == fold(
            v["conclusion_number"]
        ):
            case = candidate
    if case is None:
        result.action = CREATE
        return
    result.case_id = case.id
    catalogue.matched[result.row] = case
    if case.inspection_id not in catalogue.inspections_seen:
        catalogue.inspections_seen.add(case.inspection_id)
        if inspection_changes(case.inspection, v):
            result.warn(
                "inspection_title",
                _("The conclusion's details (title, unit, decision) are updated from this row."),
            )
    if case.inspection.conclusion_date != v["conclusion_date"] or fold(
        case.inspection.conclusion_number
    ) != fold(v["conclusion_number"]):
        result.error(
            "conclusion_number",
            _(
                "This key belongs to a recommendation of another conclusion (%(ref)s).",
                ref=case.reference,
            ),
        )
        return
    result.changes = [
        name for name, new in _case_values(v).items() if _differs(getattr(case, name), new)
    ]
    if _closing(case, v) is not _KEEP:
        result.changes.append("closed_at")
    result.action = UPDATE if result.changes else UNCHANGED
    if "due_date" in result.changes and case.inspection.conclusion_date is not None:
        # A signed conclusion's deadline changes only by a deciding document (cases.operations
        # .apply_deadline): the file can correct what the tracker held, not decide a change.
        result.warn(
            "due_date",
            _(
                "The deadline differs from the one recorded (%(old)s): it is saved as a "
                "correction of the tracker's data. If the deadline was changed by a decision, "
                "change it on the case's page with that document instead.",
                old=case.due_date.strftime("%d/%m/%Y"),
            ),
        )


def _check_early_due(catalogue: _Catalogue, result: RowResult) -> None:
    """A deadline before the conclusion is an error, unless the matched case already holds
    that very deadline (data recorded before: the row only repeats it)."""
    v = result.values
    if not v.get("early_due"):
        return
    message = _(
        "The deadline (%(due)s) is before the conclusion date (%(date)s).",
        due=v["due_date"].strftime("%d/%m/%Y"),
        date=v["conclusion_date"].strftime("%d/%m/%Y"),
    )
    case = catalogue.matched.get(result.row)
    if case is not None and case.due_date == v["due_date"]:
        result.warn("due_date", message)
    else:
        result.error("due_date", message)


def _differs(old, new) -> bool:
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        return (None if old is None else Decimal(old)) != (None if new is None else Decimal(new))
    return old != new


def _case_values(v: dict) -> dict[str, Any]:
    """The case's columns a row sets (number and closing instant aside)."""
    values = {
        "type": v["type"],
        "title": v["title"],
        "legal_reference_id": v["legal_reference"].id,
        "severity": v["severity"],
        "responsible_unit_id": v["responsible_unit"].id,
        "required_action": v["required_action"],
        "amount_vnd": v["amount_vnd"],
        "area_m2": v["area_m2"],
        "due_date": v["due_date"],
        "state": v["state"],
        "withdrawn_reason": v["withdrawn_reason"],
        "answers_text": v["answers_text"],
    }
    return values


_KEEP = object()


def _closing(case: Case | None, v: dict):
    """The closing instant a row asks for, or `_KEEP` when the case's stands: a final case
    closes at noon of the tracker's day (of the import's, without one); the file holds a day,
    so a case closed on that day keeps its own instant."""
    final = v["state"] in (CaseState.ACCEPTED, CaseState.WITHDRAWN)
    closed = case.closed_at if case is not None else None
    if not final:
        return None if closed is not None else _KEEP
    day = v.get("closed_on")
    if closed is not None and (day is None or clock.local(closed).date() == day):
        return _KEEP
    return datetime.combine(day or clock.today(), time(12), tzinfo=clock.ZONE)


# --- applying the dry run ---------------------------------------------------------------------

CASE_AUDIT_FIELDS = (
    "number",
    "closed_at",
    *RECOMMENDATION_FIELDS,
    "due_date",
    "state",
    "withdrawn_reason",
    "answers_text",
    "external_ref",
    "import_source",
)


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    inspections: int = 0


def apply(actor, run: DryRun) -> ImportSummary:
    """Import a dry run with no errors, all rows in the caller's transaction, one audit event
    per created or changed record and one for the import; 403, 422 when any row has an error
    (nothing is written then)."""
    if not can_import(actor):
        raise Forbidden()
    if not run.importable:
        raise OperationError(
            _(
                "Nothing was imported: correct the rows with errors (see the report) and upload again."
            )
        )
    summary = ImportSummary()
    events: list[dict] = []
    inspections: dict[tuple[str, date], Inspection] = {}
    existing = _existing_inspections(run)
    taken = _taken_numbers(existing.values())
    for result in run.results:
        v = result.values
        key = (fold(v["conclusion_number"]), v["conclusion_date"])
        inspection = inspections.get(key)
        if inspection is None:
            inspection = existing.get(key)
            if inspection is None:
                inspection = _new_inspection(actor, v, run.filename, result.row)
                summary.inspections += 1
                db.session.add(inspection)
            else:
                _correct_inspection(actor, inspection, v, run.filename, result.row)
            inspections[key] = inspection
        source = _source(run.filename, result.row)
        if result.action == UNCHANGED:
            summary.unchanged += 1
            continue
        values = _case_values(v)
        if result.action == UPDATE:
            case = db.session.get(Case, result.case_id)
            before = audit.snapshot(case, CASE_AUDIT_FIELDS)
            closing = _closing(case, v)
            for name, new in values.items():
                if _differs(getattr(case, name), new):
                    setattr(case, name, new)
            if closing is not _KEEP:
                case.closed_at = closing
            if "due_date" in result.changes:
                case.due_change_reason = _("Corrected in the tracker %(file)s", file=run.filename)[
                    :2000
                ]
            case.import_source = source
            events.append({"before": before, "case": case, "action": "case_import_updated"})
            summary.updated += 1
            continue
        case = Case(
            inspection=inspection,
            number=_number(taken, inspection, v.get("number")),
            original_due_date=v["due_date"],
            created_by_id=actor.id,
            external_ref=result.key,
            import_source=source,
            escalation_level=0,
            closed_at=None if (closing := _closing(None, v)) is _KEEP else closing,
            **values,
        )
        db.session.add(case)
        events.append({"before": None, "case": case, "action": "case_imported"})
        summary.created += 1
    db.session.flush()
    inspection_events = [
        {
            "actor_id": actor.id,
            "object_type": "Inspection",
            "object_id": i.id,
            "action": "inspection_imported",
            "after": audit.jsonable(
                {
                    "title": i.title,
                    "conclusion_number": i.conclusion_number,
                    "conclusion_date": i.conclusion_date,
                    "target_unit_id": i.target_unit_id,
                    "import_source": i.import_source,
                }
            ),
        }
        for i in inspections.values()
        if i.import_source and i not in existing.values()
    ]
    case_events = [
        {
            "actor_id": actor.id,
            "object_type": "Case",
            "object_id": e["case"].id,
            "action": e["action"],
            "before": e["before"],
            "after": audit.snapshot(e["case"], CASE_AUDIT_FIELDS),
            "note": e["case"].import_source,
        }
        for e in events
    ]
    audit.record_many([audit.jsonable(x) for x in inspection_events + case_events], plain=True)
    audit.record(
        actor,
        None,
        "tracker_imported",
        object_type="Import",
        after={
            "file": run.filename,
            "rows": len(run.results),
            "created": summary.created,
            "updated": summary.updated,
            "unchanged": summary.unchanged,
            "inspections": summary.inspections,
        },
        note=run.filename[:2000],
    )
    return summary


def _source(filename: str, row: int) -> str:
    suffix = f" — dòng {row}"
    return filename[: 300 - len(suffix)] + suffix


INSPECTION_IMPORT_FIELDS = ("title", "kind", "target_unit_id", "decision_number", "decision_date")


def inspection_changes(inspection: Inspection, v: dict) -> dict[str, Any]:
    """What a corrected file changes on a conclusion it imported before (a conclusion entered
    in the app is never changed by a tracker): {column: new value}."""
    if not inspection.import_source:
        return {}
    wanted = {
        "title": v["inspection_title"],
        "kind": v["kind"],
        "target_unit_id": v["target_unit"].id,
        "decision_number": v["decision_number"],
        "decision_date": v["decision_date"] or v["conclusion_date"],
    }
    return {k: new for k, new in wanted.items() if getattr(inspection, k) != new}


def _correct_inspection(actor, inspection: Inspection, v: dict, filename: str, row: int) -> None:
    changes = inspection_changes(inspection, v)
    if not changes:
        return
    before = audit.snapshot(inspection, INSPECTION_IMPORT_FIELDS)
    for name, new in changes.items():
        setattr(inspection, name, new)
    if inspection.start_date > inspection.decision_date:
        inspection.start_date = inspection.decision_date
    inspection.import_source = _source(filename, row)
    db.session.flush()
    audit.record(
        actor,
        inspection,
        "inspection_import_updated",
        before=before,
        after=audit.snapshot(inspection, INSPECTION_IMPORT_FIELDS),
        note=inspection.import_source,
    )


def _existing_inspections(run: DryRun) -> dict[tuple[str, date], Inspection]:
    numbers = sorted({r.values["conclusion_number"] for r in run.results})
    found: dict[tuple[str, date], Inspection] = {}
    for chunk in _chunks(numbers):
        for inspection in db.session.execute(
            select(Inspection).where(Inspection.conclusion_number.in_(chunk))
        ).scalars():
            found.setdefault(
                (fold(inspection.conclusion_number), inspection.conclusion_date), inspection
            )
    return found


def _new_inspection(actor, v: dict, filename: str, row: int) -> Inspection:
    decided = v["decision_date"] or v["conclusion_date"]
    return Inspection(
        kind=v["kind"],
        title=v["inspection_title"],
        ad_hoc_reason=_("Taken in from the tracker %(file)s", file=filename),
        decision_number=v["decision_number"],
        decision_date=decided,
        target_unit=v["target_unit"],
        lead=v["lead"] or actor,
        start_date=decided,
        planned_end_date=v["conclusion_date"],
        state=InspectionState.MONITORING,
        conclusion_number=v["conclusion_number"],
        conclusion_date=v["conclusion_date"],
        created_by_id=actor.id,
        import_source=_source(filename, row),
    )


def _taken_numbers(inspections) -> dict[int, set[int]]:
    """The case numbers already used in the existing inspections (new ones use none)."""
    taken: dict[int, set[int]] = defaultdict(set)
    for chunk in _chunks(sorted(i.id for i in inspections)):
        for inspection_id, number in db.session.execute(
            select(Case.inspection_id, Case.number).where(Case.inspection_id.in_(chunk))
        ):
            taken[inspection_id].add(number)
    return taken


def _number(taken: dict, inspection: Inspection, wanted: int | None) -> int:
    """The file's number where it is free in the inspection, the next free number otherwise
    (new inspections are keyed by the object: they have no id before the flush)."""
    used = taken[inspection.id or id(inspection)]
    if not wanted or wanted in used:
        wanted = max(used, default=0) + 1
    used.add(wanted)
    return wanted


# --- the template, the error report and the export ------------------------------------------


def instructions() -> list[str]:
    """The instructions sheet's lines, in the user's language."""
    required = ", ".join(c.header for c in COLUMNS if c.required)
    return [
        _("How to fill in the tracker"),
        _("One row per recommendation (kiến nghị), with the conclusion it belongs to."),
        _("Keep the first row (the column headers) as it is; the order of columns is free."),
        _("Required columns: %(columns)s.", columns=required),
        _("Dates as dd/mm/yyyy (or Excel dates). Amounts in whole đồng, e.g. 1.500.000."),
        _("A land recovery gives the area in m², e.g. 1.234,5 (two decimals at most)."),
        _("Units: their code or their name, with or without diacritics."),
        _("Legal basis: the citation as in the catalogue, e.g. “Khoản 1, Điều 5, Luật ...”."),
        _("Type, severity and state: one of the names listed below."),
        _(
            "“Mã tham chiếu” identifies the row: importing the file again updates the same "
            "recommendations instead of adding new ones. Without it, the conclusion and the "
            "row's number (or its title) identify it."
        ),
        _("No formulas and no merged cells: paste values, write the value in every row."),
        _("At most %(max)d rows per file.", max=max_rows()),
        "",
        HEADERS["type"] + ": " + "; ".join(t.label for t in CaseType),
        HEADERS["severity"] + ": " + "; ".join(s.label for s in Severity),
        HEADERS["state"] + ": " + "; ".join(s.label for s in CaseState),
        HEADERS["kind"] + ": " + "; ".join(k.label for k in ActivityKind),
    ]


def _header_row(sheet, headers: list[str]) -> None:
    bold = Font(bold=True)
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def template_bytes() -> bytes:
    """The empty tracker: the data sheet with its headers and the instructions sheet."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    _header_row(sheet, [c.header for c in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = 22
        if column.required:
            sheet.cell(1, index).fill = PatternFill("solid", fgColor="FFF2CC")
    sheet.freeze_panes = "A2"
    notes = book.create_sheet(INSTRUCTIONS_TITLE)
    for line in instructions():
        notes.append([line])
    notes.column_dimensions["A"].width = 120
    notes["A1"].font = Font(bold=True, size=13)
    return _save(book)


def _save(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def status_label(status: str) -> str:
    return {OK: _("OK"), WARNING: _("Warning"), ERROR: _("Error")}[status]


def error_report(table: Table, run: DryRun) -> bytes:
    """The uploaded sheet again, each row with its status and message in two more columns."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET_TITLE)
    keep = [
        i
        for i, h in enumerate(table.headers)
        if fold(h) not in (fold(STATUS_HEADER), fold(MESSAGE_HEADER))
    ]
    sheet.append([safe_text(table.headers[i]) for i in keep] + [STATUS_HEADER, MESSAGE_HEADER])
    by_row = {r.row: r for r in run.results}
    for number, values in table.rows:
        result = by_row[number]
        cells = [_report_cell(values[i] if i < len(values) else None) for i in keep]
        sheet.append([*cells, status_label(result.status), safe_text(result.message)])
    return _save(book)


def _report_cell(value):
    if isinstance(value, str):
        return safe_text(value)
    return value


def export_rows(cases: list[Case], local_date) -> list[list[Any]]:
    """Cases as rows of the template (key, conclusion, recommendation), for the export."""
    rows = []
    for case in cases:
        inspection = case.inspection
        closed = local_date(case.closed_at) if case.closed_at and case.is_final else None
        values = {
            "ref": case.external_ref or case.reference,
            "conclusion_number": inspection.conclusion_number,
            "conclusion_date": inspection.conclusion_date,
            "inspection_title": inspection.title,
            "kind": inspection.kind.label,
            "target_unit": inspection.target_unit.code,
            "decision_number": inspection.decision_number,
            "decision_date": inspection.decision_date,
            "lead": inspection.lead.username,
            "number": case.number,
            "type": case.type.label,
            "title": case.title,
            "required_action": case.required_action,
            "legal": case.legal_reference.citation,
            "severity": case.severity.label,
            "responsible_unit": case.responsible_unit.code,
            "amount": int(case.amount_vnd) if case.amount_vnd is not None else None,
            "area": case.area_m2,
            "due_date": case.due_date,
            "state": case.state.label,
            "closed_on": closed,
            "withdrawn_reason": case.withdrawn_reason,
            "answers_text": case.answers_text,
        }
        rows.append([values[c.key] for c in COLUMNS])
    return rows
