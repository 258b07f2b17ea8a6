"""Reading documents: the filtered list, one document for a user, the documents of a case."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from inspect_app.core.loading import get_visible_or_404
from inspect_app.extensions import db
from inspect_app.reference.models import IssuingBody
from inspect_app.reports.models import Document, DocumentItem, DocumentKind, DocumentState
from inspect_app.units.queries import visible_unit_ids

LIST_LOADS = (joinedload(Document.case), joinedload(Document.unit), joinedload(Document.issued_by))


@dataclass
class DocumentFilters:
    """The list's filters from the query string (invalid values are ignored)."""

    kind: str = ""
    state: str = ""
    year: int | None = None

    @classmethod
    def from_args(cls, args) -> DocumentFilters:
        kind = args.get("kind") or ""
        state = args.get("state") or ""
        year = (args.get("year") or "").strip()
        return cls(
            kind=kind if kind in {k.value for k in DocumentKind} else "",
            state=state if state in {s.value for s in DocumentState} else "",
            year=int(year) if year.isdigit() and 1900 < int(year) < 3000 else None,
        )

    def as_args(self) -> dict:
        values = {"kind": self.kind, "state": self.state, "year": self.year}
        return {k: v for k, v in values.items() if v not in ("", None)}


def _visibility(user) -> list:
    """Staff see every document; a unit leader issued urging letters to the units they see,
    and every document of a body they head (Document.can_view)."""
    visible = visible_unit_ids(user)
    if visible is None:
        return []
    addressed = and_(
        Document.kind == DocumentKind.URGING,
        Document.state == DocumentState.ISSUED,
        Document.unit_id.in_(visible or {-1}),
    )
    if not user.unit_id:
        return [addressed]
    headed = select(IssuingBody.id).where(IssuingBody.signer_unit_id == user.unit_id)
    return [or_(addressed, Document.issuing_body_id.in_(headed))]


def to_sign_count(user) -> int:
    """How many drafts `user` signs (Document.can_sign as SQL): a body's head its body's;
    the inspectorate's leadership also the drafts recorded without a body."""
    signs = Document.issuing_body_id.in_(select(IssuingBody.id).where(IssuingBody.signed_by(user)))
    if user.is_admin or user.is_leadership:
        signs = or_(signs, Document.issuing_body_id.is_(None))
    return db.session.execute(
        select(func.count()).where(Document.state == DocumentState.DRAFT, signs)
    ).scalar_one()


def document_list(user, filters: DocumentFilters) -> Select:
    """Documents `user` may see matching `filters`, newest first, relations loaded."""
    stmt = select(Document).options(*LIST_LOADS).where(*_visibility(user))
    if filters.kind:
        stmt = stmt.where(Document.kind == DocumentKind(filters.kind))
    if filters.state:
        stmt = stmt.where(Document.state == DocumentState(filters.state))
    if filters.year:
        stmt = stmt.where(Document.year == filters.year)
    return stmt.order_by(Document.created_at.desc(), Document.id.desc())


def get_visible_document(user, document_id: int) -> Document:
    """The document with its rows if `user` may see it; 404 otherwise (also other units')."""
    return get_visible_or_404(
        Document, document_id, *LIST_LOADS, selectinload(Document.items), user=user
    )


def documents_of_case(user, case_id: int) -> list[Document]:
    """The documents about a case that `user` may see: its urging letters, reports listing it."""
    in_document = exists().where(
        DocumentItem.document_id == Document.id, DocumentItem.case_id == case_id
    )
    return list(
        db.session.execute(
            select(Document)
            .where(or_(Document.case_id == case_id, in_document), *_visibility(user))
            .order_by(Document.created_at, Document.id)
        ).scalars()
    )


@dataclass
class RegisterFilters:
    """The register page's filters: the issuing body's register and the year."""

    body: str = ""
    year: int | None = None

    @classmethod
    def from_args(cls, args, bodies: list[str], this_year: int) -> RegisterFilters:
        body = args.get("body") or ""
        year = (args.get("year") or "").strip()
        return cls(
            body=body if body in bodies else (bodies[0] if bodies else ""),
            year=int(year) if year.isdigit() and 1900 < int(year) < 3000 else this_year,
        )

    def as_args(self) -> dict:
        return {"body": self.body, "year": self.year}


def register_entries(filters: RegisterFilters) -> Select:
    """The register (sổ đăng ký văn bản đi) of one issuing body and year: issued documents by
    symbol and number."""
    return (
        select(Document)
        .options(joinedload(Document.issued_by))
        .where(
            Document.issuing_body == filters.body,
            Document.year == filters.year,
            Document.state == DocumentState.ISSUED,
        )
        .order_by(Document.number.desc(), Document.symbol)
    )


def awaiting_registration(body: str) -> list[Document]:
    """Signed documents of the issuing body waiting for the clerk, oldest signature first."""
    return list(
        db.session.execute(
            select(Document)
            .where(Document.issuing_body == body, Document.state == DocumentState.SIGNED)
            .order_by(Document.signed_at, Document.id)
        ).scalars()
    )
