"""Who may see and work on an inspection, as the findings feature needs it (the decisions
themselves are the Inspection model's)."""

from __future__ import annotations

from inspect_app.core.roles import Role
from inspect_app.inspections.models import Inspection, InspectionState
from inspect_app.inspections.queries import get_visible_inspection

__all__ = [
    "OPEN_STATES",
    "can_manage_inspection",
    "can_view_inspection",
    "get_visible_inspection",
    "is_team_member",
]

# While these last, the team logs findings and their authors may change them.
OPEN_STATES = (
    InspectionState.IN_PROGRESS,
    InspectionState.ONSITE_ENDED,
    InspectionState.REPORTED,
)


def can_view_inspection(user, inspection: Inspection) -> bool:
    """Staff see every inspection; a unit leader those targeting a unit they may see."""
    return inspection.can_view(user)


def is_team_member(user, inspection: Inspection) -> bool:
    """Findings are logged by the team (lead and members), not by administrators."""
    return getattr(user, "is_authenticated", False) and inspection.is_on_team(user)


def can_manage_inspection(user, inspection: Inspection) -> bool:
    """The team leader (or an administrator) and the leadership."""
    return inspection.can_manage(user) or getattr(user, "role", None) == Role.LEADERSHIP
