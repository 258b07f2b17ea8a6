"""/cases: cases (recommendations) the user may see, created from findings, and the team's
verdicts and changes on them."""

from __future__ import annotations

from flask import request
from flask_login import current_user
from marshmallow import Schema, fields
from sqlalchemy.orm import joinedload

from inspect_app.api.common import Kind, action, bp, dump, dump_page, same_as
from inspect_app.api.inspections import INSPECTION
from inspect_app.api.schemas import (
    PageQuery,
    choice_field,
    enum_field,
    id_field,
    page_schema,
    text_field,
    year_field,
)
from inspect_app.api.spec import doc
from inspect_app.cases import operations as case_operations
from inspect_app.cases import views as case_views
from inspect_app.cases.models import Case, CaseState, CaseType
from inspect_app.cases.queries import LIST_LOADS, SORTS, CaseFilters, case_list
from inspect_app.cases.schemas import (
    CaseCreateSchema,
    DeadlineChangeSchema,
    ReasonSchema,
    VerdictSchema,
    VersionSchema,
)
from inspect_app.core import clock
from inspect_app.core.loading import get_visible_or_404
from inspect_app.reference.models import Severity
from inspect_app.workflows import case_file


class CaseOut(Schema):
    id = fields.Integer(required=True)
    reference = fields.String(required=True)
    inspection_id = fields.Integer(required=True)
    number = fields.Integer(required=True)
    type = enum_field(CaseType, required=True)
    title = fields.String(required=True)
    legal_reference_id = fields.Integer(required=True)
    severity = enum_field(Severity, required=True)
    responsible_unit_id = fields.Integer(required=True)
    required_action = fields.String(required=True)
    # Whole đồng, as a string: a JSON number would lose precision beyond 2**53.
    amount_vnd = fields.Decimal(as_string=True, allow_none=True, places=0)
    due_date = fields.Date(required=True)
    original_due_date = fields.Date(required=True)
    due_change_reason = fields.String(allow_none=True)
    state = enum_field(CaseState, required=True)
    withdrawn_reason = fields.String(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    escalation_level = fields.Integer(required=True)
    overdue = fields.Method("_overdue", required=True, metadata={"type": "boolean"})
    version = fields.Integer(required=True)

    def _overdue(self, case) -> bool:
        return case.is_overdue(clock.today())


class CaseQuery(PageQuery):
    state = enum_field(CaseState)
    unit = id_field()
    field = id_field()
    year = year_field()
    overdue = choice_field("1")
    type = enum_field(CaseType)
    q = text_field()
    sort = choice_field(*SORTS)


def load_case(case_id: int) -> Case:
    """A case the caller may see, with its inspection; 404 otherwise."""
    return get_visible_or_404(Case, case_id, joinedload(Case.inspection))


CASE = Kind("/cases/<int:case_id>", "case", "cases", load_case, CaseOut)


@bp.route("/cases")
@same_as(case_views.index)
@doc(
    "Cases (recommendations) the user may see",
    tag="cases",
    query=CaseQuery,
    response=page_schema(CaseOut),
)
def cases():
    """Cases filtered and sorted like the page (a unit leader sees their units' only)."""
    filters = CaseFilters.from_args(request.args)
    return dump_page(CaseOut, case_list(current_user, filters, clock.today(), loads=LIST_LOADS))


@bp.route("/cases/<int:case_id>")
@same_as(case_file.detail)
@doc("One case", tag="cases", response=CaseOut)
def case(case_id: int):
    """One case; 404 when unknown or not visible."""
    return dump(CaseOut, load_case(case_id))


_co = case_operations
action(
    INSPECTION,
    "cases",
    case_views.new,
    CaseCreateSchema,
    lambda i, d: _co.create_case(current_user, i, d),
    "Create a case from findings (team leader)",
    endpoint="case_create",
    tag="cases",
    response=CaseOut,
    status=201,
    docstring="Create a case from findings of the inspection; 403, 409 stale, 422.",
)
action(
    CASE,
    "accept",
    case_file.accept,
    VersionSchema,
    lambda c, d: _co.accept(current_user, c, d["version"], d.get("note")),
    "Accept the unit's answer (team)",
)
action(
    CASE,
    "reject",
    case_file.reject,
    VerdictSchema,
    lambda c, d: _co.reject(
        current_user, c, d["reason"], d["version"], d.get("due_date"), d.get("due_reason")
    ),
    "Reject the unit's answer with a reason, optionally a new deadline (team)",
)
action(
    CASE,
    "partly-done",
    case_file.partly_done,
    VerdictSchema,
    lambda c, d: _co.partly_done(
        current_user, c, d["reason"], d["version"], d.get("due_date"), d.get("due_reason")
    ),
    "Verify the answer as partly done: the case stays open for the remainder (team)",
)
action(
    CASE,
    "withdraw",
    case_file.withdraw,
    ReasonSchema,
    lambda c, d: _co.withdraw(current_user, c, d["reason"], d["version"]),
    "Withdraw the case with a reason (team leader, leadership)",
)
action(
    CASE,
    "deadline",
    case_file.change_deadline,
    DeadlineChangeSchema,
    lambda c, d: _co.change_deadline(current_user, c, d["due_date"], d["reason"], d["version"]),
    "Change the deadline with a reason (team leader)",
)
