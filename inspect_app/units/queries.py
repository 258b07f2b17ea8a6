"""Reading the unit tree."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import aliased, joinedload, selectinload

from inspect_app.core.memo import forget_on_write, per_request
from inspect_app.extensions import db
from inspect_app.units.models import (
    Unit,
    UnitEvent,
    UnitEventKind,
    UnitEventRole,
    UnitEventUnit,
    UnitPeriod,
)


def all_units(active_only: bool = False) -> list[Unit]:
    stmt = select(Unit).order_by(Unit.name)
    if active_only:
        stmt = stmt.where(Unit.active.is_(True))
    return list(db.session.execute(stmt).scalars())


def tree_rows(units: list[Unit] | list[UnitAt]) -> list[tuple]:
    """Units (or their states on a day) in tree order with their depth, built in memory; a
    unit whose parent is not among them starts a tree."""
    by_parent: dict[int | None, list] = {}
    ids = {u.id for u in units}
    for u in units:
        key = u.parent_id if u.parent_id in ids else None
        by_parent.setdefault(key, []).append(u)
    rows: list[tuple] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for child in by_parent.get(parent_id, []):
            rows.append((child, depth))
            walk(child.id, depth + 1)

    walk(None, 0)
    return rows


def unit_parents() -> dict[int, int | None]:
    """Every unit's id -> its parent's id (one query a request: the signed-in user's scope, a
    notice's recipients and the filters all read the tree). A unit's change drops it once
    flushed: every unit operation flushes before it returns."""
    memo = per_request("unit_tree")
    if "parents" not in memo:
        memo["parents"] = dict(db.session.execute(select(Unit.id, Unit.parent_id)).all())
    return memo["parents"]


forget_on_write(Unit, "unit_tree", "visible_units")


def subtree_ids(root_id: int) -> set[int]:
    """The id of a unit and of every unit below it (one query)."""
    return _subtrees([root_id])


def _subtrees(root_ids: list[int]) -> set[int]:
    """The ids of the given units and of every unit below them (one query, none if no root)."""
    return set().union(*subtrees(root_ids).values())


def subtrees(root_ids: list[int]) -> dict[int, set[int]]:
    """Each given unit's id -> its id and the ids of every unit below it (one query for them
    all, none if no root)."""
    if not root_ids:
        return {}
    children: dict[int | None, list[int]] = {}
    for uid, pid in unit_parents().items():
        children.setdefault(pid, []).append(uid)

    def below(root: int) -> set[int]:
        found, stack = set(), [root]
        while stack:
            uid = stack.pop()
            if uid not in found:
                found.add(uid)
                stack.extend(children.get(uid, []))
        return found

    return {root: below(root) for root in root_ids}


# The units a unit leader deputises for today. Delegations are a feature above units, so it
# hands its lookup in (deputies.queries registers it) instead of units importing it.
_delegated_units: list[Callable[[object], list[int]]] = []


def register_delegated_units(lookup: Callable[[object], list[int]]) -> None:
    """deputies.queries: `lookup(user)` gives the units `user` deputises for today."""
    if lookup not in _delegated_units:
        _delegated_units.append(lookup)


def visible_unit_ids(user) -> set[int] | None:
    """Units whose records `user` may see: None means all (staff); a unit leader sees their
    unit and every unit below it, and, while a delegation runs, the units they deputise for.
    Computed once per request and user (lists call it several times)."""
    if not user.is_unit_leader:
        return None
    cache = per_request("visible_units")
    if user.id not in cache:
        roots = [user.unit_id] if user.unit_id else []
        for lookup in _delegated_units:
            roots += lookup(user)
        cache[user.id] = _subtrees(roots)
    return set(cache[user.id])


def unit_choices(user) -> list:
    """(id, name) rows of the units `user` sees, by name: a list filter's options (plain rows,
    not ORM objects: 173 units a page)."""
    visible = visible_unit_ids(user)
    stmt = select(Unit.id, Unit.name).order_by(Unit.name)
    if visible is not None:
        stmt = stmt.where(Unit.id.in_(visible or {-1}))
    return list(db.session.execute(stmt).all())


# --- history: succession, names and the tree at a date ---------------------------------------


# The two sides of a merge or split (`succession_edges`), made once: `aliased` costs a few
# tenths of a millisecond per call.
_SOURCE, _TARGET = aliased(UnitEventUnit), aliased(UnitEventUnit)


def succession_edges() -> list[tuple[int, int, date]]:
    """(source unit, target unit, effective date) of every merge and split (one query)."""
    source, target = _SOURCE, _TARGET
    stmt = (
        select(source.unit_id, target.unit_id, UnitEvent.effective_date)
        .join(UnitEvent, source.event_id == UnitEvent.id)
        .join(target, target.event_id == UnitEvent.id)
        .where(
            UnitEvent.kind.in_((UnitEventKind.MERGE, UnitEventKind.SPLIT)),
            source.role == UnitEventRole.SOURCE,
            target.role == UnitEventRole.TARGET,
            source.unit_id != target.unit_id,
        )
    )
    return [tuple(row) for row in db.session.execute(stmt).all()]


def lineage_ids(unit_id: int) -> set[int]:
    """The unit, the units it came from (merged or split into it, recursively) and the units it
    went into: filtering by an old name finds its history and its successors' records, filtering
    by a new one finds its predecessors' history too (one query)."""
    forward: dict[int, set[int]] = {}
    backward: dict[int, set[int]] = {}
    for src, dst, _day in succession_edges():
        forward.setdefault(src, set()).add(dst)
        backward.setdefault(dst, set()).add(src)
    found = {unit_id}
    for graph in (forward, backward):
        stack = [unit_id]
        seen = {unit_id}
        while stack:
            for nxt in graph.get(stack.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        found |= seen
    return found


@dataclass(frozen=True)
class UnitAt:
    """A unit as it was on a date: its name and parent then."""

    id: int
    code: str
    name: str
    parent_id: int | None
    current_name: str
    active: bool


class UnitHistory:
    """Units and their recorded periods, loaded with two queries, answering questions about
    any date: which units existed, under which name and parent, and who succeeded whom."""

    def __init__(self) -> None:
        self.units = {u.id: u for u in db.session.execute(select(Unit)).scalars()}
        self.periods: dict[int, list[UnitPeriod]] = {}
        for period in db.session.execute(select(UnitPeriod).order_by(UnitPeriod.id)).scalars():
            self.periods.setdefault(period.unit_id, []).append(period)

    def at(self, unit_id: int, day: date) -> UnitAt | None:
        """The unit as on `day`, or None if it did not exist then."""
        unit = self.units.get(unit_id)
        if unit is None:
            return None
        periods = self.periods.get(unit_id)
        if not periods:
            return UnitAt(unit.id, unit.code, unit.name, unit.parent_id, unit.name, unit.active)
        for period in periods:
            if period.covers(day):
                return UnitAt(
                    unit.id, unit.code, period.name, period.parent_id, unit.name, unit.active
                )
        return None

    def name_at(self, unit_id: int, day: date) -> str:
        """The name on `day` (the current name if the unit did not exist then)."""
        state = self.at(unit_id, day)
        if state is not None:
            return state.name
        unit = self.units.get(unit_id)
        return unit.name if unit else ""

    def former_names(self, unit_id: int) -> list[str]:
        """Names the unit had before its current one, oldest first."""
        unit = self.units[unit_id]
        names: list[str] = []
        for period in self.periods.get(unit_id, []):
            if period.name != unit.name and period.name not in names:
                names.append(period.name)
        return names

    def dissolved_on(self, unit_id: int) -> date | None:
        """The day a merged or split-up unit stopped existing (None while it exists)."""
        unit = self.units[unit_id]
        periods = self.periods.get(unit_id)
        if unit.successor_id is None or not periods:
            return None
        if any(p.valid_to is None for p in periods):
            return None
        return max(p.valid_to for p in periods if p.valid_to is not None)

    def group_of(self, unit_id: int, day: date) -> int:
        """The unit whose figures include `unit_id`'s in the tree of `day`: the unit itself,
        or the unit it had been merged (or split) into by then."""
        seen = {unit_id}
        current = unit_id
        while True:
            unit = self.units.get(current)
            gone = self.dissolved_on(current) if unit else None
            if unit is None or gone is None or gone > day or unit.successor_id in seen:
                return current
            current = unit.successor_id
            seen.add(current)

    def grouping(self, day: date) -> dict[int, int]:
        """{unit id: group unit id} for the units whose group is another unit on `day`."""
        mapping = {}
        for unit_id in self.units:
            group = self.group_of(unit_id, day)
            if group != unit_id:
                mapping[unit_id] = group
        return mapping

    def tree_at(self, day: date) -> list[tuple[UnitAt, int]]:
        """The tree as it stood on `day`, in tree order with depths."""
        states = [s for s in (self.at(uid, day) for uid in self.units) if s is not None]
        states = [s for s in states if self.periods.get(s.id) or s.active]
        states.sort(key=lambda s: s.name)
        return tree_rows(states)


def unit_events(limit: int = 50) -> list[UnitEvent]:
    """The latest reorganisations with their units (two queries)."""
    stmt = (
        select(UnitEvent)
        .options(
            joinedload(UnitEvent.actor),
            selectinload(UnitEvent.units).joinedload(UnitEventUnit.unit),
        )
        .order_by(UnitEvent.effective_date.desc(), UnitEvent.id.desc())
        .limit(limit)
    )
    return list(db.session.execute(stmt).unique().scalars())
