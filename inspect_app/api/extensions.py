"""/extensions and /cases/<id>/extensions: requests for a later deadline and their decisions."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user
from marshmallow import Schema, fields

from inspect_app.api.cases import CASE, load_case
from inspect_app.api.common import Kind, api_route
from inspect_app.api.schemas import record_schema
from inspect_app.decisions.views import doc_of
from inspect_app.deputies.queries import authority_over
from inspect_app.extension_requests import operations as extension_operations
from inspect_app.extension_requests import queries as extension_queries
from inspect_app.extension_requests import views as extension_views
from inspect_app.extension_requests.models import ExtensionRequest
from inspect_app.extension_requests.schemas import CancelSchema, DecisionSchema, ExtensionAskSchema

ExtensionOut = record_schema(
    "ExtensionOut",
    ExtensionRequest,
    "id case_id requested_date previous_due_date reason state requested_by_id on_behalf_of_id "
    "decided_by_id decided_at decision_reason version",
    effective_date=fields.Date(
        required=True,
        metadata={
            "description": "The deadline an approval sets: requested_date, or the next "
            "working day when that is a day off"
        },
    ),
)


class CaseExtensionsOut(Schema):
    case_id = fields.Integer(required=True)
    case_version = fields.Integer(required=True)
    due_date = fields.Date(required=True)
    approved = fields.Integer(required=True)
    cap = fields.Integer(required=True)
    approver = fields.String(required=True)
    can_ask = fields.Boolean(required=True)
    items = fields.List(fields.Nested(ExtensionOut), required=True)


EXTENSION = Kind(
    "/extensions/<int:ext_id>",
    "extension",
    "extensions",
    extension_views.get_visible_request,
    ExtensionOut,
)


@EXTENSION.listing(extension_views.index)
def extensions():
    """Pending extension requests the caller may decide, oldest first.

    The approver's list of pending requests under the approver setting."""
    return extension_queries.pending_for(current_user)


EXTENSION.detail(
    extension_views.case_section,
    "One extension request",
    "One request; 404 unless its case is visible.",
)


@api_route(
    "/cases/<int:case_id>/extensions",
    extension_views.case_section,
    tag="extensions",
    response=CaseExtensionsOut,
)
def case_extensions(case_id: int):
    """The extension history of a case, with the cap and whether the caller may ask.

    Every request of the case, oldest first; 404 if the case is not visible."""
    case = load_case(case_id)
    ext = extension_views.case_extensions(case)
    return jsonify(
        CaseExtensionsOut().dump(
            {
                "case_id": case.id,
                "case_version": case.version,
                "due_date": case.due_date,
                "approved": ext.approved,
                "cap": ext.cap,
                "approver": ext.approver,
                "can_ask": ext.can_ask,
                "items": ext.requests,
            }
        )
    )


_eo = extension_operations


@CASE.action(
    "extensions",
    extension_views.ask,
    ExtensionAskSchema,
    check=lambda case: authority_over(current_user, case.responsible_unit_id).allowed,
    tag="extensions",
    response=ExtensionOut,
    status=201,
    description="`version` is the case's version.",
)
def extension_ask(case, data):
    """Ask for a later deadline with a reason (unit leader or deputy).

    Ask for an extension; 403 no authority over the unit, 404, 409 stale, 422 bad date or
    reason, a request pending already, case not open, cap reached."""
    due, reason = data["requested_date"], data["reason"]
    return _eo.request_extension(current_user, case, due, reason, data["version"])


@EXTENSION.action("approve", extension_views.approve, DecisionSchema, rule="can_decide")
def extension_approve(extension, data):
    """Approve a pending request with a reason: the deadline moves (approvers).

    Approve (once the conclusion is signed, `doc_number`, `doc_date` and `doc_signer` name the
    deciding document); 403 not an approver of the case, 404, 409 stale, 422 decided, cap,
    case state, no or bad deciding document."""
    return _eo.approve(
        current_user, extension, data["decision_reason"], data["version"], doc_of(data)
    )


@EXTENSION.action("refuse", extension_views.refuse, DecisionSchema, rule="can_decide")
def extension_refuse(extension, data):
    """Refuse a pending request with a reason (approvers).

    Refuse; 403 not an approver of the case, 404, 409 stale, 422 decided already."""
    return _eo.refuse(current_user, extension, data["decision_reason"], data["version"])


@EXTENSION.action("cancel", extension_views.cancel, CancelSchema, rule="can_cancel")
def extension_cancel(extension, data):
    """Withdraw one's own pending request (its requester).

    Cancel; 403 someone else's request, 404, 409 stale, 422 decided already."""
    return _eo.cancel(current_user, extension, data["version"])
