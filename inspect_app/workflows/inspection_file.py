"""The inspection page: the inspection with the sections of the features above it (findings
and evidence, the signed conclusion and its lifecycle, cases), gathered here, on the
inspections blueprint (endpoints `inspections.detail`, `inspections.conclusion_step` and the
transitions without a form of their own, whose htmx answer refreshes those sections too)."""

from __future__ import annotations

from flask import abort, flash, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from inspect_app.cases.queries import cases_of_inspection
from inspect_app.conclusions import operations as conclusion_operations
from inspect_app.conclusions.lifecycle import RECORDABLE, steps_of
from inspect_app.conclusions.schemas import StepSchema
from inspect_app.core import clock
from inspect_app.core.actions import form_action
from inspect_app.core.errors import OperationError
from inspect_app.core.forms import load_form
from inspect_app.core.htmx import is_fragment_request, redirect_to, render
from inspect_app.core.loading import get_visible_or_404
from inspect_app.core.permissions import AUTHENTICATED, access, require
from inspect_app.core.roles import STAFF, Role
from inspect_app.core.templating import register_actions
from inspect_app.findings.queries import findings_of
from inspect_app.inspections import operations
from inspect_app.inspections.models import Inspection
from inspect_app.inspections.schemas import TransitionSchema
from inspect_app.inspections.views import bp, detail_context
from inspect_app.reports.models import Document

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
    return render(
        "inspections/detail.html",
        "inspections/_detail.html",
        status=status,
        **detail_context(inspection),
        **_sections(inspection, errors, step),
    )


def _sections(inspection: Inspection, errors=None, step: str | None = None) -> dict:
    """The other features' sections of the inspection page: findings, the conclusion's
    lifecycle (`step`'s form open with `errors` and what was typed) and cases."""
    return {
        "findings": findings_of(inspection),
        "inspection_cases": cases_of_inspection(current_user, inspection.id),
        "lifecycle": steps_of(inspection),
        "lifecycle_errors": errors or {},
        "lifecycle_form": request.form if errors else {},
        "lifecycle_step": step,
        "can_record": lambda key: conclusion_operations.can_record(current_user, inspection, key),
        "today": clock.today(),
        "can_draft_conclusion": Document.may_draft(current_user),
    }


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


def _simple_transition(inspection_id: int, operation, message: str):
    """Run a transition without a form of its own: htmx gets the refreshed detail fragment
    plus, out of band, the findings and cases sections (whose buttons follow the state); a
    plain form is redirected to the page; 400 bad form, 403/409 from the operation."""
    inspection = get_visible_or_404(Inspection, inspection_id)
    data, _errors = load_form(TransitionSchema())
    if data is None:
        raise OperationError(_("Invalid request."), 400)
    operation(current_user, inspection, data.get("version"))
    flash(message, "success")
    if is_fragment_request():
        return render(
            "inspections/_transition_result.html",
            **detail_context(inspection),
            **_sections(inspection),
        )
    return redirect_to("inspections.detail", inspection_id=inspection.id)


@bp.route("/<int:inspection_id>/start", methods=["POST"])
@access(*STAFF)
def start(inspection_id: int):
    """Start on-site work (team lead); 403 wrong role, 409 wrong state or stale."""
    return _simple_transition(inspection_id, operations.start_onsite, _("On-site work started."))


@bp.route("/<int:inspection_id>/report", methods=["POST"])
@access(*STAFF)
def report(inspection_id: int):
    """Submit the team report (team lead); 403 wrong role, 409 wrong state or stale."""
    return _simple_transition(inspection_id, operations.submit_report, _("Team report submitted."))


@bp.route("/<int:inspection_id>/monitoring", methods=["POST"])
@access(*STAFF)
def monitoring(inspection_id: int):
    """Start monitoring implementation (lead or leadership); 403, 409."""
    return _simple_transition(
        inspection_id, operations.start_monitoring, _("Monitoring of implementation started.")
    )


@bp.route("/<int:inspection_id>/close", methods=["POST"])
@access(*STAFF)
def close(inspection_id: int):
    """Close the inspection (leadership); 403, 409 wrong state or cases still open."""
    return _simple_transition(inspection_id, operations.close, _("Inspection closed."))
