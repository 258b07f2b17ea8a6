"""Working-day arithmetic over the seeded holidays, and deadline-rule lookup precedence."""

from __future__ import annotations

from datetime import date

import pytest

from inspect_app.reference import operations
from inspect_app.reference.calendar import (
    add_days,
    add_working_days,
    is_working_day,
    working_days_between,
)
from inspect_app.reference.models import DayKind
from inspect_app.reference.rules import onsite_duration, rule_for
from inspect_app.reference.seed import seed_deadline_rules, seed_holidays


@pytest.fixture()
def seeded(db):
    seed_holidays()
    seed_deadline_rules()
    db.session.flush()


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Thursday before Tết 2026: Friday 13/2, then the break 14-22/2, then Mon 23, Tue 24.
        (date(2026, 2, 12), 3, date(2026, 2, 24)),
        # Inside the Tết 2026 break: the first working day after it counts as day 1.
        (date(2026, 2, 17), 1, date(2026, 2, 23)),
        # Tết 2025 (27-31/1 off on weekdays): Friday 24/1 + 1 = Monday 3/2.
        (date(2025, 1, 24), 1, date(2025, 2, 3)),
        # A plain week: Friday + 1 working day = Monday.
        (date(2026, 3, 6), 1, date(2026, 3, 9)),
        # Over 30/4-1/5/2026 (Thu, Fri) and the weekend: Wed 29/4 + 1 = Mon 4/5.
        (date(2026, 4, 29), 1, date(2026, 5, 4)),
        # n = 0 on a holiday moves to the next working day.
        (date(2026, 1, 1), 0, date(2026, 1, 5)),
        # Backwards across the 2026 Tết break.
        (date(2026, 2, 23), -1, date(2026, 2, 13)),
    ],
)
def test_add_working_days(seeded, start, n, expected):
    assert add_working_days(start, n) == expected


def test_make_up_saturday_is_a_working_day(seeded):
    # 26/4/2025 was worked to take Friday 2/5/2025 off.
    assert is_working_day(date(2025, 4, 26))
    assert not is_working_day(date(2025, 5, 2))
    assert not is_working_day(date(2025, 4, 27))  # the Sunday stays off
    # Friday 25/4 + 1 working day is the make-up Saturday, not Monday.
    assert add_working_days(date(2025, 4, 25), 1) == date(2025, 4, 26)


def test_working_days_between_across_a_weekend(seeded):
    assert working_days_between(date(2026, 3, 6), date(2026, 3, 9)) == 1  # Fri -> Mon
    assert working_days_between(date(2026, 3, 9), date(2026, 3, 6)) == -1
    assert working_days_between(date(2026, 3, 2), date(2026, 3, 16)) == 10
    assert working_days_between(date(2026, 3, 2), date(2026, 3, 2)) == 0


def test_working_days_between_across_tet_and_make_up_day(seeded):
    # 12/2/2026 (Thu) to 27/2/2026 (Fri): 13/2, then 23-27/2 = 6 working days.
    assert working_days_between(date(2026, 2, 12), date(2026, 2, 27)) == 6
    # Around 30/4/2025: Sat 26/4 worked, 30/4, 1/5, 2/5 off -> 25/4 .. 5/5 counts 26, 28, 29, 5.
    assert working_days_between(date(2025, 4, 25), date(2025, 5, 5)) == 4


def test_weekends_without_holiday_table_are_still_off(db):
    assert not is_working_day(date(2026, 3, 7))
    assert is_working_day(date(2026, 2, 17))  # nothing seeded: Tết is an ordinary Tuesday


def test_add_days_calendar_vs_working(seeded):
    # 3 calendar days end on Sun 15/2, inside Tết: the limit ends on Mon 23/2.
    assert add_days(date(2026, 2, 12), 3, DayKind.CALENDAR) == date(2026, 2, 23)
    assert add_days(date(2026, 2, 12), 3, DayKind.WORKING) == date(2026, 2, 24)


def test_rule_precedence(seeded):
    # case.recovery.serious (15 working) beats case.recovery (30 calendar) beats case.default.
    assert rule_for("case.recovery.serious", "case.recovery", "case.default")[:2] == (
        15,
        DayKind.WORKING,
    )
    assert rule_for("case.recovery.low", "case.recovery", "case.default")[:2] == (
        30,
        DayKind.CALENDAR,
    )
    assert rule_for("case.other.low", "case.other", "case.default")[:2] == (60, DayKind.CALENDAR)


def case_due_date(case_type: str, severity: str, start: date) -> date:
    """The default deadline as `cases.operations.default_deadline` computes it."""
    amount, kind, _ = rule_for(f"case.{case_type}.{severity}", f"case.{case_type}", "case.default")
    return add_days(start, amount, kind)


def test_case_due_date_uses_the_most_specific_rule(seeded):
    start = date(2026, 2, 2)  # Monday
    # 15 working days from 2/2/2026 across Tết (16-20/2 off): 3-13/2 = 9, 23/2-27/2 = 5, 2/3.
    assert case_due_date("recovery", "serious", start) == date(2026, 3, 2)
    assert case_due_date("recovery", "low", start) == date(2026, 3, 4)  # 30 calendar days
    assert case_due_date("recovery_land", "low", start) == date(2026, 4, 3)  # case.default, 60
    # case.referral: 15 calendar days end on Tue 17/2, inside Tết: the next working day, 23/2.
    assert case_due_date("referral", "low", start) == date(2026, 2, 23)
    assert case_due_date("discipline", "low", start) == add_working_days(start, 45)


def test_rule_change_is_seen_by_lookup(seeded):
    rule = operations.get_rule_by_key("case.recovery")
    operations.update_deadline_rule(
        None,
        rule,
        {"amount": 10, "day_kind": "working", "source": rule.source, "extension_max": None},
    )
    assert case_due_date("recovery", "low", date(2026, 3, 2)) == date(2026, 3, 16)


def test_onsite_duration(seeded):
    assert onsite_duration("thanh_tra")[:3] == (45, DayKind.WORKING, 30)
    amount, kind, ext, source = onsite_duration("kiem_tra")
    assert (amount, kind, ext) == (30, DayKind.CALENDAR, None)
    assert source == "Quy chế làm việc của Thanh tra tỉnh"


def test_arithmetic_counting_equals_counting_day_by_day(seeded):
    """The calendar counts with a formula and bisection; a day-by-day walk over the same table
    (the definition) must give the same figures for every start, span and direction tried."""
    import random
    from datetime import timedelta

    from inspect_app.reference.calendar import Calendar

    cal = Calendar()
    rnd = random.Random(84)

    def walk_between(a: date, b: date) -> int:
        sign, (lo, hi) = (1, (a, b)) if b >= a else (-1, (b, a))
        return sign * sum(
            cal.is_working_day(lo + timedelta(days=i)) for i in range(1, (hi - lo).days + 1)
        )

    def walk_add(start: date, n: int) -> date:
        d = start
        if n == 0:
            while not cal.is_working_day(d):
                d += timedelta(days=1)
            return d
        step, left = (1, n) if n > 0 else (-1, -n)
        while left:
            d += timedelta(days=step)
            left -= cal.is_working_day(d)
        return d

    assert cal.off and cal.extra  # the seed has both kinds of row
    for _ in range(600):
        start = date(2024, 6, 1) + timedelta(days=rnd.randrange(0, 1000))
        n = rnd.randrange(-70, 71)
        assert cal.add(start, n) == walk_add(start, n), (start, n)
        end = start + timedelta(days=rnd.randrange(-400, 401))
        assert cal.between(start, end) == walk_between(start, end), (start, end)
