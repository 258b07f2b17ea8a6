"""Extension requests: asking, the cap, approving (deadline and escalation), refusing,
cancelling, the approver rule per setting, and every refused input changing nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from inspect_app.cases.models import EscalationStep
from inspect_app.core import audit, clock
from inspect_app.core.errors import Conflict, Forbidden, OperationError
from inspect_app.core.roles import Role
from inspect_app.escalation.operations import sweep
from inspect_app.extension_requests import operations as ops
from inspect_app.extension_requests.models import ExtensionRequest, ExtensionState, is_approver
from inspect_app.notifications.models import Notification
from inspect_app.reference.models import Setting
from inspect_app.reference.rules import extension_approver, extension_max_approved, update_settings
from tests import factories as f


@pytest.fixture()
def s(db):
    clock.freeze(date(2026, 9, 1))
    unit = f.make_unit("Sở Nội vụ")
    lead = f.make_user(Role.LEAD_INSPECTOR)
    inspection = f.make_inspection(state="monitoring", target_unit=unit, lead=lead)
    case = f.make_case(inspection, due=date(2026, 9, 30))
    leader = f.make_user(Role.UNIT_LEADER, unit=unit)
    boss = f.make_user(Role.LEADERSHIP)
    admin = f.make_user(Role.ADMIN)
    db.session.commit()
    return {
        "unit": unit,
        "lead": lead,
        "case": case,
        "leader": leader,
        "boss": boss,
        "admin": admin,
    }


def _ask(s, day=date(2026, 10, 31), reason="Khối lượng hồ sơ lớn", actor=None):
    return ops.request_extension(actor or s["leader"], s["case"], day, reason, s["case"].version)


def _count(db):
    return db.session.execute(select(func.count(ExtensionRequest.id))).scalar_one()


def test_ask_records_notifies_approvers_and_keeps_deadline(s, db):
    ext = _ask(s)
    db.session.commit()
    assert ext.state == ExtensionState.PENDING and ext.previous_due_date == date(2026, 9, 30)
    assert s["case"].due_date == date(2026, 9, 30)
    notified = set(
        db.session.execute(
            select(Notification.user_id).where(Notification.kind == "extension_requested")
        ).scalars()
    )
    assert notified == {s["lead"].id, s["boss"].id}
    events = audit.events_for("ExtensionRequest", ext.id)
    assert [e.action for e in events] == ["extension_requested"]
    assert events[0].actor_id == s["leader"].id and events[0].on_behalf_of_id is None


def test_approve_moves_deadline_audits_both_and_notifies(s, db):
    other_leader = f.make_user(Role.UNIT_LEADER, unit=s["unit"])
    ext = _ask(s)
    ops.approve(s["lead"], ext, "Có căn cứ", ext.version, f.deciding_doc())
    db.session.commit()
    case = s["case"]
    # Asked for Sat 31/10: the new time limit ends on Mon 2/11 (Civil Code 2015 Art. 148(5)).
    assert case.due_date == date(2026, 11, 2) and ext.requested_date == date(2026, 10, 31)
    assert ext.state == ExtensionState.APPROVED and ext.decided_by_id == s["lead"].id
    assert ext.decision_reason == "Có căn cứ" and ext.decided_at is not None
    case_events = audit.events_for("Case", case.id)
    assert case_events[-1].action == "case_deadline_changed"
    assert case_events[-1].actor_id == s["lead"].id
    assert case_events[-1].after["due_date"] == "2026-11-02"
    assert audit.events_for("ExtensionRequest", ext.id)[-1].action == "extension_approved"
    decided = set(
        db.session.execute(
            select(Notification.user_id).where(Notification.kind == "extension_approved")
        ).scalars()
    )
    assert decided == {s["leader"].id, other_leader.id}
    assert case.is_overdue(date(2026, 10, 15)) is False


def test_refuse_keeps_deadline(s, db):
    ext = _ask(s)
    ops.refuse(s["boss"], ext, "Không có căn cứ", ext.version)
    db.session.commit()
    assert ext.state == ExtensionState.REFUSED and s["case"].due_date == date(2026, 9, 30)
    assert (
        db.session.execute(
            select(func.count()).where(Notification.kind == "extension_refused")
        ).scalar_one()
        == 1
    )


def test_cancel_by_requester_only(s, db):
    ext = _ask(s)
    other = f.make_user(Role.UNIT_LEADER, unit=s["unit"])
    with pytest.raises(Forbidden):
        ops.cancel(other, ext, ext.version)
    ops.cancel(s["leader"], ext, ext.version)
    db.session.commit()
    assert ext.state == ExtensionState.CANCELLED
    # A new request may follow a cancelled one.
    assert _ask(s).is_pending


def _approve_one(s, db, day):
    ext = _ask(s, day)
    ops.approve(s["admin"], ext, "Đồng ý", ext.version, f.deciding_doc())
    db.session.commit()


def test_default_cap_is_two_approved(s, db):
    assert extension_max_approved() == 2
    _approve_one(s, db, date(2026, 10, 31))
    # A refused request does not count.
    ext = _ask(s, date(2026, 11, 15))
    ops.refuse(s["admin"], ext, "Không", ext.version)
    _approve_one(s, db, date(2026, 11, 30))
    before = _count(db)
    with pytest.raises(OperationError, match="tối đa") as e:
        _ask(s, date(2026, 12, 31))
    assert e.value.status == 422
    db.session.rollback()
    assert _count(db) == before and s["case"].due_date == date(2026, 11, 30)


def test_configured_cap(s, db):
    update_settings(s["admin"], {"extension.max_approved": "1"}, {"extension.max_approved": 0})
    db.session.commit()
    assert extension_max_approved() == 1
    _approve_one(s, db, date(2026, 10, 31))
    with pytest.raises(OperationError, match="tối đa"):
        _ask(s, date(2026, 11, 30))
    update_settings(s["admin"], {"extension.max_approved": "0"}, {"extension.max_approved": 1})
    db.session.commit()
    assert extension_max_approved() == 0


def test_cap_checked_again_at_approval(s, db):
    update_settings(s["admin"], {"extension.max_approved": "1"}, {"extension.max_approved": 0})
    ext = _ask(s)
    update_settings(s["admin"], {"extension.max_approved": "0"}, {"extension.max_approved": 1})
    db.session.commit()
    with pytest.raises(OperationError, match="tối đa"):
        ops.approve(s["lead"], ext, "Đồng ý", ext.version, f.deciding_doc())
    db.session.rollback()
    assert ext.state == ExtensionState.PENDING and s["case"].due_date == date(2026, 9, 30)


@pytest.mark.parametrize(
    ("setting", "lead", "boss"),
    [("lead", True, False), ("leadership", False, True), ("lead_or_leadership", True, True)],
)
def test_approver_rule_per_setting(s, db, setting, lead, boss):
    update_settings(s["admin"], {"extension.approver": setting}, {"extension.approver": 0})
    db.session.commit()
    assert extension_approver() == setting
    case = s["case"]
    other_lead = f.make_user(Role.LEAD_INSPECTOR)
    assert is_approver(s["lead"], case) is lead
    assert is_approver(s["boss"], case) is boss
    assert is_approver(s["admin"], case) is True
    assert is_approver(other_lead, case) is False
    assert is_approver(s["leader"], case) is False
    ext = _ask(s)
    for user, allowed in ((s["lead"], lead), (s["boss"], boss)):
        if not allowed:
            with pytest.raises(Forbidden):
                ops.approve(user, ext, "Đồng ý", ext.version, f.deciding_doc())
    decider = s["lead"] if lead else s["boss"]
    ops.approve(decider, ext, "Đồng ý", ext.version, f.deciding_doc())
    assert ext.state == ExtensionState.APPROVED
    notified = set(
        db.session.execute(
            select(Notification.user_id).where(Notification.kind == "extension_requested")
        ).scalars()
    )
    assert (s["lead"].id in notified) is lead and (s["boss"].id in notified) is boss


def test_approval_restarts_the_escalation_ladder(s, db):
    case = s["case"]
    ext = _ask(s, date(2026, 11, 30))
    db.session.commit()
    with clock.frozen(date(2026, 10, 2)):
        sweep(date(2026, 10, 2))
    steps = {(e.step, e.due_date) for e in db.session.execute(select(EscalationStep)).scalars()}
    assert ("level_1", date(2026, 9, 30)) in steps
    assert case.escalation_level == 1
    ops.approve(s["lead"], ext, "Đồng ý", ext.version, f.deciding_doc())
    db.session.commit()
    assert case.is_overdue(date(2026, 10, 2)) is False
    with clock.frozen(date(2026, 10, 5)):
        report = sweep(date(2026, 10, 5))
    assert all(case.reference not in refs for refs in report.steps.values())
    with clock.frozen(date(2026, 12, 2)):
        report = sweep(date(2026, 12, 2))
    assert case.reference in report.steps["level_1"]
    steps = {(e.step, e.due_date) for e in db.session.execute(select(EscalationStep)).scalars()}
    assert ("level_1", date(2026, 11, 30)) in steps


# --- refused inputs ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "reason", "field"),
    [
        (date(2026, 9, 30), "Lý do", "requested_date"),
        (date(2026, 9, 29), "Lý do", "requested_date"),
        (date(2026, 10, 31), "   ", "reason"),
    ],
)
def test_bad_ask_refused(s, db, day, reason, field):
    with pytest.raises(OperationError) as e:
        _ask(s, day, reason)
    assert e.value.status == 422 and e.value.field == field
    db.session.rollback()
    assert _count(db) == 0


def test_second_pending_refused(s, db):
    _ask(s)
    db.session.commit()
    with pytest.raises(OperationError, match="đang chờ quyết định") as e:
        _ask(s, date(2026, 11, 30))
    assert e.value.status == 422
    db.session.rollback()
    assert _count(db) == 1


def test_database_allows_one_pending_per_case(s, db):
    from sqlalchemy.exc import IntegrityError

    _ask(s)
    db.session.commit()
    db.session.add(
        ExtensionRequest(
            case_id=s["case"].id,
            requested_date=date(2026, 12, 1),
            previous_due_date=date(2026, 9, 30),
            reason="x",
            requested_by_id=s["leader"].id,
        )
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_stale_case_version_refused(s, db):
    with pytest.raises(Conflict):
        ops.request_extension(s["leader"], s["case"], date(2026, 10, 31), "x", 99)


def test_closed_case_and_outsider_refused(s, db):
    outsider = f.make_user(Role.UNIT_LEADER)
    with pytest.raises(Forbidden):
        _ask(s, actor=outsider)
    with pytest.raises(Forbidden):
        _ask(s, actor=s["lead"])
    s["case"].state = "answered"
    db.session.flush()
    with pytest.raises(OperationError, match="đang thực hiện"):
        _ask(s)


def test_decide_twice_and_stale_refused(s, db):
    ext = _ask(s)
    version = ext.version
    ops.refuse(s["lead"], ext, "Không", version)
    db.session.commit()
    with pytest.raises(Conflict):
        ops.approve(s["lead"], ext, "Đồng ý", version, f.deciding_doc())
    with pytest.raises(OperationError, match="đã được quyết định") as e:
        ops.approve(s["lead"], ext, "Đồng ý", ext.version, f.deciding_doc())
    assert e.value.status == 422
    db.session.rollback()
    assert ext.state == ExtensionState.REFUSED and s["case"].due_date == date(2026, 9, 30)


def test_decision_needs_reason(s, db):
    ext = _ask(s)
    with pytest.raises(OperationError) as e:
        ops.approve(s["lead"], ext, "  ", ext.version)
    assert e.value.field == "decision_reason"
    with pytest.raises(OperationError):
        ops.refuse(s["lead"], ext, "", ext.version)
    assert ext.is_pending


def test_deadline_moved_past_request_refuses_approval(s, db):
    from inspect_app.cases.operations import change_deadline

    ext = _ask(s, date(2026, 10, 31))
    change_deadline(
        s["lead"], s["case"], date(2026, 11, 30), "Điều chỉnh", s["case"].version, f.deciding_doc()
    )
    with pytest.raises(OperationError, match="đã thay đổi kể từ"):
        ops.approve(s["lead"], ext, "Đồng ý", ext.version, f.deciding_doc())


# --- settings ----------------------------------------------------------------------------


def test_settings_validation_and_audit(s, db):
    with pytest.raises(OperationError) as e:
        update_settings(s["admin"], {"extension.max_approved": "11"}, {"extension.max_approved": 0})
    assert e.value.field == "extension_max_approved"
    with pytest.raises(OperationError):
        update_settings(s["admin"], {"extension.max_approved": "-1"}, {"extension.max_approved": 0})
    with pytest.raises(OperationError):
        update_settings(s["admin"], {"extension.approver": "anyone"}, {"extension.approver": 0})
    assert db.session.execute(select(func.count(Setting.id))).scalar_one() == 0
    update_settings(s["admin"], {"extension.approver": "lead"}, {"extension.approver": 0})
    row = db.session.execute(select(Setting)).scalar_one()
    event = audit.events_for("Setting", row.id)[0]
    assert event.before == {"value": "lead_or_leadership"} and event.after["value"] == "lead"
    with pytest.raises(Conflict):
        update_settings(s["admin"], {"extension.approver": "leadership"}, {"extension.approver": 0})
