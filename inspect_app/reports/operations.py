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

from datetime import date, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import exists, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from inspect_app.auth.models import User
from inspect_app.cases.models import Case, CaseState
from inspect_app.cases.queries import overdue_clause
from inspect_app.core import audit, clock, files
from inspect_app.core.errors import Forbidden, OperationError
from inspect_app.core.models import check_version
from inspect_app.core.roles import Role
from inspect_app.escalation.models import EscalationStep
from inspect_app.extensions import db
from inspect_app.notifications.operations import notify
from inspect_app.reference.calendar import Calendar
from inspect_app.reports import documents
from inspect_app.reports.models import Document, DocumentItem, DocumentKind, DocumentState

NUMBER_LOCK_KEY = 7_310_002  # PostgreSQL advisory lock (with the kind and year) for numbering
ISSUERS = (Role.ADMIN, Role.LEADERSHIP)
EDITORS = (Role.ADMIN, Role.LEADERSHIP, Role.LEAD_INSPECTOR)
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
AUTHORITIES = ("TM.", "KT.", "TL.", "TUQ.")


def _link(doc: Document) -> str:
    return f"/reports/{doc.id}"


def _snapshot(doc: Document) -> dict:
    return audit.snapshot(doc, ("kind", "state", "year", "number", *DRAFT_FIELDS))


# --- selections ------------------------------------------------------------------------------


def report_cases_stmt(as_of: date):
    """Open, overdue cases that reached level 3 for their current deadline and are not yet in an
    issued report for that deadline (SQL; the relations the document copies loaded with them)."""
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
        select(Case)
        .options(joinedload(Case.responsible_unit), joinedload(Case.inspection))
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


def _item(case: Case, cal: Calendar, as_of: date, position: int, proposal: str | None):
    return DocumentItem(**_item_values(case, cal, as_of, position, proposal))


def _item_values(case, cal: Calendar, as_of: date, position: int, proposal: str | None) -> dict:
    """The column values of a document row copying `case` (a Case, or any object with the same
    attributes: the escalation sweep's bulk path passes plain rows)."""
    inspection = case.inspection
    conclusion = None
    if inspection.conclusion_number:
        conclusion = f"Kết luận số {inspection.conclusion_number}"
        if inspection.conclusion_date:
            conclusion += f" ngày {inspection.conclusion_date:%d/%m/%Y}"
    return dict(
        position=position,
        case_id=case.id,
        unit_name=case.responsible_unit.name,
        case_reference=case.reference,
        case_title=case.title,
        required_action=case.required_action,
        conclusion=conclusion,
        due_date=case.due_date,
        working_days_overdue=max(0, cal.between(case.due_date, as_of)),
        escalation_level=case.escalation_level,
        proposal=proposal,
    )


def _proposal(case: Case) -> str:
    return (
        f"Đề nghị {documents.people_committee()} chỉ đạo xem xét, xử lý trách nhiệm người đứng "
        f"đầu {case.responsible_unit.name} theo quy định."
    )


def _fill_report(doc: Document, as_of: date) -> None:
    """(Re)build a report draft's case rows and figures as of `as_of`."""
    cases = list(db.session.execute(report_cases_stmt(as_of)).unique().scalars())
    cases.sort(key=lambda c: (c.responsible_unit.name, c.due_date, c.id))
    cal = Calendar(min((c.due_date for c in cases), default=as_of), as_of)
    doc.items.clear()
    db.session.flush()
    doc.items.extend(
        _item(case, cal, as_of, position, _proposal(case))
        for position, case in enumerate(cases, start=1)
    )
    figures = period_figures(doc.period_start, doc.period_end, as_of)
    figures["reported"] = len(cases)
    doc.figures = figures
    doc.as_of = as_of


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
    doc = Document(
        kind=DocumentKind.REPORT,
        year=today.year,
        state=DocumentState.DRAFT,
        **documents.letterhead(),
        title=default_report_title(period_start, period_end),
        recipient=documents.people_committee(),
        body=None,
        distribution="- Như trên;\n- Thanh tra Chính phủ (để báo cáo);\n- Chánh Thanh tra tỉnh;"
        "\n- Lưu: VT, TTr.",
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
    doc.distribution = "\n".join(documents.distribution_lines(doc.distribution))
    doc.updated_at = clock.now()
    db.session.flush()
    audit.record(actor, doc, "document_edited", before, _snapshot(doc), object_type="Document")
    return doc


# --- urging letters ----------------------------------------------------------------------------


def urging_body(case: Case, as_of: date, days: int) -> str:
    """The editable text of an urging letter about `case` (Vietnamese, the official wording)."""
    unit = case.responsible_unit.name
    inspection = case.inspection
    if inspection.conclusion_number:
        basis = f"Kết luận thanh tra số {inspection.conclusion_number}"
        if inspection.conclusion_date:
            basis += f" ngày {inspection.conclusion_date:%d/%m/%Y}"
    else:
        basis = f"kết quả {inspection.title[:1].lower()}{inspection.title[1:]}"
    reply = int(documents.setting("URGING_REPLY_WORKING_DAYS"))
    return (
        f"Thực hiện {basis}, Thanh tra tỉnh đã kiến nghị {unit} thực hiện nội dung: "
        f"{case.title} ({case.reference}), cụ thể: {case.required_action.rstrip('.')}; thời hạn "
        f"hoàn thành trước ngày {case.due_date:%d/%m/%Y}.\n\n"
        f"Đến ngày {as_of:%d/%m/%Y}, đã quá thời hạn {days} ngày làm việc nhưng {unit} chưa báo "
        "cáo kết quả thực hiện về Thanh tra tỉnh.\n\n"
        f"Thanh tra tỉnh đề nghị {unit} khẩn trương thực hiện kiến nghị nêu trên và báo cáo kết "
        "quả bằng văn bản, kèm theo hồ sơ, tài liệu chứng minh, về Thanh tra tỉnh trong thời hạn "
        f"{reply} ngày làm việc kể từ ngày nhận được văn bản này. Quá thời hạn trên, Thanh tra "
        f"tỉnh sẽ báo cáo {documents.people_committee()} xem xét, xử lý trách nhiệm người đứng "
        "đầu đơn vị theo quy định."
    )


def create_urging_letter(case: Case, as_of: date, actor: User | None = None) -> Document | None:
    """Draft the urging letter for `case` and its current deadline; None if it already exists
    (one letter per case and deadline, whoever or whatever calls this and how often)."""
    exists_already = db.session.execute(
        select(Document.id).where(
            Document.kind == DocumentKind.URGING,
            Document.case_id == case.id,
            Document.due_date == case.due_date,
        )
    ).first()
    if exists_already:
        return None
    cal = Calendar(case.due_date, as_of)
    days = max(0, cal.between(case.due_date, as_of))
    doc = Document(
        kind=DocumentKind.URGING,
        year=as_of.year,
        state=DocumentState.DRAFT,
        **documents.letterhead(),
        title=f"V/v đôn đốc thực hiện kiến nghị {case.reference}",
        recipient=case.responsible_unit.name,
        body=urging_body(case, as_of, days),
        distribution="- Như trên;\n- Chủ tịch UBND tỉnh (để báo cáo);\n- Chánh Thanh tra tỉnh;"
        "\n- Lưu: VT, TTr.",
        signer_title=str(documents.setting("DOCUMENT_SIGNER_TITLE")),
        as_of=as_of,
        case_id=case.id,
        due_date=case.due_date,
        unit_id=case.responsible_unit_id,
        created_by_id=getattr(actor, "id", None),
    )
    doc.items.append(_item(case, cal, as_of, 1, None))
    try:
        with db.session.begin_nested():
            db.session.add(doc)
    except IntegrityError:  # another process drafted it between the check and the insert
        return None
    audit.record(actor, doc, "document_drafted", after=_snapshot(doc), object_type="Document")
    return doc


def add_to_report_drafts(case: Case, as_of: date) -> int:
    """Level 3: put the case into the open report drafts (issued reports never change); later
    drafts pick it up from the SQL selection anyway. Returns how many drafts took it."""
    drafts = list(
        db.session.execute(
            select(Document).where(
                Document.kind == DocumentKind.REPORT, Document.state == DocumentState.DRAFT
            )
        ).scalars()
    )
    taken = 0
    for doc in drafts:
        if any(item.case_id == case.id for item in doc.items):
            continue
        cal = Calendar(case.due_date, as_of)
        position = max((item.position for item in doc.items), default=0) + 1
        doc.items.append(_item(case, cal, as_of, position, _proposal(case)))
        if doc.figures is not None:
            doc.figures = {**doc.figures, "reported": len(doc.items)}
        taken += 1
    db.session.flush()
    return taken


# --- issuing -----------------------------------------------------------------------------------


def _lock_numbers(kind: DocumentKind, year: int) -> None:
    """Serialise numbering of one type and year until the transaction ends. PostgreSQL: an
    advisory lock. SQLite: a no-op write takes the database's write lock now, so that a second
    writer waits for the first to commit instead of failing later. Taken before anything else
    in the transaction (the audit chain lock comes after it, always in that order)."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        kind_index = list(DocumentKind).index(kind)
        db.session.execute(
            text("SELECT pg_advisory_xact_lock(:k, :v)"),
            {"k": NUMBER_LOCK_KEY, "v": year * 10 + kind_index},
        )
    elif dialect == "sqlite":
        db.session.execute(text("UPDATE document SET number = number WHERE 1 = 0"))


def next_number(kind: DocumentKind, year: int) -> int:
    """The next free number of the type in that calendar year (numbers restart each year)."""
    last = db.session.execute(
        select(func.max(Document.number)).where(
            Document.kind == kind, Document.year == year, Document.state == DocumentState.ISSUED
        )
    ).scalar_one()
    return (last or 0) + 1


def _check_issuable(doc: Document) -> None:
    if doc.kind == DocumentKind.REPORT and not doc.items and not (doc.body or "").strip():
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


def issue(actor: User, doc: Document, version: int | None) -> Document:
    """Issue (ban hành) a draft: next number of the year, PDF rendered and stored with its
    sha256, frozen; 403 (not leadership/admin), 409 (stale or already issued), 422 (empty)."""
    if actor.role not in ISSUERS:
        raise Forbidden()
    _refuse_issued(doc)
    check_version(doc, version)
    today = clock.today()
    _lock_numbers(doc.kind, today.year)
    # Another request may have issued it while this one waited for the lock.
    db.session.refresh(doc)
    _refuse_issued(doc)
    check_version(doc, version)
    if doc.kind == DocumentKind.REPORT:
        _fill_report(doc, today)
    else:
        doc.as_of = today
    _check_issuable(doc)
    before = _snapshot(doc)
    doc.signer_name = doc.signer_name or actor.full_name
    doc.distribution = "\n".join(documents.distribution_lines(doc.distribution))
    for key, value in documents.letterhead().items():
        setattr(doc, key, value)
    db.session.flush()
    values = {
        "signer_name": doc.signer_name,
        "distribution": doc.distribution,
        **documents.letterhead(),
    }
    for _attempt in range(5):
        for key, value in values.items():
            setattr(doc, key, value)
        doc.year, doc.number = today.year, next_number(doc.kind, today.year)
        doc.state, doc.issued_at, doc.issued_by_id = DocumentState.ISSUED, clock.now(), actor.id
        with db.session.no_autoflush:  # the row is complete only once the PDF is stored
            stored_name, sha256, size = files.store_bytes(documents.render_pdf(doc))
        doc.pdf_stored_name, doc.pdf_sha256, doc.pdf_size = stored_name, sha256, size
        try:
            with db.session.begin_nested():
                db.session.flush()
            break
        except IntegrityError:
            # The number was taken meanwhile (only without the PostgreSQL lock): take the next.
            files.discard_written(stored_name)
    else:
        raise OperationError(_("No document number could be assigned. Please try again."))
    audit.record(actor, doc, "document_issued", before, _snapshot(doc), object_type="Document")
    audit.record(
        actor,
        doc,
        "document_pdf_stored",
        after={"sha256": doc.pdf_sha256, "size": doc.pdf_size},
        object_type="Document",
    )
    _notify_issued(actor, doc)
    return doc


def _notify_issued(actor: User, doc: Document) -> None:
    if doc.kind == DocumentKind.URGING:
        recipients = db.session.execute(
            select(User).where(
                User.role == Role.UNIT_LEADER, User.unit_id == doc.unit_id, User.active.is_(True)
            )
        ).scalars()
    else:
        recipients = db.session.execute(
            select(User).where(User.role == Role.LEADERSHIP, User.active.is_(True))
        ).scalars()
    for user in recipients:
        if user.id == actor.id:
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
            notify(user, f"document_{doc.kind.value}", title, link=_link(doc))


# --- the escalation sweep's bulk path ----------------------------------------------------------


def _insert_ignoring_duplicates(table):
    """INSERT ... ON CONFLICT DO NOTHING on PostgreSQL and SQLite (>= 3.35 for RETURNING)."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table).on_conflict_do_nothing()


def create_urging_letters_bulk(cases: list, as_of: date, cal: Calendar) -> dict[int, dict]:
    """`create_urging_letter` for a batch of cases at once (the sweep's level 2): the same drafts
    and rows, inserted with one statement each (letters, their rows), skipping cases that
    already have their letter for the deadline. `cases` are objects with the attributes
    `urging_body` reads (plain rows); `cal` covers their deadlines up to `as_of`. Returns the
    audit event to record for each letter drafted, by case id (the caller records them in
    order with the cases' own events)."""
    if not cases:
        return {}
    letterhead = documents.letterhead()
    signer_title = str(documents.setting("DOCUMENT_SIGNER_TITLE"))
    distribution = (
        "- Như trên;\n- Chủ tịch UBND tỉnh (để báo cáo);\n- Chánh Thanh tra tỉnh;\n- Lưu: VT, TTr."
    )
    now = clock.now()
    existing = set(
        db.session.execute(
            select(Document.case_id, Document.due_date).where(
                Document.kind == DocumentKind.URGING,
                Document.case_id.in_([c.id for c in cases]),
            )
        ).all()
    )
    values, by_case = [], {}
    for case in cases:
        if (case.id, case.due_date) in existing:
            continue
        days = max(0, cal.between(case.due_date, as_of))
        row = dict(
            kind=DocumentKind.URGING,
            year=as_of.year,
            state=DocumentState.DRAFT,
            **letterhead,
            title=f"V/v đôn đốc thực hiện kiến nghị {case.reference}",
            recipient=case.responsible_unit.name,
            body=urging_body(case, as_of, days),
            distribution=distribution,
            signer_authority=None,
            signer_title=signer_title,
            signer_name=None,
            as_of=as_of,
            case_id=case.id,
            due_date=case.due_date,
            unit_id=case.responsible_unit_id,
            created_by_id=None,
            created_at=now,
            updated_at=now,
            version=1,
        )
        values.append(row)
        by_case[case.id] = (case, row)
    if not values:
        return {}
    stmt = _insert_ignoring_duplicates(Document.__table__).returning(
        Document.__table__.c.id, Document.__table__.c.case_id
    )
    inserted = dict((case_id, doc_id) for doc_id, case_id in db.session.execute(stmt, values).all())
    items, events = [], {}
    for case_id, doc_id in inserted.items():
        case, row = by_case[case_id]
        items.append({**_item_values(case, cal, as_of, 1, None), "document_id": doc_id})
        after = audit.jsonable({k: row.get(k) for k in ("kind", "state", "year", *DRAFT_FIELDS)})
        after["number"] = None
        events[case_id] = {
            "object_type": "Document",
            "object_id": doc_id,
            "action": "document_drafted",
            "after": after,
        }
    if items:
        db.session.execute(DocumentItem.__table__.insert(), items)
    return events


def add_to_report_drafts_bulk(cases: list, as_of: date, cal: Calendar) -> int:
    """`add_to_report_drafts` for a batch of level-3 cases (in order): the same rows appended to
    every open report draft that lacks them, positions continuing each draft's, its "reported"
    figure updated (and its version moved on once). Returns the number of rows added."""
    if not cases:
        return 0
    drafts = db.session.execute(
        select(Document.id, Document.figures).where(
            Document.kind == DocumentKind.REPORT, Document.state == DocumentState.DRAFT
        )
    ).all()
    if not drafts:
        return 0
    draft_ids = [d.id for d in drafts]
    ids = [c.id for c in cases]
    present = set(
        db.session.execute(
            select(DocumentItem.document_id, DocumentItem.case_id).where(
                DocumentItem.document_id.in_(draft_ids), DocumentItem.case_id.in_(ids)
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
    items = []
    for doc_id in draft_ids:
        position = last.get(doc_id) or 0
        for case in cases:
            if (doc_id, case.id) in present:
                continue
            position += 1
            values = _item_values(case, cal, as_of, position, _proposal(case))
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
    return len(items)
