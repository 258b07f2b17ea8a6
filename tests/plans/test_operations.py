"""Annual plans: transitions per role, the overlap check, bad input (operations layer)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from inspect_app.core import clock
from inspect_app.core.audit import AuditEvent
from inspect_app.core.errors import Conflict, Forbidden, OperationError
from inspect_app.core.roles import Role
from inspect_app.plans import operations
from inspect_app.plans.models import PlanItem, PlanState
from inspect_app.plans.queries import plan_events
from tests import factories as f


def _item_data(unit, fields, lead, **kw):
    data = {
        "target_unit_id": unit.id,
        "field_ids": [x.id for x in fields],
        "kind": "thanh_tra",
        "period_kind": "quarter",
        "period": 2,
        "lead_id": lead.id,
    }
    data.update(kw)
    return data


ROLES = ["admin", "inspector", "lead_inspector", "unit_leader", "leadership"]

# (operation, starting state, roles allowed, state after)
TRANSITIONS = [
    ("submit", "draft", {"admin", "lead_inspector"}, "submitted"),
    ("approve", "submitted", {"leadership"}, "approved"),
    ("return_to_draft", "submitted", {"leadership"}, "draft"),
]


def _run(name, actor, plan):
    if name == "return_to_draft":
        return operations.return_to_draft(actor, plan, "Thiếu nội dung về cải cách hành chính")
    return getattr(operations, name)(actor, plan)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "start", "allowed", "after"), TRANSITIONS)
def test_transition_by_role(db, role, name, start, allowed, after):
    plan = f.make_plan(state=start)
    f.make_plan_item(plan=plan, fields=[f.make_field()])
    actor = f.make_user(role)
    with clock.frozen(date(2025, 12, 10)):
        if role in allowed:
            _run(name, actor, plan)
            assert plan.state == PlanState(after)
            event = (
                db.session.execute(
                    select(AuditEvent)
                    .where(AuditEvent.object_id == plan.id)
                    .order_by(AuditEvent.id.desc())
                )
                .scalars()
                .first()
            )
            assert event.actor_id == actor.id
            assert event.at == clock.now()
        else:
            with pytest.raises(Forbidden):
                _run(name, actor, plan)
            assert plan.state == PlanState(start)


@pytest.mark.parametrize(
    ("name", "state"),
    [
        ("submit", "submitted"),
        ("submit", "approved"),
        ("approve", "draft"),
        ("approve", "approved"),
        ("return_to_draft", "draft"),
        ("return_to_draft", "approved"),
    ],
)
def test_transition_from_wrong_state_is_refused(db, name, state):
    plan = f.make_plan(state=state)
    f.make_plan_item(plan=plan, fields=[f.make_field()])
    actor = f.make_user("leadership" if name != "submit" else "lead_inspector")
    with pytest.raises(OperationError) as err:
        _run(name, actor, plan)
    assert err.value.status == 422
    assert plan.state == PlanState(state)


def test_submit_and_approve_record_who_and_when(db):
    lead, boss = f.make_user(Role.LEAD_INSPECTOR), f.make_user(Role.LEADERSHIP)
    plan = f.make_plan(actor=lead)
    f.make_plan_item(plan=plan, fields=[f.make_field()])
    with clock.frozen(date(2025, 12, 1)):
        operations.submit(lead, plan)
        submitted_at = clock.now()
    with clock.frozen(date(2025, 12, 15)):
        operations.approve(boss, plan)
    assert (plan.submitted_by, plan.submitted_at) == (lead, submitted_at)
    assert plan.approved_by == boss
    assert plan.approved_at.date() == date(2025, 12, 15)
    actions = [e.action for e in plan_events(plan)]
    assert actions[-2:] == ["plan_submitted", "plan_approved"]


def test_plan_without_items_cannot_be_submitted(db):
    plan = f.make_plan()
    with pytest.raises(OperationError) as err:
        operations.submit(f.make_user(Role.LEAD_INSPECTOR), plan)
    assert err.value.status == 422 and not isinstance(err.value, Forbidden)
    assert plan.state == PlanState.DRAFT


def test_return_to_draft_needs_reason_and_records_it(db):
    plan = f.make_plan(state="submitted")
    boss = f.make_user(Role.LEADERSHIP)
    with pytest.raises(OperationError):
        operations.return_to_draft(boss, plan, "  ")
    assert plan.state == PlanState.SUBMITTED
    operations.return_to_draft(boss, plan, "Bổ sung đơn vị cấp xã")
    assert plan.state == PlanState.DRAFT and plan.submitted_by is None
    assert plan_events(plan)[-1].note == "Bổ sung đơn vị cấp xã"


def test_stale_version_is_a_conflict(db):
    plan = f.make_plan()
    f.make_plan_item(plan=plan, fields=[f.make_field()])
    lead = f.make_user(Role.LEAD_INSPECTOR)
    old = plan.version
    operations.update_plan(
        lead, plan, {"year": 2026, "title": "Tên mới", "issuing_unit_id": plan.issuing_unit_id}
    )
    with pytest.raises(Conflict):
        operations.submit(lead, plan, old)
    assert plan.state == PlanState.DRAFT


# --- items -----------------------------------------------------------------------------------


def test_add_item_saves_and_audits(db):
    plan = f.make_plan()
    lead = f.make_user(Role.LEAD_INSPECTOR)
    unit, fields = f.make_unit(), [f.make_field(), f.make_field()]
    version = plan.version
    item = operations.add_item(lead, plan, _item_data(unit, fields, lead, period=3))
    assert item.plan is plan and item.target_unit is unit and item.period == 3
    assert sorted(x.id for x in item.fields) == sorted(x.id for x in fields)
    assert item.overlap_justification is None
    assert plan.version > version  # an item change moves the plan's version
    assert [e.action for e in plan_events(plan)] == ["plan_item_added"]


def test_overlap_warning_names_the_other_item(db):
    unit, shared, other = f.make_unit(), f.make_field(), f.make_field()
    first_plan = f.make_plan(year=2026, title="Kế hoạch của Sở Nội vụ", state="approved")
    existing = f.make_plan_item(plan=first_plan, target_unit=unit, fields=[shared])
    plan = f.make_plan(year=2026)
    lead = f.make_user(Role.LEAD_INSPECTOR)
    with pytest.raises(operations.OverlapWarning) as err:
        operations.add_item(lead, plan, _item_data(unit, [other, shared], lead))
    assert err.value.overlaps == [existing]
    assert err.value.status == 422
    assert db.session.execute(select(PlanItem).where(PlanItem.plan_id == plan.id)).first() is None


@pytest.mark.parametrize("case", ["other_year", "no_common_field", "other_unit"])
def test_no_overlap_warning(db, case):
    unit, field = f.make_unit(), f.make_field()
    f.make_plan_item(plan=f.make_plan(year=2026), target_unit=unit, fields=[field])
    plan = f.make_plan(year=2027 if case == "other_year" else 2026)
    lead = f.make_user(Role.LEAD_INSPECTOR)
    target = f.make_unit() if case == "other_unit" else unit
    fields = [f.make_field()] if case == "no_common_field" else [field]
    item = operations.add_item(lead, plan, _item_data(target, fields, lead))
    assert item.id is not None and item.overlap_justification is None


def test_overlap_with_justification_is_saved_and_audited(db):
    unit, field = f.make_unit(), f.make_field()
    existing = f.make_plan_item(plan=f.make_plan(year=2026), target_unit=unit, fields=[field])
    plan = f.make_plan(year=2026)
    lead = f.make_user(Role.LEAD_INSPECTOR)
    reason = "Kiểm tra lại việc khắc phục theo chỉ đạo của Chủ tịch UBND tỉnh"
    item = operations.add_item(
        lead, plan, _item_data(unit, [field], lead, overlap_justification=reason)
    )
    assert item.overlap_justification == reason
    event = plan_events(plan)[-1]
    assert event.action == "plan_item_added"
    assert event.after["overlap_justification"] == reason
    assert event.after["overlaps_with"] == [existing.id]
    assert reason in event.note


def test_update_item_does_not_overlap_with_itself(db):
    plan, lead = f.make_plan(), f.make_user(Role.LEAD_INSPECTOR)
    unit, field = f.make_unit(), f.make_field()
    item = operations.add_item(lead, plan, _item_data(unit, [field], lead))
    data = _item_data(unit, [field], lead, period=4, version=item.version)
    operations.update_item(lead, item, data)
    assert item.period == 4


def test_update_item_stale_version_changes_nothing(db):
    plan, lead = f.make_plan(), f.make_user(Role.LEAD_INSPECTOR)
    item = operations.add_item(lead, plan, _item_data(f.make_unit(), [f.make_field()], lead))
    with pytest.raises(Conflict):
        operations.update_item(
            lead, item, _item_data(item.target_unit, item.fields, lead, period=4, version=99)
        )
    assert item.period == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"target_unit_id": 999_999}, "target_unit_id"),
        ({"inactive_unit": True}, "target_unit_id"),
        ({"lead_id": None}, "lead_id"),
        ({"unit_leader_lead": True}, "lead_id"),
        ({"inactive_lead": True}, "lead_id"),
        ({"period_kind": "quarter", "period": 5}, "period"),
        ({"period_kind": "month", "period": 13}, "period"),
        ({"period": 0}, "period"),
        ({"field_ids": []}, "field_ids"),
        ({"field_ids": [999_999]}, "field_ids"),
    ],
)
def test_bad_item_input(db, change, field):
    plan, lead = f.make_plan(), f.make_user(Role.LEAD_INSPECTOR)
    data = _item_data(f.make_unit(), [f.make_field()], lead)
    change = dict(change)
    if change.pop("inactive_unit", False):
        data["target_unit_id"] = f.make_unit(active=False).id
    if change.pop("unit_leader_lead", False):
        data["lead_id"] = f.make_user(Role.UNIT_LEADER).id
    if change.pop("inactive_lead", False):
        data["lead_id"] = f.make_user(Role.INSPECTOR, active=False).id
    data.update(change)
    with pytest.raises(OperationError) as err:
        operations.add_item(lead, plan, data)
    assert err.value.field == field
    assert not plan.items


@pytest.mark.parametrize("role", ROLES)
def test_only_editors_change_items(db, role):
    plan = f.make_plan()
    actor, lead = f.make_user(role), f.make_user(Role.INSPECTOR)
    data = _item_data(f.make_unit(), [f.make_field()], lead)
    if role in {"admin", "lead_inspector"}:
        item = operations.add_item(actor, plan, data)
        operations.remove_item(actor, item)
        assert plan.items == []
        assert [e.action for e in plan_events(plan)] == ["plan_item_added", "plan_item_removed"]
    else:
        with pytest.raises(Forbidden):
            operations.add_item(actor, plan, data)


@pytest.mark.parametrize("state", ["submitted", "approved"])
def test_items_of_a_non_draft_plan_are_frozen(db, state):
    plan = f.make_plan(state=state)
    item = f.make_plan_item(plan=plan, fields=[f.make_field()])
    lead = f.make_user(Role.LEAD_INSPECTOR)
    data = _item_data(f.make_unit(), [f.make_field()], lead)
    for call in (
        lambda: operations.add_item(lead, plan, data),
        lambda: operations.update_item(lead, item, data),
        lambda: operations.remove_item(lead, item),
        lambda: operations.update_plan(
            lead, plan, {"year": 2030, "title": "X", "issuing_unit_id": plan.issuing_unit_id}
        ),
    ):
        with pytest.raises(OperationError) as err:
            call()
        assert err.value.status == 422 and err.value.field is None
    assert plan.items == [item] and plan.year == 2026


def test_create_plan_refuses_unknown_or_inactive_issuing_unit(db):
    lead = f.make_user(Role.LEAD_INSPECTOR)
    for unit_id in (999_999, f.make_unit(active=False).id):
        with pytest.raises(OperationError) as err:
            operations.create_plan(lead, {"year": 2026, "title": "KH", "issuing_unit_id": unit_id})
        assert err.value.field == "issuing_unit_id"
