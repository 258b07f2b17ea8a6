"""Case pages: list, detail, creation form, action forms, visibility by URL guessing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from inspect_app.cases.models import Case, CaseState
from inspect_app.core import clock
from inspect_app.core.roles import Role
from inspect_app.extensions import db
from tests import factories as f


@pytest.fixture()
def setup(db):
    clock.freeze(date(2026, 10, 1))
    unit = f.make_unit("Trung tâm Lưu trữ lịch sử tỉnh")
    lead = f.make_user(Role.LEAD_INSPECTOR)
    inspection = f.make_inspection(state="monitoring", target_unit=unit, lead=lead)
    finding = f.make_finding(inspection, description="Hồ sơ lưu trữ không đầy đủ")
    ref = f.make_legal_reference(instrument="Luật Lưu trữ 2024", article="10")
    case = f.make_case(inspection, due=date(2026, 9, 20), title="Chỉnh lý hồ sơ lưu trữ")
    case.findings = [finding]
    leader = f.make_user(Role.UNIT_LEADER, unit=unit)
    other_leader = f.make_user(Role.UNIT_LEADER)
    db.session.commit()
    return {
        "unit": unit,
        "lead": lead,
        "inspection": inspection,
        "finding": finding,
        "ref": ref,
        "case": case,
        "leader": leader,
        "other_leader": other_leader,
    }


def test_list_and_detail_show_overdue_days(setup, login_as):
    client = login_as(setup["lead"])
    body = client.get("/cases").get_data(as_text=True)
    assert "Chỉnh lý hồ sơ lưu trữ" in body and 'data-counter="overdue">1<' in body
    response = client.get(f"/cases/{setup['case'].id}")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Hồ sơ lưu trữ không đầy đủ" in text
    # Sunday 20/9 to Thursday 1/10: 11 calendar days, 9 working days, said with the unit
    # on the list and the page alike (the home page and the reports count the same way).
    assert "Quá hạn 9 ngày làm việc" in text and "Quá hạn 9 ngày làm việc" in body
    assert "Quá hạn 11 ngày" not in text + body
    fragment = client.get("/cases?state=answered", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True)
    assert "Chỉnh lý hồ sơ lưu trữ" not in fragment.get_data(as_text=True)


def test_cross_unit_invisible(setup, login_as):
    other = login_as(setup["other_leader"])
    assert other.get(f"/cases/{setup['case'].id}").status_code == 404
    assert other.get("/cases/99999999999").status_code == 404
    body = other.get("/cases").get_data(as_text=True)
    assert "Chỉnh lý hồ sơ lưu trữ" not in body and 'data-counter="open">0<' in body
    response = other.post(f"/cases/{setup['case'].id}/answer", data={"text": "x", "version": "1"})
    assert response.status_code == 404
    mine = login_as(setup["leader"])
    assert mine.get(f"/cases/{setup['case'].id}").status_code == 200
    assert 'data-counter="open">1<' in mine.get("/cases").get_data(as_text=True)


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        (Role.UNIT_LEADER, "withdraw", 403),
        (Role.INSPECTOR, "deadline", 403),
        (Role.LEADERSHIP, "accept", 403),
        (Role.ADMIN, "answer", 403),
    ],
)
def test_role_refused_by_route(setup, login_as, role, path, status):
    client = login_as(role) if role != Role.UNIT_LEADER else login_as(setup["leader"])
    response = client.post(f"/cases/{setup['case'].id}/{path}", data={"version": "1"})
    assert response.status_code == status


def test_answer_then_reject_then_accept_flow(setup, login_as):
    case_id = setup["case"].id
    leader = login_as(setup["leader"])
    r = leader.post(f"/cases/{case_id}/answer", data={"text": "", "version": "1"})
    assert r.status_code == 422 and "field-error" in r.get_data(as_text=True)
    r = leader.post(
        f"/cases/{case_id}/answer",
        data={"text": "Đã chỉnh lý", "completion_date": "2026-09-30", "version": "1"},
    )
    assert r.status_code == 303
    lead = login_as(setup["lead"])
    r = lead.post(f"/cases/{case_id}/reject", data={"reason": "", "version": "2"})
    assert r.status_code == 422 and 'id="reason-error"' in r.get_data(as_text=True)
    r = lead.post(f"/cases/{case_id}/reject", data={"reason": "Thiếu minh chứng", "version": "2"})
    assert r.status_code == 303
    assert db.session.get(Case, case_id).state == CaseState.OPEN
    timeline = lead.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "Thiếu minh chứng" in timeline and "Đã chỉnh lý" in timeline


def test_stale_form_gets_409_and_nothing_overwritten(setup, login_as):
    case_id = setup["case"].id
    lead = login_as(setup["lead"])
    r = lead.post(
        f"/cases/{case_id}/deadline",
        data={"due_date": "2026-12-18", "reason": "Gia hạn", "version": "1", **f.deciding_form()},
    )
    assert r.status_code == 303
    r = lead.post(
        f"/cases/{case_id}/deadline",
        data={
            "due_date": "2027-01-31",
            "reason": "Gia hạn lần 2",
            "version": "1",
            **f.deciding_form(),
        },
    )
    assert r.status_code == 409
    case = db.session.get(Case, case_id)
    assert case.due_date == date(2026, 12, 18) and case.due_change_reason == "Gia hạn"


def test_deadline_change_without_reason_422(setup, login_as):
    lead = login_as(setup["lead"])
    r = lead.post(
        f"/cases/{setup['case'].id}/deadline",
        data={"due_date": "2026-12-20", "reason": "", "version": "1"},
    )
    assert r.status_code == 422
    assert db.session.get(Case, setup["case"].id).due_date == date(2026, 9, 20)


def test_csrf_required(setup, login_as):
    lead = login_as(setup["lead"])
    r = lead.post(
        f"/cases/{setup['case'].id}/withdraw", data={"reason": "x", "version": "1"}, csrf=False
    )
    assert r.status_code == 400
    assert db.session.get(Case, setup["case"].id).state == CaseState.OPEN


def form_data(setup, **kw):
    data = {
        "finding_ids": [str(setup["finding"].id)],
        "type": "recovery",
        "title": "Thu hồi kinh phí chi sai",
        "legal_reference_id": str(setup["ref"].id),
        "severity": "high",
        "required_action": "Nộp lại ngân sách nhà nước",
        "amount_vnd": "15.000.000",
    }
    data.update(kw)
    return data


def test_create_form_and_submit(setup, login_as):
    lead = login_as(setup["lead"])
    url = f"/cases/new/{setup['inspection'].id}"
    page = lead.get(url)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Hồ sơ lưu trữ không đầy đủ" in text and 'name="amount_vnd"' in text
    # htmx re-render for another type hides the amount field.
    fragment = lead.get(url + "?type=other&severity=low", headers={"HX-Request": "true"})
    assert 'name="amount_vnd"' not in fragment.get_data(as_text=True)
    r = lead.post(url, data=form_data(setup))
    assert r.status_code == 303, r.get_data(as_text=True)[:2000]
    case = db.session.execute(
        select(Case).where(Case.title == "Thu hồi kinh phí chi sai")
    ).scalar_one()
    assert case.amount_vnd == 15_000_000 and case.state == CaseState.OPEN
    detail = lead.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "15.000.000 ₫" in detail


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount_vnd": ""}, "amount_vnd"),
        ({"amount_vnd": "abc"}, "amount_vnd"),
        ({"responsible_unit_id": "999999"}, "responsible_unit_id"),
        ({"due_date": "2026-01-05", "due_change_reason": "Sớm"}, "due_date"),
        ({"due_date": "2027-03-01"}, "due_change_reason"),
        ({"finding_ids": []}, "finding_ids"),
        ({"legal_reference_id": "abc"}, "legal_reference_id"),
    ],
)
def test_create_bad_input_422_in_place(setup, login_as, change, field):
    lead = login_as(setup["lead"])
    before = db.session.execute(select(func.count(Case.id))).scalar_one()
    r = lead.post(f"/cases/new/{setup['inspection'].id}", data=form_data(setup, **change))
    assert r.status_code == 422
    assert f'id="{field}-error"' in r.get_data(as_text=True)
    assert db.session.execute(select(func.count(Case.id))).scalar_one() == before


def test_create_stale_inspection_409(setup, login_as):
    lead = login_as(setup["lead"])
    r = lead.post(
        f"/cases/new/{setup['inspection'].id}",
        data=form_data(setup, inspection_version=str(setup["inspection"].version + 5)),
    )
    assert r.status_code == 409


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.LEAD_INSPECTOR])
def test_create_form_only_for_the_lead(setup, login_as, role):
    client = login_as(role)
    assert client.get(f"/cases/new/{setup['inspection'].id}").status_code == 403


def test_nav_entry_for_every_role(setup, login_as):
    for role in Role:
        client = login_as(role) if role != Role.UNIT_LEADER else login_as(setup["leader"])
        assert 'href="/cases"' in client.get("/").get_data(as_text=True), role


def test_inspection_page_lists_cases_and_offers_creation_to_the_lead(setup, login_as):
    url = f"/inspections/{setup['inspection'].id}"
    body = login_as(setup["lead"]).get(url).get_data(as_text=True)
    assert "Chỉnh lý hồ sơ lưu trữ" in body
    assert f"/cases/new/{setup['inspection'].id}" in body
    other = login_as(Role.INSPECTOR).get(url).get_data(as_text=True)
    assert "Chỉnh lý hồ sơ lưu trữ" in other and f"/cases/new/{setup['inspection'].id}" not in other


def test_a_verifier_who_wrote_no_answer_is_not_told_they_wrote_it(setup, login_as):
    case = setup["case"]
    case.state = CaseState.ANSWERED
    f.make_case_answer(case, setup["leader"])
    member = f.make_user(Role.INSPECTOR)
    setup["inspection"].members.append(member)
    db.session.commit()
    text = login_as(member).get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Chấp nhận kết quả báo cáo (hoàn thành kiến nghị)" in text
    assert "Bạn là người lập báo cáo này" not in text
    assert "You wrote this answer" not in text
