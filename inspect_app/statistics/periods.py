"""Reporting periods of the circular (quarter, 6 months, 9 months, year) and their cut-off
dates, from the form version's rule (Circular 01/2024/TT-TTCP: Q1 from 15 December of the year
before to 14 March; Q2-Q4 from the 15th of the quarter's previous month to the 14th of its last
month; 6 months, 9 months and the year from 15 December of the year before to 14 June, 14
September, 14 December). A period is named "2026-Q1", "2026-6M", "2026-9M", "2026-Y"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from inspect_app.core.errors import OperationError
from inspect_app.statistics.definitions import FormVersion, versions

KIND_LABELS = {
    "Q1": _l("Quarter I"),
    "Q2": _l("Quarter II"),
    "Q3": _l("Quarter III"),
    "Q4": _l("Quarter IV"),
    "6M": _l("6 months"),
    "9M": _l("9 months"),
    "Y": _l("Year"),
}
# The official wording in a document's title (Vietnamese whatever the reader's language).
KIND_TITLES = {
    "Q1": "quý I",
    "Q2": "quý II",
    "Q3": "quý III",
    "Q4": "quý IV",
    "6M": "6 tháng đầu năm",
    "9M": "9 tháng",
    "Y": "năm",
}
KEY = re.compile(r"^(\d{4})-(Q1|Q2|Q3|Q4|6M|9M|Y)$")


@dataclass(frozen=True)
class Period:
    """A reporting period: its key, kind, year, first day and cut-off (last) day, and the form
    version whose rule gave the dates."""

    year: int
    kind: str
    start: date
    end: date
    version: FormVersion

    @property
    def key(self) -> str:
        return f"{self.year}-{self.kind}"

    @property
    def label(self) -> str:
        return f"{KIND_LABELS[self.kind]} {self.year}"

    @property
    def title_text(self) -> str:
        """ "quý I năm 2026", "năm 2026" (a document's title)."""
        if self.kind == "Y":
            return f"năm {self.year}"
        return f"{KIND_TITLES[self.kind]} năm {self.year}"

    @property
    def has_narrative(self) -> bool:
        """Q1, 6 months, 9 months and the year carry a narrative; Q2-Q4 the tables only."""
        return self.kind in self.version.periods.get("narrative", ())


def dates_for(version: FormVersion, year: int, kind: str) -> tuple[date, date]:
    """(first day, cut-off day) of the period under `version`'s rule."""
    rule = version.periods
    first_month, last_month = rule["kinds"][kind]
    start_year, start_month = (year, first_month - 1) if first_month > 1 else (year - 1, 12)
    return date(start_year, start_month, rule["start_day"]), date(year, last_month, rule["end_day"])


def parse_key(key: str) -> tuple[int, str]:
    match = KEY.match(key or "")
    if not match or not 2000 <= int(match.group(1)) <= 2100:
        raise OperationError(
            _(
                "“%(key)s” is not a reporting period: write it as 2026-Q1, 2026-Q2, 2026-Q3, "
                "2026-Q4, 2026-6M, 2026-9M or 2026-Y.",
                key=(key or "")[:20],
            ),
            field="period",
        )
    return int(match.group(1)), match.group(2)


def period(key: str, version: FormVersion | None = None) -> Period:
    """The period named `key` under `version`, or under the version in force on its cut-off
    date; 422 for a bad key, or a version that does not cover the period."""
    year, kind = parse_key(key)
    if version is not None:
        start, end = dates_for(version, year, kind)
        if not version.covers(end):
            raise OperationError(
                _(
                    "The forms of %(form)s (%(when)s) do not cover %(period)s (cut-off "
                    "%(end)s): choose the version in force on the cut-off date.",
                    form=version.short,
                    when=version.in_force_text,
                    period=f"{KIND_LABELS[kind]} {year}",
                    end=end.strftime("%d/%m/%Y"),
                ),
                field="version",
            )
        return Period(year, kind, start, end, version)
    for candidate in reversed(versions()):
        start, end = dates_for(candidate, year, kind)
        if candidate.covers(end):
            return Period(year, kind, start, end, candidate)
    raise OperationError(
        _(
            "No form version is in force for %(period)s: its figures cannot be reported.",
            period=f"{KIND_LABELS[kind]} {year}",
        ),
        field="period",
    )


def ended(p: Period, today: date) -> bool:
    """The period has ended once its cut-off day is over."""
    return p.end < today


def recent(today: date, count: int = 12) -> list[Period]:
    """The periods that ended most recently, newest first (the period selector), and the
    current one (shown as not ended)."""
    found: list[Period] = []
    for year in range(today.year + 1, today.year - 4, -1):
        for kind in ("Y", "9M", "Q4", "Q3", "6M", "Q2", "Q1"):
            try:
                found.append(period(f"{year}-{kind}"))
            except OperationError:
                continue
    found = [p for p in found if p.start <= today]
    found.sort(key=lambda p: (p.end, p.end - p.start), reverse=True)
    return found[:count]


def latest_ended(today: date) -> Period | None:
    """The most recently ended period (the selector's default)."""
    return next((p for p in recent(today, 40) if ended(p, today)), None)
