"""Reading list filters from a query string: each list's `XFilters.from_args` (in its feature's
queries.py) is built from these. A bad value is ignored (None or the default), never a 500."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import func, or_

from inspect_app.core.schemas import MAX_DATE, MAX_ID, MIN_DATE


def text(args, name: str, limit: int = 100) -> str:
    """Free text, stripped and cut to `limit`; NUL removed (PostgreSQL refuses it)."""
    return (args.get(name) or "").replace("\x00", "").strip()[:limit]


def number(args, name: str, lo: int, hi: int) -> int | None:
    """A whole number written in ASCII digits within [lo, hi]; None otherwise."""
    raw = (args.get(name) or "").strip()
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 10):
        return None
    value = int(raw)
    return value if lo <= value <= hi else None


def record_id(args, name: str) -> int | None:
    """A record id (1 to the id column's maximum); None otherwise."""
    return number(args, name, 1, MAX_ID)


def choice(args, name: str, choices: Iterable, default: str = "") -> str:
    """One of `choices` (strings or StrEnum members), else `default`."""
    raw = args.get(name) or ""
    return raw if raw in {str(c) for c in choices} else default


def day(args, name: str, formats: tuple[str, ...] = ("%Y-%m-%d",)) -> date | None:
    """A date in one of `formats` (ISO by default) within the dates records carry
    (core.schemas MIN_DATE to MAX_DATE); None otherwise."""
    raw = (args.get(name) or "").strip()
    for fmt in formats:
        try:
            value = datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
        return value if MIN_DATE <= value <= MAX_DATE else None
    return None


def contains_text(needle: str, *columns):
    """The SQL condition "one of `columns` contains `needle`", case-insensitive; % and _ are
    searched for literally."""
    needle = needle.lower()
    return or_(*(func.lower(c).contains(needle, autoescape=True) for c in columns))


@dataclass
class ListFilters:
    """The filters the case and inspection lists share (each list's class adds its own):
    a state among `STATES`, a unit, a field of work and a year within `YEARS`."""

    STATES: ClassVar[Iterable] = ()
    YEARS: ClassVar[tuple[int, int]] = (1, 9999)

    state: str = ""
    unit: int | None = None
    field: int | None = None
    year: int | None = None

    @classmethod
    def shared_args(cls, args) -> dict:
        """The shared filters read from `args`, as keyword arguments for the class."""
        return {
            "state": choice(args, "state", cls.STATES),
            "unit": record_id(args, "unit"),
            "field": record_id(args, "field"),
            "year": number(args, "year", *cls.YEARS),
        }

    def link_args(self, **own) -> dict:
        """The non-empty filters, the shared ones then `own`, for links (pagination, sorting)."""
        values = {"state": self.state, "unit": self.unit, "field": self.field, "year": self.year}
        return {k: v for k, v in (values | own).items() if v not in ("", None)}
