"""State changes of annual plans (kế hoạch thanh tra năm) and their items, each audited."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from inspect_app.auth.models import User
from inspect_app.core import audit, clock, records
from inspect_app.core.errors import Forbidden, OperationError
from inspect_app.core.models import check_version
from inspect_app.core.roles import INSPECTORS
from inspect_app.extensions import db
from inspect_app.plans.models import PeriodKind, Plan, PlanItem, PlanState
from inspect_app.plans.queries import find_overlaps
from inspect_app.reference.models import ActivityKind, FieldOfWork
from inspect_app.units.operations import active_unit

PLAN_FIELDS = (
    "year",
    "title",
    "issuing_unit_id",
    "state",
    "submitted_by_id",
    "submitted_at",
    "approved_by_id",
    "approved_at",
)
ITEM_FIELDS = (
    "plan_id",
    "target_unit_id",
    "kind",
    "period_kind",
    "period",
    "lead_id",
    "content",
    "overlap_justification",
)


class OverlapWarning(OperationError):
    """The item targets a unit already planned the same year on a common field: a written
    justification is needed to proceed. `overlaps` holds the other items."""

    def __init__(self, overlaps: list[PlanItem]):
        super().__init__(field="overlap_justification")
        self.overlaps = overlaps

    def default_message(self):
        return _l(
            "This unit is already planned this year on a common field. "
            "Write a justification to add it anyway."
        )


def _item_snapshot(item: PlanItem) -> dict:
    data = audit.snapshot(item, ITEM_FIELDS)
    data["id"] = item.id
    data["field_ids"] = sorted(f.id for f in item.fields)
    return data


def _require_editor(actor: User, plan: Plan) -> None:
    if not Plan.can_author(actor):
        raise Forbidden()
    if plan.state != PlanState.DRAFT:
        raise OperationError(_("Only a draft plan can be changed."))


def _touch(plan: Plan) -> None:
    """An item change is a change of the plan: its version moves, so stale approvals fail."""
    plan.updated_at = clock.now()


# --- plans -----------------------------------------------------------------------------------


def create_plan(actor: User, data: dict) -> Plan:
    """Create a draft plan for a year and an issuing body (lead inspector or admin; 403)."""
    if not Plan.can_author(actor):
        raise Forbidden()
    issuing = active_unit(data.get("issuing_unit_id"), "issuing_unit_id")
    plan = Plan(
        year=data["year"],
        title=data["title"].strip(),
        issuing_unit=issuing,
        state=PlanState.DRAFT,
        created_by=actor,
    )
    return records.add(actor, plan, "plan_created", PLAN_FIELDS)


def update_plan(actor: User, plan: Plan, data: dict) -> Plan:
    """Change year, title or issuing body of a draft (403 role, 422 state, 409 stale)."""
    _require_editor(actor, plan)
    check_version(plan, data.get("version"))
    before = audit.snapshot(plan, PLAN_FIELDS)
    issuing = active_unit(data.get("issuing_unit_id"), "issuing_unit_id")
    plan.year = data["year"]
    plan.title = data["title"].strip()
    plan.issuing_unit = issuing
    db.session.flush()
    audit.record(actor, plan, "plan_updated", before, audit.snapshot(plan, PLAN_FIELDS))
    return plan


def _check_move(actor: User, plan: Plan, version: int | None, may, source, refusal) -> None:
    """403 unless `may(actor)`, 409 if stale, 422 with `refusal` unless the plan is `source`."""
    if not may(actor):
        raise Forbidden()
    check_version(plan, version)
    if plan.state != source:
        raise OperationError(refusal)


def _move(actor: User, plan: Plan, target, action: str, note: str | None = None, **by) -> Plan:
    """Put the plan in `target` and record `action` with its before/after; each `step=user`
    sets `step_by` to the user and `step_at` to now (both cleared when the user is None)."""
    before = audit.snapshot(plan, PLAN_FIELDS)
    plan.state = target
    for step, user in by.items():
        setattr(plan, f"{step}_by", user)
        setattr(plan, f"{step}_at", clock.now() if user is not None else None)
    db.session.flush()
    audit.record(actor, plan, action, before, audit.snapshot(plan, PLAN_FIELDS), note=note)
    return plan


def submit(actor: User, plan: Plan, version: int | None = None) -> Plan:
    """Draft -> submitted, by a lead inspector or admin; a plan without items is refused."""
    refusal = _("Only a draft plan can be submitted.")
    _check_move(actor, plan, version, Plan.can_author, PlanState.DRAFT, refusal)
    if not plan.items:
        raise OperationError(_("A plan without items cannot be submitted."))
    return _move(actor, plan, PlanState.SUBMITTED, "plan_submitted", submitted=actor)


def approve(actor: User, plan: Plan, version: int | None = None) -> Plan:
    """Submitted -> approved, by leadership only (403 other roles, 422 state, 409 stale)."""
    refusal = _("Only a submitted plan can be approved.")
    _check_move(actor, plan, version, Plan.can_decide, PlanState.SUBMITTED, refusal)
    return _move(actor, plan, PlanState.APPROVED, "plan_approved", approved=actor)


def return_to_draft(actor: User, plan: Plan, reason: str, version: int | None = None) -> Plan:
    """Submitted -> draft, by leadership with a written reason (403, 422, 409)."""
    refusal = _("Only a submitted plan can be returned to draft.")
    _check_move(actor, plan, version, Plan.can_decide, PlanState.SUBMITTED, refusal)
    reason = (reason or "").strip()
    if not reason:
        raise OperationError(_("Give the reason for returning the plan."), field="reason")
    return _move(actor, plan, PlanState.DRAFT, "plan_returned", reason, submitted=None)


# --- items -----------------------------------------------------------------------------------


def _clean_item(data: dict) -> dict:
    """Check the references of an item form; raises OperationError naming the field."""
    unit = active_unit(data.get("target_unit_id"), "target_unit_id")
    field_ids = sorted(set(data.get("field_ids") or []))
    if not field_ids:
        raise OperationError(_("Choose at least one field."), field="field_ids")
    fields = list(
        db.session.execute(
            select(FieldOfWork).where(FieldOfWork.id.in_(field_ids), FieldOfWork.active.is_(True))
        ).scalars()
    )
    if len(fields) != len(field_ids):
        raise OperationError(_("Unknown or inactive field."), field="field_ids")
    lead_id = data.get("lead_id")
    lead = db.session.get(User, lead_id) if lead_id else None
    if lead is None:
        raise OperationError(_("Choose the lead of this item."), field="lead_id")
    if not lead.active or lead.role not in INSPECTORS:
        raise OperationError(
            _("The lead must be an active inspector or lead inspector."), field="lead_id"
        )
    try:
        kind = ActivityKind(data.get("kind"))
    except ValueError:
        raise OperationError(_("Not a valid choice."), field="kind") from None
    try:
        period_kind = PeriodKind(data.get("period_kind"))
    except ValueError:
        raise OperationError(_("Not a valid choice."), field="period_kind") from None
    period = data.get("period")
    if not isinstance(period, int) or not 1 <= period <= period_kind.max_period:
        raise OperationError(
            _("The period must be between 1 and %(n)d.", n=period_kind.max_period),
            field="period",
        )
    content = (data.get("content") or "").strip() or None
    justification = (data.get("overlap_justification") or "").strip() or None
    return {
        "unit": unit,
        "fields": fields,
        "lead": lead,
        "kind": kind,
        "period_kind": period_kind,
        "period": period,
        "content": content,
        "justification": justification,
    }


def _check_overlap(plan: Plan, clean: dict, item: PlanItem | None) -> list[PlanItem]:
    overlaps = find_overlaps(
        plan.year,
        clean["unit"].id,
        [f.id for f in clean["fields"]],
        exclude_item_id=item.id if item is not None else None,
    )
    if overlaps and not clean["justification"]:
        raise OverlapWarning(overlaps)
    return overlaps


def _apply(item: PlanItem, clean: dict, overlaps: list[PlanItem]) -> None:
    item.target_unit = clean["unit"]
    item.fields = clean["fields"]
    item.lead = clean["lead"]
    item.kind = clean["kind"]
    item.period_kind = clean["period_kind"]
    item.period = clean["period"]
    item.content = clean["content"]
    # A justification is kept only while there is an overlap to justify.
    item.overlap_justification = clean["justification"] if overlaps else None


def _item_note(item: PlanItem, overlaps: list[PlanItem]) -> str:
    note = f"{item.target_unit.name} ({item.period_label})"
    if overlaps and item.overlap_justification:
        others = ", ".join(f"{o.target_unit.name} ({o.period_label})" for o in overlaps)
        note += f" — {others}: {item.overlap_justification}"
    return note


def add_item(actor: User, plan: Plan, data: dict) -> PlanItem:
    """Add an item to a draft plan: the single entry point for item creation.

    `data`: target_unit_id, field_ids, kind, period_kind, period, lead_id, and optionally
    content and overlap_justification. Raises Forbidden (403), OperationError (422, with the
    field), or OverlapWarning when the unit is already planned the same year on a common field
    and no justification is given.
    """
    _require_editor(actor, plan)
    clean = _clean_item(data)
    overlaps = _check_overlap(plan, clean, None)
    item = PlanItem(plan=plan)
    _apply(item, clean, overlaps)
    db.session.add(item)
    _touch(plan)
    db.session.flush()
    after = _item_snapshot(item)
    after["overlaps_with"] = [o.id for o in overlaps]
    audit.record(actor, item, "plan_item_added", after=after, note=_item_note(item, overlaps))
    return item


def update_item(actor: User, item: PlanItem, data: dict) -> PlanItem:
    """Change an item of a draft plan (same checks as add_item; 409 on a stale version)."""
    plan = item.plan
    _require_editor(actor, plan)
    check_version(item, data.get("version"))
    clean = _clean_item(data)
    overlaps = _check_overlap(plan, clean, item)
    before = _item_snapshot(item)
    _apply(item, clean, overlaps)
    _touch(plan)
    db.session.flush()
    after = _item_snapshot(item)
    after["overlaps_with"] = [o.id for o in overlaps]
    audit.record(actor, item, "plan_item_updated", before, after, note=_item_note(item, overlaps))
    return item


def remove_item(actor: User, item: PlanItem, version: int | None = None) -> Plan:
    """Delete an item of a draft plan; the event is recorded on the plan (the item is gone)."""
    plan = item.plan
    _require_editor(actor, plan)
    check_version(item, version)
    before = _item_snapshot(item)
    note = f"{item.target_unit.name} ({item.period_label})"
    plan.items.remove(item)
    _touch(plan)
    db.session.flush()
    audit.record(actor, plan, "plan_item_removed", before=before, note=note)
    return plan
