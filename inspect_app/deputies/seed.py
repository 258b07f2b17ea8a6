"""Demo data of deputies: the Director of Home Affairs names the head of the department's
office (a unit below the Sở) as deputy for the coming month.

Idempotent: the office, its leader and a running delegation are looked up before creation.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from inspect_app.auth import operations as auth_ops
from inspect_app.auth.demo import DEMO_PASSWORD, demo_password_hash
from inspect_app.auth.models import User
from inspect_app.core import clock
from inspect_app.core.roles import Role
from inspect_app.deputies import operations
from inspect_app.deputies.queries import active_delegations
from inspect_app.extensions import db
from inspect_app.units import operations as unit_ops
from inspect_app.units.models import Unit

OFFICE = ("VPSNV", "Văn phòng Sở Nội vụ", "agency")
DEPUTY = ("phogiamdoc.snv", "Hà Quang Vinh", "Phó Giám đốc Sở Nội vụ, Chánh Văn phòng Sở")


def seed(units: dict, users: dict) -> None:
    """Create the office, the deputy account and a delegation running from today if missing."""
    principal = users.get("giamdoc.snv")
    department = units.get("SNV")
    if principal is None or department is None:
        return
    code, name, kind = OFFICE
    office = db.session.execute(select(Unit).where(Unit.code == code)).scalar_one_or_none()
    if office is None:
        office = unit_ops.create_unit(
            None, {"code": code, "name": name, "kind": kind, "parent_id": department.id}
        )
    units[code] = office
    username, full_name, title = DEPUTY
    deputy = db.session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if deputy is None:
        deputy = auth_ops.create_user(
            None,
            {
                "username": username,
                "full_name": full_name,
                "role": Role.UNIT_LEADER.value,
                "unit_id": office.id,
                "title": title,
                "email": f"{username}@thanhtra.example.vn",
                "password": DEMO_PASSWORD,
            },
            password_hash=demo_password_hash(),
        )
    users[username] = deputy
    if any(d.principal_id == principal.id for d in active_delegations(deputy)):
        return
    today = clock.today()
    operations.name_deputy(
        principal,
        {
            "deputy_id": deputy.id,
            "starts_on": today,
            "ends_on": today + timedelta(days=30),
            "reason": "Giám đốc Sở đi học tập, công tác dài ngày.",
        },
    )
