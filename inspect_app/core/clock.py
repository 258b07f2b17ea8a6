"""The one clock of the application: "now" in UTC and "today" in the province's zone.

The zone is the app's TIMEZONE setting (APP_TIMEZONE), set once by `create_app`; every worker
reads the same setting, so this is configuration, not shared state. Tests freeze the clock with
`frozen(...)`; the scheduler's `--as-of` passes dates explicitly.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from inspect_app.config import DEFAULT_TIMEZONE

ZONE = ZoneInfo(DEFAULT_TIMEZONE)

_frozen: datetime | None = None


def set_zone(name: str) -> None:
    """Use the zone `name` (an IANA name such as "Asia/Ho_Chi_Minh") for "today" and local times."""
    global ZONE
    ZONE = ZoneInfo(name)


def now() -> datetime:
    """The current instant, timezone-aware, in UTC."""
    if _frozen is not None:
        return _frozen
    return datetime.now(UTC)


def today() -> date:
    """Today's date in the province's zone."""
    return now().astimezone(ZONE).date()


def local(dt: datetime) -> datetime:
    """A stored instant shown in the province's zone (naive values are taken as UTC)."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(ZONE)


def start_of_local_day(d: date) -> datetime:
    """The UTC instant at which the local day `d` begins."""
    return datetime.combine(d, time.min, tzinfo=ZONE).astimezone(UTC)


def freeze(value: datetime | date | None) -> None:
    """Set the clock (a date means 09:00 local time that day); None lets it run again."""
    global _frozen
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, time(9, 0), tzinfo=ZONE)
    _frozen = value.astimezone(UTC) if value is not None else None


@contextmanager
def frozen(value: datetime | date) -> Iterator[None]:
    """Freeze the clock for the duration of a block."""
    previous = _frozen
    freeze(value)
    try:
        yield
    finally:
        globals()["_frozen"] = previous
