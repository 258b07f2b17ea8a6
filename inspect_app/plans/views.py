"""Pages of annual plans: list, detail with timeline, plan and item forms, transitions."""

from __future__ import annotations

from flask import Blueprint, abort, flash, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from inspect_app.auth.models import User
from inspect_app.core.errors import OperationError
from inspect_app.core.forms import load_form
from inspect_app.core.htmx import redirect_to, render
from inspect_app.core.pagination import paginate
from inspect_app.core.permissions import access, require
from inspect_app.core.roles import INSPECTORS, Role
from inspect_app.core.templating import register_actions, register_nav
from inspect_app.extensions import db
from inspect_app.plans import operations, queries
from inspect_app.plans.models import PeriodKind, Plan, PlanItem, PlanState
from inspect_app.plans.schemas import (
    PlanFilterSchema,
    PlanItemSchema,
    PlanSchema,
    ReturnSchema,
    TransitionSchema,
)
from inspect_app.reference.models import ActivityKind
from inspect_app.reference.queries import active_fields
from inspect_app.units.queries import all_units

bp = Blueprint("plans", __name__, url_prefix="/plans")

READERS = (Role.ADMIN, Role.INSPECTOR, Role.LEAD_INSPECTOR, Role.LEADERSHIP)
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


def _error_dict(e: OperationError) -> dict:
    return {e.field or "_schema": [str(e.message)]}


@bp.route("")
@access(*READERS)
def index():
    """The list of plans, filtered by year, state and text (htmx gets the table fragment)."""
    raw = {k: v for k, v in request.args.items() if k in ("year", "state", "q")}
    data, errors = load_form(PlanFilterSchema(), raw)
    data = data or {}
    filters = {
        "year": data.get("year") or "",
        "state": data.get("state") or "",
        "q": data.get("q") or "",
    }
    stmt = queries.plan_list_stmt(data.get("year"), data.get("state"), data.get("q"))
    page = paginate(stmt, scalars=False)
    return render(
        "plans/index.html",
        "plans/_plans_table.html",
        page=page,
        filters=filters,
        errors=errors,
        years=queries.plan_years(),
        states=list(PlanState),
        can_create=current_user.role in EDITORS,
    )


def _load_plan(plan_id: int) -> Plan:
    plan = queries.plan_with_items(plan_id) if 0 < plan_id < 2**31 else None
    if plan is None:
        abort(404)
    require(plan.can_view(current_user))
    return plan


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


def _plan_form(plan: Plan | None, errors: dict, status: int = 200, form=None):
    return render(
        "plans/plan_form.html",
        status=status,
        plan=plan,
        units=all_units(active_only=True),
        errors=errors,
        form=request.form if form is None else form,
    )


@bp.route("/new", methods=["GET", "POST"])
@access(*EDITORS)
def new():
    """Create a draft plan (422 with messages on bad input)."""
    if request.method == "GET":
        return _plan_form(None, {})
    data, errors = load_form(PlanSchema())
    if data:
        try:
            plan = operations.create_plan(current_user, data)
        except OperationError as e:
            db.session.rollback()
            errors = _error_dict(e)
        else:
            db.session.commit()
            flash(_("Plan %(title)s created.", title=plan.title), "success")
            return redirect_to("plans.detail", plan_id=plan.id)
    return _plan_form(None, errors, 422)


@bp.route("/<int:plan_id>/edit", methods=["GET", "POST"])
@access(*EDITORS)
def edit(plan_id: int):
    """Edit a draft plan (403 not a draft, 422 bad input, 409 stale form)."""
    plan = _load_plan(plan_id)
    require(plan.can_edit(current_user))
    if request.method == "GET":
        return _plan_form(plan, {})
    data, errors = load_form(PlanSchema())
    if data:
        try:
            operations.update_plan(current_user, plan, data)
        except OperationError as e:
            db.session.rollback()
            if e.status == 409:
                flash(str(e.message), "error")
                return _plan_form(_load_plan(plan_id), {}, 409, form={})
            if e.status != 422:
                raise
            errors = _error_dict(e)
        else:
            db.session.commit()
            flash(_("Plan saved."), "success")
            return redirect_to("plans.detail", plan_id=plan.id)
    return _plan_form(plan, errors, 422)


# --- items -----------------------------------------------------------------------------------


def _leads() -> list[User]:
    return list(
        db.session.execute(
            select(User)
            .where(User.role.in_(INSPECTORS), User.active.is_(True))
            .order_by(User.full_name)
        ).scalars()
    )


def _item_form(plan, item, errors, status=200, form=None, overlaps=None):
    return render(
        "plans/item_form.html",
        status=status,
        plan=plan,
        item=item,
        units=all_units(active_only=True),
        fields=active_fields(),
        leads=_leads(),
        kinds=list(ActivityKind),
        period_kinds=list(PeriodKind),
        errors=errors,
        overlaps=overlaps or [],
        form=request.form if form is None else form,
    )


def _save_item(plan: Plan, item: PlanItem | None):
    data, errors = load_form(PlanItemSchema())
    overlaps = None
    if data:
        try:
            if item is None:
                item = operations.add_item(current_user, plan, data)
            else:
                operations.update_item(current_user, item, data)
        except operations.OverlapWarning as e:
            db.session.rollback()
            overlaps = e.overlaps
            errors = _error_dict(e)
        except OperationError as e:
            db.session.rollback()
            if e.status == 409:
                flash(str(e.message), "error")
                plan = _load_plan(plan.id)
                item = _item_of(plan, item.id)
                return _item_form(plan, item, {}, 409, form={})
            if e.status != 422:
                raise
            errors = _error_dict(e)
        else:
            db.session.commit()
            flash(_("Plan item saved."), "success")
            return redirect_to("plans.detail", plan_id=plan.id)
    return _item_form(plan, item, errors, 422, overlaps=overlaps)


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
    if request.method == "GET":
        return _item_form(plan, None, {})
    return _save_item(plan, None)


@bp.route("/<int:plan_id>/items/<int:item_id>", methods=["GET", "POST"])
@access(*EDITORS)
def item_edit(plan_id: int, item_id: int):
    """Edit an item of a draft plan (404 not in this plan, 422 bad input, 409 stale)."""
    plan = _load_plan(plan_id)
    item = _item_of(plan, item_id)
    require(plan.can_edit(current_user))
    if request.method == "GET":
        return _item_form(plan, item, {})
    return _save_item(plan, item)


def _transition(plan: Plan, action):
    """Run one transition; errors are shown on the detail page with their status."""
    try:
        action()
    except OperationError as e:
        db.session.rollback()
        flash(str(e.message), "error")
        fresh = _load_plan(plan.id)
        return _detail(fresh, e.status, _error_dict(e) if e.field else None)
    db.session.commit()
    return None


@bp.route("/<int:plan_id>/items/<int:item_id>/remove", methods=["POST"])
@access(*EDITORS)
def item_remove(plan_id: int, item_id: int):
    """Remove an item from a draft plan (403 not a draft, 409 stale)."""
    plan = _load_plan(plan_id)
    item = _item_of(plan, item_id)
    require(plan.can_edit(current_user))
    data, errors = load_form(TransitionSchema())
    version = data["version"] if data else None
    failed = _transition(plan, lambda: operations.remove_item(current_user, item, version))
    if failed:
        return failed
    flash(_("Plan item removed."), "success")
    return redirect_to("plans.detail", plan_id=plan_id)


def _versioned(plan: Plan):
    data, errors = load_form(TransitionSchema())
    if not data:
        flash(_("Reload the page and try again."), "error")
        return None, _detail(plan, 422)
    return data["version"], None


@bp.route("/<int:plan_id>/submit", methods=["POST"])
@access(*EDITORS)
def submit(plan_id: int):
    """Submit a draft plan for approval (422 no items or not a draft, 409 stale)."""
    plan = _load_plan(plan_id)
    version, bad = _versioned(plan)
    if bad:
        return bad
    failed = _transition(plan, lambda: operations.submit(current_user, plan, version))
    if failed:
        return failed
    flash(_("The plan was submitted for approval."), "success")
    return redirect_to("plans.detail", plan_id=plan_id)


@bp.route("/<int:plan_id>/approve", methods=["POST"])
@access(Role.LEADERSHIP)
def approve(plan_id: int):
    """Approve a submitted plan (leadership; 422 not submitted, 409 stale)."""
    plan = _load_plan(plan_id)
    version, bad = _versioned(plan)
    if bad:
        return bad
    failed = _transition(plan, lambda: operations.approve(current_user, plan, version))
    if failed:
        return failed
    flash(_("The plan was approved."), "success")
    return redirect_to("plans.detail", plan_id=plan_id)


@bp.route("/<int:plan_id>/return", methods=["POST"])
@access(Role.LEADERSHIP)
def return_to_draft(plan_id: int):
    """Send a submitted plan back to draft with a reason (leadership; 422, 409)."""
    plan = _load_plan(plan_id)
    data, errors = load_form(ReturnSchema())
    if not data:
        return _detail(plan, 422, errors)
    failed = _transition(
        plan,
        lambda: operations.return_to_draft(current_user, plan, data["reason"], data["version"]),
    )
    if failed:
        return failed
    flash(_("The plan was returned to draft."), "success")
    return redirect_to("plans.detail", plan_id=plan_id)
