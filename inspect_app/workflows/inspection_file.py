"""The inspection page: the inspection with the sections of the features above it (findings
and evidence, the signed conclusion, cases), gathered here, on the inspections blueprint
(endpoints `inspections.detail` and the transitions without a form of their own, whose htmx
answer refreshes those sections too)."""

from __future__ import annotations

from flask import flash
from flask_babel import gettext as _
from flask_login import current_user

from inspect_app.cases.queries import cases_of_inspection
from inspect_app.core import clock
from inspect_app.core.errors import OperationError
from inspect_app.core.forms import load_form
from inspect_app.core.htmx import is_fragment_request, redirect_to, render
from inspect_app.core.loading import get_visible_or_404
from inspect_app.core.permissions import AUTHENTICATED, access
from inspect_app.core.roles import STAFF
from inspect_app.findings.queries import findings_of
from inspect_app.inspections import operations
from inspect_app.inspections.models import Inspection
from inspect_app.inspections.schemas import TransitionSchema
from inspect_app.inspections.views import bp, detail_context


def _sections(inspection: Inspection) -> dict:
    """The other features' sections of the inspection page."""
    return {
        "findings": findings_of(inspection),
        "inspection_cases": cases_of_inspection(current_user, inspection.id),
        "today": clock.today(),
    }


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
        **_sections(inspection),
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
