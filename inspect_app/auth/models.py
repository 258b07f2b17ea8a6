"""Users, their roles, and the record of login attempts used for throttling."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from inspect_app.core.models import EditableMixin, UTCDateTime, enum_column
from inspect_app.core.roles import INSPECTORS, Role
from inspect_app.extensions import db
from inspect_app.units.models import Unit


class User(UserMixin, EditableMixin, db.Model):
    """A person who signs in: admin, inspector, lead inspector, unit leader, Chief Inspector,
    Chairman or clerk."""

    __tablename__ = "user"
    __table_args__ = (
        CheckConstraint(
            "role <> 'unit_leader' OR unit_id IS NOT NULL", name="unit_leader_has_unit"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True, nullable=False)
    full_name: Mapped[str] = mapped_column(String(120), nullable=False)
    email: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    role: Mapped[Role] = mapped_column(enum_column(Role), nullable=False)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    locale: Mapped[str] = mapped_column(String(5), nullable=False, default="vi")
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit: Mapped[Unit | None] = relationship(lazy="joined")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_inspector(self) -> bool:
        return self.role in INSPECTORS

    @property
    def is_unit_leader(self) -> bool:
        return self.role == Role.UNIT_LEADER

    @property
    def is_leadership(self) -> bool:
        """The Chief Inspector or a deputy (not the Chairman)."""
        return self.role == Role.LEADERSHIP

    def __repr__(self) -> str:
        return f"<User {self.username}>"

    def __str__(self) -> str:
        return self.full_name


class LoginAttempt(db.Model):
    """One login attempt: failures within a window throttle the account and the client."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_username_at", "username", "at"),
        Index("ix_login_attempt_ip_at", "ip", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), nullable=False)
    ip: Mapped[str] = mapped_column(String(64), nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    success: Mapped[bool] = mapped_column(Boolean, nullable=False)
