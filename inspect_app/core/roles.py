"""The roles a user holds; every permission rule speaks of them (never of their strings)."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class Role(enum.StrEnum):
    ADMIN = "admin"
    INSPECTOR = "inspector"
    LEAD_INSPECTOR = "lead_inspector"
    UNIT_LEADER = "unit_leader"
    LEADERSHIP = "leadership"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.INSPECTOR: _l("Inspector"),
    Role.LEAD_INSPECTOR: _l("Lead inspector"),
    Role.UNIT_LEADER: _l("Unit leader"),
    Role.LEADERSHIP: _l("Leadership"),
}

INSPECTORS = (Role.INSPECTOR, Role.LEAD_INSPECTOR)
STAFF = (Role.ADMIN, Role.INSPECTOR, Role.LEAD_INSPECTOR, Role.LEADERSHIP)
