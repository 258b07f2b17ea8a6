"""Inspection transitions: who may do each one in which state, and the duration rule."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from inspect_app.core import clock
from inspect_app.core.audit import events_for
from inspect_app.core.roles import Role
from inspect_app.decisions.models import DecidingDocument
from inspect_app.extensions import db as _db
from inspect_app.inspections.models import Inspection
from inspect_app.reference.models import DayKind, DeadlineRule
from tests import factories

TODAY = date(2026, 11, 25)

# action -> (url suffix, state before, state after, form data)
ACTIONS = {
    "start": ("start", "planned", "in_progress", {}),
    "end_onsite": ("end-onsite", "in_progress", "onsite_ended", {}),
    "extension": (
        "extension",
        "in_progress",
        "in_progress",
        {
            "extension_reference": "20/QĐ-TTr",
            "doc_date": "2026-11-10",
            "doc_signer": "Nguyễn Văn Hùng, Chánh Thanh tra tỉnh",
            "extension_days": "10",
        },
    ),
    "report": ("report", "onsite_ended", "reported", {}),
    "conclude": (
        "conclude",
        "reported",
        "concluded",
        {
            "conclusion_number": "12/KL-TTr",
            "conclusion_date": "2026-11-25",
            "conclusion_summary": "Đơn vị thực hiện cơ bản đúng quy định, còn một số tồn tại.",
        },
    ),
    "monitoring": ("monitoring", "concluded", "monitoring", {}),
    "close": ("close", "monitoring", "closed", {}),
}

ACTORS = ("admin", "leadership", "lead", "member", "other_lead", "other_inspector", "unit_leader")

ALLOWED = {
    "start": {"admin", "lead"},
    "end_onsite": {"admin", "lead"},
    "extension": {"admin", "lead"},
    "report": {"admin", "lead"},
    "conclude": {"admin", "leadership"},
    "monitoring": {"admin", "lead", "leadership"},
    "close": {"admin", "leadership"},
}

TABLE = [(a, who, who in ALLOWED[a]) for a in ACTIONS for who in ACTORS]


def _setup(state: str, **kw):
    unit = factories.make_unit()
    lead = factories.make_user(Role.LEAD_INSPECTOR, locale="en")
    member = factories.make_user(Role.INSPECTOR, locale="en")
    inspection = factories.make_inspection(
        state=state,
        target_unit=unit,
        lead=lead,
        members=[member],
        start_date=kw.pop("start_date", date(2026, 11, 2)),
        **kw,
    )
    if state in ("reported",):
        inspection.reported_on = date(2026, 11, 20)
    people = {
        "admin": factories.make_user(Role.ADMIN, locale="en"),
        "leadership": factories.make_user(Role.LEADERSHIP, locale="en"),
        "lead": lead,
        "member": member,
        "other_lead": factories.make_user(Role.LEAD_INSPECTOR, locale="en"),
        "other_inspector": factories.make_user(Role.INSPECTOR, locale="en"),
        "unit_leader": factories.make_user(Role.UNIT_LEADER, unit=unit, locale="en"),
    }
    _db.session.commit()
    return inspection, people


@pytest.mark.parametrize("action,who,allowed", TABLE)
def test_transition_permissions(db, login_as, action, who, allowed):
    clock.freeze(TODAY)
    suffix, before, after, data = ACTIONS[action]
    inspection, people = _setup(before)
    iid = inspection.id
    client = login_as(people[who])
    response = client.post(f"/inspections/{iid}/{suffix}", data=data)
    fresh = _db.session.get(Inspection, iid)
    if allowed:
        assert response.status_code == 303, response.get_data(as_text=True)[:800]
        assert fresh.state.value == after
        assert events_for("Inspection", iid)[-1].actor_id == people[who].id
    else:
        assert response.status_code == 403
        assert fresh.state.value == before
        assert not events_for("Inspection", iid)


WRONG_STATES = [
    (action, state)
    for action, (_s, before, _a, _d) in ACTIONS.items()
    for state in ("planned", "in_progress", "onsite_ended", "reported", "monitoring", "closed")
    if state != before
]


@pytest.mark.parametrize("action,state", WRONG_STATES)
def test_transition_in_wrong_state_is_refused(db, login_as, action, state):
    clock.freeze(TODAY)
    suffix, _before, _after, data = ACTIONS[action]
    inspection, people = _setup(state)
    iid = inspection.id
    client = login_as(people["admin"])
    response = client.post(f"/inspections/{iid}/{suffix}", data=data)
    assert response.status_code in (409, 422)
    assert "cannot be done" in response.get_data(as_text=True)
    assert _db.session.get(Inspection, iid).state.value == state


def test_start_records_the_day(db, login_as):
    clock.freeze(TODAY)
    inspection, people = _setup("planned")
    client = login_as(people["lead"])
    client.post(f"/inspections/{inspection.id}/start")
    assert _db.session.get(Inspection, inspection.id).onsite_started_on == TODAY


def test_close_refused_while_cases_open(db, login_as):
    clock.freeze(TODAY)
    inspection, people = _setup("monitoring")
    factories.make_case(inspection=inspection, state="answered")
    factories.make_case(inspection=inspection, state="accepted")
    _db.session.commit()
    client = login_as(people["leadership"])
    response = client.post(f"/inspections/{inspection.id}/close")
    assert response.status_code == 409
    assert "1 recommendation" in response.get_data(as_text=True)
    assert _db.session.get(Inspection, inspection.id).state.value == "monitoring"


def test_close_allowed_once_cases_done(db, login_as):
    clock.freeze(TODAY)
    inspection, people = _setup("monitoring")
    factories.make_case(inspection=inspection, state="accepted")
    factories.make_case(inspection=inspection, state="withdrawn")
    _db.session.commit()
    client = login_as(people["leadership"])
    assert client.post(f"/inspections/{inspection.id}/close").status_code == 303
    fresh = _db.session.get(Inspection, inspection.id)
    assert fresh.state.value == "closed" and fresh.closed_on == TODAY


def test_conclusion_date_before_report_date(db, login_as):
    clock.freeze(TODAY)
    inspection, people = _setup("reported")
    client = login_as(people["leadership"])
    data = dict(ACTIONS["conclude"][3], conclusion_date="2026-11-19")
    response = client.post(f"/inspections/{inspection.id}/conclude", data=data)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "cannot be before the report date" in body
    assert 'name="conclusion_number"' in body and "12/KL-TTr" in body
    fresh = _db.session.get(Inspection, inspection.id)
    assert fresh.state.value == "reported" and fresh.conclusion_number is None


def test_conclude_requires_fields(db, login_as):
    clock.freeze(TODAY)
    inspection, people = _setup("reported")
    client = login_as(people["admin"])
    response = client.post(f"/inspections/{inspection.id}/conclude", data={})
    assert response.status_code == 422
    assert response.get_data(as_text=True).count("This field is required.") == 3


# --- the duration rule -----------------------------------------------------------------------


def _ending(client, inspection, **data):
    return client.post(f"/inspections/{inspection.id}/end-onsite", data=data)


@pytest.mark.parametrize("kind", ["calendar"])
def test_end_within_duration_needs_no_extension(db, login_as, kind):
    inspection, people = _setup("in_progress", start_date=date(2026, 10, 1))
    client = login_as(people["lead"])
    with clock.frozen(date(2026, 11, 14)):  # day 45 counting the announcement day
        response = _ending(client, inspection)
    assert response.status_code == 303
    fresh = _db.session.get(Inspection, inspection.id)
    assert fresh.state.value == "onsite_ended" and fresh.onsite_ended_on == date(2026, 11, 14)


def test_end_past_duration_without_extension_is_refused(db, login_as):
    inspection, people = _setup("in_progress", start_date=date(2026, 10, 1))
    with clock.frozen(date(2026, 12, 3)):  # working day 46 (the rule counts working days)
        client = login_as(people["lead"])
        response = _ending(client, inspection)
        body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "46 working days, 1 more than the legal 45" in body
    assert 'name="extension_reference"' in body
    fresh = _db.session.get(Inspection, inspection.id)
    assert fresh.state.value == "in_progress" and fresh.onsite_ended_on is None
    assert not events_for("Inspection", inspection.id)


def test_end_past_duration_with_extension_is_accepted(db, login_as):
    inspection, people = _setup("in_progress", start_date=date(2026, 10, 1))
    with clock.frozen(date(2026, 12, 3)):
        client = login_as(people["lead"])
        response = _ending(
            client,
            inspection,
            extension_reference="25/QĐ-TTr",
            doc_date="2026-11-12",
            doc_signer="Nguyễn Văn Hùng, Chánh Thanh tra tỉnh",
            extension_days="15",
        )
    assert response.status_code == 303, response.get_data(as_text=True)[:800]
    fresh = _db.session.get(Inspection, inspection.id)
    assert fresh.state.value == "onsite_ended"
    assert fresh.extension_reference == "25/QĐ-TTr"
    assert fresh.extension_days == 15
    decision = _db.session.execute(select(DecidingDocument)).scalar_one()
    assert (decision.inspection_id, decision.number) == (inspection.id, "25/QĐ-TTr")
    assert decision.issued_on == date(2026, 11, 12)
    event = events_for("Inspection", inspection.id)[-1]
    assert event.after["decision"]["signer"] == "Nguyễn Văn Hùng, Chánh Thanh tra tỉnh"


def test_extension_cannot_exceed_rule_maximum(db, login_as):
    _db.session.add(
        DeadlineRule(
            key="inspection.onsite.thanh_tra",
            label="Thời hạn thanh tra tại chỗ",
            amount=45,
            day_kind=DayKind.CALENDAR,
            extension_max=30,
            source="Luật Thanh tra 2022, Điều 47",
        )
    )
    inspection, people = _setup("in_progress", start_date=date(2026, 10, 1))
    client = login_as(people["lead"])
    with clock.frozen(date(2026, 11, 15)):
        response = _ending(client, inspection, extension_reference="25/QĐ-TTr", extension_days="31")
    assert response.status_code == 422
    assert "may not exceed 30 calendar days" in response.get_data(as_text=True)
    assert _db.session.get(Inspection, inspection.id).state.value == "in_progress"


def test_recorded_extension_covers_the_overrun(db, login_as):
    inspection, people = _setup("in_progress", start_date=date(2026, 10, 1))
    with clock.frozen(date(2026, 11, 10)):
        client = login_as(people["lead"])
        response = client.post(
            f"/inspections/{inspection.id}/extension",
            data={
                "extension_reference": "25/QĐ-TTr",
                "doc_date": "2026-11-10",
                "doc_signer": "Nguyễn Văn Hùng, Chánh Thanh tra tỉnh",
                "extension_days": "10",
            },
        )
        assert response.status_code == 303
    with clock.frozen(date(2026, 12, 10)):  # working day 51 of 55 allowed
        client = login_as(people["lead"])
        detail = client.get(f"/inspections/{inspection.id}").get_data(as_text=True)
        assert "51 of 55 working days" in detail and "4 working days left." in detail
        assert _ending(client, inspection).status_code == 303


def test_second_extension_is_refused(db, login_as):
    inspection, people = _setup("in_progress", extension_reference="20/QĐ-TTr", extension_days=10)
    client = login_as(people["lead"])
    response = client.post(
        f"/inspections/{inspection.id}/extension",
        data={"extension_reference": "21/QĐ-TTr", "extension_days": "5"},
    )
    assert response.status_code == 409
    assert _db.session.get(Inspection, inspection.id).extension_reference == "20/QĐ-TTr"


def test_duration_panel_warns_when_over(db, login_as):
    inspection, people = _setup("in_progress", start_date=date(2026, 9, 1))
    client = login_as(people["member"])
    with clock.frozen(TODAY):  # 62 working days since Tue 1/9 (no holidays listed)
        body = client.get(f"/inspections/{inspection.id}").get_data(as_text=True)
    assert "Over the legal duration by 17 working days." in body
    assert "62 of 45 working days" in body


def test_working_day_rule_counts_working_days(db, login_as):
    from inspect_app.inspections.operations import duration
    from inspect_app.reference.models import Holiday

    _db.session.add(
        DeadlineRule(
            key="inspection.onsite.kiem_tra",
            label="Thời hạn kiểm tra",
            amount=10,
            day_kind=DayKind.WORKING,
            source="Quy định nội bộ",
        )
    )
    _db.session.add(Holiday(day=date(2026, 11, 4), name="Ngày nghỉ bù"))
    inspection, _people = _setup("in_progress", kind="kiem_tra", start_date=date(2026, 11, 2))
    # Mon 2/11 .. Fri 13/11 = 10 weekdays, minus the holiday on 4/11.
    info = duration(inspection, as_of=date(2026, 11, 13))
    assert (info.legal_days, info.day_kind, info.used, info.left) == (10, DayKind.WORKING, 9, 1)
