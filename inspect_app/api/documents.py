"""/documents: urging letters and reports to the People's Committee, their files and issue."""

from __future__ import annotations

from flask import request
from flask_login import current_user
from marshmallow import fields, validate
from sqlalchemy.orm import selectinload

from inspect_app.api.common import Kind, route
from inspect_app.api.schemas import PageQuery, choice_field, record_schema
from inspect_app.core.loading import get_visible_or_404
from inspect_app.reports import documents as report_documents
from inspect_app.reports import operations as report_operations
from inspect_app.reports import views as report_views
from inspect_app.reports.models import Document, DocumentItem
from inspect_app.reports.queries import LIST_LOADS, DocumentFilters, document_list
from inspect_app.reports.schemas import RegisterSchema
from inspect_app.reports.schemas import VersionSchema as ReportVersionSchema
from inspect_app.reports.word import DOCX_MIME

KINDS = ("report", "urging", "check_decision", "periodic")
STATES = ("draft", "signed", "issued")


class DocumentQuery(PageQuery):
    kind = choice_field(*KINDS)
    state = choice_field(*STATES)
    year = fields.Integer(validate=validate.Range(min=1901, max=2999))


DocumentOut = record_schema(
    "DocumentOut",
    Document,
    "id kind state year number symbol issuing_body title recipient case_id due_date unit_id "
    "period_start period_end as_of signed_at registered_on number_typed issued_at issued_by_id "
    "pdf_sha256 version",
    number_label=fields.String(required=True),
)
DocumentItemOut = record_schema(
    "DocumentItemOut",
    DocumentItem,
    "position case_id unit_name case_reference case_title required_action conclusion due_date "
    "working_days_overdue escalation_level proposal",
)


DocumentDetailOut = record_schema(
    "DocumentDetailOut",
    Document,
    "body distribution drafting_unit signer_authority signer_title signer_name",
    DocumentOut,
    figures=fields.Dict(keys=fields.String(), values=fields.Integer(), allow_none=True),
    items=fields.List(fields.Nested(DocumentItemOut), required=True),
)


def load_document(document_id: int) -> Document:
    """A document the caller may see, with its rows; 404 otherwise."""
    return get_visible_or_404(Document, document_id, *LIST_LOADS, selectinload(Document.items))


DOCUMENT = Kind(
    "/documents/<int:document_id>", "document", "documents", load_document, DocumentDetailOut
)


@DOCUMENT.listing(
    report_views.index,
    query=DocumentQuery,
    response=DocumentOut,
    description="A unit leader sees only the issued urging letters addressed to their units.",
)
def documents_list():
    """Documents the caller may see, newest first.

    Documents filtered by kind, state and year, like the page."""
    return document_list(current_user, DocumentFilters.from_args(request.args))


DOCUMENT.detail(
    report_views.detail, "One document with its case rows", "One document; 404 if not visible."
)


def _download(name: str, page_view, media_type: str) -> None:
    """Register GET /documents/<id>/<name>: the page's own download (same checks, same file)."""
    route(
        f"{DOCUMENT.rule}/{name}",
        f"document_{name}",
        page_view,
        lambda document_id: page_view(document_id),
        f"The document as {name.upper()}; 404 if not visible.",
        summary=f"Download the document as {name.upper()}",
        tag="documents",
        binary=True,
        binary_type=media_type,
    )


_download("pdf", report_views.pdf, report_documents.PDF_MIME)
_download("xlsx", report_views.xlsx, report_documents.XLSX_MIME)
_download("docx", report_views.docx, DOCX_MIME)
_download("csv", report_views.csv, "text/csv")
DOCUMENT.transitions(
    ReportVersionSchema,
    {
        "sign": (
            report_views.sign,
            report_operations.sign,
            "Sign a draft; the clerk registers it (leadership, administrators)",
        )
    },
)


@DOCUMENT.action("register", report_views.register, RegisterSchema)
def document_register(doc, data: dict):
    """Register a signed document and dispatch it (the clerk).

    The next number of the issuing body's register for the year and symbol, or `number` typed
    from an external register with its `year`; `registered_on` defaults to today. 409 when the
    document is not signed or already registered, 422 for a number taken or the wrong year."""
    return report_operations.register(current_user, doc, **data)
