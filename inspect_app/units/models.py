"""The unit tree: the province, its departments and agencies, communes and public service units."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspect_app.core.models import TimestampMixin, VersionedMixin, enum_column
from inspect_app.extensions import db


class UnitKind(enum.StrEnum):
    PROVINCE = "province"
    DEPARTMENT = "department"
    AGENCY = "agency"
    COMMUNE = "commune"
    SERVICE_UNIT = "service_unit"

    @property
    def label(self) -> str:
        return str(UNIT_KIND_LABELS[self])


UNIT_KIND_LABELS = {
    UnitKind.PROVINCE: _l("Province"),
    UnitKind.DEPARTMENT: _l("Department"),
    UnitKind.AGENCY: _l("Agency"),
    UnitKind.COMMUNE: _l("Commune / ward"),
    UnitKind.SERVICE_UNIT: _l("Public service unit"),
}


class Unit(TimestampMixin, VersionedMixin, db.Model):
    """An agency or unit (đơn vị) in the province's tree; `successor` records reorganisations."""

    __tablename__ = "unit"
    __table_args__ = (
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
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
