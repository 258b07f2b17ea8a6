"""The unit tree: the province, its departments and agencies, communes and public service units."""

from __future__ import annotations

import enum
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import Boolean, Date, String, Text

from inspect_app.core.models import EditableMixin, LabelledEnum, TimestampMixin, enum_column
from inspect_app.core.search import Searchable
from inspect_app.extensions import db


class UnitKind(LabelledEnum):
    PROVINCE = "province", _l("Province")
    DEPARTMENT = "department", _l("Department")
    AGENCY = "agency", _l("Agency")
    COMMUNE = "commune", _l("Commune / ward")
    SERVICE_UNIT = "service_unit", _l("Public service unit")


class Unit(Searchable, EditableMixin, db.Model):
    """An agency or unit (đơn vị) in the province's tree; `successor` records reorganisations."""

    __tablename__ = "unit"
    __table_args__ = (
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
        Searchable.search_index("ix_unit_search"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[UnitKind] = mapped_column(enum_column(UnitKind), nullable=False)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    parent: Mapped[Unit | None] = relationship(
        remote_side=[id], foreign_keys=[parent_id], back_populates="children"
    )
    children: Mapped[list[Unit]] = relationship(
        foreign_keys=[parent_id], back_populates="parent", order_by="Unit.name"
    )
    successor: Mapped[Unit | None] = relationship(remote_side=[id], foreign_keys=[successor_id])

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"

    def __str__(self) -> str:
        return self.name

    SEARCH_FIELDS = ("code", "name")

    def search_source(self) -> list[str | None]:
        """Its code and name."""
        return [self.code, self.name]


class UnitEventKind(LabelledEnum):
    MERGE = "merge", _l("Merge")
    RENAME = "rename", _l("Rename")
    SPLIT = "split", _l("Split")
    MOVE = "move", _l("Move in the tree")


class UnitEventRole(enum.StrEnum):
    SOURCE = "source"
    TARGET = "target"


class UnitEvent(TimestampMixin, db.Model):
    """A reorganisation (sắp xếp, tổ chức lại) decided by a document, effective on a date."""

    __tablename__ = "unit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[UnitEventKind] = mapped_column(enum_column(UnitEventKind), nullable=False)
    effective_date: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    decision_reference: Mapped[str] = mapped_column(String(200), nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    actor = relationship("User")
    units: Mapped[list[UnitEventUnit]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="UnitEventUnit.id"
    )

    def units_in(self, role: UnitEventRole) -> list[Unit]:
        return [link.unit for link in self.units if link.role == role]


class UnitEventUnit(db.Model):
    """A unit taking part in a reorganisation: a source (merged or split away) or a target."""

    __tablename__ = "unit_event_unit"
    __table_args__ = (UniqueConstraint("event_id", "unit_id", "role", name="uq_unit_event_unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("unit_event.id", ondelete="CASCADE"), nullable=False, index=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), nullable=False, index=True)
    role: Mapped[UnitEventRole] = mapped_column(enum_column(UnitEventRole), nullable=False)

    event: Mapped[UnitEvent] = relationship(back_populates="units")
    unit: Mapped[Unit] = relationship()


class UnitPeriod(db.Model):
    """A unit's name and parent during a period [valid_from, valid_to): the tree at a date.

    Written by reorganisations only. A unit without periods has always looked as it does
    now; `valid_from` NULL means "since before any recorded reorganisation".
    """

    __tablename__ = "unit_period"
    __table_args__ = (
        CheckConstraint(
            "valid_from IS NULL OR valid_to IS NULL OR valid_from < valid_to",
            name="period_order",
        ),
        Index("ix_unit_period_unit", "unit_id", "valid_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("unit_event.id"))

    def covers(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day < self.valid_to
        )
