"""The minutes of a check (biên bản kiểm tra việc thực hiện kết luận thanh tra) as the documents'
layout draws them (`reports.papers.Minutes`): filled from the check, its decision, team, units
and results."""

from __future__ import annotations

from sqlalchemy import select

from inspect_app.auth.models import User
from inspect_app.core import clock
from inspect_app.core.roles import Role
from inspect_app.extensions import db
from inspect_app.implementation_checks.models import ImplementationCheck
from inspect_app.reports import documents
from inspect_app.reports.papers import Minutes

OUTCOME_WORDS = {
    "done": "Đã thực hiện",
    "partly_done": "Thực hiện một phần",
    "not_done": "Chưa thực hiện",
}


def minutes_of(check: ImplementationCheck) -> Minutes:
    """What the check's minutes say: the decision (number, date, issuer, summary) and the
    conclusion it checks, the units checked and their heads, the team, the recorded summary
    and each case's result; unsigned ("chưa ký") until every result is recorded."""
    doc = check.document
    head = documents.letterhead(doc.issuing_body)
    authority = documents.in_text(documents.deciding_authority(doc.issuing_body))
    if doc.is_issued:
        issued = doc.issued_at.astimezone(clock.ZONE).date()
        decision = (
            f"Quyết định số {doc.number_label} ngày {documents.short_date(issued)} của "
            f"{authority} {doc.title[:1].lower()}{doc.title[1:]}"
        )
    else:
        decision = f"Quyết định của {authority} {doc.title[:1].lower()}{doc.title[1:]}"
    inspection = check.inspection
    conclusion = f"Kết luận thanh tra số {inspection.conclusion_number}"
    if inspection.conclusion_date:
        conclusion += f" ngày {documents.short_date(inspection.conclusion_date)}"
    units: dict[int, str] = {}
    for item in check.items:
        units.setdefault(item.case.responsible_unit_id, item.case.responsible_unit.name)
    heads = {
        user.unit_id: user.full_name
        for user in db.session.execute(
            select(User)
            .where(
                User.role == Role.UNIT_LEADER,
                User.unit_id.in_(list(units)),
                User.active.is_(True),
            )
            .order_by(User.id.desc())
        ).scalars()
    }
    team = ((check.lead.full_name, "Trưởng đoàn"),)
    team += tuple((m.full_name, "Thành viên") for m in check.members)
    results = tuple(
        (
            item.case.title,
            item.case.responsible_unit.name,
            OUTCOME_WORDS.get(item.outcome.value, "") if item.outcome else "",
            item.found or "",
        )
        for item in check.items
    )
    return Minutes(
        parent_body=head["issuing_body"],
        team_name="ĐOÀN KIỂM TRA",
        place=head["place"],
        day=check.minutes_date or clock.today(),
        decision=decision,
        conclusion=conclusion,
        units=tuple((name, heads.get(unit_id, "")) for unit_id, name in units.items()),
        team=team,
        summary=check.minutes_summary or "",
        results=results,
        lead_name=check.lead.full_name,
        draft=not all(item.outcome for item in check.items),
    )
