"""Reorganisations: merge, rename, split, move; the preview is what happens; history stays."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from inspect_app.auth.models import User
from inspect_app.cases.models import Case
from inspect_app.cases.queries import CaseFilters, case_list
from inspect_app.core import clock
from inspect_app.core.audit import AuditEvent, verify_chain
from inspect_app.core.errors import Conflict, OperationError
from inspect_app.core.roles import Role
from inspect_app.plans.models import PlanItem
from inspect_app.units.models import Unit, UnitEvent, UnitKind
from inspect_app.units.queries import UnitHistory, lineage_ids
from inspect_app.units.reorganisation import (
    apply_plan,
    plan_merge,
    plan_move,
    plan_rename,
    plan_split,
)
from tests import factories as f

DAY = date(2025, 7, 1)


@pytest.fixture(autouse=True)
def _today():
    with clock.frozen(date(2026, 3, 10)):
        yield


@pytest.fixture()
def world(db):
    """Two communes under a province, each with open, answered, closed cases, a plan item of
    2026 (not done) and one of 2024 (past year), a unit leader and a sub-unit."""
    province = f.make_unit("Tỉnh", UnitKind.PROVINCE, code="TINH")
    a = f.make_unit("Xã An Bình", UnitKind.COMMUNE, province, code="XAB")
    b = f.make_unit("Xã Bình Minh", UnitKind.COMMUNE, province, code="XBM")
    school = f.make_unit("Trường THCS An Bình", UnitKind.SERVICE_UNIT, a, code="THCSAB")
    admin = f.make_user(Role.ADMIN)
    w = {"province": province, "a": a, "b": b, "school": school, "admin": admin}
    for key, unit in (("a", a), ("b", b)):
        insp = f.make_inspection(state="monitoring", target_unit=unit)
        w[f"{key}_open"] = f.make_case(insp, title=f"Mở {key}")
        w[f"{key}_answered"] = f.make_case(insp, state="answered")
        w[f"{key}_closed"] = f.make_case(insp, state="accepted", closed_at=clock.now())
        w[f"{key}_withdrawn"] = f.make_case(insp, state="withdrawn")
        w[f"{key}_item"] = f.make_plan_item(f.make_plan(2026), unit)
        w[f"{key}_old_item"] = f.make_plan_item(f.make_plan(2024), unit)
        w[f"{key}_leader"] = f.make_user(Role.UNIT_LEADER, unit=unit)
    db.session.commit()
    return w


def merge_data(w, **kw):
    data = {
        "effective_date": DAY,
        "decision_reference": "Nghị quyết 1656/NQ-UBTVQH15",
        "source_ids": [w["a"].id, w["b"].id],
        "new_code": "XAM",
        "new_name": "Xã An Minh",
        "new_kind": "commune",
    }
    data.update(kw)
    return data


def unit_of(model, obj_id):
    obj = f.db.session.get(model, obj_id)
    f.db.session.refresh(obj)
    return obj


def test_merge_into_new_unit_moves_exactly_what_the_preview_shows(db, world):
    w = world
    plan = plan_merge(merge_data(w))
    previewed = {(m.kind, m.id) for m in plan.real_moves}
    assert plan.counts() == {"case": 4, "plan_item": 2, "user": 2, "child_unit": 1}
    assert plan.closed_cases_staying == 4
    assert previewed == {
        ("case", w["a_open"].id),
        ("case", w["a_answered"].id),
        ("case", w["b_open"].id),
        ("case", w["b_answered"].id),
        ("plan_item", w["a_item"].id),
        ("plan_item", w["b_item"].id),
        ("user", w["a_leader"].id),
        ("user", w["b_leader"].id),
        ("child_unit", w["school"].id),
    }
    before = {
        "cases": dict(db.session.execute(select(Case.id, Case.responsible_unit_id)).all()),
        "items": dict(db.session.execute(select(PlanItem.id, PlanItem.target_unit_id)).all()),
        "users": dict(db.session.execute(select(User.id, User.unit_id)).all()),
        "units": dict(db.session.execute(select(Unit.id, Unit.parent_id)).all()),
    }

    # The confirmation recomputes the plan from the same input: same digest, it applies.
    again = plan_merge(merge_data(w))
    assert again.digest == plan.digest
    event = apply_plan(w["admin"], again, plan.digest)
    db.session.commit()
    new = db.session.execute(select(Unit).where(Unit.code == "XAM")).scalar_one()
    assert new.parent_id == w["province"].id and new.kind == UnitKind.COMMUNE

    after = {
        "cases": dict(db.session.execute(select(Case.id, Case.responsible_unit_id)).all()),
        "items": dict(db.session.execute(select(PlanItem.id, PlanItem.target_unit_id)).all()),
        "users": dict(db.session.execute(select(User.id, User.unit_id)).all()),
        "units": dict(db.session.execute(select(Unit.id, Unit.parent_id)).all()),
    }
    changed = set()
    for kind, table in (
        ("case", "cases"),
        ("plan_item", "items"),
        ("user", "users"),
        ("child_unit", "units"),
    ):
        for obj_id, unit_id in before[table].items():
            if after[table][obj_id] != unit_id:
                changed.add((kind, obj_id))
                assert after[table][obj_id] == new.id
    assert changed == previewed  # the preview is exactly what happened
    # Closed history stays with the old units, which end and point to their successor.
    assert after["cases"][w["a_closed"].id] == w["a"].id
    assert after["items"][w["a_old_item"].id] == w["a"].id
    for old in (w["a"], w["b"]):
        db.session.refresh(old)
        assert (old.active, old.successor_id) == (False, new.id)
    # Every move is an audit event with the decision, and the chain holds.
    moved_events = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "unit_reassigned")
    ).scalars()
    assert {(e.object_type, e.object_id) for e in moved_events} == {
        ({"case": "Case", "plan_item": "PlanItem", "user": "User", "child_unit": "Unit"}[k], i)
        for k, i in previewed
    }
    assert verify_chain().ok
    assert {link.role.value for link in event.units} == {"source", "target"}


def test_history_is_findable_under_both_names(db, world):
    w = world
    plan = plan_merge(merge_data(w))
    apply_plan(w["admin"], plan, plan.digest)
    db.session.commit()
    new = db.session.execute(select(Unit).where(Unit.code == "XAM")).scalar_one()
    admin = w["admin"]
    today = clock.today()

    def found(unit_id):
        stmt = case_list(admin, CaseFilters(unit=unit_id), today)
        return {c.id for c in db.session.execute(stmt).unique().scalars()}

    a_all = {w[f"a_{k}"].id for k in ("open", "answered", "closed", "withdrawn")}
    b_all = {w[f"b_{k}"].id for k in ("open", "answered", "closed", "withdrawn")}
    # Under the old name: its own history and the successor's cases.
    assert found(w["a"].id) == a_all | {w["b_open"].id, w["b_answered"].id}
    # Under the new name: its cases and the history of both predecessors.
    assert found(new.id) == a_all | b_all
    assert lineage_ids(new.id) == {new.id, w["a"].id, w["b"].id}
    # The tree at a date shows the old communes before the merger, the new one after.
    history = UnitHistory()
    before_names = {s.name for s, _ in history.tree_at(date(2025, 6, 30))}
    after_names = {s.name for s, _ in history.tree_at(DAY)}
    assert {"Xã An Bình", "Xã Bình Minh"} <= before_names and "Xã An Minh" not in before_names
    assert "Xã An Minh" in after_names and "Xã An Bình" not in after_names
    # The school hung under An Bình then, under An Minh now.
    past = {s.id: s for s, _ in history.tree_at(date(2025, 1, 1))}
    assert past[w["school"].id].parent_id == w["a"].id
    assert history.group_of(w["a"].id, date(2025, 6, 30)) == w["a"].id
    assert history.group_of(w["a"].id, DAY) == new.id


def test_merge_into_existing_unit(db, world):
    w = world
    plan = plan_merge(
        {
            "effective_date": DAY,
            "decision_reference": "NQ 1",
            "source_ids": [w["a"].id],
            "target_unit_id": w["b"].id,
        }
    )
    assert plan.counts() == {"case": 2, "plan_item": 1, "user": 1, "child_unit": 1}
    apply_plan(w["admin"], plan, plan.digest)
    db.session.commit()
    assert unit_of(Case, w["a_open"].id).responsible_unit_id == w["b"].id
    assert unit_of(Case, w["a_closed"].id).responsible_unit_id == w["a"].id
    assert unit_of(User, w["a_leader"].id).unit_id == w["b"].id
    assert unit_of(Unit, w["a"].id).successor_id == w["b"].id


def test_preview_that_changed_is_refused_with_409(db, world):
    w = world
    plan = plan_merge(merge_data(w))
    digest = plan.digest
    # Someone opens a new case for An Bình between preview and confirmation.
    f.make_case(f.make_inspection(state="monitoring", target_unit=w["a"]))
    db.session.commit()
    fresh = plan_merge(merge_data(w))
    with pytest.raises(Conflict):
        apply_plan(w["admin"], fresh, digest)
    db.session.rollback()
    assert db.session.execute(select(UnitEvent)).first() is None
    assert unit_of(Unit, w["a"].id).active is True


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"source_ids": []}, "source_ids"),
        ({"source_ids": None}, "source_ids"),
        ({"new_name": ""}, "new_name"),
        ({"new_code": "XAB"}, "new_code"),
        ({"effective_date": date(2026, 3, 11)}, "effective_date"),
        ({"effective_date": None}, "effective_date"),
        ({"decision_reference": " "}, "decision_reference"),
        ({"new_kind": "planet"}, "new_kind"),
    ],
)
def test_merge_refuses_bad_input(db, world, changes, field):
    with pytest.raises(OperationError) as err:
        plan_merge(merge_data(world, **changes))
    assert err.value.field == field


def test_merge_refuses_target_among_or_below_sources(db, world):
    w = world
    base = {"effective_date": DAY, "decision_reference": "NQ"}
    with pytest.raises(OperationError):
        plan_merge(base | {"source_ids": [w["a"].id, w["b"].id], "target_unit_id": w["a"].id})
    with pytest.raises(OperationError):
        plan_merge(base | {"source_ids": [w["a"].id], "target_unit_id": w["school"].id})


def test_rename_keeps_the_old_name_in_history(db, world):
    w = world
    plan = plan_rename(
        {
            "effective_date": DAY,
            "decision_reference": "QĐ 5",
            "unit_id": w["a"].id,
            "new_name": "Phường An Bình",
            "new_code": "PAB",
        }
    )
    assert plan.real_moves == []
    apply_plan(w["admin"], plan, plan.digest)
    db.session.commit()
    a = unit_of(Unit, w["a"].id)
    assert (a.name, a.code, a.active) == ("Phường An Bình", "PAB", True)
    history = UnitHistory()
    assert history.name_at(a.id, date(2025, 6, 30)) == "Xã An Bình"
    assert history.name_at(a.id, DAY) == "Phường An Bình"
    assert history.former_names(a.id) == ["Xã An Bình"]
    # Cases did not move and stay findable.
    assert unit_of(Case, w["a_closed"].id).responsible_unit_id == a.id
    # A second change cannot be dated before the first one.
    with pytest.raises(OperationError) as err:
        plan_rename(
            {
                "effective_date": DAY,
                "decision_reference": "QĐ 6",
                "unit_id": a.id,
                "new_name": "Phường An Bình Mới",
            }
        )
    assert err.value.field == "effective_date"
    with pytest.raises(OperationError):
        plan_rename(
            {"effective_date": DAY, "decision_reference": "x", "unit_id": a.id, "new_name": ""}
        )


def test_move_in_the_tree(db, world):
    w = world
    data = {"effective_date": DAY, "decision_reference": "QĐ 7", "unit_id": w["school"].id}
    with pytest.raises(OperationError):
        plan_move(data | {"new_parent_id": w["a"].id})  # already there
    with pytest.raises(OperationError):
        plan_move({**data, "unit_id": w["province"].id, "new_parent_id": w["school"].id})
    plan = plan_move(data | {"new_parent_id": w["b"].id})
    apply_plan(w["admin"], plan, plan.digest)
    db.session.commit()
    assert unit_of(Unit, w["school"].id).parent_id == w["b"].id
    past = {s.id: s for s, _ in UnitHistory().tree_at(date(2025, 1, 1))}
    assert past[w["school"].id].parent_id == w["a"].id
    assert db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "unit_moved")
    ).scalar_one()


def test_split_dissolved_unit_with_allocation(db, world):
    w = world
    data = {
        "effective_date": DAY,
        "decision_reference": "NQ 9",
        "unit_id": w["a"].id,
        "new_codes": ["XA1", "XA2"],
        "new_names": ["Xã An Bình Bắc", "Xã An Bình Nam"],
    }
    first = plan_split(data)
    assert {m.target for m in first.moves} == {"new:0"}
    allocation = {f"case:{w['a_open'].id}": "new:1", f"user:{w['a_leader'].id}": "new:1"}
    plan = plan_split(data | {"allocation": allocation})
    assert plan.digest != first.digest
    with pytest.raises(Conflict):  # confirming with another allocation than previewed
        apply_plan(w["admin"], plan, first.digest)
    db.session.rollback()
    plan = plan_split(data | {"allocation": allocation})
    apply_plan(w["admin"], plan, plan.digest)
    db.session.commit()
    north = db.session.execute(select(Unit).where(Unit.code == "XA1")).scalar_one()
    south = db.session.execute(select(Unit).where(Unit.code == "XA2")).scalar_one()
    assert unit_of(Case, w["a_open"].id).responsible_unit_id == south.id
    assert unit_of(Case, w["a_answered"].id).responsible_unit_id == north.id
    assert unit_of(Case, w["a_closed"].id).responsible_unit_id == w["a"].id
    assert unit_of(User, w["a_leader"].id).unit_id == south.id
    a = unit_of(Unit, w["a"].id)
    assert (a.active, a.successor_id) == (False, north.id)
    assert lineage_ids(w["a"].id) == {w["a"].id, north.id, south.id}
    assert w["a"].id in lineage_ids(south.id)
    with pytest.raises(OperationError):
        plan_split(data | {"allocation": {f"case:{w['a_open'].id}": f"unit:{w['b'].id}"}})


def test_split_with_continuing_unit(db, world):
    w = world
    data = {
        "effective_date": DAY,
        "decision_reference": "NQ 10",
        "unit_id": w["a"].id,
        "source_continues": True,
        "new_codes": ["XA3"],
        "new_names": ["Xã An Bình Đông"],
    }
    plan = plan_split(data)
    assert plan.real_moves == [] and plan.dissolve == []
    plan = plan_split(data | {"allocation": {f"case:{w['a_open'].id}": "new:0"}})
    assert [(m.kind, m.id) for m in plan.real_moves] == [("case", w["a_open"].id)]
    apply_plan(w["admin"], plan, plan.digest)
    db.session.commit()
    east = db.session.execute(select(Unit).where(Unit.code == "XA3")).scalar_one()
    assert unit_of(Case, w["a_open"].id).responsible_unit_id == east.id
    assert unit_of(Unit, w["a"].id).active is True
    # A new unit did not exist before its effective date.
    assert UnitHistory().at(east.id, date(2025, 6, 30)) is None
    with pytest.raises(OperationError):
        plan_split({**data, "source_continues": False})  # an ending unit needs two parts


def test_pending_extension_request_follows_its_case(db, world):
    from inspect_app.extension_requests.models import ExtensionRequest

    w = world
    request = ExtensionRequest(
        case_id=w["a_open"].id,
        requested_date=date(2026, 12, 31),
        previous_due_date=w["a_open"].due_date,
        reason="Cần thêm thời gian",
        requested_by_id=w["a_leader"].id,
    )
    db.session.add(request)
    db.session.commit()
    plan = plan_merge(merge_data(w))
    assert plan.pending_extension_requests == 1
    apply_plan(w["admin"], plan, plan.digest)
    db.session.commit()
    new = db.session.execute(select(Unit).where(Unit.code == "XAM")).scalar_one()
    db.session.refresh(request)
    assert request.case.responsible_unit_id == new.id
