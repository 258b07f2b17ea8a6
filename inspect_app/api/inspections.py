"""/inspections: inspections the user may see, their team's edits and their transitions."""

from __future__ import annotations

from flask import request
from flask_login import current_user
from marshmallow import fields
from sqlalchemy.orm import selectinload

from inspect_app.api.common import Kind, action, bp, create, dump, dump_page, same_as
from inspect_app.api.schemas import (
    PageQuery,
    choice_field,
    enum_field,
    id_field,
    ids_field,
    page_schema,
    text_field,
    year_field,
)
from inspect_app.api.spec import doc
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


@bp.route("/inspections")
@same_as(inspection_views.index)
@doc(
    "Inspections the user may see",
    tag="inspections",
    query=InspectionQuery,
    response=page_schema(InspectionOut),
)
def inspections():
    """Inspections filtered and sorted like the page (a unit leader sees their units' only)."""
    filters = InspectionFilters.from_args(request.args)
    stmt = list_statement(current_user, filters).options(selectinload(Inspection.members))
    return dump_page(InspectionOut, stmt)


@bp.route("/inspections/<int:inspection_id>")
@same_as(inspection_file.detail)
@doc("One inspection", tag="inspections", response=InspectionOut)
def inspection(inspection_id: int):
    """One inspection; 404 when unknown or not visible."""
    return dump(InspectionOut, load_inspection(inspection_id))


_io = inspection_operations
create(
    "/inspections",
    "inspection_create",
    inspection_views.new,
    InspectionSchema,
    lambda data: _io.create_inspection(current_user, data),
    "Open an inspection (from a plan item or ad hoc)",
    tag="inspections",
    response=InspectionOut,
    docstring="Open an inspection; 422 on bad input.",
)
action(
    INSPECTION,
    "",
    inspection_views.edit,
    EditSchema,
    lambda i, d: _io.update_inspection(current_user, i, d),
    "Change an inspection (its team)",
    check=lambda i: i.can_edit(current_user),
    method="PUT",
    endpoint="inspection_update",
    docstring="Edit; 403 not on the team, 409 stale, 422.",
)
action(
    INSPECTION,
    "start",
    inspection_views.start,
    TransitionSchema,
    lambda i, d: _io.start_onsite(current_user, i, d.get("version")),
    "Start on-site work (team leader)",
)
action(
    INSPECTION,
    "extension",
    inspection_views.extension,
    ExtensionSchema,
    lambda i, d: _io.record_extension(
        current_user, i, d["extension_reference"], d["extension_days"], d.get("version")
    ),
    "Record the extension decision of on-site work (team leader)",
)
action(
    INSPECTION,
    "end-onsite",
    inspection_views.end_onsite,
    EndOnsiteSchema,
    lambda i, d: _io.end_onsite(
        current_user, i, d.get("version"), d.get("extension_reference"), d.get("extension_days")
    ),
    "End on-site work (team leader)",
)
action(
    INSPECTION,
    "report",
    inspection_views.report,
    TransitionSchema,
    lambda i, d: _io.submit_report(current_user, i, d.get("version")),
    "Submit the team report (team leader)",
)
action(
    INSPECTION,
    "conclude",
    inspection_views.conclude,
    ConcludeSchema,
    lambda i, d: _io.conclude(current_user, i, d),
    "Record the signed conclusion (leadership)",
)
action(
    INSPECTION,
    "monitoring",
    inspection_views.monitoring,
    TransitionSchema,
    lambda i, d: _io.start_monitoring(current_user, i, d.get("version")),
    "Start monitoring implementation (team leader or leadership)",
)
action(
    INSPECTION,
    "close",
    inspection_views.close,
    TransitionSchema,
    lambda i, d: _io.close(current_user, i, d.get("version")),
    "Close the inspection (leadership)",
)
