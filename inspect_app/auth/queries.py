"""The list of accounts, filtered by text, role and state (administrators' page and API)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select

from inspect_app.auth.models import User
from inspect_app.core.roles import Role

STATES = ("active", "inactive")


@dataclass(frozen=True)
class UserFilters:
    q: str = ""
    role: str = ""
    state: str = ""

    @classmethod
    def from_args(cls, args) -> UserFilters:
        """The filters of a query string; unknown roles and states are ignored."""
        # NUL cannot be sent to PostgreSQL; % and _ are searched for literally (autoescape).
        q = (args.get("q") or "").replace("\x00", "").strip()[:100]
        return cls(q=q, role=args.get("role") or "", state=args.get("state") or "")


def user_list(filters: UserFilters) -> Select:
    """Accounts matching the filters, by full name."""
    stmt = select(User).order_by(User.full_name, User.id)
    if filters.q:
        needle = filters.q.lower()
        stmt = stmt.where(
            or_(
                func.lower(User.username).contains(needle, autoescape=True),
                func.lower(User.full_name).contains(needle, autoescape=True),
            )
        )
    if filters.role in {r.value for r in Role}:
        stmt = stmt.where(User.role == Role(filters.role))
    if filters.state in STATES:
        stmt = stmt.where(User.active.is_(filters.state == "active"))
    return stmt
