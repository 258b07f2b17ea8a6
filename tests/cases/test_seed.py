"""The cases demo seed: creates cases on concluded inspections, idempotently."""

from __future__ import annotations

from sqlalchemy import func, select

from inspect_app.cases import seed
from inspect_app.cases.models import Case, CaseState
from tests import factories as f


def test_seed_is_idempotent(db):
    units = {code: f.make_unit(code=code) for code in ("SNV", "SYT", "XBQ", "PHG", "TTLT")}
    f.make_legal_reference(instrument="Luật Lưu trữ số 33/2024/QH15")
    for code in ("SNV", "XBQ"):
        inspection = f.make_inspection(state="monitoring", target_unit=units[code])
        f.make_finding(inspection)
    f.make_inspection(state="in_progress")  # not concluded: no case on it
    seed.seed(units, {})
    first = db.session.execute(select(func.count(Case.id))).scalar_one()
    seed.seed(units, {})
    assert db.session.execute(select(func.count(Case.id))).scalar_one() == first == len(seed.CASES)
    cases = list(db.session.execute(select(Case)).scalars())
    assert {c.responsible_unit.code for c in cases} == set(units)
    assert {c.state for c in cases} == set(CaseState)
    assert all(c.inspection.is_concluded and c.findings for c in cases)
    assert all(c.amount_vnd for c in cases if c.type == "recovery")
