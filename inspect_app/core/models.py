"""Column types and mixins shared by every model."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, Enum, ForeignKey, Integer, Table, TypeDecorator
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from inspect_app.core import clock
from inspect_app.core.errors import Conflict
from inspect_app.extensions import db


class UTCDateTime(TypeDecorator):
    """Timezone-aware datetimes stored in UTC, read back aware on every database."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class LabelledEnum(enum.StrEnum):
    """A StrEnum whose members carry their translated label: `OPEN = "open", _l("Open")`.

    The value (what the database stores) is the string; `.label` is the label in the
    current locale. The `_l(...)` calls stay literal in each enum so babel extracts them.
    """

    def __new__(cls, value: str, label):
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label
        return member

    @property
    def label(self) -> str:
        return str(self._label)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)


class VersionedMixin:
    """A version column checked on every UPDATE, and compared with the version a form was built on.

    A stale write raises `Conflict` (from `check_version`) or SQLAlchemy's StaleDataError (a race
    between two requests); both become "changed by someone else", never a silent overwrite.
    """

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}


class EditableMixin(TimestampMixin, VersionedMixin):
    """An editable record: when it was created and changed, and a version checked on write."""


def check_version(obj: VersionedMixin, submitted: int | None) -> None:
    """Refuse a change built on an older version of the record than the stored one."""
    if submitted is not None and submitted != obj.version:
        raise Conflict()


def enum_column(enum_cls, length: int = 30) -> Enum:
    """A portable enum column stored as its value (a string), checked by a constraint."""
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=True,
        length=length,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
        name=enum_cls.__name__.lower(),
    )


def secondary(
    name: str, owner: str, owner_key: str, other: str, other_key: str, **other_kw
) -> Table:
    """A secondary (many-to-many link) table: (`owner`, `other`) column pairs, the primary key; a row goes
    with its owner (ON DELETE CASCADE). `other_kw` go to the `other` column (e.g. `index=True`)."""
    return Table(
        name,
        db.metadata,
        Column(owner, ForeignKey(owner_key, ondelete="CASCADE"), primary_key=True),
        Column(other, ForeignKey(other_key), primary_key=True, **other_kw),
    )
