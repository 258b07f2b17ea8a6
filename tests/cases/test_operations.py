"""Case operations: permissions per role and state, deadlines, bad input, stale versions."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from inspect_app.answers.operations import submit_final_answer
from inspect_app.cases import operations as ops
from inspect_app.cases.models import Case, CaseState
from inspect_app.core import clock
from inspect_app.core.audit import AuditEvent, events_for
from inspect_app.core.errors import Conflict, Forbidden, OperationError
from inspect_app.core.roles import Role
from inspect_app.extensions import db as _db
from inspect_app.reference.models import DayKind, DeadlineRule, Holiday
from inspect_app.units.models import UnitKind
from tests import factories as f

TODAY = date(2026, 6, 15)


@pytest.fixture()
def world(db):
    """An inspection in monitoring (concluded 31/05/2026) with its team, units and one case."""
    clock.freeze(TODAY)
    parent = f.make_unit("Sở Nội vụ", code="SNV-T")
    target = f.make_unit("Trung tâm Lưu trữ", kind=UnitKind.SERVICE_UNIT, parent=parent)
    other = f.make_unit("Sở Y tế", code="SYT-T")
    people = {
        "admin": f.make_user(Role.ADMIN),
        "lead": f.make_user(Role.LEAD_INSPECTOR),
        "member": f.make_user(Role.INSPECTOR),
        "other_lead": f.make_user(Role.LEAD_INSPECTOR),
        "outsider": f.make_user(Role.INSPECTOR),
        "leadership": f.make_user(Role.LEADERSHIP),
        "unit_leader": f.make_user(Role.UNIT_LEADER, unit=target),
        "parent_leader": f.make_user(Role.UNIT_LEADER, unit=parent),
        "other_leader": f.make_user(Role.UNIT_LEADER, unit=other),
    }
    inspection = f.make_inspection(
        state="monitoring", target_unit=target, lead=people["lead"], members=[people["member"]]
    )
    finding = f.make_finding(inspection)
    ref = f.make_legal_reference()
    case = f.make_case(inspection, due=date(2026, 9, 30))
    return {
        "people": people,
        "inspection": inspection,
        "finding": finding,
        "ref": ref,
        "case": case,
        "target": target,
        "other": other,
    }


def answer_data(text, version):
    return {"text": text, "version": version, "completion_date": TODAY}


def create_data(w, **kw):
    data = {
        "finding_ids": [w["finding"].id],
        "type": "other",
        "title": "Chấn chỉnh công tác lưu trữ",
        "legal_reference_id": w["ref"].id,
        "severity": "medium",
        "required_action": "Rà soát, chỉnh lý hồ sơ lưu trữ",
    }
    data.update(kw)
    return data


# --- who may do what ---------------------------------------------------------------------

CREATE = [
    ("admin", True),
    ("lead", True),
    ("member", False),
    ("other_lead", False),
    ("leadership", False),
    ("unit_leader", False),
]


@pytest.mark.parametrize(("who", "allowed"), CREATE)
def test_create_permissions(world, who, allowed):
    actor = world["people"][who]
    if allowed:
        case = ops.create_case(actor, world["inspection"], create_data(world))
        assert case.state == CaseState.OPEN and case.created_by_id == actor.id
        assert case.findings == [world["finding"]]
    else:
        with pytest.raises(Forbidden):
            ops.create_case(actor, world["inspection"], create_data(world))


# (operation, starting state, role -> allowed); every role is tried on every operation.
TRANSITIONS = {
    ("withdraw", "open"): {"admin", "lead", "leadership"},
    ("withdraw", "answered"): {"admin", "lead", "leadership"},
    ("accept", "answered"): {"admin", "lead", "member"},
    ("reject", "answered"): {"admin", "lead", "member"},
    ("answer", "open"): {"unit_leader", "parent_leader"},
    ("deadline", "open"): {"admin", "lead"},
    ("deadline", "answered"): {"admin", "lead"},
}
ROLES = ["admin", "lead", "member", "other_lead", "outsider", "leadership", "unit_leader",
         "parent_leader", "other_leader"]  # fmt: skip
RESULT = {
    "withdraw": CaseState.WITHDRAWN,
    "accept": CaseState.ACCEPTED,
    "reject": CaseState.OPEN,
    "answer": CaseState.ANSWERED,
    "deadline": None,
}


def run(name, actor, case):
    if name == "withdraw":
        return ops.withdraw(actor, case, "Không còn căn cứ", case.version, f.deciding_doc())
    if name == "accept":
        return ops.accept(actor, case, case.version)
    if name == "reject":
        return ops.reject(actor, case, "Chưa đủ hồ sơ chứng minh", case.version)
    if name == "answer":
        return submit_final_answer(actor, case, answer_data("Đã chỉnh lý xong hồ sơ", case.version))
    return ops.change_deadline(
        actor, case, date(2026, 11, 30), "Đơn vị xin gia hạn", case.version, f.deciding_doc()
    )


@pytest.mark.parametrize(
    ("name", "state", "who"),
    [(name, state, who) for (name, state) in TRANSITIONS for who in ROLES],
)
def test_transition_permissions(world, name, state, who):
    case = world["case"]
    case.state = CaseState(state)
    _db.session.flush()
    allowed = who in TRANSITIONS[(name, state)]
    actor = world["people"][who]
    if allowed:
        run(name, actor, case)
        if RESULT[name]:
            assert case.state == RESULT[name]
        else:
            assert case.due_date == date(2026, 11, 30)
        event = events_for("Case", case.id)[-1]
        assert event.actor_id == actor.id
    else:
        with pytest.raises(Forbidden):
            run(name, actor, case)
        assert case.state == CaseState(state)


# Operations refused in states other than theirs, by an actor who would otherwise be allowed.
WRONG_STATES = [
    ("withdraw", "accepted", "lead"),
    ("withdraw", "withdrawn", "lead"),
    ("accept", "open", "lead"),
    ("accept", "accepted", "lead"),
    ("reject", "open", "member"),
    ("reject", "withdrawn", "member"),
    ("answer", "answered", "unit_leader"),
    ("answer", "accepted", "unit_leader"),
    ("deadline", "accepted", "lead"),
    ("deadline", "withdrawn", "lead"),
]


@pytest.mark.parametrize(("name", "state", "who"), WRONG_STATES)
def test_transition_refused_in_wrong_state(world, name, state, who):
    case = world["case"]
    case.state = CaseState(state)
    case.withdrawn_reason = "x" if state == "withdrawn" else None
    _db.session.flush()
    before_due = case.due_date
    with pytest.raises(OperationError) as err:
        run(name, world["people"][who], case)
    assert err.value.status == 422
    assert case.state == CaseState(state) and case.due_date == before_due


@pytest.mark.parametrize("state", ["planned", "in_progress", "onsite_ended", "closed"])
def test_create_refused_when_inspection_not_reported(db, world, state):
    inspection = f.make_inspection(state=state, lead=world["people"]["lead"])
    finding = f.make_finding(inspection)
    with pytest.raises(OperationError) as err:
        ops.create_case(
            world["people"]["lead"], inspection, create_data(world, finding_ids=[finding.id])
        )
    assert err.value.status == 422


def test_reason_required_for_withdraw_and_reject(world):
    case = world["case"]
    lead = world["people"]["lead"]
    with pytest.raises(OperationError) as err:
        ops.withdraw(lead, case, "  ", case.version)
    assert err.value.field == "reason" and case.state == CaseState.OPEN
    case.state = CaseState.ANSWERED
    with pytest.raises(OperationError) as err:
        ops.reject(lead, case, "", case.version)
    assert err.value.field == "reason" and case.state == CaseState.ANSWERED


def test_answer_text_in_audit_note(world):
    case = world["case"]
    submit_final_answer(
        world["people"]["unit_leader"], case, answer_data("Đã nộp lại 15 triệu", case.version)
    )
    event = events_for("Case", case.id)[-1]
    assert event.action == "case_answered" and event.note == "Đã nộp lại 15 triệu"


# --- creation rules ------------------------------------------------------------------------


def test_create_numbers_per_inspection_and_defaults_unit(world):
    lead = world["people"]["lead"]
    first = ops.create_case(lead, world["inspection"], create_data(world))
    second = ops.create_case(lead, world["inspection"], create_data(world))
    assert second.number == first.number + 1
    assert first.responsible_unit_id == world["target"].id
    other_inspection = f.make_inspection(state="concluded", lead=lead)
    finding = f.make_finding(other_inspection)
    third = ops.create_case(lead, other_inspection, create_data(world, finding_ids=[finding.id]))
    assert third.number == 1


def test_create_refuses_finding_of_another_inspection(world):
    stranger = f.make_finding(f.make_inspection(state="concluded"))
    with pytest.raises(OperationError) as err:
        ops.create_case(
            world["people"]["lead"],
            world["inspection"],
            create_data(world, finding_ids=[world["finding"].id, stranger.id]),
        )
    assert err.value.field == "finding_ids"


def test_create_refuses_inactive_legal_reference(world):
    world["ref"].active = False
    with pytest.raises(OperationError) as err:
        ops.create_case(world["people"]["lead"], world["inspection"], create_data(world))
    assert err.value.field == "legal_reference_id"


@pytest.mark.parametrize("unit_id", ["unknown", "inactive"])
def test_create_refuses_unknown_or_inactive_unit(world, unit_id):
    if unit_id == "unknown":
        unit_id = 999_999
    else:
        world["other"].active = False
        unit_id = world["other"].id
    with pytest.raises(OperationError) as err:
        ops.create_case(
            world["people"]["lead"],
            world["inspection"],
            create_data(world, responsible_unit_id=unit_id),
        )
    assert err.value.field == "responsible_unit_id"


@pytest.mark.parametrize("amount", [None, Decimal(0), Decimal(-5)])
def test_recovery_requires_positive_amount(world, amount):
    with pytest.raises(OperationError) as err:
        ops.create_case(
            world["people"]["lead"],
            world["inspection"],
            create_data(world, type="recovery", amount_vnd=amount),
        )
    assert err.value.field == "amount_vnd"


def test_recovery_keeps_amount_other_types_drop_it(world):
    lead = world["people"]["lead"]
    rec = ops.create_case(
        lead, world["inspection"], create_data(world, type="recovery", amount_vnd=Decimal(1500))
    )
    other = ops.create_case(lead, world["inspection"], create_data(world, amount_vnd=Decimal(9)))
    assert rec.amount_vnd == 1500 and other.amount_vnd is None


def test_stale_inspection_version_refused(world):
    with pytest.raises(Conflict):
        ops.create_case(
            world["people"]["lead"],
            world["inspection"],
            create_data(world, inspection_version=world["inspection"].version + 1),
        )


# --- deadlines -----------------------------------------------------------------------------


def add_rule(key, amount, kind=DayKind.CALENDAR):
    rule = DeadlineRule(key=key, label=key, amount=amount, day_kind=kind, source=f"Nguồn {key}")
    _db.session.add(rule)
    _db.session.flush()
    return rule


def test_default_deadline_rule_precedence(world):
    conclusion = world["inspection"].conclusion_date
    assert conclusion == date(2026, 5, 31)
    lead, insp = world["people"]["lead"], world["inspection"]
    # No rule at all: the code's fallback (60 calendar days).
    assert ops.default_deadline(insp, "discipline", "high").due_date == conclusion + timedelta(60)
    add_rule("case.default", 30)
    assert ops.default_deadline(insp, "discipline", "high").due_date == conclusion + timedelta(30)
    add_rule("case.discipline", 45)
    assert ops.default_deadline(insp, "discipline", "high").due_date == conclusion + timedelta(45)
    add_rule("case.discipline.high", 20)
    default = ops.default_deadline(insp, "discipline", "high")
    # 20 days from Sun 31/5 is Sat 20/6: the limit ends on Mon 22/6 (Civil Code Art. 148(5)).
    assert default.due_date == conclusion + timedelta(22)
    assert default.moved_from == conclusion + timedelta(20)
    assert default.move_source == "Bộ luật Dân sự số 91/2015/QH13, khoản 5 Điều 148"
    assert default.source == "Nguồn case.discipline.high"
    # Another severity of the same type falls back to the type's rule.
    assert ops.default_deadline(insp, "discipline", "low").due_date == conclusion + timedelta(45)
    case = ops.create_case(
        lead, insp, create_data(world, type="discipline", severity="high", due_date=None)
    )
    assert case.due_date == case.original_due_date == conclusion + timedelta(22)
    assert case.due_change_reason is None


def test_default_deadline_working_days_skip_weekends_and_holidays(world):
    insp = world["inspection"]
    insp.conclusion_date = date(2026, 8, 28)  # a Friday
    _db.session.add(Holiday(day=date(2026, 9, 2), name="Quốc khánh"))
    _db.session.add(Holiday(day=date(2026, 9, 1), name="Nghỉ liền kề Quốc khánh"))
    add_rule("case.other", 5, DayKind.WORKING)
    add_rule("case.referral", 5, DayKind.CALENDAR)
    # Mon 31/8, Thu 3/9, Fri 4/9, Mon 7/9, Tue 8/9 (1-2/9 off, weekends skipped).
    assert ops.default_deadline(insp, "other", "low").due_date == date(2026, 9, 8)
    # 5 calendar days end on the holiday 2/9: the limit ends on the next working day.
    assert ops.default_deadline(insp, "referral", "low").due_date == date(2026, 9, 3)


def test_create_with_other_deadline_requires_reason(world):
    lead, insp = world["people"]["lead"], world["inspection"]
    with pytest.raises(OperationError) as err:
        ops.create_case(lead, insp, create_data(world, due_date=date(2026, 12, 31)))
    assert err.value.field == "due_change_reason"
    case = ops.create_case(
        lead,
        insp,
        create_data(world, due_date=date(2026, 12, 31), due_change_reason="Khối lượng lớn"),
    )
    assert case.due_date == date(2026, 12, 31)
    assert case.original_due_date == ops.default_deadline(insp, "other", "medium").due_date
    assert case.due_change_reason == "Khối lượng lớn"


def test_create_deadline_before_conclusion_refused(world):
    with pytest.raises(OperationError) as err:
        ops.create_case(
            world["people"]["lead"],
            world["inspection"],
            create_data(world, due_date=date(2026, 5, 30), due_change_reason="Sớm hơn"),
        )
    assert err.value.field == "due_date"
    assert "31/05/2026" in str(err.value.message)


def test_reported_inspection_counts_from_today(world):
    insp = f.make_inspection(state="reported", lead=world["people"]["lead"])
    finding = f.make_finding(insp)
    data = create_data(world, finding_ids=[finding.id])
    case = ops.create_case(world["people"]["lead"], insp, data)
    assert case.due_date == TODAY + timedelta(60)
    with pytest.raises(OperationError) as err:
        ops.create_case(
            world["people"]["lead"],
            insp,
            dict(data, due_date=TODAY - timedelta(1), due_change_reason="x"),
        )
    assert err.value.field == "due_date"


def test_change_deadline_requires_reason_and_records_dates(world):
    case, lead = world["case"], world["people"]["lead"]
    with pytest.raises(OperationError) as err:
        ops.change_deadline(lead, case, date(2026, 12, 18), "  ", case.version)
    assert err.value.field == "reason" and case.due_date == date(2026, 9, 30)
    with pytest.raises(OperationError) as err:
        ops.change_deadline(lead, case, date(2026, 5, 1), "Lý do", case.version)
    assert err.value.field == "due_date"
    ops.change_deadline(
        lead, case, date(2026, 12, 18), "Đơn vị xin gia hạn", case.version, f.deciding_doc()
    )
    event = events_for("Case", case.id)[-1]
    assert event.action == "case_deadline_changed"
    assert event.before["due_date"] == "2026-09-30" and event.after["due_date"] == "2026-12-18"
    assert event.note == "Đơn vị xin gia hạn"
    assert case.original_due_date == date(2026, 9, 30)


@pytest.mark.parametrize("name", ["withdraw", "accept", "reject", "answer", "deadline"])
def test_stale_version_refused_nothing_changed(world, name):
    case = world["case"]
    case.state = CaseState.ANSWERED if name in ("accept", "reject") else CaseState.OPEN
    _db.session.flush()
    who = {"answer": "unit_leader"}.get(name, "lead")
    stale = case.version - 1 if case.version > 1 else case.version + 1
    state, due = case.state, case.due_date
    count = len(list(_db.session.execute(select(AuditEvent.id)).scalars()))
    with pytest.raises(Conflict):
        if name == "withdraw":
            ops.withdraw(world["people"][who], case, "Lý do", stale)
        elif name == "accept":
            ops.accept(world["people"][who], case, stale)
        elif name == "reject":
            ops.reject(world["people"][who], case, "Lý do", stale)
        elif name == "answer":
            submit_final_answer(world["people"][who], case, answer_data("Đã làm", stale))
        else:
            ops.change_deadline(world["people"][who], case, date(2026, 12, 1), "Lý do", stale)
    assert (case.state, case.due_date) == (state, due)
    assert len(list(_db.session.execute(select(AuditEvent.id)).scalars())) == count
    assert _db.session.get(Case, case.id).withdrawn_reason is None
