"""/inspections: inspections the user may see, their team's edits and their transitions."""

from __future__ import annotations

from flask import request
from flask_login import current_user
from marshmallow import fields
from sqlalchemy.orm import selectinload

from inspect_app.api.common import Kind
from inspect_app.api.schemas import (
    PageQuery,
    choice_field,
    enum_field,
    id_field,
    ids_field,
    text_field,
    year_field,
)
from inspect_app.core.loading import get_visible_or_404
from inspect_app.inspections import operations as inspection_operations
from inspect_app.inspections import views as inspection_views
from inspect_app.inspections.models import Inspection, InspectionState
from inspect_app.inspections.queries import SORTS, InspectionFilters, list_statement
from inspect_app.inspections.schemas import (
    ConcludeSchema,
    EditSchema,
    EndOnsiteSchema,
    ExtensionSchema,
    InspectionDumpSchema,
    InspectionSchema,
    TransitionSchema,
)
from inspect_app.reference.models import ActivityKind
from inspect_app.workflows import inspection_file


class InspectionOut(InspectionDumpSchema):
    kind = enum_field(ActivityKind, required=True)
    state = enum_field(InspectionState, required=True)
    plan_item_id = fields.Integer(allow_none=True)
    ad_hoc_reason = fields.String(allow_none=True)
    scope = fields.String(allow_none=True)
    period_under_review = fields.String(allow_none=True)
    onsite_started_on = fields.Date(allow_none=True)
    onsite_ended_on = fields.Date(allow_none=True)
    reported_on = fields.Date(allow_none=True)
    extension_reference = fields.String(allow_none=True)
    extension_days = fields.Integer(allow_none=True)
    conclusion_summary = fields.String(allow_none=True)
    closed_on = fields.Date(allow_none=True)
    member_ids = ids_field("members")
    field_ids = ids_field("fields")
    version = fields.Integer(required=True)


class InspectionQuery(PageQuery):
    state = enum_field(InspectionState)
    unit = id_field()
    field = id_field()
    year = year_field()
    kind = enum_field(ActivityKind)
    q = text_field()
    mine = choice_field("1")
    sort = choice_field(*SORTS)


def load_inspection(inspection_id: int) -> Inspection:
    """An inspection the caller may see; 404 otherwise."""
    return get_visible_or_404(Inspection, inspection_id)


#: The inspection as the object of actions (its findings and cases are created on it too).
INSPECTION = Kind(
    "/inspections/<int:inspection_id>", "inspection", "inspections", load_inspection, InspectionOut
)


@INSPECTION.listing(inspection_views.index, "Inspections the user may see", query=InspectionQuery)
def inspections():
    """Inspections filtered and sorted like the page (a unit leader sees their units' only)."""
    filters = InspectionFilters.from_args(request.args)
    return list_statement(current_user, filters).options(selectinload(Inspection.members))


INSPECTION.detail(inspection_file.detail, "One inspection")
_io = inspection_operations


@INSPECTION.create(
    inspection_views.new, InspectionSchema, "Open an inspection (from a plan item or ad hoc)"
)
def inspection_create(data):
    """Open an inspection; 422 on bad input."""
    return _io.create_inspection(current_user, data)


@INSPECTION.action(
    "",
    inspection_views.edit,
    EditSchema,
    "Change an inspection (its team)",
    check=lambda i: i.can_edit(current_user),
    method="PUT",
)
def inspection_update(inspection, data):
    """Edit; 403 not on the team, 409 stale, 422."""
    return _io.update_inspection(current_user, inspection, data)


INSPECTION.transitions(
    TransitionSchema,
    {
        "start": (inspection_views.start, _io.start_onsite, "Start on-site work (team leader)"),
        "report": (
            inspection_views.report,
            _io.submit_report,
            "Submit the team report (team leader)",
        ),
        "monitoring": (
            inspection_views.monitoring,
            _io.start_monitoring,
            "Start monitoring implementation (team leader or leadership)",
        ),
        "close": (inspection_views.close, _io.close, "Close the inspection (leadership)"),
    },
)


@INSPECTION.action(
    "extension",
    inspection_views.extension,
    ExtensionSchema,
    "Record the extension decision of on-site work (team leader)",
)
def inspection_extension(inspection, data):
    reference, days = data["extension_reference"], data["extension_days"]
    return _io.record_extension(current_user, inspection, reference, days, data["version"])


@INSPECTION.action(
    "end-onsite", inspection_views.end_onsite, EndOnsiteSchema, "End on-site work (team leader)"
)
def inspection_end_onsite(inspection, data):
    reference, days = data.get("extension_reference"), data.get("extension_days")
    return _io.end_onsite(current_user, inspection, data["version"], reference, days)


@INSPECTION.action(
    "conclude",
    inspection_views.conclude,
    ConcludeSchema,
    "Record the signed conclusion (leadership)",
)
def inspection_conclude(inspection, data):
    return _io.conclude(current_user, inspection, data)
