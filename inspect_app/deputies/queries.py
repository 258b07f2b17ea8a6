"""Who may act for a unit today: its own leaders, or a deputy during an active delegation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from inspect_app.core import clock
from inspect_app.deputies.models import Delegation
from inspect_app.extensions import db


def active_delegations(user, day: date | None = None) -> list[Delegation]:
    """Delegations naming `user` as deputy that are in force on `day` (one query)."""
    day = day or clock.today()
    return list(
        db.session.execute(
            select(Delegation)
            .options(joinedload(Delegation.principal))
            .where(
                Delegation.deputy_id == user.id,
                Delegation.revoked_at.is_(None),
                Delegation.starts_on <= day,
                Delegation.ends_on >= day,
            )
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
    from inspect_app.units.queries import subtree_ids

    if user is None or user.role.value != "unit_leader":
        return Authority(False)
    if user.unit_id and unit_id in subtree_ids(user.unit_id):
        return Authority(True)
    for delegation in active_delegations(user, day):
        if unit_id in subtree_ids(delegation.unit_id):
            return Authority(True, delegation.principal)
    return Authority(False)
