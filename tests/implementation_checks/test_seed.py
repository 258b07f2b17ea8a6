"""The demo seed shows the follow-up: conclusions at different lifecycle steps, a check decision
issued with its minutes and a result, the case then proposed for the report (level 3)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from inspect_app.conclusions.lifecycle import steps_of
from inspect_app.core import clock
from inspect_app.implementation_checks.models import CheckOutcome, ImplementationCheck
from inspect_app.inspections.models import Inspection


def test_demo_seed_has_lifecycle_steps_and_a_check(db):
    from inspect_app.seed import seed_demo

    with clock.frozen(date(2026, 11, 25)):
        seed_demo()
        db.session.commit()
        seed_demo()  # safe to run again
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
