"""Thin names, temporary: api/views.py (h2) imports these; the rules are the Inspection
model's (`can_view`, `can_log_findings`) and the loader is core.loading.get_visible_or_404."""

from __future__ import annotations

from inspect_app.core.loading import get_visible_or_404
from inspect_app.inspections.models import Inspection


def get_visible_inspection(user, inspection_id: int) -> Inspection:
    """`get_visible_or_404(Inspection, inspection_id, user=user)`."""
    return get_visible_or_404(Inspection, inspection_id, user=user)


def is_team_member(user, inspection: Inspection) -> bool:
    """`inspection.can_log_findings(user, check_state=False)`."""
    return inspection.can_log_findings(user, check_state=False)
