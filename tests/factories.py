"""Small callables that make records for tests (no fixture per shape)."""

from __future__ import annotations

import itertools

from inspect_app.auth.models import Role, User
from inspect_app.extensions import db
from inspect_app.units.models import Unit, UnitKind

PASSWORD = "correct-horse-battery"
_seq = itertools.count(1)


def make_unit(name: str | None = None, kind: UnitKind = UnitKind.DEPARTMENT, parent=None, **kw):
    n = next(_seq)
    unit = Unit(
        code=kw.pop("code", f"U{n}"),
        name=name or f"Đơn vị {n}",
        kind=kind,
        parent=parent,
        **kw,
    )
    db.session.add(unit)
    db.session.flush()
    return unit


def make_user(role: Role | str = Role.INSPECTOR, unit=None, **kw) -> User:
    role = Role(role)
    n = next(_seq)
    if role == Role.UNIT_LEADER and unit is None:
        unit = make_unit()
    user = User(
        username=kw.pop("username", f"{role.value}{n}"),
        full_name=kw.pop("full_name", f"Người dùng {n}"),
        role=role,
        unit=unit,
        active=kw.pop("active", True),
        locale=kw.pop("locale", "vi"),
        **kw,
    )
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.flush()
    return user
