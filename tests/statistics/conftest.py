"""A hand-checked world for the periodic report of Q1 2026 (15/12/2025 - 14/3/2026): every
figure of every table is worked out by hand in `EXPECTED` (test_figures.py)."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import pytest

from inspect_app.cases.operations import apply_deadline
from inspect_app.core import clock
from inspect_app.core.roles import Role
from inspect_app.recovery.models import RecoveryPayment
from inspect_app.units.models import UnitKind
from tests import factories as f

D = date


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=clock.ZONE)


@pytest.fixture(autouse=True)
def _uploads(uploads):
    return uploads


@pytest.fixture()
def world(db):
    """Units of the three levels, seven inspections and checks around the period, ten cases,
    four payments, an urging letter issued in the period, a deadline moved after it."""
    clock.freeze(D(2026, 4, 20))
    dept = f.make_unit("Sở Thử nghiệm", kind=UnitKind.DEPARTMENT)
    svc = f.make_unit("Trung tâm Thử nghiệm", kind=UnitKind.SERVICE_UNIT)
    com = f.make_unit("UBND xã Thử nghiệm", kind=UnitKind.COMMUNE)
    lead = f.make_user(Role.LEAD_INSPECTOR)
    chief = f.make_user(Role.LEADERSHIP)
    item = f.make_plan_item(plan=f.make_plan(year=2026, state="approved"), target_unit=dept)

    def insp(unit, state, decided, kind="thanh_tra", **kw):
        return f.make_inspection(
            state, target_unit=unit, lead=lead, kind=kind, decision_date=decided,
            start_date=decided, planned_end_date=D(2026, 12, 31), **kw,
        )  # fmt: skip

    i1 = insp(dept, "monitoring", D(2025, 11, 10), plan_item=item, ad_hoc_reason=None,
              onsite_ended_on=D(2025, 12, 20), conclusion_date=D(2026, 1, 20), conclusion_number="1/KL")  # fmt: skip
    i2 = insp(com, "onsite_ended", D(2026, 1, 5), onsite_ended_on=D(2026, 2, 25))
    i3 = insp(svc, "monitoring", D(2026, 2, 1), onsite_ended_on=D(2026, 2, 20),
              conclusion_date=D(2026, 3, 10), conclusion_number="3/KL")  # fmt: skip
    i4 = insp(dept, "monitoring", D(2025, 6, 1), onsite_ended_on=D(2025, 8, 1),
              conclusion_date=D(2025, 10, 1), conclusion_number="4/KL")  # fmt: skip
    insp(dept, "planned", D(2026, 3, 20))  # decided after the cut-off: nowhere
    k1 = insp(com, "monitoring", D(2026, 1, 10), kind="kiem_tra", onsite_ended_on=D(2026, 2, 1),
              conclusion_date=D(2026, 2, 20), conclusion_number="K1/KL")  # fmt: skip
    i6 = insp(dept, "concluded", D(2026, 2, 10), onsite_ended_on=D(2026, 3, 16),
              conclusion_date=D(2026, 3, 25), conclusion_number="6/KL")  # fmt: skip

    def case(inspection, type_, due, state="open", closed=None, **kw):
        return f.make_case(
            inspection=inspection, type=type_, due=due, state=state,
            closed_at=at(closed) if closed else None, **kw,
        )  # fmt: skip

    c = {
        "c1": case(i1, "recovery", D(2026, 2, 28), amount_vnd=Decimal(100_000_000)),
        "c2": case(i1, "discipline", D(2026, 2, 28), "accepted", D(2026, 3, 1), persons_count=3),
        "c3": case(i1, "other", D(2026, 2, 28), "withdrawn", D(2026, 2, 15)),
        "c4": case(i3, "recovery_land", D(2026, 6, 30), area_m2=Decimal("250.50")),
        "c5": case(i3, "admin_handling", D(2026, 4, 30), "accepted", D(2026, 3, 13)),
        "c6": case(i3, "referral", D(2026, 5, 1), persons_count=2),
        "c7": case(
            i4,
            "recovery_assets",
            D(2025, 10, 31),
            "accepted",
            D(2025, 11, 1),
            amount_vnd=Decimal(40_000_000),
        ),  # fmt: skip
        "c8": case(i4, "other", D(2026, 1, 31)),
        "c9": case(k1, "admin_handling", D(2026, 4, 30), responsible_unit=com),
        "c10": case(i6, "other", D(2026, 6, 30)),
    }

    def pay(case_, day, amount=None, area=None):
        p = RecoveryPayment(
            case_id=case_.id, paid_on=day, amount_vnd=amount, area_m2=area,
            document_number=f"PT-{day:%m%d}", recorded_by_id=lead.id, recorded_at=at(day),
        )  # fmt: skip
        db.session.add(p)
        db.session.flush()
        return p

    p = {
        "p1": pay(c["c1"], D(2026, 2, 10), amount=Decimal(30_000_000)),
        "p2": pay(c["c1"], D(2026, 3, 20), amount=Decimal(20_000_000)),  # after the cut-off
        "p3": pay(c["c4"], D(2026, 3, 1), area=Decimal("100.25")),
        "p4": pay(c["c7"], D(2025, 10, 20), amount=Decimal(40_000_000)),  # before the period
    }
    with clock.frozen(D(2026, 2, 20)):
        letter = f.make_urging_letter(c["c8"], D(2026, 2, 20))
        f.issue_document(chief, letter)
    with clock.frozen(D(2026, 4, 1)):  # the deadline moved after the cut-off
        apply_deadline(
            lead, c["c8"], D(2026, 6, 30), "Gia hạn theo đề nghị của đơn vị",
            doc=f.deciding_doc(),  # the conclusion is signed: its deciding document
        )  # fmt: skip
    db.session.commit()
    return {
        "units": {"dept": dept, "svc": svc, "com": com},
        "inspections": {"i1": i1, "i2": i2, "i3": i3, "i4": i4, "k1": k1, "i6": i6},
        "cases": c,
        "payments": p,
        "chief": chief,
        "lead": lead,
    }
