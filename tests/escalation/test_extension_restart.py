"""After an approved extension the case's escalation level restarts for the new deadline; the
history keeps the earlier steps and the urging letter."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from inspect_app.cases.models import EscalationStep
from inspect_app.core import audit, clock
from inspect_app.escalation.operations import sweep
from inspect_app.extension_requests import operations as ext_ops
from inspect_app.reports.models import DocumentItem
from tests import factories


def test_approved_extension_restarts_the_level(db):
    unit = factories.make_unit()
    leader = factories.make_user("unit_leader", unit=unit)
    case = factories.make_case(
        inspection=factories.make_inspection(state="monitoring", target_unit=unit),
        due=date(2026, 11, 20),  # a Friday
    )
    db.session.commit()
    sweep(date(2026, 11, 27))  # 5 working days overdue: level 2, an urging letter drafted
    db.session.commit()
    assert case.escalation_level == 2
    letters = select(func.count()).select_from(DocumentItem).where(DocumentItem.case_id == case.id)
    assert db.session.execute(letters).scalar_one() == 1
    with clock.frozen(date(2026, 11, 30)):
        ext = ext_ops.request_extension(
            leader, case, date(2026, 12, 31), "Chờ kết quả kiểm toán", case.version
        )
        ext_ops.approve(
            case.inspection.lead, ext, "Có căn cứ", ext.version, factories.deciding_doc()
        )
    db.session.commit()
    assert case.due_date == date(2026, 12, 31) and case.escalation_level == 0
    assert case.escalated_on is None
    event = audit.events_for("Case", case.id)[-1]
    assert event.before["escalation_level"] == 2 and event.after["escalation_level"] == 0
    # The history keeps the earlier steps (under the old deadline) and the letter.
    old = db.session.execute(
        select(EscalationStep.step, EscalationStep.due_date)
        .where(EscalationStep.case_id == case.id)
        .order_by(EscalationStep.id)
    ).all()
    assert [tuple(r) for r in old] == [
        ("level_1", date(2026, 11, 20)),
        ("level_2", date(2026, 11, 20)),
    ]
    assert db.session.execute(letters).scalar_one() == 1
    # Before the new deadline nothing climbs; once it passes the ladder starts again at 1.
    sweep(date(2026, 12, 15))
    db.session.commit()
    assert case.escalation_level == 0
    sweep(date(2027, 1, 4))  # Monday: 2 working days overdue (Thu 31/12; Fri 1/1 unlisted here)
    db.session.commit()
    db.session.refresh(case)
    assert case.escalation_level == 1
    steps = db.session.execute(
        select(EscalationStep.step).where(
            EscalationStep.case_id == case.id, EscalationStep.due_date == date(2026, 12, 31)
        )
    ).scalars()
    assert "level_1" in list(steps)
