"""The demo inspections: every state, idempotent, linked to the 2026 plan where it exists."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from inspect_app.core import clock


def _run():
    from inspect_app import seed as demo
    from inspect_app.inspections import seed as inspections_seed
    from inspect_app.plans import seed as plans_seed
    from inspect_app.reference import seed as reference_seed

    units = demo.seed_units()
    users = {u.username: u for u in demo.seed_users(units)}
    reference_seed.seed(units, users)
    plans_seed.seed(units, users)
    inspections_seed.seed(units, users)


def test_seed_every_state_idempotent(db):
    from inspect_app.inspections.models import Inspection, InspectionState
    from inspect_app.inspections.operations import duration

    clock.freeze(date(2026, 11, 25))
    _run()
    db.session.commit()
    count = db.session.execute(select(func.count(Inspection.id))).scalar_one()
    _run()
    db.session.commit()
    assert db.session.execute(select(func.count(Inspection.id))).scalar_one() == count
    inspections = list(db.session.execute(select(Inspection)).scalars())
    assert {i.state for i in inspections} == set(InspectionState)
    assert any(i.plan_item_id for i in inspections)
    assert all(i.plan_item_id or i.ad_hoc_reason for i in inspections)
    over = [i for i in inspections if i.state == InspectionState.IN_PROGRESS and duration(i).over]
    assert len(over) == 1
