"""Demo seed: partly recovered money on a few open recovery cases; running it twice adds
nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from inspect_app.cases.models import CaseState
from inspect_app.recovery.models import RecoveryPayment
from inspect_app.recovery.queries import ledger, province_rates
from inspect_app.seed import seed_demo


def test_demo_seed_has_partly_recovered_money(app, db):
    seed_demo()
    db.session.commit()
    count = select(func.count(RecoveryPayment.id))  # (again: tests/cross/test_demo_seed)
    assert db.session.execute(count).scalar_one() >= 3
    cases = {p.case for p in db.session.execute(select(RecoveryPayment)).scalars()}
    assert len(cases) >= 2
    for case in cases:
        book = ledger(case)
        assert 0 < book.recovered < book.recommended  # partly recovered
        assert case.state == CaseState.OPEN  # stays open for the rest
    assert any(p.is_verified for c in cases for p in ledger(c).payments)
    assert 0 < province_rates()["VND"].rate < 100
