"""State changes of official documents: report drafts built from the level-3 cases and the period's
figures, urging letters drafted by the escalation ladder's level 2, draft edits, and issuing.

Decisions:
- Urging letters (văn bản đôn đốc) are drafted automatically by the level-2 escalation step (one
  per case and deadline) and issued by a person: the Chief Inspector (leadership) or an
  administrator, because an official letter carries a signature. Leadership is notified of the
  draft by the escalation step; the unit's leaders are notified when it is issued.
- Issuing (ban hành) takes the next number of the calendar year for the document type, under a
  lock (PostgreSQL advisory lock; the unique constraint and a retry are the backstop), refreshes a
  report's cases and figures as of the issue date, renders the PDF, stores it with its sha256
  and freezes everything: an issued document is never edited again.
"""

from __future__ import annotations

import zlib
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

from blinker import Namespace
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import exists, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from inspect_app.auth.models import User
from inspect_app.cases.models import Case, CaseState, EscalationStep
from inspect_app.cases.queries import overdue_clause
from inspect_app.core import audit, clock, files
from inspect_app.core.errors import Forbidden, OperationError
from inspect_app.core.models import check_version
from inspect_app.core.roles import Role
from inspect_app.extensions import db
from inspect_app.inspections.models import Inspection
from inspect_app.notifications.operations import notify
from inspect_app.recovery.queries import province_rates
from inspect_app.reference.calendar import current_calendar
from inspect_app.reference.models import ActivityKind, IssuingBody
from inspect_app.reports import documents, layout, signing
from inspect_app.reports.layout import number_text
from inspect_app.reports.models import (
    EDITORS,
    REGISTRARS,
    Document,
    DocumentItem,
    DocumentKind,
    DocumentState,
)
from inspect_app.units.models import Unit

NUMBER_LOCK_KEY = 7_310_002  # PostgreSQL advisory lock (with the kind and year) for numbering
DRAFT_FIELDS = (
    "title",
    "recipient",
    "body",
    "distribution",
    "signer_authority",
    "signer_title",
    "signer_name",
    "period_start",
    "period_end",
)
AUTHORITIES = ("TM.", "Q.", "KT.", "TL.", "TUQ.")

# Sent once a document has been issued (in the issuing transaction), with `actor`: the features
# above documents that own a kind of document (a check decision) react to it.
document_issued = Namespace().signal("document-issued")


def _snapshot(doc: Document) -> dict:
    return audit.snapshot(doc, ("kind", "state", "year", "number", *DRAFT_FIELDS))


# --- selections ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What a document copies from a case, as plain values read in one query with the unit
    and the inspection (the report drafts and urging letters are built from these)."""

    id: int
    reference: str
    title: str
    required_action: str | None
    due_date: date
    escalation_level: int
    unit_id: int
    unit_name: str
    inspection_title: str
    conclusion_number: str | None
    conclusion_date: date | None
    # The activity's kind and issuing body (a check of Sở Nội vụ is followed up under its own
    # letterhead, symbols and words); no body: the configured inspectorate.
    is_check: bool = False
    body_name: str | None = None
    body_code: str | None = None
    body_signer: str | None = None
    body_display: str | None = None

    @property
    def word(self) -> str:
        """ "thanh tra" or "kiểm tra": what the documents call the activity."""
        return "kiểm tra" if self.is_check else "thanh tra"

    @property
    def issuer(self) -> str:
        """Who issued the conclusion and follows it up: "Thanh tra tỉnh", "Sở Nội vụ"."""
        return self.body_display or "Thanh tra tỉnh"

    @property
    def conclusion(self) -> str | None:
        """ "Kết luận thanh tra số 12/KL-TTr ngày 05/02/2026" ("Kết luận kiểm tra số ..." for a
        check), or None for an inspection not concluded."""
        if not self.conclusion_number:
            return None
        text = f"Kết luận {self.word} số {self.conclusion_number}"
        if self.conclusion_date:
            text += f" ngày {documents.short_date(self.conclusion_date)}"
        return text


def _facts_stmt():
    return (
        select(
            Case.id,
            Case.inspection_id,
            Case.number,
            Case.title,
            Case.required_action,
            Case.due_date,
            Case.escalation_level,
            Case.responsible_unit_id,
            Unit.name,
            Inspection.title,
            Inspection.conclusion_number,
            Inspection.conclusion_date,
            Inspection.kind,
            IssuingBody.name,
            IssuingBody.code,
            IssuingBody.signer_title,
            IssuingBody.display_name,
        )
        .join(Unit, Unit.id == Case.responsible_unit_id)
        .join(Inspection, Inspection.id == Case.inspection_id)
        .outerjoin(IssuingBody, IssuingBody.id == Inspection.issuing_body_id)
    )


def case_facts(stmt) -> list[CaseFacts]:
    """The rows of a `_facts_stmt()` selection as CaseFacts, in the selection's order."""
    return [
        CaseFacts(
            id=case_id,
            reference=Case.reference_of(inspection_id, number),
            title=title,
            required_action=action,
            due_date=due,
            escalation_level=level,
            unit_id=unit_id,
            unit_name=unit_name,
            inspection_title=inspection_title,
            conclusion_number=conclusion_number,
            conclusion_date=conclusion_date,
            is_check=kind == ActivityKind.KIEM_TRA,
            body_name=body_name,
            body_code=body_code,
            body_signer=body_signer,
            body_display=body_display,
        )
        for (
            case_id,
            inspection_id,
            number,
            title,
            action,
            due,
            level,
            unit_id,
            unit_name,
            inspection_title,
            conclusion_number,
            conclusion_date,
            kind,
            body_name,
            body_code,
            body_signer,
            body_display,
        ) in db.session.execute(stmt)
    ]


def facts_of(case_ids: Collection[int]) -> list[CaseFacts]:
    """The facts of the given cases, in id order."""
    return case_facts(_facts_stmt().where(Case.id.in_(list(case_ids))).order_by(Case.id))


def report_cases_stmt(as_of: date):
    """Open, overdue cases that reached level 3 for their current deadline and are not yet in an
    issued report for that deadline (SQL, the columns of `CaseFacts`)."""
    level_3 = exists().where(
        EscalationStep.case_id == Case.id,
        EscalationStep.step == "level_3",
        EscalationStep.due_date == Case.due_date,
    )
    reported = exists().where(
        DocumentItem.case_id == Case.id,
        DocumentItem.due_date == Case.due_date,
        DocumentItem.document_id == Document.id,
        Document.kind == DocumentKind.REPORT,
        Document.state == DocumentState.ISSUED,
    )
    return (
        _facts_stmt()
        .where(Case.escalation_level >= 3, overdue_clause(as_of), level_3, ~reported)
        .order_by(Case.due_date, Case.id)
    )


def period_figures(start: date, end: date, as_of: date) -> dict[str, int]:
    """Counts by state, overdue on `as_of`, created / accepted and urging letters issued in the
    period (two aggregate queries, whatever the number of cases)."""
    lo, hi = clock.start_of_local_day(start), clock.start_of_local_day(end + timedelta(days=1))
    columns = [func.count().filter(Case.state == s).label(s.value) for s in CaseState]
    columns += [
        func.count().label("total"),
        func.count().filter(overdue_clause(as_of)).label("overdue"),
        func.count().filter(Case.created_at >= lo, Case.created_at < hi).label("created_in_period"),
        func.count()
        .filter(Case.state == CaseState.ACCEPTED, Case.closed_at >= lo, Case.closed_at < hi)
        .label("accepted_in_period"),
    ]
    row = db.session.execute(select(*columns).select_from(Case)).one()
    figures = {k: int(v) for k, v in row._mapping.items()}
    figures["urging_in_period"] = db.session.execute(
        select(func.count())
        .select_from(Document)
        .where(
            Document.kind == DocumentKind.URGING,
            Document.state == DocumentState.ISSUED,
            Document.issued_at >= lo,
            Document.issued_at < hi,
        )
    ).scalar_one()
    return figures


class OverdueDays:
    """Working days overdue from a Calendar covering the cases' deadlines up to `as_of`, each
    distinct deadline counted once (a batch shares few deadlines)."""

    def __init__(self, facts: list[CaseFacts], as_of: date):
        self.cal = current_calendar()
        self.as_of, self.cache = as_of, {}

    def overdue(self, due: date) -> int:
        if due not in self.cache:
            self.cache[due] = max(0, self.cal.between(due, self.as_of))
        return self.cache[due]


def item_values(facts: CaseFacts, days: OverdueDays, position: int, proposal: str | None) -> dict:
    """The column values of a document row copying the case."""
    return dict(
        position=position,
        case_id=facts.id,
        unit_name=facts.unit_name,
        case_reference=facts.reference,
        case_title=facts.title,
        required_action=facts.required_action,
        conclusion=facts.conclusion,
        due_date=facts.due_date,
        working_days_overdue=days.overdue(facts.due_date),
        escalation_level=facts.escalation_level,
        proposal=proposal,
    )


def _proposal(unit_name: str) -> str:
    return (
        f"Đề nghị {documents.people_committee()} chỉ đạo xem xét, xử lý trách nhiệm người đứng "
        f"đầu {unit_name} theo quy định."
    )


def _fill_report(doc: Document, as_of: date) -> None:
    """(Re)build a report draft's case rows and figures as of `as_of`."""
    cases = case_facts(report_cases_stmt(as_of))
    cases.sort(key=lambda c: (c.unit_name, c.due_date, c.id))
    days = OverdueDays(cases, as_of)
    doc.items.clear()
    db.session.flush()
    doc.items.extend(
        DocumentItem(**item_values(case, days, position, _proposal(case.unit_name)))
        for position, case in enumerate(cases, start=1)
    )
    figures = period_figures(doc.period_start, doc.period_end, as_of)
    figures["reported"] = len(cases)
    figures.update(recovery_figures_of_report())
    doc.figures = figures
    doc.as_of = as_of


def recovery_figures_of_report() -> dict[str, str]:
    """The recovery headline for the report: recommended, recovered and rate per measure, as
    exact strings (the figures are JSON)."""
    figures = {}
    for measure, row in province_rates().items():
        key = "vnd" if measure == "VND" else "m2"
        figures[f"recovery_{key}_recommended"] = str(row.recommended)
        figures[f"recovery_{key}_recovered"] = str(row.recovered)
        figures[f"recovery_{key}_rate"] = "" if row.rate is None else str(row.rate)
    return figures


def _check_period(start: date, end: date) -> None:
    if end < start:
        raise OperationError(
            _("The end of the period must not be before its start."), field="period_end"
        )


def default_report_title(start: date, end: date) -> str:
    last = (end.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    if start.day == 1 and end == last and start.month == end.month and start.year == end.year:
        period = f"tháng {start.month:02d}/{start.year}"
    else:
        period = f"từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"
    return f"Tình hình thực hiện kiến nghị thanh tra quá hạn {period}"


# --- reports ---------------------------------------------------------------------------------


def build_report_draft(actor: User | None, period_start: date, period_end: date) -> Document:
    """A new report draft for the period from the level-3 cases and the period's figures;
    422 for a period ending before it starts, 403 for a user who may not draft reports."""
    if actor is not None and actor.role not in EDITORS:
        raise Forbidden()
    _check_period(period_start, period_end)
    today = clock.today()
    head = documents.letterhead()
    unit = documents.drafting_unit()
    doc = Document(
        kind=DocumentKind.REPORT,
        year=today.year,
        state=DocumentState.DRAFT,
        **head,
        symbol=DocumentKind.REPORT.symbol_for(documents.body_code(head["issuing_body"]), unit),
        drafting_unit=unit,
        title=default_report_title(period_start, period_end),
        recipient=documents.people_committee(),
        body=None,
        distribution=f"- Như trên;\n- Thanh tra Chính phủ (để báo cáo);\n- Lưu: VT, {unit}.",
        signer_authority=None,
        signer_title=str(documents.setting("DOCUMENT_SIGNER_TITLE")),
        period_start=period_start,
        period_end=period_end,
        as_of=today,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(doc)
    _fill_report(doc, today)
    db.session.flush()
    audit.record(actor, doc, "document_drafted", after=_snapshot(doc), object_type="Document")
    return doc


def refresh_report(actor: User | None, doc: Document, version: int | None = None) -> Document:
    """Rebuild a report draft's cases and figures as of today; 403, 409, 422 when issued."""
    if actor is not None and not doc.can_edit(actor):
        raise Forbidden()
    _refuse_issued(doc)
    check_version(doc, version)
    if doc.kind != DocumentKind.REPORT:
        raise OperationError(_("Only reports are rebuilt from the cases."))
    _fill_report(doc, clock.today())
    doc.updated_at = clock.now()  # the version moves on: an older edit form is now stale
    db.session.flush()
    audit.record(actor, doc, "document_refreshed", note=str(len(doc.items)), object_type="Document")
    return doc


def monthly_report_draft(as_of: date) -> tuple[Document | None, str]:
    """The report draft for the month before `as_of`: built, or refreshed if one exists; nothing
    once that month's report has been issued."""
    end = as_of.replace(day=1) - timedelta(days=1)
    start = end.replace(day=1)
    existing = db.session.execute(
        select(Document)
        .where(
            Document.kind == DocumentKind.REPORT,
            Document.period_start == start,
            Document.period_end == end,
        )
        .order_by(Document.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if existing is not None and existing.is_issued:
        return existing, "already issued"
    if existing is not None:
        return refresh_report(None, existing), "refreshed"
    return build_report_draft(None, start, end), "drafted"


def _refuse_issued(doc: Document) -> None:
    if doc.is_issued:
        raise OperationError(
            _(
                "Document %(num)s has been issued and can no longer be changed.",
                num=doc.number_label,
            ),
            status=409,
        )


def update_draft(actor: User, doc: Document, data: dict, version: int) -> Document:
    """Edit a draft's text (summary, recipients, signer; a report's period); 403, 409 (stale or
    already issued), 422 for a period ending before it starts."""
    if not doc.can_edit(actor):
        if doc.is_issued:
            _refuse_issued(doc)
        raise Forbidden()
    check_version(doc, version)
    before = _snapshot(doc)
    if doc.kind == DocumentKind.REPORT:
        start = data.get("period_start") or doc.period_start
        end = data.get("period_end") or doc.period_end
        _check_period(start, end)
    changed_period = False
    for field in DRAFT_FIELDS:
        if field not in data:
            continue
        if field in ("period_start", "period_end"):
            if doc.kind != DocumentKind.REPORT or data[field] is None:
                continue
            changed_period |= getattr(doc, field) != data[field]
        setattr(doc, field, data[field])
    if changed_period:
        _fill_report(doc, clock.today())
    doc.distribution = "\n".join(documents.distribution_lines(doc.distribution, doc.drafting_unit))
    doc.updated_at = clock.now()
    db.session.flush()
    audit.record(actor, doc, "document_edited", before, _snapshot(doc), object_type="Document")
    return doc


# --- urging letters ----------------------------------------------------------------------------


def urging_distribution(unit: str) -> str:
    return f"- Như trên;\n- Chủ tịch UBND tỉnh (để báo cáo);\n- Lưu: VT, {unit}."


def conclusion_citation(case: CaseFacts) -> str:
    """The conclusion at its first citation: number, date, issuer and summary ("Kết luận thanh
    tra số 12/KL-TTr ngày 05/3/2026 của Chánh Thanh tra tỉnh về ...")."""
    title = case.inspection_title
    summary = f"{title[:1].lower()}{title[1:]}"
    if not case.conclusion_number:
        return f"kết quả {summary}"
    text = f"Kết luận {case.word} số {case.conclusion_number}"
    if case.conclusion_date:
        text += f" ngày {documents.short_date(case.conclusion_date)}"
    signer = "Chánh Thanh tra tỉnh"
    if case.is_check and case.body_signer and case.body_display:
        signer = f"{case.body_signer.capitalize()} {case.body_display}"
    return f"{text} của {signer} về {summary}"


def urging_summary(case: CaseFacts) -> str:
    """The letter's "V/v" line: names the conclusion by number and date, never an internal code."""
    if not case.conclusion_number:
        return f"V/v đôn đốc thực hiện kiến nghị {case.word}"
    text = f"V/v đôn đốc thực hiện Kết luận {case.word} số {case.conclusion_number}"
    if case.conclusion_date:
        text += f" ngày {documents.short_date(case.conclusion_date)}"
    return text


def urging_body(case: CaseFacts, as_of: date, days: int) -> str:
    """The editable text of an urging letter about `case` (Vietnamese, the official wording)."""
    unit = case.unit_name
    basis = conclusion_citation(case)
    reply = int(documents.setting("URGING_REPLY_WORKING_DAYS"))
    action = (case.required_action or case.title).rstrip(".")
    issuer = case.issuer
    return (
        f"Thực hiện {basis}, {issuer} đã kiến nghị {unit} thực hiện nội dung: "
        f"{case.title}, cụ thể: {action}; thời hạn hoàn thành trước ngày "
        f"{documents.short_date(case.due_date)}.\n\n"
        f"Đến ngày {documents.short_date(as_of)}, đã quá thời hạn {days} ngày làm việc nhưng {unit} chưa báo "
        f"cáo kết quả thực hiện về {issuer}.\n\n"
        f"{issuer} đề nghị {unit} khẩn trương thực hiện kiến nghị nêu trên và báo cáo kết "
        f"quả bằng văn bản, kèm theo hồ sơ, tài liệu chứng minh, về {issuer} trong thời hạn "
        f"{reply} ngày làm việc kể từ ngày nhận được văn bản này. Quá thời hạn trên, {issuer} "
        f"sẽ báo cáo {documents.people_committee()} xem xét, xử lý trách nhiệm người đứng "
        "đầu đơn vị theo quy định."
    )


def insert_ignoring_duplicates(table):
    """INSERT ... ON CONFLICT DO NOTHING on PostgreSQL and SQLite (>= 3.35 for RETURNING)."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()


def _expire(model, ids: Collection[int]) -> None:
    """Expire the loaded objects of `model` with these ids: rows were changed with SQL."""
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, model) and obj.id in ids:
            db.session.expire(obj)


def create_urging_letters(
    case_ids: Collection[int], as_of: date, actor: User | None = None
) -> dict[int, int]:
    """Draft the urging letter (văn bản đôn đốc) for each case and its current deadline, for
    the Chief Inspector to issue; set-based (one statement for the letters, one for their
    rows), for one case or the sweep's batch. A case that has its letter for the deadline is
    skipped (one letter per case and deadline, whoever calls this and how often, even
    concurrently). Returns the drafted letters' ids by case id."""
    facts = facts_of(case_ids)
    existing = set(
        db.session.execute(
            select(Document.case_id, Document.due_date).where(
                Document.kind == DocumentKind.URGING, Document.case_id.in_([f.id for f in facts])
            )
        ).all()
    )
    facts = [f for f in facts if (f.id, f.due_date) not in existing]
    if not facts:
        return {}
    days = OverdueDays(facts, as_of)
    letterhead = documents.letterhead()
    unit = documents.drafting_unit()
    symbol = DocumentKind.URGING.symbol_for(documents.body_code(letterhead["issuing_body"]), unit)
    signer_title = str(documents.setting("DOCUMENT_SIGNER_TITLE"))

    def issuer(f: CaseFacts) -> dict:
        """The letter's letterhead, symbol and signer: the activity's body (a check of Sở Nội
        vụ: "SNV-NV", GIÁM ĐỐC), else the configured inspectorate's."""
        if f.body_name is None:
            return {**letterhead, "symbol": symbol, "signer_title": signer_title}
        return {
            **documents.letterhead(f.body_name),
            "symbol": DocumentKind.URGING.symbol_for(f.body_code, unit),
            "signer_title": f.body_signer,
        }

    now = clock.now()
    rows = {
        f.id: dict(
            kind=DocumentKind.URGING,
            year=as_of.year,
            state=DocumentState.DRAFT,
            **issuer(f),
            drafting_unit=unit,
            number_typed=False,
            title=urging_summary(f),
            recipient=f.unit_name,
            body=urging_body(f, as_of, days.overdue(f.due_date)),
            distribution=urging_distribution(unit),
            signer_authority=None,
            signer_name=None,
            as_of=as_of,
            case_id=f.id,
            due_date=f.due_date,
            unit_id=f.unit_id,
            created_by_id=getattr(actor, "id", None),
            created_at=now,
            updated_at=now,
            version=1,
        )
        for f in facts
    }
    table = Document.__table__
    stmt = insert_ignoring_duplicates(table).returning(table.c.case_id, table.c.id)
    inserted = dict(db.session.execute(stmt, list(rows.values())).all())
    drafted = [f for f in facts if f.id in inserted]  # another process may have drafted some
    if not drafted:
        return {}
    db.session.execute(
        DocumentItem.__table__.insert(),
        [{**item_values(f, days, 1, None), "document_id": inserted[f.id]} for f in drafted],
    )
    audit.record_many(
        [
            {
                "actor_id": getattr(actor, "id", None),
                "object_type": "Document",
                "object_id": inserted[f.id],
                "action": "document_drafted",
                "after": {
                    **audit.jsonable({k: rows[f.id][k] for k in ("kind", "state", "year")}),
                    "number": None,
                    **{k: audit.jsonable(rows[f.id].get(k)) for k in DRAFT_FIELDS},
                },
            }
            for f in drafted
        ],
        plain=True,
    )
    return {f.id: inserted[f.id] for f in drafted}


def add_to_report_drafts(case_ids: Collection[int], as_of: date) -> int:
    """Level 3: put the cases (in id order) into every open report draft that lacks them
    (issued reports never change), positions continuing each draft's, its "reported" figure
    updated and its version moved on; later drafts pick them up from the SQL selection anyway.
    Set-based, for one case or the sweep's batch. Returns the number of rows added."""
    drafts = db.session.execute(
        select(Document.id, Document.figures).where(
            Document.kind == DocumentKind.REPORT, Document.state == DocumentState.DRAFT
        )
    ).all()
    if not drafts or not case_ids:
        return 0
    draft_ids = [d.id for d in drafts]
    facts = facts_of(case_ids)
    present = set(
        db.session.execute(
            select(DocumentItem.document_id, DocumentItem.case_id).where(
                DocumentItem.document_id.in_(draft_ids),
                DocumentItem.case_id.in_([f.id for f in facts]),
            )
        ).all()
    )
    last = dict(
        db.session.execute(
            select(DocumentItem.document_id, func.max(DocumentItem.position))
            .where(DocumentItem.document_id.in_(draft_ids))
            .group_by(DocumentItem.document_id)
        ).all()
    )
    days = OverdueDays(facts, as_of)
    items = []
    for doc_id in draft_ids:
        position = last.get(doc_id) or 0
        for f in facts:
            if (doc_id, f.id) in present:
                continue
            position += 1
            values = item_values(f, days, position, _proposal(f.unit_name))
            items.append({**values, "document_id": doc_id})
    if not items:
        return 0
    db.session.execute(DocumentItem.__table__.insert(), items)
    counts = dict(
        db.session.execute(
            select(DocumentItem.document_id, func.count())
            .where(DocumentItem.document_id.in_(draft_ids))
            .group_by(DocumentItem.document_id)
        ).all()
    )
    table = Document.__table__
    for doc_id, figures in drafts:
        if figures is None:
            continue
        db.session.execute(
            table.update()
            .where(table.c.id == doc_id)
            .values(
                figures={**figures, "reported": counts.get(doc_id, 0)},
                version=table.c.version + 1,
                updated_at=clock.now(),
            )
        )
    _expire(Document, set(draft_ids))
    return len(items)


# --- signing, registration and dispatch --------------------------------------------------------


def _refuse_signed(doc: Document) -> None:
    _refuse_issued(doc)
    if doc.is_signed:
        raise OperationError(
            _("The document has been signed and awaits registration by the clerk."), status=409
        )


def sign(actor: User, doc: Document, version: int | None) -> Document:
    """Sign (ký) a draft: the signer's authority prefix and position from the signing rules, the
    report's cases and figures as of today, recipients checked; no number yet (the clerk gives
    it). 403 (not a signer), 409 (stale, already signed or issued), 422 (empty, not needed)."""
    if not doc.can_sign(actor):
        if doc.state != DocumentState.DRAFT and doc.is_signer(actor):
            _refuse_signed(doc)
        raise Forbidden()
    check_version(doc, version)
    today = clock.today()
    if doc.kind == DocumentKind.REPORT:
        _fill_report(doc, today)
    elif doc.kind != DocumentKind.PERIODIC:  # a periodic report's figures stand at its cut-off
        doc.as_of = today
    _check_issuable(doc)
    before = _snapshot(doc)
    rule = documents.signing_for(actor.title)
    if rule is not None:
        doc.signer_authority, doc.signer_title = rule
    doc.signer_name = doc.signer_name or actor.full_name
    own = [line for line in doc.signer_title.splitlines() if line.strip()]
    doc.distribution = "\n".join(
        documents.distribution_lines(doc.distribution, doc.drafting_unit, own[-1] if own else None)
    )
    for key, value in documents.letterhead(doc.issuing_body).items():
        setattr(doc, key, value)
    doc.state, doc.signed_at, doc.signed_by_id = DocumentState.SIGNED, clock.now(), actor.id
    doc.updated_at = clock.now()
    db.session.flush()
    audit.record(actor, doc, "document_signed", before, _snapshot(doc), object_type="Document")
    _notify_registrars(actor, doc)
    return doc


def _register_key(body: str, symbol: str) -> int:
    """A signed 32-bit key of one register (issuing body and symbol) for the advisory lock."""
    key = zlib.crc32(f"{body}|{symbol}".encode())
    return key - (1 << 32) if key >= 1 << 31 else key


def _lock_numbers(body: str, symbol: str, year: int) -> None:
    """Serialise numbering of one register and year until the transaction ends. PostgreSQL: an
    advisory lock. SQLite: a no-op write takes the database's write lock now, so that a second
    writer waits for the first to commit instead of failing later. Taken before anything else
    in the transaction (the audit chain lock comes after it, always in that order)."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        db.session.execute(
            text("SELECT pg_advisory_xact_lock(:k, :v)"),
            {"k": _register_key(body, symbol), "v": NUMBER_LOCK_KEY + year},
        )
    elif dialect == "sqlite":
        db.session.execute(text("UPDATE document SET number = number WHERE 1 = 0"))


def _numbered(body: str, symbol: str, year: int):
    return (
        Document.issuing_body == body,
        Document.symbol == symbol,
        Document.year == year,
        Document.state == DocumentState.ISSUED,
    )


def next_number(body: str, symbol: str, year: int) -> int:
    """The next number of the register (issuing body, symbol) in that calendar year (numbers
    restart each year)."""
    last = db.session.execute(
        select(func.max(Document.number)).where(*_numbered(body, symbol, year))
    ).scalar_one()
    return (last or 0) + 1


def next_label(doc: Document) -> str:
    """ "03/BC-TTr": the number the clerk would give `doc` today (shown on the register form)."""
    number = next_number(doc.issuing_body, doc.symbol, clock.today().year)
    return number_text(number, doc.symbol)


def _number_taken(body: str, symbol: str, year: int, number: int) -> bool:
    return (
        db.session.execute(
            select(Document.id).where(*_numbered(body, symbol, year), Document.number == number)
        ).first()
        is not None
    )


def _check_issuable(doc: Document) -> None:
    if doc.is_empty_report:
        raise OperationError(
            _("An empty report cannot be issued: it has no cases and no summary text."),
            field="body",
        )
    if doc.kind == DocumentKind.URGING:
        case = doc.case
        if case is None or case.state != CaseState.OPEN or case.due_date != doc.due_date:
            raise OperationError(
                _(
                    "The case is no longer open with this deadline: this urging letter is not "
                    "needed any more."
                )
            )
    if doc.kind == DocumentKind.CHECK_DECISION:
        stale = db.session.execute(
            select(func.count())
            .select_from(DocumentItem)
            .join(Case, Case.id == DocumentItem.case_id)
            .where(
                DocumentItem.document_id == doc.id,
                (Case.state != CaseState.OPEN) | (Case.due_date != DocumentItem.due_date),
            )
        ).scalar_one()
        if not doc.items or stale:
            raise OperationError(
                _(
                    "Some cases of this decision are no longer open with the deadline it "
                    "covers: draft the decision again from the overdue cases."
                )
            )


def _check_registration(doc: Document, day: date, year: int | None, number: int | None):
    if day > clock.today():
        raise OperationError(
            _("The registration date cannot be in the future."), field="registered_on"
        )
    signed = doc.signed_at.astimezone(clock.ZONE).date() if doc.signed_at else day
    if day < signed:
        raise OperationError(
            _("The registration date cannot be before the signature (%(day)s).", day=signed),
            field="registered_on",
        )
    if year is not None and year != day.year:
        raise OperationError(
            _(
                "The number is typed for %(year)s but the document is registered in %(day)s: "
                "numbers restart each year.",
                year=year,
                day=day.year,
            ),
            field="year",
        )
    if number is not None and _number_taken(doc.issuing_body, doc.symbol, day.year, number):
        raise OperationError(
            _(
                "Number %(num)s is already used in the %(year)s register of %(body)s.",
                num=number_text(number, doc.symbol),
                year=day.year,
                body=doc.issuing_body,
            ),
            field="number",
        )


def register(
    actor: User,
    doc: Document,
    version: int | None,
    number: int | None = None,
    registered_on: date | None = None,
    year: int | None = None,
) -> Document:
    """The clerk registers (vào sổ) a signed document: the next number of its issuing body's
    register for the year and symbol, or `number` typed from an external register (unique per
    body, symbol and year); the registration date; the PDF rendered and stored with its sha256;
    dispatch to the recipients. 403 (not the clerk), 409 (stale, not signed, already issued),
    422 (number taken, wrong year, bad date)."""
    if not doc.can_register(actor):
        if doc.state != DocumentState.SIGNED and actor.role in REGISTRARS:
            _refuse_issued(doc)
            raise OperationError(
                _("Only a signed document is registered: this one is still a draft."),
                status=409,
            )
        raise Forbidden()
    check_version(doc, version)
    day = registered_on or clock.today()
    _lock_numbers(doc.issuing_body, doc.symbol, day.year)
    # Another request may have registered it while this one waited for the lock.
    db.session.refresh(doc)
    _refuse_issued(doc)
    check_version(doc, version)
    _check_registration(doc, day, year, number)
    before = _snapshot(doc)
    for _attempt in range(5):
        doc.year = day.year
        doc.number = number or next_number(doc.issuing_body, doc.symbol, day.year)
        doc.number_typed = number is not None
        doc.registered_on = day
        doc.state, doc.issued_at, doc.issued_by_id = DocumentState.ISSUED, clock.now(), actor.id
        with db.session.no_autoflush:  # the row is complete only once the PDF is stored
            stored_name, sha256, size = files.store_bytes(_issued_pdf(doc))
        doc.pdf_stored_name, doc.pdf_sha256, doc.pdf_size = stored_name, sha256, size
        try:
            with db.session.begin_nested():
                db.session.flush()
            break
        except IntegrityError:
            # The number was taken meanwhile (only without the PostgreSQL lock): take the next.
            files.discard_written(stored_name)
            if number is not None:
                raise OperationError(
                    _("This number has just been used: choose another."), field="number"
                ) from None
    else:
        raise OperationError(_("No document number could be assigned. Please try again."))
    audit.record(actor, doc, "document_registered", before, _snapshot(doc), object_type="Document")
    audit.record(
        actor,
        doc,
        "document_pdf_stored",
        after={"sha256": doc.pdf_sha256, "size": doc.pdf_size},
        object_type="Document",
    )
    _notify_issued(actor, doc)
    document_issued.send(doc, actor=actor)
    return doc


def _issued_pdf(doc: Document) -> bytes:
    """The issued PDF, digitally signed (PAdES, visible in the signing space) when the agency's
    certificate is configured; 422 when it is configured but cannot sign (expired, unreadable)."""
    data, box = documents.render_signable(doc)
    if not signing.configured():
        if signing.required():
            raise OperationError(
                _(
                    "The document cannot be registered: it must carry the agency's digital "
                    "signature and no signing certificate (PKCS#12 file or PKCS#11 token) is "
                    "configured. Ask the administrator to configure it."
                )
            )
        return data
    if box is None:
        return data
    try:
        return signing.sign_pdf(data, box, layout.PAGE.height)
    except signing.SigningError as e:
        raise OperationError(
            _("The document cannot be signed digitally: %(reason)s", reason=str(e))
        ) from None


def upload_final(actor: User, doc: Document, data: bytes, version: int | None) -> Document:
    """The signed final (a scan or a digitally signed PDF) uploaded back: it becomes the issued
    file, its sha256 stored, never replaced. 403 (not the clerk), 409 (not issued, already
    uploaded, stale), 422 (not a PDF, or a signature that fails validation)."""
    if not Document.may_register(actor):
        raise Forbidden()
    check_version(doc, version)
    if not doc.is_issued:
        raise OperationError(_("Only an issued document has a signed final."), status=409)
    if doc.final_stored_name:
        raise OperationError(
            _(
                "The signed final of %(num)s has been filed and cannot be replaced.",
                num=doc.number_label,
            ),
            status=409,
        )
    if not data.startswith(b"%PDF-"):
        raise OperationError(_("The signed final must be a PDF file."), field="file")
    if not signing.readable_pdf(data):
        raise OperationError(
            _("The file cannot be read as a PDF (damaged or incomplete): scan or save it again."),
            field="file",
        )
    status = signing.verify_pdf(data)
    if status.state == "invalid":
        raise OperationError(
            _(
                "The file's digital signature does not verify: the file was changed after it "
                "was signed, or the signature is damaged."
            ),
            field="file",
        )
    stored_name, sha256, size = files.store_bytes(data)
    doc.final_stored_name, doc.final_sha256, doc.final_size = stored_name, sha256, size
    doc.final_uploaded_at, doc.final_uploaded_by_id = clock.now(), actor.id
    doc.updated_at = clock.now()
    db.session.flush()
    audit.record(
        actor,
        doc,
        "document_final_filed",
        after={"sha256": sha256, "size": size, "signature": status.state, "signer": status.signer},
        object_type="Document",
    )
    return doc


def _notify_registrars(actor: User, doc: Document) -> None:
    clerks = db.session.execute(
        select(User).where(User.role.in_(REGISTRARS), User.active.is_(True))
    ).scalars()
    for user in clerks:
        if user.id == actor.id:
            continue
        with force_locale(user.locale):
            title = _("%(kind)s “%(title)s” has been signed: register and dispatch it.")
            notify(
                user,
                "document_signed",
                title % {"kind": doc.kind.label, "title": doc.title[:120]},
                link=doc.path,
            )


def _notify_issued(actor: User, doc: Document) -> None:
    """Dispatch: the unit's leaders for an urging letter, leadership for a report."""
    if doc.kind == DocumentKind.URGING:
        recipients = db.session.execute(
            select(User).where(
                User.role == Role.UNIT_LEADER, User.unit_id == doc.unit_id, User.active.is_(True)
            )
        ).scalars()
    elif doc.kind in (DocumentKind.REPORT, DocumentKind.PERIODIC):
        recipients = db.session.execute(
            select(User).where(
                User.role.in_((Role.LEADERSHIP, Role.CHAIRMAN)), User.active.is_(True)
            )
        ).scalars()
    else:
        return  # the feature owning the kind notifies (document_issued)
    for user in recipients:
        if user.id in (actor.id, doc.signed_by_id):  # the clerk and the signer know already
            continue
        with force_locale(user.locale):
            if doc.kind == DocumentKind.URGING:
                title = _(
                    "Urging letter %(num)s about case %(ref)s has been issued.",
                    num=doc.number_label,
                    ref=doc.items[0].case_reference if doc.items else "",
                )
            else:
                title = _(
                    "Report %(num)s to the People's Committee has been issued.",
                    num=doc.number_label,
                )
            notify(user, f"document_{doc.kind.value}", title, link=doc.path)
