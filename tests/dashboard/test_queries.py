"""Dashboard figures on a known data set: states, overdue by unit, working-day ageing across a
weekend and holidays, on-time compliance (local closing date), monthly trend, filters."""

from __future__ import annotations

from datetime import date

import pytest

from inspect_app.core import clock
from inspect_app.core.roles import Role
from inspect_app.dashboard import queries as q
from inspect_app.reference.models import Holiday
from tests import factories as f
from tests.dashboard.support import TODAY, make_data_set


@pytest.fixture()
def data(db):
    return make_data_set(db)


@pytest.fixture()
def leader(db):
    return f.make_user(Role.LEADERSHIP)


def figures(user, today=TODAY, **filters):
    return q.dashboard(user, q.DashboardFilters(**{"year": 2026, **filters}), today)


def test_counts_by_state_and_overdue(data, leader):
    counts = figures(leader).counts
    assert counts == {
        "open": 6,
        "answered": 1,
        "accepted": 5,
        "withdrawn": 1,
        "overdue": 5,
        "all": 13,
    }


def test_overdue_by_unit_most_first(data, leader):
    a, b, c = data["units"]
    rows = figures(leader).by_unit
    assert [(r.unit_id, r.unit_name, r.count) for r in rows] == [
        (a.id, "Sở A", 2),
        (b.id, "Sở B", 2),
        (c.id, "Sở C", 1),
    ]


def test_ageing_counts_working_days_across_weekend_and_holidays(data, leader):
    buckets = {b.key: b.count for b in figures(leader).ageing}
    # a1 (due Mon 31/8: 4 working days, not 6, because of 1-2/9) and a2 (1) are in 1-5;
    # c2 (due Thu 27/8: 6), b1 (due 13/8: 16), b2 (due 1/7: more than 30).
    assert buckets == {"1-5": 2, "6-15": 1, "16-30": 1, "30+": 1}


def test_ageing_without_the_holidays_moves_a_case_to_the_next_bucket(data, leader, db):
    from sqlalchemy import delete

    db.session.execute(delete(Holiday))
    buckets = {b.key: b.count for b in figures(leader).ageing}
    # a1 is now 6 working days overdue; c2 8: both in 6-15.
    assert buckets == {"1-5": 1, "6-15": 2, "16-30": 1, "30+": 1}


def test_ageing_boundaries(db, leader):
    db.session.add(Holiday(day=date(2026, 9, 1), name="Nghỉ"))
    db.session.add(Holiday(day=date(2026, 9, 2), name="Quốc khánh"))
    for due in (date(2026, 8, 28), date(2026, 8, 27), date(2026, 8, 14), date(2026, 8, 13)):
        f.make_case(due=due)
    buckets = {b.key: b.count for b in figures(leader).ageing}
    # 28/8: 5 working days; 27/8: 6; 14/8: 15; 13/8: 16.
    assert buckets == {"1-5": 1, "6-15": 2, "16-30": 1, "30+": 0}


def test_deadline_passed_over_a_weekend_is_in_the_first_bucket(db, leader):
    f.make_case(due=date(2026, 9, 4))  # a Friday
    sunday = date(2026, 9, 6)
    data = figures(leader, today=sunday)
    assert data.counts["overdue"] == 1
    assert {b.key: b.count for b in data.ageing} == {"1-5": 1, "6-15": 0, "16-30": 0, "30+": 0}


def test_compliance_by_unit_lowest_first_with_local_closing_date(data, leader):
    a, b, c = data["units"]
    report = figures(leader).compliance
    rows = [(r.unit_id, r.on_time, r.late, r.open_late) for r in report.units]
    # A: a3 on time, a4 (00:30 local next day) and a6 late, a1 a2 open past the deadline.
    assert rows == [(a.id, 1, 2, 2), (b.id, 1, 0, 2), (c.id, 1, 0, 1)]
    assert [round(r.rate, 4) for r in report.units] == [0.2, 0.3333, 0.5]
    overall = report.overall
    assert (overall.on_time, overall.late, overall.open_late, overall.total) == (3, 2, 5, 10)
    assert overall.rate == pytest.approx(0.3)


def test_monthly_trend(data, leader):
    trend = figures(leader).trend
    assert [m.month for m in trend] == list(range(1, 13))
    assert [m.due for m in trend] == [0, 0, 1, 1, 1, 2, 1, 4, 2, 1, 0, 0]
    # Accepted by local closing date: a4 closed 17:30 UTC on 30/6 counts in July.
    assert [m.accepted for m in trend] == [0, 0, 1, 0, 1, 1, 1, 0, 1, 0, 0, 0]
    # End of April: a6 (due 15/4, accepted 5/5); July: b2; August: b2, b1, c2 (b3 answered);
    # September is today: the overdue counter; months to come have no figure.
    assert [m.overdue for m in trend] == [0, 0, 0, 1, 0, 0, 1, 3, 5, None, None, None]
    assert trend[8].as_of == TODAY and trend[7].as_of == date(2026, 8, 31)


def test_year_filter(data, leader):
    previous = figures(leader, year=2025)
    assert previous.counts["all"] == 1 and previous.counts["overdue"] == 1
    assert {b.key: b.count for b in previous.ageing}["30+"] == 1
    assert [m.due for m in previous.trend][11] == 1
    every_year = figures(leader, year=None)
    assert every_year.counts["all"] == 14 and every_year.counts["overdue"] == 6
    assert sum(b.count for b in every_year.ageing) == 6
    # "All years": the trend shows the current year, the snapshot includes older deadlines.
    assert every_year.trend[0].year == 2026 and every_year.trend[8].overdue == 6


def test_field_filter(data, leader):
    field_1, field_2 = data["fields"]
    a, b, c = data["units"]
    by_inspection = figures(leader, field=field_1.id)
    assert by_inspection.counts == {
        "open": 2,
        "answered": 1,
        "accepted": 1,
        "withdrawn": 1,
        "overdue": 2,
        "all": 5,
    }
    assert [r.unit_id for r in by_inspection.by_unit] == [b.id]
    by_finding = figures(leader, field=field_2.id)
    assert by_finding.counts["all"] == 1 and by_finding.counts["overdue"] == 1
    assert {bk.key: bk.count for bk in by_finding.ageing}["6-15"] == 1
    assert [(r.unit_id, r.open_late) for r in by_finding.compliance.units] == [(c.id, 1)]
    nothing = figures(leader, field=field_2.id + 1000)
    assert nothing.counts["all"] == 0


def test_unit_leader_queries_see_only_their_units(data, db):
    a, b, c = data["units"]
    unit_leader = f.make_user(Role.UNIT_LEADER, unit=b)
    mine = figures(unit_leader)
    assert mine.counts["all"] == 5
    assert [r.unit_id for r in mine.by_unit] == [b.id]
    assert [r.unit_id for r in mine.compliance.units] == [b.id]
    assert sum(m.due for m in mine.trend) == 5


def test_empty_database_gives_zeros(db, leader):
    data = figures(leader)
    assert data.counts == dict.fromkeys(
        ("open", "answered", "accepted", "withdrawn", "overdue", "all"), 0
    )
    assert data.by_unit == [] and data.compliance.units == []
    assert data.compliance.overall.rate is None
    assert all(b.count == 0 for b in data.ageing)
    assert [m.due for m in data.trend] == [0] * 12


@pytest.mark.parametrize(
    "args, expected",
    [
        ({}, (2026, None)),
        ({"year": "2025", "field": "7"}, (2025, 7)),
        ({"year": "all"}, (None, None)),
        ({"year": "abc", "field": "x"}, (2026, None)),
        ({"year": "1999", "field": "-3"}, (2026, None)),
        ({"year": "99999999999999999999", "field": "99999999999999999999"}, (2026, None)),
        ({"year": " 2027 ", "field": "0"}, (2027, None)),
        ({"year": "２０２５", "field": "٣"}, (2026, None)),
        ({"field": "\x00"}, (2026, None)),
    ],
)
def test_filters_from_args_ignore_bad_values(args, expected):
    filters = q.DashboardFilters.from_args(args, TODAY)
    assert (filters.year, filters.field) == expected


def test_summary_for_the_home_page(data, leader):
    with clock.frozen(TODAY):
        filters, counts, report = q.summary(leader)
    assert filters.year == 2026 and counts["overdue"] == 5
    assert report.overall.rate == pytest.approx(0.3)
