"""Demo data of the follow-up: conclusions at each step of their lifecycle, and a check of
implementation with its decision issued, its minutes and a result (after the sweep).

Idempotent: lifecycle dates are set only where empty; the check is made only if none exists."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from inspect_app.cases.models import Case, CaseState
from inspect_app.core import clock
from inspect_app.extensions import db
from inspect_app.implementation_checks import operations as check_operations
from inspect_app.implementation_checks.models import CheckedCase, ImplementationCheck
from inspect_app.inspections.models import CONCLUDED_STATES, Inspection
from inspect_app.reports import operations as document_operations

D = date
# decision number -> lifecycle dates (what has been done so far)
LIFECYCLE = {
    # Closed: every step done.
    "05/QĐ-TTr": {
        "drafting_assigned_on": D(2026, 4, 6),
        "draft_submitted_on": D(2026, 4, 10),
        "appraised_on": D(2026, 4, 16),
        "published_on": D(2026, 4, 24),
        "posting_until": D(2026, 5, 15),
        "publication_channels": "Cổng thông tin điện tử tỉnh; niêm yết tại trụ sở Sở Nội vụ",
        "recommended_on": D(2026, 4, 27),
        "instruction_number": "215/UBND-NC",
        "instruction_date": D(2026, 5, 8),
    },
    # Monitoring: waits for the Chairman's instruction.
    "09/QĐ-TTr": {
        "drafting_assigned_on": D(2026, 6, 18),
        "draft_submitted_on": D(2026, 7, 1),
        "appraised_on": D(2026, 7, 8),
        "published_on": D(2026, 7, 20),
        "posting_until": D(2026, 8, 10),
        "publication_channels": "Cổng thông tin điện tử tỉnh; gửi báo cáo tại hội nghị",
        "recommended_on": D(2026, 7, 24),
    },
    # Concluded: signed, not yet published nor recommended to the Chairman (overdue).
    "14/QĐ-SNV": {
        "drafting_assigned_on": D(2026, 10, 5),
        "draft_submitted_on": D(2026, 10, 9),
        "appraised_on": D(2026, 10, 15),
    },
    # Reported: drafting assigned, the draft awaits its appraisal and signature.
    "18/QĐ-SNV": {
        "drafting_assigned_on": D(2026, 11, 13),
        "draft_submitted_on": D(2026, 11, 24),
    },
}


def seed_lifecycle() -> None:
    """Lifecycle dates on the demo inspections (before today only)."""
    today = clock.today()
    for number, values in LIFECYCLE.items():
        inspection = db.session.execute(
            select(Inspection).where(Inspection.decision_number == number)
        ).scalar_one_or_none()
        if inspection is None or inspection.drafting_assigned_on is not None:
            continue
        for key, value in values.items():
            if not isinstance(value, date) or value <= today:
                setattr(inspection, key, value)
    db.session.flush()


def seed_check(users: dict, titles: tuple[str, ...] | None = None) -> None:
    """After the sweep: a check decision on the most overdue open case of a signed conclusion
    (or on the open case titled one of `titles`, each once), issued, with its minutes and the
    result "not done" (so the next sweep proposes handling the responsibility in the report to
    the Chairman)."""
    lead, boss = users.get("truongdoan"), users.get("chanhthanhtra")
    if lead is None or boss is None:
        return
    if titles is None and db.session.execute(select(ImplementationCheck.id)).first():
        return
    today = clock.today()
    for case in _cases_to_check(today, titles):
        _check_not_done(lead, boss, users, case, today)


def _cases_to_check(today, titles: tuple[str, ...] | None) -> list[Case]:
    stmt = (
        select(Case)
        .join(Inspection, Inspection.id == Case.inspection_id)
        .where(
            Case.state == CaseState.OPEN,
            Case.due_date < today - timedelta(days=14),
            Inspection.state.in_(CONCLUDED_STATES),
        )
        .order_by(Case.due_date, Case.id)
    )
    if titles is None:
        return list(db.session.execute(stmt.limit(1)).scalars())
    covered = select(CheckedCase.case_id)
    stmt = stmt.where(Case.title.in_(titles), Case.id.not_in(covered))
    return list(db.session.execute(stmt).scalars())


def _check_not_done(lead, boss, users: dict, case: Case, today) -> None:
    members = [u.id for key in ("thanhtra1",) if (u := users.get(key))]
    check = check_operations.create_check(
        lead, case.inspection, [case.id], lead.id, members, today, today + timedelta(days=7)
    )
    db.session.flush()
    document_operations.sign(boss, check.document, check.document.version)
    clerk = users.get("vanthu") or users.get("admin") or boss
    document_operations.register(clerk, check.document, check.document.version)
    check_operations.record_minutes(
        lead,
        check,
        today,
        "Đoàn kiểm tra đã làm việc với đơn vị; đơn vị chưa ban hành văn bản khắc phục.",
        check.version,
    )
    check_operations.record_results(
        lead,
        check,
        {case.id: ("not_done", "Đơn vị chưa thực hiện kiến nghị, chưa có văn bản khắc phục.")},
        check.version,
    )
    db.session.flush()
