"""The roles a user holds; every permission rule speaks of them (never of their strings)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from inspect_app.core.models import LabelledEnum


class Role(LabelledEnum):
    ADMIN = "admin", _l("Administrator")
    INSPECTOR = "inspector", _l("Inspector")
    LEAD_INSPECTOR = "lead_inspector", _l("Lead inspector")
    UNIT_LEADER = "unit_leader", _l("Unit leader")
    LEADERSHIP = "leadership", _l("Leadership")


INSPECTORS = (Role.INSPECTOR, Role.LEAD_INSPECTOR)
STAFF = (Role.ADMIN, Role.INSPECTOR, Role.LEAD_INSPECTOR, Role.LEADERSHIP)


def signed_in(user) -> bool:
    """Whether `user` is someone signed in: None and the anonymous user are not, and every
    permission rule (`can_*`) refuses them before it asks anything else."""
    return user is not None and bool(getattr(user, "is_authenticated", False))
