"""Tables as files (CSV, XLSX) for the exports of every list: one header row, then rows.

Cells that a spreadsheet would read as a formula (=, +, -, @, a tab or a carriage return first)
get a leading apostrophe, so an exported "=HYPERLINK(...)" is shown as text, never evaluated
(OWASP's CSV injection advice). Excel hides the apostrophe in XLSX; CSV readers show it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from flask import make_response
from openpyxl import Workbook

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv; charset=utf-8"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """The text with an apostrophe in front when a spreadsheet would take it for a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def cell(value: Any) -> Any:
    """A value as written into a cell: numbers and dates stay typed, text is made safe."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | Decimal | float | date | datetime):
        return value
    if isinstance(value, Enum):
        value = getattr(value, "label", value.value)
    return safe_text(str(value))


def csv_bytes(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a BOM (Excel then reads the diacritics), every text cell made safe."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([cell(h) for h in header])
    for row in rows:
        writer.writerow(["" if (c := cell(v)) is None else c for v in row])
    return ("\ufeff" + out.getvalue()).encode()


def xlsx_bytes(title: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    """One sheet named `title` (cut to Excel's 31 characters), every text cell made safe."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_sheet_title(title))
    sheet.append([cell(h) for h in header])
    for row in rows:
        sheet.append([_xlsx_value(cell(v)) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value: Any) -> Any:
    # openpyxl writes a str starting with "=" as a formula: the apostrophe above prevents it,
    # and a timezone-aware datetime is refused by Excel: written as the local wall time.
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value


def _sheet_title(title: str) -> str:
    cleaned = "".join(c for c in str(title) if c not in "[]:*?/\\")
    return cleaned[:31] or "Sheet"


def attachment(body: bytes, mimetype: str, filename: str):
    """The bytes as a download named `filename` (an ASCII name: callers build it)."""
    response = make_response(body)
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def table(fmt: str, title: str, header: Sequence[Any], rows: Iterable[Sequence[Any]], name: str):
    """The download of one table as `fmt` ("csv" or "xlsx"), named `name`.`fmt`."""
    if fmt == "csv":
        return attachment(csv_bytes(header, rows), CSV_MIME, f"{name}.csv")
    return attachment(xlsx_bytes(title, header, rows), XLSX_MIME, f"{name}.xlsx")


def export(fmt: str, title, name: str, columns, items):
    """A list as a download: `columns` are (header, value of an item) pairs, `items` the list's
    records (all of them, under the list's own filters and visibility)."""
    header = [str(label) for label, _value in columns]
    rows = ([value(item) for _label, value in columns] for item in items)
    return table(fmt, str(title), header, rows, name)
