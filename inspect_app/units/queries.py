"""Reading the unit tree."""

from __future__ import annotations

from flask import g, has_request_context
from sqlalchemy import select

from inspect_app.extensions import db
from inspect_app.units.models import Unit


def all_units(active_only: bool = False) -> list[Unit]:
    stmt = select(Unit).order_by(Unit.name)
    if active_only:
        stmt = stmt.where(Unit.active.is_(True))
    return list(db.session.execute(stmt).scalars())


def tree_rows(units: list[Unit]) -> list[tuple[Unit, int]]:
    """Units in tree order with their depth, built in memory from one query."""
    by_parent: dict[int | None, list[Unit]] = {}
    ids = {u.id for u in units}
    for u in units:
        key = u.parent_id if u.parent_id in ids else None
        by_parent.setdefault(key, []).append(u)
    rows: list[tuple[Unit, int]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for child in by_parent.get(parent_id, []):
            rows.append((child, depth))
            walk(child.id, depth + 1)

    walk(None, 0)
    return rows


def subtree_ids(root_id: int) -> set[int]:
    """The id of a unit and of every unit below it (one query)."""
    return _subtrees([root_id])


def _subtrees(root_ids: list[int]) -> set[int]:
    """The ids of the given units and of every unit below them (one query, none if no root)."""
    if not root_ids:
        return set()
    pairs = db.session.execute(select(Unit.id, Unit.parent_id)).all()
    children: dict[int | None, list[int]] = {}
    for uid, pid in pairs:
        children.setdefault(pid, []).append(uid)
    found, stack = set(), list(root_ids)
    while stack:
        uid = stack.pop()
        if uid in found:
            continue
        found.add(uid)
        stack.extend(children.get(uid, []))
    return found


def visible_unit_ids(user) -> set[int] | None:
    """Units whose records `user` may see: None means all (staff); a unit leader sees their
    unit and every unit below it, and, while a delegation runs, the units they deputise for.
    Computed once per request and user (lists call it several times)."""
    if user.role.value != "unit_leader":
        return None
    from inspect_app.deputies.queries import active_delegations

    cache = g.setdefault("_visible_units", {}) if has_request_context() else {}
    if user.id not in cache:
        roots = [user.unit_id] if user.unit_id else []
        roots += [d.unit_id for d in active_delegations(user)]
        cache[user.id] = _subtrees(roots)
    return set(cache[user.id])
