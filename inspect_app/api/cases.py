"""/cases: cases (recommendations) the user may see, created from findings, and the team's
verdicts and changes on them."""

from __future__ import annotations

from flask import request
from flask_login import current_user
from marshmallow import fields
from sqlalchemy.orm import joinedload

from inspect_app.api.common import Kind
from inspect_app.api.inspections import INSPECTION
from inspect_app.api.schemas import (
    PageQuery,
    choice_field,
    enum_field,
    id_field,
    record_schema,
    text_field,
    year_field,
)
from inspect_app.cases import operations as case_operations
from inspect_app.cases import views as case_views
from inspect_app.cases.models import Case, CaseState, CaseType
from inspect_app.cases.queries import LIST_LOADS, SORTS, CaseFilters, case_list, state_counters
from inspect_app.cases.schemas import (
    CaseCreateSchema,
    DeadlineChangeSchema,
    ReasonSchema,
    VerdictSchema,
    VerifierSchema,
    VersionSchema,
)
from inspect_app.core import clock
from inspect_app.core.loading import get_visible_or_404
from inspect_app.decisions.views import doc_of, with_doc
from inspect_app.workflows import case_file

CaseOut = record_schema(
    "CaseOut",
    Case,
    "id inspection_id number type title legal_reference_id severity responsible_unit_id "
    "required_action due_date original_due_date due_change_reason state withdrawn_reason "
    "closed_at escalation_level verifier_id version",
    reference=fields.String(required=True),
    # Whole đồng, as a string: a JSON number would lose precision beyond 2**53.
    amount_vnd=fields.Decimal(as_string=True, allow_none=True, places=0),
    area_m2=fields.Decimal(as_string=True, allow_none=True, places=2, metadata={"type": "string"}),
    persons_count=fields.Integer(allow_none=True),
    discipline_form=fields.Function(
        lambda case: case.discipline_form.value if case.discipline_form else None,
        allow_none=True,
        metadata={"type": "string"},
    ),
    overdue=fields.Function(
        lambda case: case.is_overdue(clock.today()), required=True, metadata={"type": "boolean"}
    ),
)


class CaseQuery(PageQuery):
    state = enum_field(CaseState)
    unit = id_field()
    field = id_field()
    year = year_field()
    overdue = choice_field("1")
    type = enum_field(CaseType)
    q = text_field()
    verifier = id_field()
    sort = choice_field(*SORTS)


def load_case(case_id: int) -> Case:
    """A case the caller may see, with its inspection; 404 otherwise."""
    return get_visible_or_404(Case, case_id, joinedload(Case.inspection))


CASE = Kind("/cases/<int:case_id>", "case", "cases", load_case, CaseOut)


@CASE.listing(case_views.index, query=CaseQuery)
def cases():
    """Cases (recommendations) the user may see.

    Cases filtered and sorted like the page (a unit leader sees their units' only)."""
    filters = CaseFilters.from_args(request.args)
    today = clock.today()
    # The page's counters give the list's size (from the running totals, unfiltered): the
    # COUNT over every case was most of the request at 1M cases.
    total = filters.total_in(state_counters(current_user, filters, today))
    return case_list(current_user, filters, today, loads=LIST_LOADS, hits=total), total


CASE.detail(case_file.detail, "One case")


@INSPECTION.action(
    "cases", case_views.new, CaseCreateSchema, tag="cases", response=CaseOut, status=201
)
def case_create(inspection, data):
    """Create a case from findings (team leader).

    Create a case from findings of the inspection; 403, 409 stale, 422."""
    return case_operations.create_case(current_user, inspection, data)


@CASE.action("accept", case_file.accept, VersionSchema)
def case_accept(case, data):
    """Accept the unit's answer (team)."""
    return case_operations.accept(current_user, case, data["version"], data.get("note"))


def _verdict(verdict: str, case, data):
    """A verdict that leaves the case open, naming what is missing; may set a new deadline
    (with its deciding document once the conclusion is signed)."""
    return case_operations.reopen(current_user, case, verdict, **with_doc(data))


@CASE.action("reject", case_file.reject, VerdictSchema)
def case_reject(case, data):
    """Reject the unit's answer with a reason, optionally a new deadline (team)."""
    return _verdict("rejected", case, data)


@CASE.action("partly-done", case_file.partly_done, VerdictSchema)
def case_partly_done(case, data):
    """Verify the answer as partly done: the case stays open for the remainder (team)."""
    return _verdict("partly_done", case, data)


@CASE.action("withdraw", case_file.withdraw, ReasonSchema)
def case_withdraw(case, data):
    """Withdraw the case with a reason (team leader, leadership).

    Once the conclusion is signed, `doc_number`, `doc_date` and `doc_signer` name the deciding
    document; 403, 404, 409 stale, 422 no reason, no or bad deciding document."""
    return case_operations.withdraw(
        current_user, case, data["reason"], data["version"], doc_of(data)
    )


@CASE.action("deadline", case_file.change_deadline, DeadlineChangeSchema)
def case_deadline(case, data):
    """Change the deadline with a reason (team leader).

    Once the conclusion is signed, `doc_number`, `doc_date` and `doc_signer` name the deciding
    document; 403, 404, 409 stale, 422 bad date or reason, no or bad deciding document."""
    due, reason = data["due_date"], data["reason"]
    return case_operations.change_deadline(
        current_user, case, due, reason, data["version"], doc_of(data)
    )


@CASE.action("verifier", case_file.assign_verifier, VerifierSchema)
def case_verifier(case, data):
    """Name the verifier of the unit's answer (team leader, leadership)."""
    return case_operations.assign_case_verifier(
        current_user, case, data["verifier_id"], data["version"]
    )
