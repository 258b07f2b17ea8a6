"""The demo seed shows the follow-up: conclusions at different lifecycle steps, a check decision
issued with its minutes and a result, the case then proposed for the report (level 3)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from inspect_app.conclusions.lifecycle import steps_of
from inspect_app.core import clock
from inspect_app.decisions.models import DecidingDocument
from inspect_app.implementation_checks.models import CheckOutcome, ImplementationCheck
from inspect_app.inspections.models import Inspection


def test_demo_seed_has_lifecycle_steps_and_a_check(db):
    from inspect_app.seed import seed_demo

    with clock.frozen(date(2026, 11, 25)):
        seed_demo()  # (seeding again adds nothing: tests/cross/test_demo_seed)
        db.session.commit()
        inspections = db.session.execute(
            select(Inspection).where(Inspection.reported_on.is_not(None))
        ).scalars()
        pending = {
            next((s.key for s in steps_of(i) if s.done_on is None), "done") for i in inspections
        }
        assert {"appraise", "publish", "instruct", "done"} <= pending
        # One check before the issued report, one per case that reached level 3 after it.
        checks = list(
            db.session.execute(
                select(ImplementationCheck).order_by(ImplementationCheck.id)
            ).scalars()
        )
        # (the periodic reports' history adds a check of 2025, issued without minutes yet)
        checks = [c for c in checks if c.period_start.year > 2025]
        assert len(checks) == 3
        for check in checks:
            assert check.document.is_issued and check.minutes_date == date(2026, 11, 25)
            (item,) = check.items
            assert item.outcome == CheckOutcome.NOT_DONE
            assert item.case.escalation_level == 3  # the responsibility proposal followed
            if check.inspection.is_check:  # a check's follow-up is its body's (Sở Nội vụ)
                assert check.document.symbol == "QĐ-SNV"
        # Checks are Sở Nội vụ's (Decree 217/2025), under its numbers; inspections the
        # Inspectorate's.
        activities = list(db.session.execute(select(Inspection)).scalars())
        snv = [i for i in activities if i.issuing_body and i.issuing_body.code == "SNV"]
        assert snv and all(i.is_check and "-SNV" in i.decision_number for i in snv)
        assert any(i.conclusion_number == "30/KL-SNV" for i in snv)
        assert all(i.issuing_body.code == "TTr" for i in activities if not i.is_check)
        # The approved extension of a signed conclusion's deadline carries its document.
        decision = db.session.execute(
            select(DecidingDocument).where(DecidingDocument.number.like("112/%"))
        ).scalar_one()
        assert decision.case_id is not None
        expected = "112/SNV-TTr" if decision.case.inspection.is_check else "112/TTr-NV"
        assert decision.number == expected
