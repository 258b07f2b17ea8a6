"""Working-day arithmetic: Monday to Friday minus the holiday table's days off, plus its
announced make-up working days (a Holiday row with is_working_day=True turns a Saturday into a
working day). Every count of working days in the product goes through `Calendar` (the SQL
paths compare dates with bounds computed here), so pages, sweeps and reports agree.

A time limit whose last day is a day off ends at the end of the next working day (Civil Code
2015 Art. 148(5), the configurable rule `deadline.next_working_day`): `time_limit_end`."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from inspect_app.core.memo import per_request
from inspect_app.extensions import db
from inspect_app.reference.models import DayKind, Holiday
from inspect_app.reference.rules import next_working_day_rule


class Calendar:
    """The holiday table's days off and make-up working days, loaded with one query (the table
    holds a few dozen rows a year), counted arithmetically: a count of working days between two
    dates is the weekdays between them (a formula) minus the days off that fall on a weekday plus
    the make-up days that fall on a weekend, each found by bisection. No loop over days.
    `current_calendar()` gives the one of the current request."""

    def __init__(self):
        rows = db.session.execute(select(Holiday.day, Holiday.is_working_day)).all()
        self.extra = {d for d, working in rows if working}
        self.off = {d for d, working in rows if not working} - self.extra
        self._off_weekdays = sorted(d.toordinal() for d in self.off if d.weekday() < 5)
        self._extra_weekend = sorted(d.toordinal() for d in self.extra if d.weekday() >= 5)

    def is_working_day(self, d: date) -> bool:
        if d in self.extra:
            return True
        return d.weekday() < 5 and d not in self.off

    def _upto(self, ordinal: int) -> int:
        """Working days from 0001-01-01 (a Monday) up to and including the day `ordinal`."""
        weeks, rest = divmod(ordinal, 7)
        weekdays = weeks * 5 + min(rest, 5)
        return (
            weekdays
            - bisect_right(self._off_weekdays, ordinal)
            + bisect_right(self._extra_weekend, ordinal)
        )

    def between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (negative if end < start)."""
        return self._upto(end.toordinal()) - self._upto(start.toordinal())

    def add(self, start: date, n: int) -> date:
        """The date `n` working days after `start` (n=0: start itself, moved to a working day;
        n < 0: before it)."""
        if n == 0:
            return start if self.is_working_day(start) else self.add(start, 1)
        base = self._upto(start.toordinal())
        if n > 0:
            # The first day whose count from the origin reaches base + n: a working day.
            target, lo, hi = base + n, start.toordinal() + 1, start.toordinal() + 2 * n + 31
            while self._upto(hi) < target:
                hi += 2 * n + 31
            while lo < hi:
                mid = (lo + hi) // 2
                if self._upto(mid) >= target:
                    hi = mid
                else:
                    lo = mid + 1
            return date.fromordinal(lo)
        # The last day d before `start` with |n| working days in [d, start): d is working.
        target = self._upto(start.toordinal() - 1) + n  # count up to the day before d
        lo, hi = start.toordinal() + 2 * n - 31, start.toordinal() - 1
        while self._upto(lo) > target:
            lo += 2 * n - 31
        while lo < hi:  # the last ordinal whose count up to the day before it is > target
            mid = (lo + hi + 1) // 2
            if self._upto(mid - 1) <= target:
                lo = mid
            else:
                hi = mid - 1
        return date.fromordinal(lo)


def current_calendar() -> Calendar:
    """The calendar of this request (one query per request); outside a request a fresh one."""
    memo = per_request("calendar")
    cal = memo.get("all")
    if cal is None:
        cal = memo["all"] = Calendar()
    return cal


def forget_calendar() -> None:
    """Drop the request's calendar (after a change to the holiday table)."""
    per_request("calendar").pop("all", None)


def is_working_day(d: date) -> bool:
    return current_calendar().is_working_day(d)


def add_working_days(start: date, n: int) -> date:
    """The date `n` working days after `start` (n=0: start itself, moved to a working day)."""
    return current_calendar().add(start, n)


def working_days_overdue_bound(today: date, n: int) -> date:
    """The n-th most recent working day up to `today` (n >= 1): a deadline is overdue by at
    least n working days on `today` exactly when it is before this day."""
    last = today if is_working_day(today) else add_working_days(today, -1)
    return add_working_days(last, -(n - 1)) if n > 1 else last


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (negative if end < start)."""
    return current_calendar().between(start, end)


def working_days_in_year(year: int) -> int:
    """Working days of a calendar year under the holiday table (both kinds of row)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    return current_calendar().between(first - timedelta(days=1), last)


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


def working_days_overdue(due: date, today: date) -> int:
    """Working days a deadline is past on `today` (0 when it is not past): the one figure every
    page shows as "quá hạn N ngày làm việc". One calendar query per request, whatever the rows."""
    if due >= today:
        return 0
    return max(0, current_calendar().between(due, today))


def add_days(start: date, amount: int, kind: DayKind) -> date:
    """Add calendar or working days as a rule says; a last day that is a day off moves to the
    next working day (`time_limit_end`)."""
    if kind == DayKind.WORKING:
        return add_working_days(start, amount)
    return time_limit_end(start + timedelta(days=amount)).day
