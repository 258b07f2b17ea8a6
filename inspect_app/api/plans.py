"""/plans: annual plans, their items and their transitions."""

from __future__ import annotations

from flask import request
from flask_login import current_user
from marshmallow import fields
from sqlalchemy.orm import selectinload

from inspect_app.api.common import Kind, validate
from inspect_app.api.schemas import (
    PageQuery,
    enum_field,
    ids_field,
    record_schema,
    text_field,
    year_field,
)
from inspect_app.core.loading import get_visible_or_404
from inspect_app.plans import operations as plan_operations
from inspect_app.plans import queries as plan_queries
from inspect_app.plans import views as plan_views
from inspect_app.plans.models import Plan, PlanItem, PlanState
from inspect_app.plans.schemas import PlanFilterSchema, PlanItemSchema, PlanSchema, ReturnSchema
from inspect_app.plans.schemas import TransitionSchema as PlanTransitionSchema

PlanItemOut = record_schema(
    "PlanItemOut",
    PlanItem,
    "id plan_id target_unit_id kind period_kind period lead_id content overlap_justification "
    "version",
    field_ids=ids_field("fields"),
)
PlanOut = record_schema(
    "PlanOut",
    Plan,
    "id year title issuing_unit_id state submitted_at approved_at version",
)


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


PLAN = Kind("/plans/<int:plan_id>", "plan", "plans", load_plan, PlanOut)
_po = plan_operations


@PLAN.listing(plan_views.index, query=PlanQuery, rows=True, errors=(422,))
def plans():
    """Annual plans.

    Plans filtered by year, state and text, like the page; 422 bad filters."""
    raw = {k: v for k, v in request.args.items() if k in ("year", "state", "q")}
    data = validate(PlanFilterSchema(), raw)
    return plan_queries.plan_list_stmt(data.get("year"), data.get("state"), data.get("q"))


PLAN.detail(plan_views.detail, "One plan with its items", "One plan and its items.", PlanDetailOut)


@PLAN.create(plan_views.new, PlanSchema)
def plan_create(data):
    """Create a draft plan.

    Create a draft plan; 422."""
    return _po.create_plan(current_user, data)


def _editable(plan: Plan) -> bool:
    return plan.can_edit(current_user)


@PLAN.action("", plan_views.edit, PlanSchema, check=_editable, method="PUT")
def plan_update(plan, data):
    """Change a draft plan.

    Edit a draft plan; 403 not a draft, 409 stale, 422."""
    return _po.update_plan(current_user, plan, data)


@PLAN.action(
    "items", plan_views.item_new, PlanItemSchema, check=_editable, response=PlanItemOut, status=201
)
def plan_item_create(plan, data):
    """Add an item to a draft plan.

    Add an item; 422 bad input or an overlap without justification."""
    return _po.add_item(current_user, plan, data)


PLAN.transitions(
    PlanTransitionSchema,
    {
        "submit": (plan_views.submit, _po.submit, "Submit a draft plan for approval"),
        "approve": (plan_views.approve, _po.approve, "Approve a submitted plan (leadership)"),
    },
)


@PLAN.action("return", plan_views.return_to_draft, ReturnSchema)
def plan_return(plan, data):
    """Send a submitted plan back to draft (leadership).

    Return to draft with a reason; 409 stale, 422."""
    return _po.return_to_draft(current_user, plan, data["reason"], data["version"])
