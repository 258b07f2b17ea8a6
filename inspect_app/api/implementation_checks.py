"""/implementation-checks: decisions to check implementation, their minutes and per-case
results (the same operations as the pages)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import fields

from inspect_app.api.common import Kind
from inspect_app.api.schemas import record_schema
from inspect_app.core.errors import OperationError
from inspect_app.extensions import db
from inspect_app.implementation_checks import operations as check_operations
from inspect_app.implementation_checks import views as check_views
from inspect_app.implementation_checks.models import CheckedCase, ImplementationCheck
from inspect_app.implementation_checks.queries import get_visible_check
from inspect_app.implementation_checks.schemas import (
    CheckCreateSchema,
    MinutesSchema,
    ResultsSchema,
)
from inspect_app.inspections.models import Inspection
from inspect_app.reports.models import Document

CheckedCaseOut = record_schema(
    "CheckedCaseOut", CheckedCase, "case_id due_date outcome found recorded_by_id recorded_at"
)


DecisionOut = record_schema(
    "CheckDecisionOut",
    Document,
    "id state year number title issued_at signer_name signer_title",
    number_label=fields.String(required=True),
)


CheckOut = record_schema(
    "ImplementationCheckOut",
    ImplementationCheck,
    "id inspection_id document_id lead_id period_start period_end minutes_date minutes_summary "
    "created_at version",
    decision=fields.Nested(DecisionOut, required=True, attribute="document"),
    member_ids=fields.Function(lambda check: [m.id for m in check.members], required=True),
    # The signed minutes' files (download: /api/v1/evidence/{id}/download).
    minutes_file_ids=fields.Function(
        lambda check: [f.id for f in check.minutes_files], required=True
    ),
    issuing_body=fields.String(required=True, attribute="document.issuing_body"),
    cases=fields.List(fields.Nested(CheckedCaseOut), required=True, attribute="items"),
)


CHECK = Kind(
    "/implementation-checks/<int:check_id>",
    "implementation_check",
    "implementation-checks",
    get_visible_check,
    CheckOut,
)


@CHECK.listing(check_views.index)
def implementation_checks():
    """Checks of implementation the caller may see, newest first.

    Staff see every check; a unit leader the issued decisions covering their units' cases.
    `inspection` filters on one conclusion."""
    return check_views.CHECKS.query()


CHECK.detail(
    check_views.detail,
    "One check of implementation with its decision, team, cases and results",
    "One check; 404 if not visible.",
)


@CHECK.create(check_views.new, CheckCreateSchema)
def implementation_check_create(data):
    """Draft a decision to check implementation for overdue cases of one conclusion.

    403 not leadership / lead inspector / admin, 422 unknown conclusion, cases not overdue, of
    another conclusion or covered already, bad team or period, conclusion not signed."""
    inspection = db.session.get(Inspection, data["inspection_id"])
    if inspection is None or not inspection.can_view(current_user):
        raise OperationError(_("Not a valid choice."), field="inspection_id")
    return check_operations.create_check(
        current_user,
        inspection,
        data["case_ids"],
        data["lead_id"],
        data["member_ids"],
        data["period_start"],
        data["period_end"],
    )


@CHECK.action(
    "minutes", check_views.minutes, MinutesSchema, check=lambda c: c.can_edit(current_user)
)
def implementation_check_minutes(check, data):
    """Record the minutes of the check.

    403, 404, 409 stale, 422 before the decision is issued or dated before it."""
    return check_operations.record_minutes(
        current_user, check, data["minutes_date"], data["minutes_summary"], data["version"]
    )


@CHECK.action(
    "results", check_views.results, ResultsSchema, check=lambda c: c.can_edit(current_user)
)
def implementation_check_results(check, data):
    """Record what the check found for some or all cases (done / partly_done / not_done).

    403, 404, 409 stale, 422 before the minutes, a case not covered, a missing finding."""
    results = {r["case_id"]: (r["outcome"], r["found"]) for r in data["results"]}
    return check_operations.record_results(current_user, check, results, data["version"])
