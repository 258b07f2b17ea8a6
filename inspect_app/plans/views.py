"""Pages of annual plans: list, detail with timeline, plan and item forms, transitions."""

from __future__ import annotations

from flask import Blueprint, abort, flash
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from inspect_app.auth.queries import active_inspectors
from inspect_app.core.actions import form_action
from inspect_app.core.crud import edit_page, record_form
from inspect_app.core.htmx import redirect_to, render
from inspect_app.core.loading import get_visible_or_404
from inspect_app.core.pagination import FilteredList
from inspect_app.core.permissions import access, require
from inspect_app.core.roles import READERS, Role
from inspect_app.core.templating import register_actions, register_nav
from inspect_app.plans import operations, queries
from inspect_app.plans.models import PeriodKind, Plan, PlanItem, PlanState
from inspect_app.plans.queries import PlanFilters
from inspect_app.plans.schemas import (
    ItemRemoveSchema,
    PlanItemSchema,
    PlanSchema,
    ReturnSchema,
    TransitionSchema,
)
from inspect_app.reference.models import ActivityKind
from inspect_app.reference.queries import active_fields
from inspect_app.units.queries import all_units

bp = Blueprint("plans", __name__, url_prefix="/plans")

EDITORS = (Role.ADMIN, Role.LEAD_INSPECTOR)

register_nav("plans.index", _l("Plans"), READERS)
register_actions(
    {
        "plan_created": _l("Plan created"),
        "plan_updated": _l("Plan edited"),
        "plan_submitted": _l("Plan submitted"),
        "plan_approved": _l("Plan approved"),
        "plan_returned": _l("Plan returned to draft"),
        "plan_item_added": _l("Plan item added"),
        "plan_item_updated": _l("Plan item edited"),
        "plan_item_removed": _l("Plan item removed"),
    }
)


#: The list of plans (rows: plan, number of items): its page and its export.
PLANS = FilteredList(
    PlanFilters.from_args,
    lambda chosen: queries.plan_list_stmt(chosen.year, chosen.state, chosen.q),
    "plans/index.html",
    "plans/_plans_table.html",
    scalars=False,
)


@bp.route("")
@access(*READERS)
def index():
    """The list of plans, filtered by year, state and text (htmx gets the table fragment)."""
    return PLANS.page(
        years=queries.plan_years(),
        states=list(PlanState),
        can_create=Plan.can_author(current_user),
    )


@bp.route("/export.<any(csv, xlsx):fmt>")
@access(*READERS)
def export(fmt: str):
    """The plans of the list under its current filters, as XLSX or CSV."""
    columns = [
        (_("Year"), lambda r: r[0].year),
        (_("Title"), lambda r: r[0].title),
        (_("Issuing body"), lambda r: r[0].issuing_unit.name),
        (_("Items"), lambda r: r[1]),
        (_("State"), lambda r: r[0].state.label),
        (_("Approved"), lambda r: r[0].approved_by.full_name if r[0].approved_by else ""),
    ]
    return PLANS.export(fmt, _("Plans"), "ke-hoach", columns)


def _load_plan(plan_id: int) -> Plan:
    """The plan with what its pages show; 404 unknown."""
    return get_visible_or_404(Plan, plan_id, *queries.PLAN_LOADS)


def _detail(plan: Plan, status: int = 200, return_errors: dict | None = None):
    return render(
        "plans/detail.html",
        status=status,
        plan=plan,
        events=queries.plan_events(plan),
        return_errors=return_errors or {},
    )


@bp.route("/<int:plan_id>")
@access(*READERS)
def detail(plan_id: int):
    """One plan: its items, the actions the user may take, its timeline (404 unknown)."""
    return _detail(_load_plan(plan_id))


# --- plan form -------------------------------------------------------------------------------


def _plan_page(plan: Plan | None, save, message):
    return edit_page(
        PlanSchema(),
        save,
        form=record_form("plans/plan_form.html", plan=plan, units=all_units(active_only=True)),
        done=lambda saved: redirect_to("plans.detail", plan_id=saved.id),
        message=message,
    )


@bp.route("/new", methods=["GET", "POST"])
@access(*EDITORS)
def new():
    """Create a draft plan (422 with messages on bad input)."""
    return _plan_page(
        None,
        lambda data: operations.create_plan(current_user, data),
        lambda plan: _("Plan %(title)s created.", title=plan.title),
    )


@bp.route("/<int:plan_id>/edit", methods=["GET", "POST"])
@access(*EDITORS)
def edit(plan_id: int):
    """Edit a draft plan (403 not a draft, 422 bad input, 409 stale form)."""
    plan = _load_plan(plan_id)
    require(plan.can_edit(current_user))
    return _plan_page(
        plan, lambda data: operations.update_plan(current_user, plan, data), _("Plan saved.")
    )


# --- items -----------------------------------------------------------------------------------


def _item_page(plan: Plan, item: PlanItem | None):
    """The form of a new (`item` None) or existing item; an overlap without justification is
    a 422 listing the other items."""
    overlaps: list[PlanItem] = []

    def save(data: dict) -> PlanItem:
        try:
            if item is None:
                return operations.add_item(current_user, plan, data)
            return operations.update_item(current_user, item, data)
        except operations.OverlapWarning as e:
            overlaps[:] = e.overlaps
            raise

    return edit_page(
        PlanItemSchema(),
        save,
        form=record_form(
            "plans/item_form.html",
            plan=plan,
            item=item,
            units=all_units(active_only=True),
            fields=active_fields(),
            leads=active_inspectors(),
            kinds=list(ActivityKind),
            period_kinds=list(PeriodKind),
            overlaps=overlaps,  # filled in by `save` when the item overlaps others
        ),
        done=lambda _item: redirect_to("plans.detail", plan_id=plan.id),
        message=_("Plan item saved."),
    )


def _item_of(plan: Plan, item_id: int) -> PlanItem:
    item = next((i for i in plan.items if i.id == item_id), None)
    if item is None:
        abort(404)
    return item


@bp.route("/<int:plan_id>/items/new", methods=["GET", "POST"])
@access(*EDITORS)
def item_new(plan_id: int):
    """Add an item to a draft plan (422 bad input or overlap without justification)."""
    plan = _load_plan(plan_id)
    require(plan.can_edit(current_user))
    return _item_page(plan, None)


@bp.route("/<int:plan_id>/items/<int:item_id>", methods=["GET", "POST"])
@access(*EDITORS)
def item_edit(plan_id: int, item_id: int):
    """Edit an item of a draft plan (404 not in this plan, 422 bad input, 409 stale)."""
    plan = _load_plan(plan_id)
    item = _item_of(plan, item_id)
    require(plan.can_edit(current_user))
    return _item_page(plan, item)


def _transition(plan: Plan, schema, call, message):
    """Run one transition from the detail page: 303 back to it, or the page again with the
    status (422 the reason's errors in place and other refusals flashed, 409 current state)."""

    def again(status: int, errors: dict):
        if "version" in errors:
            flash(_("Reload the page and try again."), "error")
        for text in errors.pop("_schema", []):
            flash(text, "error")
        return _detail(plan, status, {k: v for k, v in errors.items() if k != "version"})

    return form_action(
        schema,
        call,
        page=again,
        done=lambda _plan: redirect_to("plans.detail", plan_id=plan.id),
        message=message,
    )


@bp.route("/<int:plan_id>/items/<int:item_id>/remove", methods=["POST"])
@access(*EDITORS)
def item_remove(plan_id: int, item_id: int):
    """Remove an item from a draft plan (403 not a draft, 409 stale)."""
    plan = _load_plan(plan_id)
    item = _item_of(plan, item_id)
    require(plan.can_edit(current_user))
    return _transition(
        plan,
        ItemRemoveSchema(),
        lambda data: operations.remove_item(current_user, item, data["version"]),
        _("Plan item removed."),
    )


def _step(plan_id: int, operation, message, schema=None):
    """One step of the plan's life from the detail page: `operation(user, plan, **form)`."""
    plan = _load_plan(plan_id)
    return _transition(
        plan,
        schema or TransitionSchema(),
        lambda data: operation(current_user, plan, **data),
        message,
    )


@bp.route("/<int:plan_id>/submit", methods=["POST"])
@access(*EDITORS)
def submit(plan_id: int):
    """Submit a draft plan for approval (422 no items or not a draft, 409 stale)."""
    return _step(plan_id, operations.submit, _("The plan was submitted for approval."))


@bp.route("/<int:plan_id>/approve", methods=["POST"])
@access(Role.LEADERSHIP)
def approve(plan_id: int):
    """Approve a submitted plan (leadership; 422 not submitted, 409 stale)."""
    return _step(plan_id, operations.approve, _("The plan was approved."))


@bp.route("/<int:plan_id>/return", methods=["POST"])
@access(Role.LEADERSHIP)
def return_to_draft(plan_id: int):
    """Send a submitted plan back to draft with a reason (leadership; 422, 409)."""
    message = _("The plan was returned to draft.")
    return _step(plan_id, operations.return_to_draft, message, ReturnSchema())
