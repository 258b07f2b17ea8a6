"""The document machinery: letterhead from config, the Decree 30/2020 layout rendered as HTML (the
page preview) and PDF (WeasyPrint), and the XLSX / CSV exports of a document's case table.

Document content is Vietnamese whatever the reader's interface language: it is an official text,
not an interface string, so it is written in the templates and here, not through gettext.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import secrets
from datetime import date

from flask import current_app
from flask_babel import force_locale

from inspect_app.core import files
from inspect_app.extensions import db

# Config keys of this module and their defaults (PROVINCE_NAME comes from the app's Config).
DEFAULTS = {
    "DOCUMENT_ISSUING_BODY": "THANH TRA TỈNH",
    "DOCUMENT_SIGNER_TITLE": "CHÁNH THANH TRA",
    "URGING_REPLY_WORKING_DAYS": 10,
}

PDF_MIME = "application/pdf"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv; charset=utf-8"
PAPER_CSS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "static", "reports.css")
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
    """The document as an A4 PDF (Decree 30 layout; "DỰ THẢO" across drafts)."""
    from weasyprint import CSS, HTML

    with force_locale("vi"):
        html = _render("reports/pdf.html", _context(doc, not doc.is_issued))
    return HTML(string=html, base_url=current_app.root_path).write_pdf(
        stylesheets=[CSS(filename=PAPER_CSS)]
    )


def store_pdf(data: bytes) -> tuple[str, str, int]:
    """Write PDF bytes under UPLOAD_FOLDER with a random name: (stored name, sha256, size).

    The file is removed again if the transaction rolls back (core.files' session hooks)."""
    stored_name = secrets.token_hex(20)
    path = os.path.join(files.upload_folder(), stored_name)
    with open(path, "xb") as out:
        out.write(data)
    files._pending(db.session(), "written").append(path)
    return stored_name, hashlib.sha256(data).hexdigest(), len(data)


def discard_pdf(stored_name: str) -> None:
    """Remove a PDF written by this transaction that will not be used."""
    path = os.path.join(files.upload_folder(), stored_name)
    pending = files._pending(db.session(), "written")
    if path in pending:
        pending.remove(path)
    if os.path.exists(path):
        os.remove(path)


def stored_pdf_path(doc) -> str:
    return files._path(doc.pdf_stored_name)


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
    for row in _rows(doc):
        ws.append(row)
        ws.cell(row=ws.max_row, column=6).number_format = "DD/MM/YYYY"
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
