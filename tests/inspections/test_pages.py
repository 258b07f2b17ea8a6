"""Inspection pages: create/edit input checks, visibility for unit leaders, the list."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from inspect_app.core import clock
from inspect_app.core.roles import Role
from inspect_app.extensions import db as _db
from inspect_app.inspections.models import Inspection
from tests import factories

TODAY = date(2026, 11, 25)


@pytest.fixture()
def team(db):
    clock.freeze(TODAY)
    people = {
        "lead": factories.make_user(Role.LEAD_INSPECTOR, locale="en"),
        "member": factories.make_user(Role.INSPECTOR, locale="en"),
        "unit": factories.make_unit(name="Sở Y tế"),
        "field": factories.make_field(name="Công chức, công vụ"),
    }
    _db.session.commit()
    return people


def _form(team, **over):
    data = {
        "title": "Thanh tra việc tuyển dụng, sử dụng công chức tại Sở Y tế",
        "ad_hoc_reason": "Có dấu hiệu vi phạm theo đơn phản ánh",
        "kind": "thanh_tra",
        "decision_number": "15/QĐ-TTr",
        "decision_date": "2026-11-20",
        "target_unit_id": str(team["unit"].id),
        "lead_id": str(team["lead"].id),
        "member_ids": [str(team["member"].id)],
        "field_ids": [str(team["field"].id)],
        "start_date": "2026-12-01",
        "planned_end_date": "2027-01-14",
    }
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def _count() -> int:
    return _db.session.execute(select(func.count(Inspection.id))).scalar_one()


def test_create_ad_hoc(team, login_as):
    client = login_as(Role.LEAD_INSPECTOR, locale="en")
    response = client.post("/inspections/new", data=_form(team))
    assert response.status_code == 303, response.get_data(as_text=True)[:1500]
    inspection = _db.session.execute(select(Inspection)).scalar_one()
    assert inspection.state.value == "planned"
    assert inspection.lead_id == team["lead"].id
    assert [m.id for m in inspection.members] == [team["member"].id]
    assert [f.id for f in inspection.fields] == [team["field"].id]


def test_create_from_plan_item_prefills(team, login_as):
    plan = factories.make_plan(state="approved")
    item = factories.make_plan_item(
        plan=plan,
        target_unit=team["unit"],
        fields=[team["field"]],
        lead=team["lead"],
        kind="kiem_tra",
        content="Kiểm tra công tác cải cách hành chính",
    )
    _db.session.commit()
    client = login_as(Role.LEADERSHIP, locale="en")
    data = _form(
        team,
        plan_item_id=str(item.id),
        title=None,
        ad_hoc_reason=None,
        kind=None,
        target_unit_id=None,
        lead_id=None,
        field_ids=None,
    )
    response = client.post("/inspections/new", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:1500]
    inspection = _db.session.execute(select(Inspection)).scalar_one()
    assert inspection.plan_item_id == item.id and inspection.ad_hoc_reason is None
    assert inspection.kind.value == "kiem_tra"
    assert inspection.target_unit_id == team["unit"].id
    assert inspection.lead_id == team["lead"].id
    assert inspection.title == "Kiểm tra công tác cải cách hành chính"
    assert [f.id for f in inspection.fields] == [team["field"].id]


def test_plan_item_of_unapproved_plan_is_refused(team, login_as):
    item = factories.make_plan_item(plan=factories.make_plan(state="draft"))
    _db.session.commit()
    client = login_as(Role.ADMIN, locale="en")
    response = client.post(
        "/inspections/new", data=_form(team, plan_item_id=str(item.id), ad_hoc_reason=None)
    )
    assert response.status_code == 422
    assert "approved plan" in response.get_data(as_text=True)
    assert _count() == 0


def _bad_inputs(team):
    inactive = factories.make_user(Role.INSPECTOR, active=False)
    unit_leader = factories.make_user(Role.UNIT_LEADER)
    leadership = factories.make_user(Role.LEADERSHIP)
    _db.session.commit()
    return {
        "end before start": (
            {"planned_end_date": "2026-11-30"},
            "planned end cannot be before the start",
        ),
        "no lead": ({"lead_id": ""}, "A team needs a leader."),
        "lead not inspector": (
            {"lead_id": str(leadership.id)},
            "The team leader must be an active inspector",
        ),
        "member not inspector": (
            {"member_ids": [str(unit_leader.id)]},
            "Every team member must be an active inspector.",
        ),
        "member inactive": (
            {"member_ids": [str(inactive.id)]},
            "Every team member must be an active inspector.",
        ),
        "unknown unit": ({"target_unit_id": "999999"}, "Unknown target unit"),
        "no reason": ({"ad_hoc_reason": ""}, "needs a reason"),
        "bad date": ({"decision_date": "31/02/2026"}, "Not a valid date."),
        "unknown field": ({"field_ids": ["999999"]}, "Unknown field of work."),
    }


@pytest.mark.parametrize(
    "case",
    [
        "end before start",
        "no lead",
        "lead not inspector",
        "member not inspector",
        "member inactive",
        "unknown unit",
        "no reason",
        "bad date",
        "unknown field",
    ],
)
def test_create_bad_input(team, login_as, case):
    over, message = _bad_inputs(team)[case]
    client = login_as(Role.LEAD_INSPECTOR, locale="en")
    response = client.post("/inspections/new", data=_form(team, **over))
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in body
    assert 'class="field-error"' in body or "flash-error" in body
    assert "15/QĐ-TTr" in body  # the form is re-rendered with what was typed
    assert _count() == 0


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.UNIT_LEADER])
def test_create_forbidden_roles(team, login_as, role):
    client = login_as(role, locale="en")
    assert client.post("/inspections/new", data=_form(team)).status_code == 403
    assert _count() == 0


def _edit_form(inspection, **over):
    data = {
        "version": str(inspection.version),
        "title": "Tiêu đề mới",
        "ad_hoc_reason": inspection.ad_hoc_reason,
        "kind": inspection.kind.value,
        "decision_number": inspection.decision_number,
        "decision_date": inspection.decision_date.isoformat(),
        "target_unit_id": str(inspection.target_unit_id),
        "lead_id": str(inspection.lead_id),
        "member_ids": [str(m.id) for m in inspection.members],
        "start_date": inspection.start_date.isoformat(),
        "planned_end_date": inspection.planned_end_date.isoformat(),
    }
    data.update(over)
    return data


def test_edit_by_member(team, login_as):
    inspection = factories.make_inspection(
        state="planned", lead=team["lead"], members=[team["member"]]
    )
    _db.session.commit()
    client = login_as(team["member"])
    response = client.post(f"/inspections/{inspection.id}/edit", data=_edit_form(inspection))
    assert response.status_code == 303, response.get_data(as_text=True)[:1500]
    assert _db.session.get(Inspection, inspection.id).title == "Tiêu đề mới"


def test_edit_stale_version_is_409_and_nothing_overwritten(team, login_as):
    inspection = factories.make_inspection(
        state="planned", lead=team["lead"], members=[team["member"]], title="Tiêu đề gốc"
    )
    _db.session.commit()
    stale = _edit_form(inspection)
    client = login_as(team["lead"])
    assert (
        client.post(
            f"/inspections/{inspection.id}/edit",
            data=_edit_form(inspection, title="Bản của trưởng đoàn"),
        ).status_code
        == 303
    )
    response = login_as(team["member"]).post(f"/inspections/{inspection.id}/edit", data=stale)
    assert response.status_code == 409
    assert "changed this record" in response.get_data(as_text=True)
    assert _db.session.get(Inspection, inspection.id).title == "Bản của trưởng đoàn"


@pytest.mark.parametrize(
    "who,state,expected",
    [
        ("outsider", "planned", 403),
        ("leadership", "planned", 403),
        ("member", "onsite_ended", 409),
        ("admin", "planned", 303),
    ],
)
def test_edit_permissions(team, login_as, who, state, expected):
    inspection = factories.make_inspection(state=state, lead=team["lead"], members=[team["member"]])
    _db.session.commit()
    user = {
        "outsider": lambda: factories.make_user(Role.INSPECTOR),
        "leadership": lambda: factories.make_user(Role.LEADERSHIP),
        "admin": lambda: factories.make_user(Role.ADMIN),
        "member": lambda: team["member"],
    }[who]()
    response = login_as(user).post(
        f"/inspections/{inspection.id}/edit", data=_edit_form(inspection)
    )
    assert response.status_code == expected
    changed = _db.session.get(Inspection, inspection.id).title == "Tiêu đề mới"
    assert changed is (expected == 303)


# --- visibility and the list ----------------------------------------------------------------


@pytest.fixture()
def two_units(db):
    clock.freeze(TODAY)
    mine = factories.make_unit(name="Sở Y tế")
    child = factories.make_unit(name="Trung tâm Bảo trợ xã hội", parent=mine)
    other = factories.make_unit(name="Sở Nội vụ")
    insp_mine = factories.make_inspection(target_unit=mine, title="Thanh tra tại Sở Y tế")
    insp_child = factories.make_inspection(target_unit=child, title="Kiểm tra tại Trung tâm")
    insp_other = factories.make_inspection(target_unit=other, title="Thanh tra tại Sở Nội vụ")
    leader = factories.make_user(Role.UNIT_LEADER, unit=mine, locale="en")
    _db.session.commit()
    return leader, (insp_mine, insp_child), insp_other


def test_unit_leader_sees_only_own_units(two_units, login_as):
    leader, visible, hidden = two_units
    client = login_as(leader)
    assert client.get(f"/inspections/{hidden.id}").status_code == 404
    for inspection in visible:
        assert client.get(f"/inspections/{inspection.id}").status_code == 200
    body = client.get("/inspections/").get_data(as_text=True)
    assert "Thanh tra tại Sở Nội vụ" not in body
    assert "Thanh tra tại Sở Y tế" in body and "Kiểm tra tại Trung tâm" in body
    assert "2 records" in body
    # filtering on the hidden unit by URL shows nothing
    body = client.get(f"/inspections/?unit={hidden.target_unit_id}").get_data(as_text=True)
    assert "0 records" in body
    # transitions on a hidden record are refused without revealing it
    assert client.post(f"/inspections/{hidden.id}/start").status_code in (403, 404)


def test_staff_sees_all(two_units, login_as):
    client = login_as(Role.INSPECTOR, locale="en")
    assert "3 records" in client.get("/inspections/").get_data(as_text=True)


def test_unknown_id_is_404(db, login_as):
    client = login_as(Role.ADMIN)
    assert client.get("/inspections/999").status_code == 404
    assert client.get("/inspections/99999999999").status_code == 404


def test_filters(db, login_as):
    clock.freeze(TODAY)
    me = factories.make_user(Role.INSPECTOR, locale="en")
    field = factories.make_field(name="Cải cách hành chính")
    factories.make_inspection(
        title="Alpha thanh tra",
        state="planned",
        members=[me],
        fields=[field],
        start_date=date(2026, 3, 2),
    )
    factories.make_inspection(
        title="Beta kiểm tra", state="closed", kind="kiem_tra", start_date=date(2025, 5, 5)
    )
    _db.session.commit()
    client = login_as(me)

    def titles(query):
        body = client.get("/inspections/?" + query).get_data(as_text=True)
        return [t for t in ("Alpha thanh tra", "Beta kiểm tra") if t in body]

    assert titles("") == ["Alpha thanh tra", "Beta kiểm tra"]
    assert titles("state=closed") == ["Beta kiểm tra"]
    assert titles("kind=kiem_tra") == ["Beta kiểm tra"]
    assert titles("year=2026") == ["Alpha thanh tra"]
    assert titles(f"field={field.id}") == ["Alpha thanh tra"]
    assert titles("mine=1") == ["Alpha thanh tra"]
    assert titles("q=BETA") == ["Beta kiểm tra"]
    assert titles("state=bogus&year=abc&sort=drop") == ["Alpha thanh tra", "Beta kiểm tra"]
    body = client.get("/inspections/?sort=start").get_data(as_text=True)
    assert body.index("Beta kiểm tra") < body.index("Alpha thanh tra")


def test_list_htmx_fragment_vs_page(db, login_as):
    factories.make_inspection(title="Thanh tra mẫu")
    client = login_as(Role.INSPECTOR)
    page = client.get("/inspections/?state=in_progress")
    fragment = client.get("/inspections/?state=in_progress", headers={"HX-Request": "true"})
    assert "<html" in page.get_data(as_text=True)
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and "Thanh tra mẫu" in body and "<table" in body
    assert "HX-Request" in fragment.headers.get("Vary", "")


def test_detail_htmx_transition_returns_fragment(db, login_as):
    clock.freeze(TODAY)
    lead = factories.make_user(Role.LEAD_INSPECTOR, locale="en")
    inspection = factories.make_inspection(state="planned", lead=lead)
    _db.session.commit()
    client = login_as(lead)
    response = client.post(
        f"/inspections/{inspection.id}/start",
        data={"version": str(inspection.version)},
        headers={"HX-Request": "true"},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in body and 'id="inspection"' in body
    assert "On-site work started" in body


def _make_many(n: int) -> None:
    lead = factories.make_user(Role.LEAD_INSPECTOR)
    unit = factories.make_unit()
    for i in range(n):
        factories.make_inspection(
            lead=lead if i % 2 else factories.make_user(Role.LEAD_INSPECTOR),
            target_unit=unit if i % 3 else factories.make_unit(),
            fields=[factories.make_field(), factories.make_field()],
            members=[factories.make_user(Role.INSPECTOR)],
        )
    _db.session.commit()


def test_list_query_count_is_constant(db, login_as, count_queries):
    client = login_as(Role.INSPECTOR)
    client.get("/inspections/")
    _make_many(3)
    with count_queries() as small:
        assert client.get("/inspections/?per_page=50").status_code == 200
    _make_many(27)
    with count_queries() as large:
        body = client.get("/inspections/?per_page=50").get_data(as_text=True)
    assert body.count("/inspections/") >= 30
    assert large() == small()


def test_detail_page_has_other_features_places(db, login_as):
    inspection = factories.make_inspection(title="Thanh tra có phát hiện")
    client = login_as(Role.LEADERSHIP)
    body = client.get(f"/inspections/{inspection.id}").get_data(as_text=True)
    assert "Thanh tra có phát hiện" in body
    assert 'class="timeline"' in body


@pytest.mark.parametrize(
    "state,suffix,role,expected",
    [
        ("planned", "edit", "lead", 200),
        ("in_progress", "end-onsite", "lead", 200),
        ("in_progress", "extension", "lead", 200),
        ("reported", "conclude", "leadership", 200),
        ("reported", "conclude", "lead", 403),
        ("planned", "conclude", "leadership", 409),
        ("in_progress", "end-onsite", "unit_leader", 403),
    ],
)
def test_form_pages(team, login_as, state, suffix, role, expected):
    inspection = factories.make_inspection(
        state=state,
        lead=team["lead"],
        members=[team["member"]],
        target_unit=team["unit"],
        fields=[team["field"]],
    )
    _db.session.commit()
    user = {
        "lead": team["lead"],
        "leadership": factories.make_user(Role.LEADERSHIP, locale="en"),
        "unit_leader": factories.make_user(Role.UNIT_LEADER, unit=team["unit"], locale="en"),
    }[role]
    response = login_as(user).get(f"/inspections/{inspection.id}/{suffix}")
    assert response.status_code == expected
    if expected == 200:
        body = response.get_data(as_text=True)
        assert 'name="csrf_token"' in body and f'value="{inspection.version}"' in body
        if suffix == "edit":
            assert f'<option value="{team["member"].id}" selected>' in body
            assert f'<option value="{team["field"].id}" selected>' in body


def test_new_form_renders_for_creators(team, login_as):
    body = login_as(Role.LEAD_INSPECTOR).get("/inspections/new").get_data(as_text=True)
    assert 'name="member_ids"' in body and "multiple" in body
    assert team["lead"].full_name in body
