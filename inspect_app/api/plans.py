"""/plans: annual plans, their items and their transitions."""

from __future__ import annotations

from flask import request
from flask_login import current_user
from marshmallow import Schema, fields
from sqlalchemy.orm import selectinload

from inspect_app.api.common import Kind, action, bp, create, dump, dump_page, same_as, validate
from inspect_app.api.schemas import (
    PageQuery,
    enum_field,
    ids_field,
    page_schema,
    text_field,
    year_field,
)
from inspect_app.api.spec import doc
from inspect_app.core.loading import get_visible_or_404
from inspect_app.plans import operations as plan_operations
from inspect_app.plans import queries as plan_queries
from inspect_app.plans import views as plan_views
from inspect_app.plans.models import PeriodKind, Plan, PlanState
from inspect_app.plans.schemas import PlanFilterSchema, PlanItemSchema, PlanSchema, ReturnSchema
from inspect_app.plans.schemas import TransitionSchema as PlanTransitionSchema
from inspect_app.reference.models import ActivityKind


class PlanItemOut(Schema):
    id = fields.Integer(required=True)
    plan_id = fields.Integer(required=True)
    target_unit_id = fields.Integer(required=True)
    kind = enum_field(ActivityKind, required=True)
    period_kind = enum_field(PeriodKind, required=True)
    period = fields.Integer(required=True)
    lead_id = fields.Integer(allow_none=True)
    content = fields.String(allow_none=True)
    overlap_justification = fields.String(allow_none=True)
    field_ids = ids_field("fields")
    version = fields.Integer(required=True)


class PlanOut(Schema):
    id = fields.Integer(required=True)
    year = fields.Integer(required=True)
    title = fields.String(required=True)
    issuing_unit_id = fields.Integer(required=True)
    state = enum_field(PlanState, required=True)
    submitted_at = fields.DateTime(allow_none=True)
    approved_at = fields.DateTime(allow_none=True)
    version = fields.Integer(required=True)


class PlanDetailOut(PlanOut):
    items = fields.List(fields.Nested(PlanItemOut), required=True)


class PlanQuery(PageQuery):
    year = year_field()
    state = enum_field(PlanState)
    q = text_field()


def load_plan(plan_id: int) -> Plan:
    """A plan with its items; 404 when unknown or not visible."""
    return get_visible_or_404(
        Plan, plan_id, selectinload(Plan.items).options(*plan_queries.ITEM_LOADS)
    )


@bp.route("/plans")
@same_as(plan_views.index)
@doc("Annual plans", tag="plans", query=PlanQuery, response=page_schema(PlanOut), errors=(422,))
def plans():
    """Plans filtered by year, state and text, like the page; 422 bad filters."""
    raw = {k: v for k, v in request.args.items() if k in ("year", "state", "q")}
    data = validate(PlanFilterSchema(), raw)
    stmt = plan_queries.plan_list_stmt(data.get("year"), data.get("state"), data.get("q"))
    return dump_page(PlanOut, stmt, rows=True)


@bp.route("/plans/<int:plan_id>")
@same_as(plan_views.detail)
@doc("One plan with its items", tag="plans", response=PlanDetailOut)
def plan(plan_id: int):
    """One plan and its items."""
    return dump(PlanDetailOut, load_plan(plan_id))


create(
    "/plans",
    "plan_create",
    plan_views.new,
    PlanSchema,
    lambda data: plan_operations.create_plan(current_user, data),
    "Create a draft plan",
    tag="plans",
    response=PlanOut,
    docstring="Create a draft plan; 422.",
)

PLAN = Kind("/plans/<int:plan_id>", "plan", "plans", load_plan, PlanOut)
_po = plan_operations


def _editable(plan: Plan) -> bool:
    return plan.can_edit(current_user)


action(
    PLAN,
    "",
    plan_views.edit,
    PlanSchema,
    lambda p, d: _po.update_plan(current_user, p, d),
    "Change a draft plan",
    check=_editable,
    method="PUT",
    endpoint="plan_update",
    docstring="Edit a draft plan; 403 not a draft, 409 stale, 422.",
)
action(
    PLAN,
    "items",
    plan_views.item_new,
    PlanItemSchema,
    lambda p, d: _po.add_item(current_user, p, d),
    "Add an item to a draft plan",
    check=_editable,
    endpoint="plan_item_create",
    response=PlanItemOut,
    status=201,
    docstring="Add an item; 422 bad input or an overlap without justification.",
)
action(
    PLAN,
    "submit",
    plan_views.submit,
    PlanTransitionSchema,
    lambda p, d: _po.submit(current_user, p, d["version"]),
    "Submit a draft plan for approval",
    docstring="Submit; 409 stale, 422 no items or not a draft.",
)
action(
    PLAN,
    "approve",
    plan_views.approve,
    PlanTransitionSchema,
    lambda p, d: _po.approve(current_user, p, d["version"]),
    "Approve a submitted plan (leadership)",
    docstring="Approve; 409 stale, 422 not submitted.",
)
action(
    PLAN,
    "return",
    plan_views.return_to_draft,
    ReturnSchema,
    lambda p, d: _po.return_to_draft(current_user, p, d["reason"], d["version"]),
    "Send a submitted plan back to draft (leadership)",
    docstring="Return to draft with a reason; 409 stale, 422.",
)
