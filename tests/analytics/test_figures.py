"""Analytics figures on a hand-checked data set; grouping by today's tree or an older one."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from inspect_app.analytics.queries import AnalyticsParams, analytics, risk_score
from inspect_app.core import clock
from inspect_app.core.roles import Role
from inspect_app.reference.models import Holiday
from inspect_app.units.models import UnitKind
from inspect_app.units.reorganisation import apply_plan, plan_merge
from tests import factories as f

TODAY = date(2026, 3, 10)  # a Tuesday


def local(y, m, d, h=10):
    return datetime(y, m, d, h, tzinfo=clock.ZONE)


@pytest.fixture(autouse=True)
def _today():
    with clock.frozen(TODAY):
        yield


@pytest.fixture()
def data(db):
    """Hand-checked figures (working days skip weekends and the holiday of 01/07/2024):

    Xã A, field F1: 2024 c1 L1 accepted on time; c2 L2 accepted 03/07 for 28/06 -> 2 WD late.
                    2025 c3 L1 open, due 02/03/2026 -> 6 WD overdue today, repeat of c1;
                         c4 withdrawn (ignored); c5 L2 open, not due, repeat of c2.
    Xã B, field F2: 2021 c0 L2 (outside the years shown, too old to make a repeat with window 3)
                    2025 c6 L1 on time (not a repeat: c1 is another unit's);
                         c7 L2 accepted 02:00 local on 01/10 for 30/09 -> 1 WD late (UTC date is
                         still 30/09: the province's date counts).
    """
    db.session.add(Holiday(day=date(2024, 7, 1), name="Test holiday"))
    province = f.make_unit("Tỉnh", UnitKind.PROVINCE, code="TINH")
    a = f.make_unit("Xã A", UnitKind.COMMUNE, province, code="XA")
    b = f.make_unit("Xã B", UnitKind.COMMUNE, province, code="XB")
    f1, f2 = f.make_field("Công chức"), f.make_field("Lưu trữ")
    l1, l2 = f.make_legal_reference(), f.make_legal_reference()

    def inspection(unit, field, concluded):
        insp = f.make_inspection(
            state="monitoring",
            target_unit=unit,
            conclusion_number="1/KL",
            conclusion_date=concluded,
            start_date=date(concluded.year, 1, 2),
            decision_date=date(concluded.year, 1, 1),
        )
        insp.fields = [field]
        return insp

    i1 = inspection(a, f1, date(2024, 3, 1))
    i2 = inspection(a, f1, date(2025, 6, 2))
    i3 = inspection(b, f2, date(2025, 4, 1))
    i0 = inspection(b, f2, date(2021, 5, 1))
    c = {}
    c["c1"] = f.make_case(
        i1, "accepted", date(2024, 6, 28), legal_reference=l1, closed_at=local(2024, 6, 28, 23)
    )
    c["c2"] = f.make_case(
        i1, "accepted", date(2024, 6, 28), legal_reference=l2, closed_at=local(2024, 7, 3)
    )
    c["c3"] = f.make_case(i2, "open", date(2026, 3, 2), legal_reference=l1)
    c["c4"] = f.make_case(i2, "withdrawn", date(2026, 3, 2), legal_reference=l2)
    c["c5"] = f.make_case(i2, "open", date(2026, 12, 31), legal_reference=l2)
    c["c0"] = f.make_case(
        i0, "accepted", date(2021, 9, 30), legal_reference=l2, closed_at=local(2021, 9, 1)
    )
    c["c6"] = f.make_case(
        i3, "accepted", date(2025, 9, 30), legal_reference=l1, closed_at=local(2025, 9, 30)
    )
    c["c7"] = f.make_case(
        i3, "accepted", date(2025, 9, 30), legal_reference=l2, closed_at=local(2025, 10, 1, 2)
    )
    db.session.commit()
    return {"a": a, "b": b, "f1": f1, "f2": f2, **c}


def params(**kw):
    return AnalyticsParams(**({"year_from": 2022, "year_to": 2026} | kw))


def test_figures_per_unit_field_and_year(db, data):
    result = analytics(params())
    rows = {(r.unit_name, r.field_name, r.year): r for r in result.rows}
    assert set(rows) == {
        ("Xã A", "Công chức", 2024),
        ("Xã A", "Công chức", 2025),
        ("Xã B", "Lưu trữ", 2025),
    }

    r = rows[("Xã A", "Công chức", 2024)]
    assert (r.cases, r.decided, r.on_time, r.late, r.repeats) == (2, 2, 1, 1, 0)
    assert r.on_time_share == 0.5 and r.avg_days_overdue == 2.0
    r = rows[("Xã A", "Công chức", 2025)]
    assert (r.cases, r.decided, r.on_time, r.late, r.repeats) == (2, 1, 0, 1, 2)
    assert r.on_time_share == 0 and r.avg_days_overdue == 6.0
    r = rows[("Xã B", "Lưu trữ", 2025)]
    assert (r.cases, r.decided, r.on_time, r.late, r.repeats) == (2, 2, 1, 1, 0)
    assert r.avg_days_overdue == 1.0

    units = {u.unit_name: u for u in result.units}
    ua, ub = units["Xã A"], units["Xã B"]
    assert (ua.cases, ua.decided, ua.on_time, ua.late, ua.repeats) == (4, 3, 1, 2, 2)
    assert ua.avg_days_overdue == 4.0
    # 40 x (1 - 1/3) + 30 x 4/20 + 30 x 2/4 = 26.67 + 6 + 15
    assert ua.score == 47.7
    # 40 x (1 - 1/2) + 30 x 1/20 + 0
    assert ub.score == 21.5
    assert [u.unit_name for u in result.units] == ["Xã A", "Xã B"]  # highest risk first
    assert ua.top_field_ids() == [data["f1"].id]


def test_repeat_window_is_configurable(db, data):
    wide = {u.unit_name: u for u in analytics(params(window=4)).units}
    assert wide["Xã B"].repeats == 1  # c7 repeats c0 (2021) within 4 years
    assert wide["Xã B"].score == 36.5
    narrow = {u.unit_name: u for u in analytics(params(window=1)).units}
    assert narrow["Xã A"].repeats == 2  # 2024 -> 2025 is within one year


def test_years_filter(db, data):
    result = analytics(params(year_from=2025, year_to=2025))
    assert {r.year for r in result.rows} == {2025}
    assert {u.unit_name: u.cases for u in result.units} == {"Xã A": 2, "Xã B": 2}


def test_grouping_by_todays_tree_or_the_tree_at_a_date(db, data):
    admin = f.make_user(Role.ADMIN)
    plan = plan_merge(
        {
            "effective_date": date(2025, 12, 1),
            "decision_reference": "NQ sáp nhập",
            "source_ids": [data["b"].id],
            "target_unit_id": data["a"].id,
        }
    )
    apply_plan(admin, plan, plan.digest)
    db.session.commit()

    today = {u.unit_name: u for u in analytics(params()).units}
    assert set(today) == {"Xã A"}
    ua = today["Xã A"]
    # c1 c2 c3 c5 c6 c7; on time c1 c6; late c2 (2) c3 (6) c7 (1); repeats c3 c5 c6 c7, and
    # c2 now too: Xã B's c0 (2021, same legal basis) counts under Xã A, 3 years before.
    assert (ua.cases, ua.decided, ua.on_time, ua.late, ua.repeats) == (6, 5, 2, 3, 5)
    assert ua.avg_days_overdue == 3.0
    # 40 x (1 - 2/5) + 30 x 3/20 + 30 x 5/6 = 24 + 4.5 + 25
    assert ua.score == risk_score(5, 2, 3.0, 6, 5) == 53.5
    before = {u.unit_name: u for u in analytics(params(as_of=date(2025, 11, 30))).units}
    assert set(before) == {"Xã A", "Xã B"}
    assert before["Xã B"].cases == 2 and before["Xã A"].repeats == 2


def test_constant_number_of_queries(db, data, count_queries):
    with count_queries() as n:
        analytics(params())
    small = n()
    for _ in range(5):
        insp = f.make_inspection(state="monitoring", target_unit=f.make_unit())
        insp.fields = [data["f1"], data["f2"]]
        f.make_case(insp, "accepted", date(2025, 9, 1), closed_at=local(2025, 9, 20))
        f.make_case(insp, "open", date(2025, 9, 1))
    db.session.commit()
    with count_queries() as n:
        result = analytics(params())
    assert n() == small
    assert len(result.units) == 7
