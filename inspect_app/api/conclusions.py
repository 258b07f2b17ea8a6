"""/conclusions: the conclusion of each inspection past its team report, with its lifecycle
(each step's start, due date with its rule's citation, and the date it was recorded), and the
recording of a step (the same operation as the inspection page)."""

from __future__ import annotations

from flask_login import current_user
from marshmallow import Schema, fields
from sqlalchemy import select

from inspect_app.api.common import Kind
from inspect_app.api.schemas import record_schema
from inspect_app.conclusions import operations as conclusion_operations
from inspect_app.conclusions.lifecycle import RECORDABLE, steps_of
from inspect_app.conclusions.schemas import StepSchema
from inspect_app.core import clock
from inspect_app.core.loading import get_visible_or_404
from inspect_app.inspections.models import Inspection
from inspect_app.units.queries import visible_unit_ids
from inspect_app.workflows import inspection_file


class StepOut(Schema):
    key = fields.String(required=True)
    label = fields.String(required=True)
    starts_on = fields.Date(allow_none=True)
    due = fields.Date(allow_none=True)
    citation = fields.String(allow_none=True)
    done_on = fields.Date(allow_none=True)
    overdue = fields.Boolean(required=True)


class _Steps(fields.List):
    """The inspection's lifecycle steps, computed (conclusions.lifecycle), sent as StepOut."""

    def get_value(self, obj, attr, accessor=None, default=None):
        today = clock.today()
        return [
            {
                "key": s.key,
                "label": s.label,
                "starts_on": s.starts_on,
                "due": s.due,
                "citation": s.citation,
                "done_on": s.done_on,
                "overdue": s.is_overdue(today),
            }
            for s in steps_of(obj)
        ]


ConclusionOut = record_schema(
    "ConclusionOut",
    Inspection,
    "title conclusion_number conclusion_date reported_on publication_channels posting_until "
    "instruction_number version",
    inspection_id=fields.Integer(required=True, attribute="id"),
    # An inspection (thanh_tra, Thanh tra tỉnh) or a check (kiem_tra, Sở Nội vụ).
    kind=fields.String(required=True, attribute="kind.value"),
    issuing_body=fields.String(allow_none=True, attribute="issuing_body.display_name"),
    state=fields.String(required=True, attribute="state.value"),
    steps=_Steps(fields.Nested(StepOut), required=True),
)


def load_conclusion(inspection_id: int) -> Inspection:
    """An inspection the caller may see; 404 otherwise."""
    return get_visible_or_404(Inspection, inspection_id)


CONCLUSION = Kind(
    "/conclusions/<int:inspection_id>", "conclusion", "conclusions", load_conclusion, ConclusionOut
)


@CONCLUSION.listing(inspection_file.detail)
def conclusions():
    """Conclusions with their lifecycle dates, newest report first.

    Every inspection past its team report that the caller may see, with each lifecycle step's
    due date (its rule's citation) and the date it was recorded."""
    stmt = select(Inspection).where(Inspection.reported_on.is_not(None))
    visible = visible_unit_ids(current_user)
    if visible is not None:
        stmt = stmt.where(Inspection.target_unit_id.in_(visible or {-1}))
    return stmt.order_by(Inspection.reported_on.desc(), Inspection.id.desc())


CONCLUSION.detail(
    inspection_file.detail,
    "One conclusion with its lifecycle",
    "One inspection's conclusion and lifecycle; 404 if not visible.",
)


def _register(step: str) -> None:
    def run(inspection, data):
        return conclusion_operations.record_step(current_user, inspection, step, data)

    run.__name__ = f"conclusion_{step}"
    run.__doc__ = (
        f"Record the lifecycle step {step} of a conclusion.\n\n"
        "403 may not record it, 404, 409 stale, 422 date in the future or before the step it "
        "follows, publication before the signature or without channels and posting period, "
        "instruction without its number."
    )
    CONCLUSION.action(
        step,
        inspection_file.conclusion_step,
        StepSchema,
        check=lambda i: conclusion_operations.can_record(current_user, i, step),
    )(run)


for _step in RECORDABLE:
    _register(_step)
