"""/documents: urging letters, reports to the People's Committee and check decisions: their
files (PDF, Word, XLSX, CSV), signature, registration by the clerk, the issued file's signature
status and the signed final filed back."""

from __future__ import annotations

from flask import abort, request
from flask_login import current_user
from marshmallow import Schema, fields, validate
from sqlalchemy.orm import selectinload

from inspect_app.api.common import Kind, api_route, dump, invalid, route
from inspect_app.api.schemas import PageQuery, choice_field, record_schema
from inspect_app.core.forms import load_form
from inspect_app.core.loading import get_visible_or_404
from inspect_app.reports import documents as report_documents
from inspect_app.reports import operations as report_operations
from inspect_app.reports import signing
from inspect_app.reports import views as report_views
from inspect_app.reports.models import Document, DocumentItem
from inspect_app.reports.queries import LIST_LOADS
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


class SignatureOut(Schema):
    """The issued file's digital signature, checked offline against the configured CAs."""

    state = fields.String(
        required=True,
        validate=validate.OneOf(("unsigned", "valid", "untrusted", "invalid")),
        metadata={
            "description": "valid: intact, trusted, covering the whole file; untrusted: intact, "
            "certificate of an unknown CA; invalid: changed after signing or broken"
        },
    )
    signer = fields.String(allow_none=True)
    signed_at = fields.DateTime(allow_none=True)
    detail = fields.String()


def _signature(doc):
    status = signing.issued_signature(doc)
    return None if status is None else SignatureOut().dump(status)


DocumentDetailOut = record_schema(
    "DocumentDetailOut",
    Document,
    "body distribution drafting_unit signer_authority signer_title signer_name final_sha256 "
    "final_uploaded_at",
    DocumentOut,
    signature=fields.Function(
        _signature,
        allow_none=True,
        metadata={
            "description": "Issued documents only (null before): the issued file's signature"
        },
    ),
    # Counts are integers; the recovery figures exact decimal strings ("374550000", "21.9").
    figures=fields.Dict(
        keys=fields.String(),
        values=fields.Raw(metadata={"oneOf": [{"type": "integer"}, {"type": "string"}]}),
        allow_none=True,
    ),
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
    return report_views.DOCUMENTS.query()


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


@api_route(
    f"{DOCUMENT.rule}/signature",
    report_views.detail,
    tag="documents",
    response=SignatureOut,
    description="404 for a document not issued yet (it has no issued file).",
)
def document_signature(document_id: int):
    """The issued file's digital signature: valid, untrusted, invalid or unsigned, and by whom.

    Checked offline, like every download of the issued PDF (`X-Signature-Status`)."""
    status = signing.issued_signature(load_document(document_id))
    if status is None:
        abort(404)
    return dump(SignatureOut, status)


class FinalForm(Schema):
    """The signed final as multipart/form-data: the PDF and the document's version."""

    version = fields.Integer(required=True)
    file = fields.Raw(
        required=True,
        metadata={"type": "string", "format": "binary", "description": "The signed PDF"},
    )


@api_route(
    f"{DOCUMENT.rule}/final",
    report_views.final,
    method="POST",
    tag="documents",
    body=FinalForm,
    multipart=True,
    response=DocumentDetailOut,
    description="It becomes the issued file (its sha256 in `final_sha256`) and is never "
    "replaced: 409 once filed. A file that is not a PDF, or whose digital signature does not "
    "verify, is refused with 422.",
)
def document_final(document_id: int):
    """File the signed final of an issued document (a scan or a digitally signed PDF; the clerk).

    403 not the clerk, 404, 409 not issued / already filed / stale, 413, 422."""
    doc = load_document(document_id)
    data, errors = load_form(ReportVersionSchema())
    if data is None:
        raise invalid(errors)
    content = report_views.read_upload(request.files.get("file"))
    return dump(
        DocumentDetailOut,
        report_operations.upload_final(current_user, doc, content, data["version"]),
    )
