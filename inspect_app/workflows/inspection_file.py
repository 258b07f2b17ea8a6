"""The inspection page: the inspection with the sections of the features above it (findings
and evidence, the signed conclusion, cases), gathered here, on the inspections blueprint
(endpoint `inspections.detail`)."""

from __future__ import annotations

from flask_login import current_user

from inspect_app.cases.queries import cases_of_inspection
from inspect_app.core import clock
from inspect_app.core.htmx import render
from inspect_app.core.loading import get_visible_or_404
from inspect_app.core.permissions import AUTHENTICATED, access
from inspect_app.findings.queries import findings_of
from inspect_app.inspections.models import Inspection
from inspect_app.inspections.views import bp, detail_context


@bp.route("/<int:inspection_id>")
@access(AUTHENTICATED)
def detail(inspection_id: int):
    """One inspection: properties, team, duration, actions, timeline, then its findings and
    its cases (htmx: the detail fragment alone); 404 if not visible."""
    inspection = get_visible_or_404(Inspection, inspection_id)
    return render(
        "inspections/detail.html",
        "inspections/_detail.html",
        **detail_context(inspection),
        findings=findings_of(inspection),
        inspection_cases=cases_of_inspection(current_user, inspection.id),
        today=clock.today(),
    )
