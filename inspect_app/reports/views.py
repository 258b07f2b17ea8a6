"""Official documents: urging letters and reports to the People's Committee (list, one document
with its preview, draft edits, issuing, PDF / XLSX / CSV downloads)."""

from __future__ import annotations

import os
from datetime import timedelta

from flask import Blueprint, abort, request, send_file
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from inspect_app.core import audit, clock, files
from inspect_app.core.actions import RecordPage, form_action, open_form
from inspect_app.core.errors import OperationError
from inspect_app.core.htmx import redirect_to, render
from inspect_app.core.loading import get_visible_or_404
from inspect_app.core.pagination import FilteredList, list_page
from inspect_app.core.permissions import AUTHENTICATED, access
from inspect_app.core.roles import READERS, Role
from inspect_app.core.templating import register_actions, register_nav
from inspect_app.inspections.models import Inspection
from inspect_app.reports import documents, operations, papers, signing, word
from inspect_app.reports.models import (
    EDITORS,
    REGISTRARS,
    SIGNERS,
    DocumentKind,
    DocumentState,
)
from inspect_app.reports.queries import (
    DocumentFilters,
    RegisterFilters,
    awaiting_registration,
    document_list,
    get_visible_document,
    register_entries,
)
from inspect_app.reports.schemas import (
    DraftSchema,
    RegisterSchema,
    ReportCreateSchema,
    VersionSchema,
)

bp = Blueprint("reports", __name__, url_prefix="/reports")

register_nav("reports.index", _l("Documents"), (*READERS, Role.CLERK))
register_nav("reports.registers", _l("Document registers"), REGISTRARS)
register_actions(
    {
        "document_drafted": _l("Document drafted"),
        "document_edited": _l("Draft edited"),
        "document_refreshed": _l("Cases and figures refreshed"),
        "document_issued": _l("Document issued"),
        "document_signed": _l("Document signed"),
        "document_registered": _l("Document registered and dispatched"),
        "document_final_filed": _l("Signed final filed"),
        "document_pdf_stored": _l("Issued PDF stored"),
    }
)


#: The list of documents: its page, its export and the API's listing.
DOCUMENTS = FilteredList(
    DocumentFilters.from_args,
    lambda filters: document_list(current_user, filters),
    "reports/index.html",
    "reports/_list.html",
)


@bp.route("")
@access(AUTHENTICATED)
def index():
    """Documents the user may see, filtered by type, year and state (constant queries)."""
    return DOCUMENTS.page(
        kinds=list(DocumentKind),
        states=list(DocumentState),
        can_create=current_user.role in EDITORS,
    )


@bp.route("/export.<any(csv, xlsx):fmt>")
@access(AUTHENTICATED)
def export(fmt: str):
    """The documents of the list under its current filters, as XLSX or CSV."""
    columns = [
        (_("Number"), lambda d: d.number_label if d.number else ""),
        (_("Type"), lambda d: d.kind.label),
        (_("Summary"), lambda d: d.title),
        (_("Case"), lambda d: d.case.reference if d.case else ""),
        (_("Addressed to"), lambda d: d.unit.name if d.unit else d.recipient or ""),
        (_("Date"), lambda d: clock.local(d.issued_at or d.created_at).date()),
        (_("State"), lambda d: d.state.label),
    ]
    return DOCUMENTS.export(fmt, _("Documents"), "van-ban", columns)


@bp.route("/registers")
@access(*REGISTRARS)
def registers():
    """The clerk's registers (sổ đăng ký văn bản): one issuing body's numbers for a year, and
    the signed documents awaiting registration (constant queries); 403 for others."""
    bodies = list(documents.registers())
    filters = RegisterFilters.from_args(request.args, bodies, clock.today().year)
    return list_page(
        "reports/registers.html",
        "reports/_register.html",
        filters,
        register_entries(filters),
        bodies=bodies,
        waiting=awaiting_registration(filters.body),
    )


def _new_form(form, errors: dict, status: int = 200):
    today = clock.today()
    end = today.replace(day=1) - timedelta(days=1)
    return render(
        "reports/new.html",
        status=status,
        form=form,
        errors=errors,
        default_start=end.replace(day=1).isoformat(),
        default_end=end.isoformat(),
    )


@bp.route("/new", methods=["GET", "POST"])
@access(*EDITORS)
def new():
    """Draft a report to the People's Committee for a period; 403, 422 for a bad period."""
    if request.method == "GET":
        return _new_form({}, {})
    return form_action(
        ReportCreateSchema(),
        lambda data: operations.build_report_draft(
            current_user, data["period_start"], data["period_end"]
        ),
        page=lambda status, errors: _new_form(request.form, errors, status),
        done=lambda doc: redirect_to("reports.detail", document_id=doc.id),
        message=_l("The report draft has been created."),
    )


def _detail(doc, status: int = 200, errors: dict | None = None, form=None, action=None):
    return render(
        "reports/detail.html",
        "reports/_document.html",
        status=status,
        doc=doc,
        **documents.paper_context(doc),
        events=audit.events_for("Document", doc.id),
        **open_form(errors, form, action),
        authorities=operations.AUTHORITIES,
        next_label=operations.next_label(doc) if doc.is_signed else None,
        signature=signing.issued_signature(doc),
        will_sign=signing.configured(),
    )


@bp.route("/<int:document_id>")
@access(AUTHENTICATED)
def detail(document_id: int):
    """One document: its preview, the draft form, the issue button; 404 if not visible."""
    return _detail(get_visible_document(current_user, document_id))


# The actions of a document's page (403 from the operation, 404 if not visible).
DOCUMENT_PAGE = RecordPage(
    lambda document_id: get_visible_document(current_user, document_id),
    _detail,
    "reports.detail",
    "document_id",
)


@bp.route("/<int:document_id>/edit", methods=["POST"])
@access(*EDITORS)
@DOCUMENT_PAGE.action("edit", DraftSchema, _l("The draft has been saved."))
def edit(doc, d):
    """Save a draft's text; 403, 404, 409 (stale or issued), 422."""
    return operations.update_draft(current_user, doc, d, d.pop("version"))


@bp.route("/<int:document_id>/refresh", methods=["POST"])
@access(*EDITORS)
@DOCUMENT_PAGE.action("refresh", VersionSchema, _l("The cases and figures have been refreshed."))
def refresh(doc, d):
    """Rebuild a report draft's cases and figures as of today; 403, 404, 409, 422."""
    return operations.refresh_report(current_user, doc, d["version"])


@bp.route("/<int:document_id>/sign", methods=["POST"])
@access(*SIGNERS, Role.UNIT_LEADER)
@DOCUMENT_PAGE.action(
    "sign",
    VersionSchema,
    _l("The document has been signed; the clerk registers and dispatches it."),
)
def sign(doc, d):
    """Sign the draft (no number yet: the clerk registers it); 403, 404, 409, 422. A unit
    leader signs only for a body they head (Document.can_sign: the Director of Home Affairs)."""
    return operations.sign(current_user, doc, d["version"])


@bp.route("/<int:document_id>/register", methods=["POST"])
@access(*REGISTRARS)
@DOCUMENT_PAGE.action(
    "register", RegisterSchema, _l("The document has been registered and dispatched.")
)
def register(doc, d):
    """Register a signed document (next number of its register, or a typed one), store its
    PDF and dispatch it; 403, 404, 409 (stale, not signed, issued), 422 (number, year, date)."""
    return operations.register(current_user, doc, **d)


@bp.route("/<int:document_id>/final", methods=["POST"])
@access(*REGISTRARS)
@DOCUMENT_PAGE.action("final", VersionSchema, _l("The signed final has been filed."))
def final(doc, d):
    """File the signed final (PDF) of an issued document: it becomes the issued file, never
    replaced; 403, 404, 409 (not issued, already filed), 413, 422 (not a PDF, bad signature)."""
    data = read_upload(request.files.get("file"))
    return operations.upload_final(current_user, doc, data, d["version"])


def read_upload(storage) -> bytes:
    """The bytes of an uploaded signed final; 413 above MAX_UPLOAD_MB, 422 when none."""
    if storage is None or not storage.filename:
        raise OperationError(_("Choose the signed PDF to file."), field="file")
    limit = files.max_upload_bytes()
    data = storage.stream.read(limit + 1)
    if len(data) > limit:
        raise OperationError(_("The file is too large."), status=413, field="file")
    return data


def _download_name(doc, ext: str) -> str:
    if doc.is_issued:
        return f"{doc.number:02d}-{doc.symbol}-{doc.year}.{ext}"
    return f"du-thao-{doc.symbol}-{doc.id}.{ext}"


@bp.route("/conclusion/<int:inspection_id>.<any(pdf, docx):fmt>")
@access(*EDITORS)
def conclusion_paper(inspection_id: int, fmt: str):
    """The inspection's conclusion in the Decree 30 layout, as PDF or Word: a draft to finish
    until it is signed, then the signed one's number and date; 403 (not a drafter), 404."""
    inspection = get_visible_or_404(Inspection, inspection_id)
    sheet = papers.conclusion_layout(inspection)
    name = (
        f"ket-luan-{inspection.id}"
        if not inspection.conclusion_number
        else ("ket-luan-" + inspection.conclusion_number.replace("/", "-"))
    )
    return papers.download(sheet, inspection.title, fmt, name)


_attachment = papers.attachment


@bp.route("/<int:document_id>/pdf")
@access(AUTHENTICATED)
def pdf(document_id: int):
    """The PDF: the frozen stored file once issued (ETag = its sha256), a "DỰ THẢO" rendering of
    a draft; 404 if not visible or the stored file is missing."""
    doc = get_visible_document(current_user, document_id)
    if not doc.is_issued:
        return _attachment(
            documents.render_pdf(doc), documents.PDF_MIME, _download_name(doc, "pdf")
        )
    path = documents.issued_file_path(doc)
    if not os.path.isfile(path):
        abort(404, _("The stored file is missing. Contact the administrator."))
    sha256 = doc.final_sha256 or doc.pdf_sha256
    with open(path, "rb") as f:
        status = signing.verify_pdf(f.read())
    response = send_file(
        path,
        mimetype=documents.PDF_MIME,
        as_attachment=True,
        download_name=_download_name(doc, "pdf"),
        conditional=True,
        etag=sha256,
        max_age=0,
    )
    response.headers["X-Content-SHA256"] = sha256
    # Whether the issued file's digital signature is valid, and whose it is (checked offline).
    response.headers["X-Signature-Status"] = status.header()
    response.headers["Cache-Control"] = "private, max-age=0, must-revalidate"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/<int:document_id>/docx")
@access(AUTHENTICATED)
def docx(document_id: int):
    """The document as Word (.docx) in the same Decree 30 layout, for editing or printing; 404."""
    doc = get_visible_document(current_user, document_id)
    return _attachment(word.render_docx(doc), word.DOCX_MIME, _download_name(doc, "docx"))


@bp.route("/<int:document_id>/xlsx")
@access(AUTHENTICATED)
def xlsx(document_id: int):
    """The document's case table (and a report's figures) as an Excel workbook; 404."""
    doc = get_visible_document(current_user, document_id)
    return _attachment(documents.export_xlsx(doc), documents.XLSX_MIME, _download_name(doc, "xlsx"))


@bp.route("/<int:document_id>/csv")
@access(AUTHENTICATED)
def csv(document_id: int):
    """The document's case table as CSV (UTF-8 with BOM for Excel); 404."""
    doc = get_visible_document(current_user, document_id)
    return _attachment(documents.export_csv(doc), documents.CSV_MIME, _download_name(doc, "csv"))
