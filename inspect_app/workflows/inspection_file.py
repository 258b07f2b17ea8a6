"""The inspection page: the inspection with the sections of the features above it (findings
and evidence, the signed conclusion and its lifecycle, cases), gathered here, on the
inspections blueprint (endpoints `inspections.detail`, `inspections.conclusion_step`)."""

from __future__ import annotations

from flask import abort, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from inspect_app.cases.queries import cases_of_inspection
from inspect_app.conclusions import operations as conclusion_operations
from inspect_app.conclusions.lifecycle import RECORDABLE, steps_of
from inspect_app.conclusions.schemas import StepSchema
from inspect_app.core import clock
from inspect_app.core.actions import form_action
from inspect_app.core.htmx import redirect_to, render
from inspect_app.core.loading import get_visible_or_404
from inspect_app.core.permissions import AUTHENTICATED, access, require
from inspect_app.core.roles import Role
from inspect_app.core.templating import register_actions
from inspect_app.findings.queries import findings_of
from inspect_app.inspections.models import Inspection
from inspect_app.inspections.views import bp, detail_context

register_actions(
    {
        "conclusion_assign_drafting": _l("Drafting of the conclusion assigned"),
        "conclusion_draft": _l("Draft conclusion submitted"),
        "conclusion_appraise": _l("Draft conclusion appraised (thẩm định)"),
        "conclusion_publish": _l("Conclusion published"),
        "conclusion_recommend": _l("Implementation recommended to the Chairman"),
        "conclusion_instruct": _l("Chairman's written implementing instruction"),
    }
)
RECORDERS = (Role.ADMIN, Role.LEAD_INSPECTOR, Role.LEADERSHIP, Role.CHAIRMAN)


def inspection_page(inspection, status: int = 200, errors=None, step: str | None = None):
    """The inspection page; `step`'s lifecycle form open with `errors` and what was typed."""
    today = clock.today()
    return render(
        "inspections/detail.html",
        "inspections/_detail.html",
        status=status,
        **detail_context(inspection),
        findings=findings_of(inspection),
        inspection_cases=cases_of_inspection(current_user, inspection.id),
        lifecycle=steps_of(inspection),
        lifecycle_errors=errors or {},
        lifecycle_form=request.form if errors else {},
        lifecycle_step=step,
        can_record=lambda key: conclusion_operations.can_record(current_user, inspection, key),
        today=today,
    )


@bp.route("/<int:inspection_id>")
@access(AUTHENTICATED)
def detail(inspection_id: int):
    """One inspection: properties, team, duration, actions, timeline, then its findings, the
    conclusion's lifecycle and its cases (htmx: the detail fragment alone); 404 if not
    visible."""
    return inspection_page(get_visible_or_404(Inspection, inspection_id))


@bp.route("/<int:inspection_id>/conclusion/<step>", methods=["POST"])
@access(*RECORDERS)
def conclusion_step(inspection_id: int, step: str):
    """Record one step of the conclusion's lifecycle with its date; 403, 404 (unknown
    inspection or step), 409 stale, 422 bad date or missing details (the page with errors)."""
    inspection = get_visible_or_404(Inspection, inspection_id)
    if step not in RECORDABLE:
        abort(404)
    require(conclusion_operations.can_record(current_user, inspection, step))
    return form_action(
        StepSchema(),
        lambda d: conclusion_operations.record_step(current_user, inspection, step, d),
        page=lambda status, errors: inspection_page(inspection, status, errors, step),
        done=lambda _: redirect_to("inspections.detail", inspection_id=inspection_id),
        message=_l("The step has been recorded."),
    )
