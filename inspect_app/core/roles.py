"""The roles a user holds; every permission rule speaks of them (never of their strings)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from inspect_app.core.models import LabelledEnum


class Role(LabelledEnum):
    ADMIN = "admin", _l("Administrator")
    INSPECTOR = "inspector", _l("Inspector")
    LEAD_INSPECTOR = "lead_inspector", _l("Lead inspector")
    UNIT_LEADER = "unit_leader", _l("Unit leader")
    # The Chief Provincial Inspector and deputies (Chánh / Phó Chánh Thanh tra tỉnh): plans,
    # decisions, conclusions, urging letters, reports. The member keeps its historical name.
    LEADERSHIP = "leadership", _l("Chief Inspector")
    # Chủ tịch UBND tỉnh: receives reports, instructs implementation, reads everything.
    CHAIRMAN = "chairman", _l("Chairman of the Provincial People's Committee")
    # Văn thư: registers, numbers and dispatches signed documents.
    CLERK = "clerk", _l("Clerk")


INSPECTORS = (Role.INSPECTOR, Role.LEAD_INSPECTOR)
# The inspectorate's working staff (they act on records).
STAFF = (Role.ADMIN, Role.INSPECTOR, Role.LEAD_INSPECTOR, Role.LEADERSHIP)
# Who reads every record of the province: the staff and the Chairman.
READERS = (*STAFF, Role.CHAIRMAN)


def signed_in(user) -> bool:
    """Whether `user` is someone signed in: None and the anonymous user are not, and every
    permission rule (`can_*`) refuses them before it asks anything else."""
    return user is not None and bool(getattr(user, "is_authenticated", False))
