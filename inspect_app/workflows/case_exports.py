"""The case list as a file (the tracker's shape, so an export imports again unchanged) and one
case as a PDF for the paper file, on the cases blueprint (`cases.export`, `cases.pdf`)."""

from __future__ import annotations

from flask import request
from flask_babel import force_locale
from flask_login import current_user
from sqlalchemy.orm import joinedload

from inspect_app.cases.models import Case
from inspect_app.cases.queries import CaseFilters, case_list
from inspect_app.cases.views import bp, get_visible_case
from inspect_app.core import audit, clock
from inspect_app.core.permissions import AUTHENTICATED, access
from inspect_app.core.tabular import attachment, table
from inspect_app.core.templating import action_label
from inspect_app.extensions import db
from inspect_app.inspections.models import Inspection
from inspect_app.reports.documents import case_file_pdf
from inspect_app.workflows import imports

# Every column of the tracker, loaded with the cases in one query.
EXPORT_LOADS = (
    joinedload(Case.inspection).joinedload(Inspection.target_unit),
    joinedload(Case.inspection).joinedload(Inspection.lead),
    joinedload(Case.legal_reference),
    joinedload(Case.responsible_unit),
)


def _local_date(instant):
    return clock.local(instant).date()


@bp.route("/export.<any(csv, xlsx):fmt>")
@access(AUTHENTICATED)
def export(fmt: str):
    """The cases the user may see under the list's current filters, as XLSX or CSV in the
    import template's columns (texts that look like formulas get an apostrophe)."""
    filters = CaseFilters.from_args(request.args)
    cases = list(
        db.session.execute(case_list(current_user, filters, clock.today(), loads=EXPORT_LOADS))
        .unique()
        .scalars()
    )
    # The tracker's words (types, states) in Vietnamese whatever the interface's language, so
    # that every export reads the same; the import reads both languages anyway.
    with force_locale("vi"):
        rows = imports.export_rows(cases, _local_date)
    headers = [c.header for c in imports.COLUMNS]
    name = f"kien-nghi-{clock.today().isoformat()}"
    return table(fmt, imports.SHEET_TITLE, headers, rows, name)


@bp.route("/<int:case_id>/pdf")
@access(AUTHENTICATED)
def pdf(case_id: int):
    """One case with its timeline as a PDF for the paper file; 404 if not visible."""
    case = get_visible_case(case_id)
    events = audit.events_for("Case", case.id)
    inspection = case.inspection
    with force_locale("vi"):  # a document for the file: Vietnamese, as official texts are
        conclusion = (
            f"{inspection.conclusion_number} ngày {inspection.conclusion_date:%d/%m/%Y}"
            if inspection.conclusion_number and inspection.conclusion_date
            else "—"
        )
        facts = [
            ("Số hiệu", case.reference),
            ("Cuộc thanh tra, kiểm tra", inspection.title),
            ("Kết luận", conclusion),
            ("Loại kiến nghị", case.type.label),
            ("Nội dung, yêu cầu thực hiện", case.required_action),
            ("Căn cứ pháp lý", case.legal_reference.citation),
            ("Mức độ", case.severity.label),
            ("Đơn vị thực hiện", case.responsible_unit.name),
            ("Số tiền kiến nghị thu hồi", _vnd(case.amount_vnd)),
            ("Hạn thực hiện", f"{case.due_date:%d/%m/%Y}"),
            ("Trạng thái", case.state.label),
        ]
        if case.withdrawn_reason:
            facts.append(("Lý do dừng theo dõi", case.withdrawn_reason))
        if case.answers_text:
            facts.append(("Kết quả đơn vị đã báo cáo (sổ theo dõi)", case.answers_text))
        if case.import_source:
            facts.append(("Nguồn", case.import_source))
        timeline = [
            (
                f"{clock.local(e.at):%d/%m/%Y %H:%M}",
                e.actor.full_name if e.actor else "",
                str(action_label(e.action)),
                e.note or "",
            )
            for e in events
        ]
        body = case_file_pdf(f"HỒ SƠ KIẾN NGHỊ {case.reference}: {case.title}", facts, timeline)
    return attachment(body, "application/pdf", f"kien-nghi-{case.reference.replace('/', '-')}.pdf")


def _vnd(amount) -> str:
    return f"{int(amount):,}".replace(",", ".") + " đồng" if amount is not None else "—"
