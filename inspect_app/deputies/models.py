"""Deputies (ủy quyền): a unit leader names another unit leader to act on the unit's cases for
a period; every act of the deputy on those cases records "on behalf of" the leader."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Text, and_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspect_app.auth.models import User
from inspect_app.core import clock
from inspect_app.core.models import EditableMixin, UTCDateTime
from inspect_app.core.roles import signed_in
from inspect_app.extensions import db
from inspect_app.units.models import Unit


class Delegation(EditableMixin, db.Model):
    """`deputy` acts for `principal` on the cases of `unit` (and the units below it) from
    `starts_on` to `ends_on` inclusive, unless revoked earlier."""

    __tablename__ = "delegation"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="period_in_order"),
        CheckConstraint("deputy_id <> principal_id", name="not_self"),
        Index("ix_delegation_deputy_period", "deputy_id", "starts_on", "ends_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    principal_id: Mapped[int] = mapped_column(ForeignKey("user.id"), nullable=False)
    deputy_id: Mapped[int] = mapped_column(ForeignKey("user.id"), nullable=False)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), nullable=False)
    starts_on: Mapped[date] = mapped_column(Date, nullable=False)
    ends_on: Mapped[date] = mapped_column(Date, nullable=False)
    reason: Mapped[str | None] = mapped_column(Text)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    principal: Mapped[User] = relationship(foreign_keys=[principal_id])
    deputy: Mapped[User] = relationship(foreign_keys=[deputy_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])
    unit: Mapped[Unit] = relationship()

    @classmethod
    def in_force_on(cls, day: date):
        """SQL condition: not revoked, and `day` within its period (ends included)."""
        return and_(cls.revoked_at.is_(None), cls.starts_on <= day, cls.ends_on >= day)

    def can_view(self, user) -> bool:
        """Its principal, its deputy, or an administrator."""
        if not signed_in(user):
            return False
        return user.is_admin or user.id in (self.principal_id, self.deputy_id)

    def can_revoke(self, user, check_state: bool = True) -> bool:
        """Its principal or an administrator, while it has not been revoked or ended."""
        if user is None or not (user.is_admin or user.id == self.principal_id):
            return False
        return not (check_state and (self.revoked_at is not None or self.ends_on < clock.today()))
