"""Working-day arithmetic: Monday to Friday minus the holiday table's days off, plus its
announced make-up working days (a Holiday row with is_working_day=True turns a Saturday into a
working day). Every count of working days in the product goes through `Calendar` (the SQL
paths compare dates with bounds computed here), so pages, sweeps and reports agree.

A time limit whose last day is a day off ends at the end of the next working day (Civil Code
2015 Art. 148(5), the configurable rule `deadline.next_working_day`): `time_limit_end`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from inspect_app.core.memo import per_request
from inspect_app.extensions import db
from inspect_app.reference.models import DayKind, Holiday
from inspect_app.reference.rules import next_working_day_rule


class Calendar:
    """The off days and make-up working days between two dates, loaded with one query."""

    def __init__(self, start: date, end: date):
        lo, hi = min(start, end) - timedelta(days=7), max(start, end) + timedelta(days=400)
        rows = db.session.execute(
            select(Holiday.day, Holiday.is_working_day).where(Holiday.day.between(lo, hi))
        ).all()
        self.off = {d for d, working in rows if not working}
        self.extra = {d for d, working in rows if working}

    def is_working_day(self, d: date) -> bool:
        if d in self.extra:
            return True
        return d.weekday() < 5 and d not in self.off

    def between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (negative if end < start).

        The calendar must cover both dates (build it with the widest range a page needs)."""
        if end == start:
            return 0
        sign = 1 if end > start else -1
        lo, hi = (start, end) if sign > 0 else (end, start)
        count, d = 0, lo
        while d < hi:
            d += timedelta(days=1)
            if self.is_working_day(d):
                count += 1
        return sign * count


def is_working_day(d: date) -> bool:
    return Calendar(d, d).is_working_day(d)


def add_working_days(start: date, n: int) -> date:
    """The date `n` working days after `start` (n=0: start itself, moved to a working day)."""
    # Two calendar days per working day plus a month covers weekends and the longest break.
    cal = Calendar(start, start + timedelta(days=n * 2 + (30 if n >= 0 else -30)))
    d = start
    if n == 0:
        while not cal.is_working_day(d):
            d += timedelta(days=1)
        return d
    step = 1 if n > 0 else -1
    remaining = abs(n)
    while remaining:
        d += timedelta(days=step)
        if cal.is_working_day(d):
            remaining -= 1
    return d


def working_days_overdue_bound(today: date, n: int) -> date:
    """The n-th most recent working day up to `today` (n >= 1): a deadline is overdue by at
    least n working days on `today` exactly when it is before this day."""
    last = today if is_working_day(today) else add_working_days(today, -1)
    return add_working_days(last, -(n - 1)) if n > 1 else last


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (negative if end < start)."""
    return Calendar(start, end).between(start, end)


def working_days_in_year(year: int) -> int:
    """Working days of a calendar year under the holiday table (both kinds of row)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    return Calendar(first, last).between(first - timedelta(days=1), last)


@dataclass(frozen=True)
class TimeLimitEnd:
    """The last day of a time limit: `day`, and `moved_from` the day off it fell on (None if it
    did not move), with the rule's citation."""

    day: date
    moved_from: date | None = None
    source: str | None = None


def time_limit_end(day: date) -> TimeLimitEnd:
    """`day`, or the next working day when `day` is a day off and the rule applies."""
    applies, source = next_working_day_rule()
    if not applies or is_working_day(day):
        return TimeLimitEnd(day)
    return TimeLimitEnd(add_working_days(day, 0), day, source)


# How far back the per-request calendar reaches: older deadlines get a calendar of their own.
_REQUEST_WINDOW = timedelta(days=3 * 366)


def working_days_overdue(due: date, today: date) -> int:
    """Working days a deadline is past on `today` (0 when it is not past): the one figure every
    page shows as "quá hạn N ngày làm việc". One calendar query per request, whatever the rows."""
    if due >= today:
        return 0
    memo = per_request("calendar")
    cal = memo.get(today)
    if cal is None or due < today - _REQUEST_WINDOW:
        cal = Calendar(min(due, today - _REQUEST_WINDOW), today)
        if due >= today - _REQUEST_WINDOW:
            memo[today] = cal
    return max(0, cal.between(due, today))


def add_days(start: date, amount: int, kind: DayKind) -> date:
    """Add calendar or working days as a rule says; a last day that is a day off moves to the
    next working day (`time_limit_end`)."""
    if kind == DayKind.WORKING:
        return add_working_days(start, amount)
    return time_limit_end(start + timedelta(days=amount)).day
