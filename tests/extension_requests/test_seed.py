"""Demo seed: one approved and one pending extension (the latter asked by the deputy on behalf
of the Director), one running delegation; running it twice adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from inspect_app.core import audit
from inspect_app.deputies.models import Delegation
from inspect_app.deputies.queries import authority_over
from inspect_app.extension_requests.models import ExtensionRequest, ExtensionState
from inspect_app.reference.calendar import time_limit_end
from inspect_app.seed import seed_demo


def test_demo_seed(app, db):
    users = {u.username: u for u in seed_demo()}  # (seeding again: tests/cross/test_demo_seed)
    db.session.commit()
    requests = list(db.session.execute(select(ExtensionRequest)).scalars())
    assert sorted(r.state.value for r in requests) == ["approved", "pending"]
    approved = next(r for r in requests if r.state == ExtensionState.APPROVED)
    # A requested day off ends on the next working day (Civil Code 2015 Art. 148(5)): the
    # seed asks for a date counted from today, a holiday on some days (1/1/2027).
    assert approved.case.due_date == time_limit_end(approved.requested_date).day
    assert approved.decided_by_id == approved.case.inspection.lead_id
    pending = next(r for r in requests if r.is_pending)
    assert pending.requested_by.username == "phogiamdoc.snv"
    assert pending.on_behalf_of_id == users["giamdoc.snv"].id
    event = audit.events_for("ExtensionRequest", pending.id)[0]
    assert event.on_behalf_of_id == users["giamdoc.snv"].id
    delegation = db.session.execute(select(Delegation)).scalar_one()
    deputy = delegation.deputy
    assert deputy.check_password("demo-password-2026")
    assert authority_over(deputy, delegation.unit_id).on_behalf_of.id == users["giamdoc.snv"].id
    assert db.session.execute(select(func.count(Delegation.id))).scalar_one() == 1
