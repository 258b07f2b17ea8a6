"""Official documents (văn bản) of the inspectorate: urging letters (văn bản đôn đốc) and reports to
the Chairman of the People's Committee (báo cáo), numbered by the clerk in the issuing body's
register, then frozen.

A `Document` is a draft (no number) until the signer signs it (ký); the clerk (văn thư) then
registers it (vào sổ): the next number of the issuing body's register for the year and symbol, or
a number from an external register, the registration date; the rendered PDF is stored with its
sha256, the `DocumentItem` rows (copies of the cases as they were) are frozen, and it is
dispatched. An issued document never changes, whatever happens to the cases later.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import JSON, Boolean, Date, Integer, String, Text

from inspect_app.auth.models import User
from inspect_app.cases.models import Case
from inspect_app.core.models import EditableMixin, LabelledEnum, UTCDateTime, enum_column
from inspect_app.core.roles import Role, signed_in
from inspect_app.extensions import db
from inspect_app.reference.models import IssuingBody
from inspect_app.reports.layout import number_text
from inspect_app.units.models import Unit
from inspect_app.units.queries import visible_unit_ids

# Who drafts and edits documents, who signs them (an official letter carries a signature), and
# who registers, numbers and dispatches signed documents (the clerk, văn thư).
EDITORS = (Role.ADMIN, Role.LEADERSHIP, Role.LEAD_INSPECTOR)
SIGNERS = (Role.ADMIN, Role.LEADERSHIP)
REGISTRARS = (Role.ADMIN, Role.CLERK)


class DocumentKind(LabelledEnum):
    REPORT = "report", _l("Report to the Chairman of the Provincial People's Committee")
    URGING = "urging", _l("Urging letter")
    CHECK_DECISION = "check_decision", _l("Decision to check implementation")
    # Báo cáo định kỳ công tác thanh tra (Circular 06/2025/TT-TTCP): narrative and data tables.
    PERIODIC = "periodic", _l("Periodic report on inspection work")

    def symbol_for(self, body_code: str, drafting_unit: str) -> str:
        """The number's symbol after the slash (Decree 30/2020, Appendix III): a report is
        type + body ("BC-TTr", a decision "QĐ-TTr"); an official letter (công văn) has no type
        abbreviation: body + drafting unit ("TTr-NV")."""
        if self in (DocumentKind.REPORT, DocumentKind.PERIODIC):
            return f"BC-{body_code}"
        if self == DocumentKind.CHECK_DECISION:
            return f"QĐ-{body_code}"
        return f"{body_code}-{drafting_unit}"


class DocumentState(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    SIGNED = "signed", _l("Signed, awaiting registration")
    ISSUED = "issued", _l("Issued")


class Document(EditableMixin, db.Model):
    """One official document: a report for a period, or an urging letter about one case."""

    __tablename__ = "document"
    __table_args__ = (
        # One number per issuing body's register, symbol and year (Decree 30, Art. 15).
        UniqueConstraint("issuing_body", "symbol", "year", "number", name="uq_document_number"),
        # One urging letter per case and deadline, however often the escalation step runs.
        UniqueConstraint("kind", "case_id", "due_date", name="uq_document_case_deadline"),
        CheckConstraint(
            "state <> 'issued' OR (number IS NOT NULL AND issued_at IS NOT NULL "
            "AND pdf_sha256 IS NOT NULL AND pdf_stored_name IS NOT NULL)",
            name="issued_is_numbered_and_frozen",
        ),
        CheckConstraint("state = 'issued' OR number IS NULL", name="draft_has_no_number"),
        CheckConstraint(
            "state = 'draft' OR (signed_at IS NOT NULL AND signer_name IS NOT NULL)",
            name="signed_has_signer",
        ),
        CheckConstraint(
            "state <> 'issued' OR registered_on IS NOT NULL", name="issued_is_registered"
        ),
        CheckConstraint(
            "final_stored_name IS NULL OR (state = 'issued' AND final_sha256 IS NOT NULL)",
            name="final_file_of_issued",
        ),
        CheckConstraint("number IS NULL OR number > 0", name="number_positive"),
        CheckConstraint(
            "kind <> 'report' OR (period_start IS NOT NULL AND period_end IS NOT NULL "
            "AND period_end >= period_start)",
            name="report_has_period",
        ),
        CheckConstraint(
            "kind <> 'urging' OR (case_id IS NOT NULL AND due_date IS NOT NULL)",
            name="urging_has_case",
        ),
        Index("ix_document_kind_state", "kind", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind), nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    number: Mapped[int | None] = mapped_column(Integer)
    # "BC-TTr", "TTr-NV": the register's symbol; the drafting unit ends "Lưu: VT, NV.".
    symbol: Mapped[str] = mapped_column(String(30), nullable=False)
    drafting_unit: Mapped[str] = mapped_column(String(20), nullable=False)
    state: Mapped[DocumentState] = mapped_column(
        enum_column(DocumentState), nullable=False, default=DocumentState.DRAFT
    )
    # Letterhead as it stood when the document was drafted / issued (config can change later).
    parent_body: Mapped[str] = mapped_column(String(200), nullable=False)
    issuing_body: Mapped[str] = mapped_column(String(200), nullable=False)
    # The issuing body whose head signs it (None on documents of the configured inspectorate
    # drafted before bodies were recorded: its leadership signs).
    issuing_body_id: Mapped[int | None] = mapped_column(ForeignKey("issuing_body.id"), index=True)
    place: Mapped[str] = mapped_column(String(100), nullable=False)
    title: Mapped[str] = mapped_column(String(500), nullable=False)
    recipient: Mapped[str | None] = mapped_column(String(500))
    body: Mapped[str | None] = mapped_column(Text)
    distribution: Mapped[str] = mapped_column(Text, nullable=False)
    signer_authority: Mapped[str | None] = mapped_column(String(10))
    signer_title: Mapped[str] = mapped_column(String(200), nullable=False)
    signer_name: Mapped[str | None] = mapped_column(String(120))
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    as_of: Mapped[date] = mapped_column(Date, nullable=False)
    figures: Mapped[dict | None] = mapped_column(JSON)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("recommendation.id"), index=True)
    due_date: Mapped[date | None] = mapped_column(Date)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Registration by the clerk: the date, who, and whether the number came from a paper /
    # external register (typed) rather than the next of this register.
    registered_on: Mapped[date | None] = mapped_column(Date)
    number_typed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    pdf_stored_name: Mapped[str | None] = mapped_column(String(80))
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    pdf_size: Mapped[int | None] = mapped_column(Integer)
    # The signed final uploaded back (a scan or a digitally signed PDF): once there, it is the
    # issued file, never replaced.
    final_stored_name: Mapped[str | None] = mapped_column(String(80))
    final_sha256: Mapped[str | None] = mapped_column(String(64))
    final_size: Mapped[int | None] = mapped_column(Integer)
    final_uploaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    final_uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    case: Mapped[Case | None] = relationship()
    unit: Mapped[Unit | None] = relationship()
    issuer: Mapped[IssuingBody | None] = relationship()
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])
    signed_by: Mapped[User | None] = relationship(foreign_keys=[signed_by_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    items: Mapped[list[DocumentItem]] = relationship(
        back_populates="document",
        order_by="DocumentItem.position",
        cascade="all, delete-orphan",
    )

    @property
    def is_issued(self) -> bool:
        return self.state == DocumentState.ISSUED

    @property
    def is_signed(self) -> bool:
        return self.state == DocumentState.SIGNED

    @property
    def number_label(self) -> str:
        """ "01/BC-TTr", "12/BC-TTr" once registered (a leading zero below 10, Decree 30);
        "   /BC-TTr" (the blank the clerk fills) before."""
        return number_text(self.number, self.symbol)

    @property
    def path(self) -> str:
        """ "/reports/5": the document's page (notifications link it)."""
        return f"/reports/{self.id}"

    def __str__(self) -> str:
        return f"{self.number_label} {self.title}"

    # --- permissions (object level) --------------------------------------------------------

    def can_view(self, user) -> bool:
        """Staff read every document; a unit leader issued urging letters addressed to a unit
        they see (their unit, units below it, units they deputise for), and every document of
        a body they sign for (the Director of Home Affairs, its check decisions)."""
        if not signed_in(user):
            return False
        if not user.is_unit_leader or self.is_signer(user):
            return True
        if self.kind != DocumentKind.URGING or not self.is_issued:
            return False
        return self.unit_id in (visible_unit_ids(user) or set())

    def is_signer(self, user) -> bool:
        """Whether `user` signs for the document's issuing body, whatever its state: the head
        of that body (see IssuingBody.signs), else the inspectorate's leadership."""
        if not signed_in(user):
            return False
        if self.issuer is not None:
            return self.issuer.signs(user)
        return user.role in SIGNERS

    def can_edit(self, user) -> bool:
        """Drafts are edited by leadership, lead inspectors and administrators."""
        return user.role in EDITORS and self.state == DocumentState.DRAFT

    def can_sign(self, user) -> bool:
        """The head of the issuing body (or a deputy head) signs a draft, once: the Chief
        Inspector's office for the inspectorate's documents, the Director of Home Affairs for
        its check decisions and letters (Decree 217/2025)."""
        return self.state == DocumentState.DRAFT and self.is_signer(user)

    def can_register(self, user) -> bool:
        """The clerk (văn thư) or an administrator registers, numbers and dispatches a signed
        document, once."""
        return signed_in(user) and user.role in REGISTRARS and self.is_signed

    @staticmethod
    def may_draft(user) -> bool:
        """Whether `user` drafts documents at all (an inspection's conclusion paper too)."""
        return signed_in(user) and user.role in EDITORS

    @staticmethod
    def may_register(user) -> bool:
        """Whether `user` keeps the registers at all (the register page)."""
        return signed_in(user) and user.role in REGISTRARS

    @property
    def is_empty_report(self) -> bool:
        """A report with no case and no summary text: never issued (the page says so before
        the confirmation, the operation refuses it)."""
        return self.kind == DocumentKind.REPORT and not self.items and not (self.body or "").strip()


class DocumentItem(db.Model):
    """A frozen row of a document: the case as it stood when the document was drafted/issued."""

    __tablename__ = "document_item"
    __table_args__ = (
        UniqueConstraint("document_id", "case_id", name="uq_document_item_case"),
        Index("ix_document_item_case_due", "case_id", "due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("document.id", ondelete="CASCADE"), nullable=False, index=True
    )
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    case_id: Mapped[int] = mapped_column(ForeignKey("recommendation.id"), nullable=False)
    unit_name: Mapped[str] = mapped_column(String(200), nullable=False)
    case_reference: Mapped[str] = mapped_column(String(40), nullable=False)
    case_title: Mapped[str] = mapped_column(String(300), nullable=False)
    required_action: Mapped[str | None] = mapped_column(Text)
    conclusion: Mapped[str | None] = mapped_column(String(200))
    due_date: Mapped[date] = mapped_column(Date, nullable=False)
    working_days_overdue: Mapped[int] = mapped_column(Integer, nullable=False)
    escalation_level: Mapped[int] = mapped_column(Integer, nullable=False)
    proposal: Mapped[str | None] = mapped_column(Text)

    document: Mapped[Document] = relationship(back_populates="items")
