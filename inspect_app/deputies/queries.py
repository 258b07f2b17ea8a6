"""Who may act for a unit today: its own leaders, or a deputy during an active delegation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import joinedload

from inspect_app.auth.models import User
from inspect_app.core import clock
from inspect_app.core.memo import per_request
from inspect_app.core.roles import Role
from inspect_app.deputies.models import Delegation
from inspect_app.extensions import db
from inspect_app.units.queries import register_delegated_units, subtree_ids, unit_parents


def active_delegations(user, day: date | None = None) -> list[Delegation]:
    """Delegations naming `user` as deputy that are in force on `day` (one query)."""
    day = day or clock.today()
    return list(
        db.session.execute(
            select(Delegation)
            .options(joinedload(Delegation.principal))
            .where(Delegation.deputy_id == user.id, Delegation.in_force_on(day))
            .order_by(Delegation.id)
        ).scalars()
    )


@dataclass(frozen=True)
class Authority:
    """Whether a unit leader may act on a unit's cases, and for whom (None: in their own name)."""

    allowed: bool
    on_behalf_of: object | None = None


def authority_over(user, unit_id: int, day: date | None = None) -> Authority:
    """A unit leader acts in their own name on their unit and the units below it; a deputy acts
    on behalf of the principal on the delegated unit's subtree while the delegation runs."""
    if user is None or not getattr(user, "is_unit_leader", False):
        return Authority(False)
    if user.unit_id and unit_id in subtree_ids(user.unit_id):
        return Authority(True)
    for delegation in active_delegations(user, day):
        if unit_id in subtree_ids(delegation.unit_id):
            return Authority(True, delegation.principal)
    return Authority(False)


def delegations_list(user) -> Select:
    """Delegations `user` may see, newest first: an administrator all of them, a unit leader
    those naming them as principal or deputy (people and unit loaded with each row)."""
    stmt = (
        select(Delegation)
        .options(
            joinedload(Delegation.principal),
            joinedload(Delegation.deputy),
            joinedload(Delegation.unit),
            joinedload(Delegation.revoked_by),
        )
        .order_by(Delegation.starts_on.desc(), Delegation.id.desc())
    )
    if not user.is_admin:
        stmt = stmt.where(or_(Delegation.principal_id == user.id, Delegation.deputy_id == user.id))
    return stmt


def deputy_candidates(user) -> list:
    """Who `user` may name as deputy: other active unit leaders of their unit or a unit below it
    (one query for the tree, one for the users)."""
    if not user.is_unit_leader or not user.unit_id:
        return []
    return list(
        db.session.execute(
            select(User)
            .where(
                User.role == Role.UNIT_LEADER,
                User.active.is_(True),
                User.id != user.id,
                User.unit_id.in_(subtree_ids(user.unit_id)),
            )
            .order_by(User.full_name, User.id)
        ).scalars()
    )


def acting_for(user) -> list[Delegation]:
    """The delegations `user` acts under today, once per request (the banner of every page)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    if not user.is_unit_leader:
        return []
    cache = per_request("acting_for")
    if user.id not in cache:
        cache[user.id] = active_delegations(user)
    return cache[user.id]


# units.queries sits below delegations: it learns the units a deputy acts for from here.
register_delegated_units(lambda user: [d.unit_id for d in acting_for(user)])


def unit_leaders(unit_id: int) -> list[User]:
    """The active leaders of a unit (one query)."""
    return list(
        db.session.execute(
            select(User).where(
                User.role == Role.UNIT_LEADER, User.unit_id == unit_id, User.active.is_(True)
            )
        ).scalars()
    )


def unit_recipients(unit_id: int, today: date | None = None) -> list[User]:
    """The active leaders of a unit and the deputies acting today for it or a unit above it
    (`recipients_by_unit` of one unit)."""
    return recipients_by_unit({unit_id}, today)[unit_id]


def recipients_by_unit(unit_ids, today: date | None = None) -> dict[int, list[User]]:
    """`unit_recipients` for many units at once (three queries whatever their number): the
    active leaders of each unit and the deputies acting today for it or a unit above it."""
    today = today or clock.today()
    unit_ids = set(unit_ids)
    parents = unit_parents()
    chains: dict[int, list[int]] = {}
    for unit_id in unit_ids:
        chain, current = [], unit_id
        while current is not None and current not in chain:
            chain.append(current)
            current = parents.get(current)
        chains[unit_id] = chain
    leaders = db.session.execute(
        select(User).where(
            User.role == Role.UNIT_LEADER, User.unit_id.in_(unit_ids), User.active.is_(True)
        )
    ).scalars()
    found: dict[int, dict[int, User]] = {unit_id: {} for unit_id in unit_ids}
    for user in leaders:
        found[user.unit_id][user.id] = user
    above = {u for chain in chains.values() for u in chain}
    deputies = db.session.execute(
        select(Delegation.unit_id, User)
        .join(User, Delegation.deputy_id == User.id)
        .where(Delegation.unit_id.in_(above), Delegation.in_force_on(today), User.active.is_(True))
    ).all()
    for unit_id, chain in chains.items():
        for delegated_unit, user in deputies:
            if delegated_unit in chain:
                found[unit_id].setdefault(user.id, user)
    return {unit_id: list(users.values()) for unit_id, users in found.items()}
