"""/inspections: inspections the user may see, their team's edits and their transitions."""

from __future__ import annotations

from flask_login import current_user
from sqlalchemy.orm import selectinload

from inspect_app.api.common import Kind
from inspect_app.api.schemas import (
    PageQuery,
    choice_field,
    enum_field,
    id_field,
    ids_field,
    record_schema,
    text_field,
    year_field,
)
from inspect_app.core.loading import get_visible_or_404
from inspect_app.decisions.views import doc_of
from inspect_app.inspections import operations as inspection_operations
from inspect_app.inspections import views as inspection_views
from inspect_app.inspections.models import Inspection, InspectionState
from inspect_app.inspections.queries import SORTS
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

InspectionOut = record_schema(
    "InspectionOut",
    Inspection,
    "kind issuing_body_id state plan_item_id ad_hoc_reason scope period_under_review onsite_started_on "
    "onsite_ended_on reported_on extension_reference extension_days conclusion_summary "
    "closed_on version",
    InspectionDumpSchema,
    member_ids=ids_field("members"),
    field_ids=ids_field("fields"),
)


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


@INSPECTION.listing(inspection_views.index, query=InspectionQuery)
def inspections():
    """Inspections the user may see.

    Inspections filtered and sorted like the page (a unit leader sees their units' only)."""
    return inspection_views.INSPECTIONS.query().options(selectinload(Inspection.members))


INSPECTION.detail(inspection_file.detail, "One inspection")
_io = inspection_operations


@INSPECTION.create(inspection_views.new, InspectionSchema)
def inspection_create(data):
    """Open an inspection (from a plan item or ad hoc).

    Open an inspection; 422 on bad input."""
    return _io.create_inspection(current_user, data)


@INSPECTION.action(
    "", inspection_views.edit, EditSchema, check=lambda i: i.can_edit(current_user), method="PUT"
)
def inspection_update(inspection, data):
    """Change an inspection (its team).

    Edit; 403 not on the team, 409 stale, 422."""
    return _io.update_inspection(current_user, inspection, data)


INSPECTION.transitions(
    TransitionSchema,
    {
        "start": (inspection_file.start, _io.start_onsite, "Start on-site work (team leader)"),
        "report": (
            inspection_file.report,
            _io.submit_report,
            "Submit the team report (team leader)",
        ),
        "monitoring": (
            inspection_file.monitoring,
            _io.start_monitoring,
            "Start monitoring implementation (team leader or leadership)",
        ),
        "close": (inspection_file.close, _io.close, "Close the inspection (leadership)"),
    },
)


@INSPECTION.action("extension", inspection_views.extension, ExtensionSchema)
def inspection_extension(inspection, data):
    """Record the extension decision of on-site work (team leader).

    `extension_reference` is the decision's number, `doc_date` and `doc_signer` its date and
    signer; 403, 404, 409, 422 missing or bad values, dated before the announcement."""
    reference, days = data["extension_reference"], data["extension_days"]
    return _io.record_extension(
        current_user, inspection, reference, days, data["version"], doc_of(data)
    )


@INSPECTION.action("end-onsite", inspection_views.end_onsite, EndOnsiteSchema)
def inspection_end_onsite(inspection, data):
    """End on-site work (team leader).

    Past the legal duration, the extension decision: `extension_reference` (its number),
    `doc_date`, `doc_signer`, `extension_days`; 403, 404, 409, 422."""
    reference, days = data.get("extension_reference"), data.get("extension_days")
    return _io.end_onsite(current_user, inspection, data["version"], reference, days, doc_of(data))


@INSPECTION.action("conclude", inspection_views.conclude, ConcludeSchema)
def inspection_conclude(inspection, data):
    """Record the signed conclusion (leadership)."""
    return _io.conclude(current_user, inspection, data)
