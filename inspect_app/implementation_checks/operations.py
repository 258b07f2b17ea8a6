"""State changes of checks of implementation: drafting the decision from the overdue cases of
one conclusion, reacting to its issue (number, date, signer come from the documents' issue),
recording the minutes and each case's result.

Every check is made before anything is written, so refused input leaves nothing half-saved;
each change writes an audit event on the check and one on every case it touches (the case's
timeline).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from inspect_app.auth.models import User
from inspect_app.cases.models import Case, CaseState
from inspect_app.core import audit, clock
from inspect_app.core.errors import Forbidden, OperationError
from inspect_app.core.files import PDF, store_upload
from inspect_app.core.models import check_version
from inspect_app.core.roles import STAFF, Role
from inspect_app.extensions import db
from inspect_app.implementation_checks.models import (
    CHECK_EDITORS,
    CheckedCase,
    CheckOutcome,
    ImplementationCheck,
)
from inspect_app.inspections.models import Inspection
from inspect_app.notifications.operations import notify
from inspect_app.reports import documents
from inspect_app.reports.models import Document, DocumentItem, DocumentKind, DocumentState
from inspect_app.reports.operations import (
    OverdueDays,
    conclusion_citation,
    document_issued,
    facts_of,
    item_values,
)

# "Nơi nhận" of a decision (the signer is never among them; the file copy names the drafting
# unit, Decree 30).
DISTRIBUTION = "- Như Điều 3;\n- Chủ tịch UBND tỉnh (để báo cáo);\n- Lưu: VT, {unit}."


def _conclusion_text(inspection: Inspection) -> str:
    """ "Kết luận thanh tra số 18/KL-TTr ngày 10/7/2025" or, for a check, "Kết luận kiểm tra
    số ..." (dates by the Decree 30 rule)."""
    text = f"{inspection.kind.official_terms['Conclusion']} số {inspection.conclusion_number}"
    if inspection.conclusion_date:
        text += f" ngày {documents.short_date(inspection.conclusion_date)}"
    return text


def issuer_of(inspection: Inspection) -> dict:
    """Who issues the activity's check decision: its body's letterhead, code, signer's title
    and legal bases (the configured inspectorate when the activity names no body)."""
    body = inspection.issuing_body
    if body is None:
        head = documents.letterhead()
        return {
            "head": head,
            "code": documents.body_code(head["issuing_body"]),
            "signer_title": str(documents.setting("DOCUMENT_SIGNER_TITLE")),
            "basis": documents.LEGAL_BASIS,  # the inspectorate's: Law 84/2025, Decree 216
        }
    return {
        "head": documents.letterhead(body.name),
        "code": body.code,
        "signer_title": body.signer_title,
        "basis": body.citations or documents.LEGAL_BASIS,
    }


def decision_body(inspection, facts, lead: User, members: list[User], start: date, end: date):
    """The editable text of the decision (Vietnamese, the official wording): its bases (the
    issuing body's, each instrument at its first citation: Law 84/2025 and Decree 216/2025 for
    an inspection, Decree 217/2025 for a check of Home Affairs), then Article 1 (what is
    checked: the recommendations by their content and unit, never an internal code), 2 (the
    team, Đoàn kiểm tra, and its period), 3 (who carries it out)."""
    basis = _conclusion_text(inspection)
    issuer = issuer_of(inspection)
    cases = "; ".join(f"{f.title} ({f.unit_name})" for f in facts)
    team = [f"Ông/Bà {lead.full_name} - Trưởng đoàn kiểm tra"]
    team += [f"Ông/Bà {m.full_name} - Thành viên" for m in members]
    return "\n\n".join(
        [
            *(f"Căn cứ {instrument};" for instrument in issuer["basis"]),
            f"Căn cứ {conclusion_citation(facts[0])};",
            "Theo đề nghị của bộ phận theo dõi, đôn đốc, kiểm tra việc thực hiện "
            f"{inspection.kind.official_terms['conclusion']}.",
            "QUYẾT ĐỊNH:",
            f"Điều 1. Kiểm tra việc thực hiện {basis} đối với các kiến nghị đã quá thời hạn "
            f"thực hiện sau khi đã có văn bản đôn đốc: {cases}.",
            f"Điều 2. Thành lập Đoàn kiểm tra gồm: {'; '.join(team)}. Thời gian kiểm tra từ "
            f"ngày {documents.short_date(start)} đến ngày {documents.short_date(end)}. Đoàn "
            "kiểm tra lập biên bản kiểm tra và báo cáo kết quả kiểm tra.",
            "Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Trưởng đoàn kiểm tra, các thành "
            "viên Đoàn kiểm tra và thủ trưởng các đơn vị có tên tại Điều 1 chịu trách nhiệm "
            "thi hành Quyết định này.",
        ]
    )


def _refuse(message: str, field: str = "case_ids"):
    raise OperationError(message, field=field)


def _team(lead_id: int, member_ids: Collection[int]) -> tuple[User, list[User]]:
    ids = {lead_id, *member_ids}
    users = {
        u.id: u
        for u in db.session.execute(
            select(User).where(User.id.in_(ids), User.active.is_(True), User.role.in_(STAFF))
        ).scalars()
    }
    if lead_id not in users:
        _refuse(_("Choose an active staff member as the team leader."), "lead_id")
    if any(m not in users for m in member_ids):
        _refuse(_("Every team member must be an active staff member."), "member_ids")
    members = [users[m] for m in sorted(set(member_ids) - {lead_id})]
    return users[lead_id], members


def covered_elsewhere(case_ids: Collection[int]) -> set[int]:
    """The cases among `case_ids` that a check decision (draft or issued) already covers at
    their current deadline."""
    return set(
        db.session.execute(
            select(CheckedCase.case_id)
            .join(Case, Case.id == CheckedCase.case_id)
            .where(CheckedCase.case_id.in_(list(case_ids)), CheckedCase.due_date == Case.due_date)
        ).scalars()
    )


def eligible_cases(inspection_id: int, today: date) -> list[Case]:
    """The cases of a conclusion a new check decision may cover: open, overdue, and not covered
    by another decision at their current deadline (the creation form's list; one query)."""
    taken = (
        select(CheckedCase.id)
        .where(CheckedCase.case_id == Case.id, CheckedCase.due_date == Case.due_date)
        .exists()
    )
    return list(
        db.session.execute(
            select(Case)
            .where(
                Case.inspection_id == inspection_id,
                Case.state == CaseState.OPEN,
                Case.due_date < today,
                ~taken,
            )
            .order_by(Case.number)
        ).scalars()
    )


def create_check(
    actor: User,
    inspection: Inspection,
    case_ids: Collection[int],
    lead_id: int,
    member_ids: Collection[int],
    period_start: date,
    period_end: date,
) -> ImplementationCheck:
    """Draft a decision to check implementation of `inspection`'s conclusion for the given
    cases (quyết định kiểm tra việc thực hiện kết luận thanh tra) with its team and period;
    the decision is numbered and signed when issued (documents). 403 for a user who may not;
    422 for cases that are not overdue, not open, of another conclusion, or covered by another
    decision, an unknown team member, a period ending before it starts, a conclusion not
    signed. Nothing is written unless everything holds."""
    if actor.role not in CHECK_EDITORS:
        raise Forbidden()
    if not inspection.conclusion_number:
        _refuse(_("The conclusion has not been signed yet: its implementation cannot be checked."))
    ids = sorted(set(case_ids))
    if not ids:
        _refuse(_("Choose at least one overdue case."))
    today = clock.today()
    cases = {c.id: c for c in db.session.execute(select(Case).where(Case.id.in_(ids))).scalars()}
    foreign = [i for i in ids if i not in cases or cases[i].inspection_id != inspection.id]
    if foreign:
        _refuse(
            _(
                "Some chosen cases belong to another conclusion: a check decision covers the "
                "cases of one conclusion."
            )
        )
    not_overdue = [cases[i].reference for i in ids if not cases[i].is_overdue(today)]
    if not_overdue:
        _refuse(
            _(
                "These cases are not overdue (or not open), so there is nothing to check: "
                "%(refs)s.",
                refs=", ".join(not_overdue),
            )
        )
    already = covered_elsewhere(ids)
    if already:
        _refuse(
            _(
                "These cases are covered by another check decision already: %(refs)s.",
                refs=", ".join(cases[i].reference for i in sorted(already)),
            )
        )
    if period_end < period_start:
        _refuse(_("The end of the period must not be before its start."), "period_end")
    lead, members = _team(lead_id, member_ids)

    facts = facts_of(ids)
    issuer, unit = issuer_of(inspection), documents.drafting_unit()
    doc = Document(
        kind=DocumentKind.CHECK_DECISION,
        year=today.year,
        state=DocumentState.DRAFT,
        **issuer["head"],
        symbol=DocumentKind.CHECK_DECISION.symbol_for(issuer["code"], unit),
        drafting_unit=unit,
        title=f"Về việc kiểm tra việc thực hiện {_conclusion_text(inspection)}",
        recipient=None,
        body=decision_body(inspection, facts, lead, members, period_start, period_end),
        distribution=DISTRIBUTION.format(unit=unit),
        signer_authority=None,
        signer_title=issuer["signer_title"],
        as_of=today,
        created_by_id=actor.id,
    )
    days = OverdueDays(facts, today)
    doc.items.extend(
        DocumentItem(**item_values(f, days, position, None))
        for position, f in enumerate(facts, start=1)
    )
    check = ImplementationCheck(
        inspection=inspection,
        document=doc,
        lead=lead,
        members=members,
        period_start=period_start,
        period_end=period_end,
        created_by_id=actor.id,
    )
    check.items.extend(CheckedCase(case_id=f.id, due_date=f.due_date) for f in facts)
    db.session.add(check)
    db.session.flush()
    audit.record(
        actor,
        check,
        "check_drafted",
        after={
            "inspection_id": inspection.id,
            "document_id": doc.id,
            "cases": ids,
            "lead_id": lead.id,
            "member_ids": [m.id for m in members],
            "period_start": period_start,
            "period_end": period_end,
        },
    )
    audit.record(actor, doc, "document_drafted", after={"kind": doc.kind}, object_type="Document")
    _on_cases(actor, ids, "check_drafted", {"check_id": check.id}, None)
    return check


def _on_cases(actor, case_ids, action: str, after: dict, note: str | None) -> None:
    """One audit event per case (the case's timeline), in id order, set-based."""
    audit.record_many(
        [
            {
                "actor_id": getattr(actor, "id", None),
                "object_type": "Case",
                "object_id": case_id,
                "action": action,
                "after": audit.jsonable(after),
                "note": note,
            }
            for case_id in sorted(case_ids)
        ]
    )


def check_of_document(document_id: int) -> ImplementationCheck | None:
    return db.session.execute(
        select(ImplementationCheck).where(ImplementationCheck.document_id == document_id)
    ).scalar_one_or_none()


@document_issued.connect
def _decision_issued(doc: Document, actor: User) -> None:
    """Once the decision is issued: its number, date and signer on every case's timeline, and
    the leaders of the cases' units told (in their language)."""
    if doc.kind != DocumentKind.CHECK_DECISION:
        return
    check = check_of_document(doc.id)
    if check is None:
        return
    day = doc.issued_at.astimezone(clock.ZONE).date()
    note = f"{doc.number_label} ngày {day:%d/%m/%Y}, {doc.signer_name}"
    after = {
        "check_id": check.id,
        "number": doc.number_label,
        "date": day,
        "signer": doc.signer_name,
    }
    audit.record(actor, check, "check_decided", after=after, note=note)
    _on_cases(actor, [i.case_id for i in check.items], "check_decided", after, note)
    units = {i.case.responsible_unit_id for i in check.items}
    leaders = db.session.execute(
        select(User).where(
            User.role == Role.UNIT_LEADER, User.unit_id.in_(units), User.active.is_(True)
        )
    ).scalars()
    for user in leaders:
        with force_locale(user.locale):
            title = _(
                "Decision %(num)s: the implementation of the conclusion will be checked from "
                "%(start)s to %(end)s.",
                num=doc.number_label,
                start=f"{check.period_start:%d/%m/%Y}",
                end=f"{check.period_end:%d/%m/%Y}",
            )
        notify(user, "check_decided", title, link=check.path)


def record_minutes(
    actor: User,
    check: ImplementationCheck,
    minutes_date: date,
    summary: str,
    version: int,
    upload=None,
) -> ImplementationCheck:
    """Record the minutes of the check (biên bản kiểm tra): their date, what they say and
    the signed minutes' file (`upload`, a PDF, stored through core.files); 403, 409 stale, 413
    file too large, 422 before the decision is issued, dated before it, a file not a PDF."""
    if not check.can_edit(actor):
        raise Forbidden()
    check_version(check, version)
    if not check.is_decided:
        _refuse(_("The decision has not been issued yet: the check has not begun."), "minutes_date")
    issued_on = check.document.issued_at.astimezone(clock.ZONE).date()
    if minutes_date < issued_on:
        _refuse(_("The minutes cannot be dated before the decision."), "minutes_date")
    if minutes_date > clock.today():
        _refuse(_("The minutes cannot be dated in the future."), "minutes_date")
    before = audit.snapshot(check, ("minutes_date", "minutes_summary"))
    check.minutes_date, check.minutes_summary = minutes_date, summary.strip()
    check.updated_at = clock.now()
    db.session.flush()
    after = audit.snapshot(check, ("minutes_date",))
    if upload is not None and getattr(upload, "filename", None):
        stored = store_upload(upload, actor, kinds=(PDF,), field="minutes_file", check_id=check.id)
        after["file"] = stored.original_name
        db.session.expire(check, ["minutes_files"])
    audit.record(actor, check, "check_minutes", before, after)
    return check


def record_results(
    actor: User, check: ImplementationCheck, results: dict[int, tuple[str, str]], version: int
) -> ImplementationCheck:
    """Record what the check found for each given case: done, partly done or not done, with
    what was found (set-based: one case or all of them). "Partly done" and "not done" let the
    responsibility proposal (level 3) follow. 403, 409 stale, 422 before the minutes, for a
    case the decision does not cover, an unknown outcome or a missing finding."""
    if not check.can_edit(actor):
        raise Forbidden()
    check_version(check, version)
    if not check.is_decided or check.minutes_date is None:
        _refuse(_("Record the minutes of the check first."), "results")
    if not results:
        _refuse(_("Record the result of at least one case."), "results")
    items = {i.case_id: i for i in check.items}
    for case_id, (outcome, found) in results.items():
        if case_id not in items:
            _refuse(_("This decision does not cover that case."), "results")
        if outcome not in {o.value for o in CheckOutcome}:
            _refuse(_("Not a valid choice."), "results")
        if not (found or "").strip():
            _refuse(_("Say what the check found for each case."), "results")
    now = clock.now()
    for case_id, (outcome, found) in sorted(results.items()):
        item = items[case_id]
        item.outcome, item.found = CheckOutcome(outcome), found.strip()
        item.recorded_by_id, item.recorded_at = actor.id, now
    check.updated_at = now
    db.session.flush()
    audit.record(
        actor, check, "check_results", after={str(k): v[0] for k, v in sorted(results.items())}
    )
    labels = {o.value: o for o in CheckOutcome}
    audit.record_many(
        [
            {
                "actor_id": actor.id,
                "object_type": "Case",
                "object_id": case_id,
                "action": "check_result",
                "after": {"check_id": check.id, "outcome": outcome},
                "note": f"{labels[outcome].label}: {found.strip()}"[:2000],
            }
            for case_id, (outcome, found) in sorted(results.items())
        ]
    )
    return check
