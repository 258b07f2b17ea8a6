"""The annex tables as an Excel workbook in the forms' layout: one sheet per table, the issuing
body and form code above its title and period, the merged header, a units row and a column
number row, the rows and the totals row in bold; figures as exact numbers (whole đồng, m² with
two decimals) with the Vietnamese thousands separators of the number formats."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from inspect_app.core.tabular import cell as safe_cell
from inspect_app.reports.layout import header_grid
from inspect_app.statistics.operations import AREA_UNITS, subtitle

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def number(value: str, unit: str):
    """The cell's value: an int for counts and đồng, a Decimal rounded to 0.01 for m²."""
    d = Decimal(value)
    return d.quantize(Decimal("0.01")) if unit in AREA_UNITS else int(d)


def sheet_layout(table: dict) -> tuple[int, list]:
    """(header depth, header cells) of a table: STT and the rows' name, then its columns."""
    heads = [list(c["head"]) for c in table["columns"]]
    grid = header_grid(heads, ("STT", table["row_header"]))
    return len(grid), grid


def workbook(snap: dict, issuing_body: str, number_label: str | None) -> bytes:
    """The workbook of a report's snapshot (`operations.snapshot_of`)."""
    wb = Workbook()
    wb.remove(wb.active)
    for table in snap["tables"]:
        ws = wb.create_sheet(table["code"].replace("/", "-"))
        count = 2 + len(table["columns"])
        last = get_column_letter(count)
        ws.append([safe_cell(issuing_body)] + [None] * (count - 2) + [f"Biểu số {table['code']}"])
        ws.cell(row=1, column=1).font = Font(bold=True)
        ws.cell(row=1, column=count).font = Font(bold=True)
        ws.append([safe_cell(table["title"])])
        ws.merge_cells(f"A2:{last}2")
        ws.cell(row=2, column=1).font = Font(bold=True, size=13)
        ws.cell(row=2, column=1).alignment = CENTER
        line = subtitle(snap) + (f" - kèm theo Báo cáo số {number_label}" if number_label else "")
        ws.append([safe_cell(line)])
        ws.merge_cells(f"A3:{last}3")
        ws.cell(row=3, column=1).font = Font(italic=True)
        ws.cell(row=3, column=1).alignment = CENTER
        top = 5
        depth, grid = sheet_layout(table)
        for level, cells in enumerate(grid):
            for c in cells:
                row, col = top + level, c.col + 1
                ws.cell(row=row, column=col, value=safe_cell(c.text))
                if c.colspan > 1 or c.rowspan > 1:
                    ws.merge_cells(
                        start_row=row,
                        start_column=col,
                        end_row=row + c.rowspan - 1,
                        end_column=col + c.colspan - 1,
                    )
        units_row, numbers_row = top + depth, top + depth + 1
        for index, column in enumerate(table["columns"], start=3):
            ws.cell(row=units_row, column=index, value=column["unit"]).font = Font(italic=True)
            ws.cell(row=numbers_row, column=index, value=f"({index - 2})")
        ws.cell(row=numbers_row, column=1, value="A")
        ws.cell(row=numbers_row, column=2, value="B")
        for r in range(top, numbers_row + 1):
            for c in range(1, count + 1):
                cell = ws.cell(row=r, column=c)
                cell.border, cell.alignment = BOX, CENTER
                if r < units_row:
                    cell.font = Font(bold=True)
        row_number = numbers_row
        for position, row in enumerate(table["rows"], start=1):
            row_number += 1
            ws.cell(row=row_number, column=1, value=None if row["total"] else position)
            ws.cell(row=row_number, column=2, value=safe_cell(row["label"]))
            for index, column in enumerate(table["columns"], start=3):
                cell = ws.cell(
                    row=row_number,
                    column=index,
                    value=number(row["cells"][column["key"]]["value"], column["unit"]),
                )
                cell.number_format = "#,##0.00" if column["unit"] in AREA_UNITS else "#,##0"
            for c in range(1, count + 1):
                cell = ws.cell(row=row_number, column=c)
                cell.border = BOX
                if row["total"]:
                    cell.font = Font(bold=True)
        ws.column_dimensions["A"].width = 5
        ws.column_dimensions["B"].width = 34
        for index in range(3, count + 1):
            ws.column_dimensions[get_column_letter(index)].width = 14
        ws.freeze_panes = ws.cell(row=numbers_row + 1, column=3)
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.print_title_rows = f"{top}:{numbers_row}"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def read_back(data: bytes) -> dict[str, list[list]]:
    """Each sheet's data rows (below the column numbers) as [label, figures...], for checks."""
    wb = load_workbook(io.BytesIO(data))
    found = {}
    for ws in wb.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        start = next(i for i, r in enumerate(rows) if r[0] == "A") + 1
        found[ws.title] = [list(r[1:]) for r in rows[start:]]
    return found
