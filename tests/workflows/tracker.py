"""Tracker files for the import tests: rows by column key, written as XLSX or CSV."""

from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import Workbook

from inspect_app.workflows.imports import COLUMNS, HEADERS


def row(unit, legal_ref, **values) -> dict:
    """A valid row: one recommendation of conclusion 12/KL-TTr on `unit` with legal basis `legal_ref`."""
    base = {
        "ref": "",
        "conclusion_number": "12/KL-TTr",
        "conclusion_date": "15/01/2025",
        "inspection_title": "Thanh tra công tác tuyển dụng năm 2024",
        "kind": "Thanh tra",
        "target_unit": unit.code,
        "type": "Kiến nghị khác (cơ chế, chính sách, văn bản, chấn chỉnh quản lý)",
        "title": "Chấn chỉnh công tác tuyển dụng",
        "required_action": "Rà soát hồ sơ tuyển dụng",
        "legal": legal_ref.citation,
        "responsible_unit": unit.name,
        "due_date": "30/06/2025",
    }
    base.update(values)
    return base


def xlsx(rows: list[dict], keys=None) -> bytes:
    keys = keys or [c.key for c in COLUMNS]
    book = Workbook()
    sheet = book.active
    sheet.title = "Kiến nghị"
    sheet.append([HEADERS[k] for k in keys])
    for r in rows:
        sheet.append([r.get(k) for k in keys])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: list[dict], bom: bool = True, delimiter: str = ",") -> bytes:
    keys = [c.key for c in COLUMNS]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow([HEADERS[k] for k in keys])
    for r in rows:
        writer.writerow(
            [v.strftime("%d/%m/%Y") if isinstance(v := r.get(k), date) else (v or "") for k in keys]
        )
    return (("\ufeff" if bom else "") + out.getvalue()).encode()
