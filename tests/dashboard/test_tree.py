"""The dashboard groups units by today's tree (merged units count under their successor) or by
the tree as it stood on a chosen day."""

from __future__ import annotations

from datetime import UTC, date, datetime

from inspect_app.core import clock
from inspect_app.core.roles import Role
from inspect_app.dashboard.queries import DashboardFilters, compliance, overdue_by_unit
from inspect_app.units.models import UnitKind
from inspect_app.units.reorganisation import apply_plan, plan_merge
from tests import factories as f

MERGED_ON = date(2025, 7, 1)
TODAY = date(2025, 9, 10)


def _world(db):
    province = f.make_unit("Tỉnh", UnitKind.PROVINCE, code="TINH")
    a = f.make_unit("Xã An Bình", UnitKind.COMMUNE, province, code="XAB")
    b = f.make_unit("Xã Bình Minh", UnitKind.COMMUNE, province, code="XBM")
    admin = f.make_user(Role.ADMIN)
    late = datetime(2025, 3, 20, 3, 0, tzinfo=UTC)
    for unit in (a, b):
        insp = f.make_inspection(state="monitoring", target_unit=unit)
        f.make_case(insp, state="accepted", due=date(2025, 3, 1), closed_at=late)
        f.make_case(insp, due=date(2025, 8, 1))  # open and overdue: moves with the merger
    db.session.commit()
    plan = plan_merge(
        {
            "effective_date": MERGED_ON,
            "decision_reference": "Nghị quyết 1656/NQ-UBTVQH15",
            "source_ids": [a.id, b.id],
            "new_code": "XAM",
            "new_name": "Xã An Minh",
            "new_kind": "commune",
        }
    )
    apply_plan(admin, plan, plan.digest)
    db.session.commit()
    return admin


def test_todays_tree_counts_merged_units_under_their_successor(db):
    with clock.frozen(TODAY):
        admin = _world(db)
        report = compliance(admin, DashboardFilters(year=2025), TODAY)
        assert [(c.unit_name, c.on_time, c.late, c.open_late) for c in report.units] == [
            ("Xã An Minh", 0, 2, 2)
        ]
        overdue = overdue_by_unit(admin, DashboardFilters(year=2025), TODAY)
        assert [(u.unit_name, u.count) for u in overdue] == [("Xã An Minh", 2)]


def test_tree_of_an_earlier_day_shows_the_units_of_then(db):
    with clock.frozen(TODAY):
        admin = _world(db)
        before = DashboardFilters(year=2025, tree=date(2025, 6, 30))
        rows = sorted((c.unit_name, c.late) for c in compliance(admin, before, TODAY).units)
        # The closed history stayed on the old units; the open cases moved to the new one,
        # which did not exist on that day: it is listed under its own (current) name.
        assert ("Xã An Bình", 1) in rows and ("Xã Bình Minh", 1) in rows


def test_tree_parameter_is_read_and_kept_in_links(db, login_as):
    with clock.frozen(TODAY):
        _world(db)
        client = login_as(Role.LEADERSHIP)
        html = client.get("/dashboard?year=2025&tree=2025-06-30").get_data(as_text=True)
        assert 'value="2025-06-30"' in html and "Xã An Bình" in html
        html = client.get("/dashboard?year=2025&tree=not-a-date").get_data(as_text=True)
        assert 'name="tree" type="date" value=""' in html
        assert DashboardFilters.from_args({"tree": "2025-06-30"}, TODAY).as_args()["tree"] == (
            "2025-06-30"
        )
