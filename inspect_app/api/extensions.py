"""/extensions and /cases/<id>/extensions: requests for a later deadline and their decisions."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user
from marshmallow import Schema, fields

from inspect_app.api.cases import CASE, load_case
from inspect_app.api.common import Kind, action, bp, dump, dump_page, same_as
from inspect_app.api.schemas import PageQuery, choice_field, page_schema
from inspect_app.api.spec import doc
from inspect_app.deputies.queries import authority_over
from inspect_app.extension_requests import operations as extension_operations
from inspect_app.extension_requests import queries as extension_queries
from inspect_app.extension_requests import views as extension_views
from inspect_app.extension_requests.schemas import CancelSchema, DecisionSchema, ExtensionAskSchema


class ExtensionOut(Schema):
    id = fields.Integer(required=True)
    case_id = fields.Integer(required=True)
    requested_date = fields.Date(required=True)
    previous_due_date = fields.Date(required=True)
    reason = fields.String(required=True)
    state = choice_field("pending", "approved", "refused", "cancelled", required=True)
    requested_by_id = fields.Integer(required=True)
    on_behalf_of_id = fields.Integer(allow_none=True)
    decided_by_id = fields.Integer(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    decision_reason = fields.String(allow_none=True)
    version = fields.Integer(required=True)


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


@bp.route("/extensions")
@same_as(extension_views.index)
@doc(
    "Pending extension requests the caller may decide, oldest first",
    tag="extensions",
    query=PageQuery,
    response=page_schema(ExtensionOut),
)
def extensions():
    """The approver's list of pending requests under the approver setting."""
    return dump_page(ExtensionOut, extension_queries.pending_for(current_user))


@bp.route("/extensions/<int:ext_id>")
@same_as(extension_views.case_section)
@doc("One extension request", tag="extensions", response=ExtensionOut)
def extension(ext_id: int):
    """One request; 404 unless its case is visible."""
    return dump(ExtensionOut, EXTENSION.load(ext_id))


@bp.route("/cases/<int:case_id>/extensions")
@same_as(extension_views.case_section)
@doc(
    "The extension history of a case, with the cap and whether the caller may ask",
    tag="extensions",
    response=CaseExtensionsOut,
)
def case_extensions(case_id: int):
    """Every request of the case, oldest first; 404 if the case is not visible."""
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
action(
    CASE,
    "extensions",
    extension_views.ask,
    ExtensionAskSchema,
    lambda c, d: _eo.request_extension(
        current_user, c, d["requested_date"], d["reason"], d["version"]
    ),
    "Ask for a later deadline with a reason (unit leader or deputy)",
    check=lambda c: authority_over(current_user, c.responsible_unit_id).allowed,
    endpoint="extension_ask",
    tag="extensions",
    response=ExtensionOut,
    status=201,
    description="`version` is the case's version.",
    docstring="Ask for an extension; 403 no authority over the unit, 404, 409 stale, 422 bad "
    "date or reason, a request pending already, case not open, cap reached.",
)
action(
    EXTENSION,
    "approve",
    extension_views.approve,
    DecisionSchema,
    lambda e, d: _eo.approve(current_user, e, d["decision_reason"], d["version"]),
    "Approve a pending request with a reason: the deadline moves (approvers)",
    check=lambda e: e.can_decide(current_user, check_state=False),
    docstring="Approve; 403 not an approver of the case, 404, 409 stale, 422 decided, cap, "
    "case state.",
)
action(
    EXTENSION,
    "refuse",
    extension_views.refuse,
    DecisionSchema,
    lambda e, d: _eo.refuse(current_user, e, d["decision_reason"], d["version"]),
    "Refuse a pending request with a reason (approvers)",
    check=lambda e: e.can_decide(current_user, check_state=False),
    docstring="Refuse; 403 not an approver of the case, 404, 409 stale, 422 decided already.",
)
action(
    EXTENSION,
    "cancel",
    extension_views.cancel,
    CancelSchema,
    lambda e, d: _eo.cancel(current_user, e, d["version"]),
    "Withdraw one's own pending request (its requester)",
    check=lambda e: e.can_cancel(current_user, check_state=False),
    docstring="Cancel; 403 someone else's request, 404, 409 stale, 422 decided already.",
)
