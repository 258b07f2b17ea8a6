"""Reading accounts: the administrators' user list and its filters."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import Select, select

from inspect_app.auth.models import User
from inspect_app.core import filters
from inspect_app.core.roles import INSPECTORS, Role
from inspect_app.extensions import db

STATES = ("active", "inactive")


@dataclass(frozen=True)
class UserFilters:
    """The user list's filters as read from the query string (invalid values are ignored)."""

    q: str = ""
    role: str = ""
    state: str = ""

    @classmethod
    def from_args(cls, args) -> UserFilters:
        return cls(
            q=filters.text(args, "q"),
            role=filters.choice(args, "role", Role),
            state=filters.choice(args, "state", STATES),
        )

    def as_args(self) -> dict:
        return asdict(self)


def user_list(chosen: UserFilters) -> Select:
    """Accounts by name matching the filters; % and _ are searched for literally."""
    stmt = select(User).order_by(User.full_name, User.id)
    if chosen.q:
        stmt = stmt.where(filters.contains_text(chosen.q, User.username, User.full_name))
    if chosen.role:
        stmt = stmt.where(User.role == Role(chosen.role))
    if chosen.state:
        stmt = stmt.where(User.active.is_(chosen.state == "active"))
    return stmt


def active_inspectors() -> list[User]:
    """Active inspectors and lead inspectors by name: who may lead a planned inspection."""
    stmt = (
        select(User)
        .where(User.role.in_(INSPECTORS), User.active.is_(True))
        .order_by(User.full_name)
    )
    return list(db.session.execute(stmt).scalars())
