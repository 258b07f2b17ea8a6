"""Annual plan pages: visibility by role, forms, transitions over HTTP, the list."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from inspect_app.core.audit import AuditEvent
from inspect_app.core.roles import Role
from inspect_app.extensions import db as _db
from inspect_app.plans.models import Plan, PlanItem, PlanState
from tests import factories as f

ROLES = ["admin", "inspector", "lead_inspector", "unit_leader", "leadership"]
READERS = {"admin", "inspector", "lead_inspector", "leadership"}
EDITORS = {"admin", "lead_inspector"}


def _item_form(unit, fields, lead, **kw):
    data = {
        "target_unit_id": str(unit.id),
        "field_ids": [str(x.id) for x in fields],
        "kind": "kiem_tra",
        "period_kind": "month",
        "period": "5",
        "lead_id": str(lead.id),
    }
    data.update(kw)
    return data


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_plan_pages(login_as, role):
    plan = f.make_plan(title="Kế hoạch bí mật nội bộ")
    item = f.make_plan_item(plan=plan, fields=[f.make_field()])
    c = login_as(role)
    expected = 200 if role in READERS else 403
    for url in ("/plans", f"/plans/{plan.id}"):
        assert c.get(url).status_code == expected, url
    edit_expected = 200 if role in EDITORS else 403
    for url in (
        "/plans/new",
        f"/plans/{plan.id}/edit",
        f"/plans/{plan.id}/items/new",
        f"/plans/{plan.id}/items/{item.id}",
    ):
        assert c.get(url).status_code == edit_expected, url
    home = c.get("/").get_data(as_text=True)
    assert ('href="/plans"' in home) == (role in READERS)


def test_unknown_plan_and_foreign_item_are_404(login_as):
    c = login_as("lead_inspector")
    plan, other = f.make_plan(), f.make_plan()
    item = f.make_plan_item(plan=other, fields=[f.make_field()])
    _db.session.commit()
    assert c.get("/plans/999999").status_code == 404
    assert c.get("/plans/99999999999").status_code == 404
    assert c.get(f"/plans/{plan.id}/items/{item.id}").status_code == 404


# role x (action, start state) -> allowed; forbidden roles get 403 and nothing changes.
HTTP_TRANSITIONS = [
    ("submit", "draft", EDITORS, PlanState.SUBMITTED),
    ("approve", "submitted", {"leadership"}, PlanState.APPROVED),
    ("return", "submitted", {"leadership"}, PlanState.DRAFT),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("action", "start", "allowed", "after"), HTTP_TRANSITIONS)
def test_transition_over_http(login_as, role, action, start, allowed, after):
    plan = f.make_plan(state=start)
    f.make_plan_item(plan=plan, fields=[f.make_field()])
    _db.session.commit()
    c = login_as(role)
    data = {"version": plan.version, "reason": "Cần bổ sung nội dung"}
    r = c.post(f"/plans/{plan.id}/{action}", data=data)
    fresh = _db.session.get(Plan, plan.id)
    if role in allowed:
        assert r.status_code == 303, r.get_data(as_text=True)[:2000]
        assert fresh.state == after
    else:
        assert r.status_code == 403
        assert fresh.state == PlanState(start)


def test_transition_with_stale_version_is_409(login_as):
    plan = f.make_plan(state="submitted")
    f.make_plan_item(plan=plan, fields=[f.make_field()])
    _db.session.commit()
    c = login_as("leadership")
    r = c.post(f"/plans/{plan.id}/approve", data={"version": plan.version + 1})
    assert r.status_code == 409
    assert _db.session.get(Plan, plan.id).state == PlanState.SUBMITTED


def test_submit_empty_plan_shows_message(login_as):
    plan = f.make_plan()
    _db.session.commit()
    c = login_as("lead_inspector")
    r = c.post(f"/plans/{plan.id}/submit", data={"version": plan.version})
    assert r.status_code == 422
    assert _db.session.get(Plan, plan.id).state == PlanState.DRAFT


def test_return_without_reason_is_422(login_as):
    plan = f.make_plan(state="submitted")
    _db.session.commit()
    c = login_as("leadership")
    r = c.post(f"/plans/{plan.id}/return", data={"version": plan.version})
    assert r.status_code == 422
    assert _db.session.get(Plan, plan.id).state == PlanState.SUBMITTED


def test_csrf_is_required(login_as):
    plan = f.make_plan()
    f.make_plan_item(plan=plan, fields=[f.make_field()])
    _db.session.commit()
    c = login_as("lead_inspector")
    r = c.post(f"/plans/{plan.id}/submit", data={"version": plan.version}, csrf=False)
    assert r.status_code == 400
    assert _db.session.get(Plan, plan.id).state == PlanState.DRAFT


# --- plan form -------------------------------------------------------------------------------


def test_create_plan(login_as):
    unit = f.make_unit(name="Thanh tra tỉnh")
    c = login_as("lead_inspector")
    r = c.post(
        "/plans/new",
        data={"year": "2027", "title": "Kế hoạch năm 2027", "issuing_unit_id": str(unit.id)},
    )
    assert r.status_code == 303
    plan = _db.session.execute(select(Plan)).scalar_one()
    assert (plan.year, plan.title, plan.issuing_unit_id) == (2027, "Kế hoạch năm 2027", unit.id)
    assert plan.created_by_id == c.user.id
    detail = c.get(r.headers["Location"]).get_data(as_text=True)
    assert "Kế hoạch năm 2027" in detail


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"year": "1999"}, "year"),
        ({"year": "2101"}, "year"),
        ({"year": "abc"}, "year"),
        ({"title": ""}, "title"),
        ({"issuing_unit_id": "999999"}, "issuing_unit_id"),
        ({"issuing_unit_id": "99999999999"}, "issuing_unit_id"),
    ],
)
def test_create_plan_bad_input(login_as, data, field):
    unit = f.make_unit()
    c = login_as("admin")
    form = {"year": "2027", "title": "Kế hoạch", "issuing_unit_id": str(unit.id), **data}
    r = c.post("/plans/new", data=form)
    assert r.status_code == 422
    assert f'id="{field}-error"' in r.get_data(as_text=True)
    assert _db.session.execute(select(Plan)).first() is None


def test_edit_plan_stale_version_is_409_and_keeps_data(login_as):
    plan = f.make_plan(title="Tên cũ")
    _db.session.commit()
    c = login_as("lead_inspector")
    stale = plan.version
    ok = {
        "year": "2026",
        "title": "Tên mới",
        "issuing_unit_id": str(plan.issuing_unit_id),
        "version": str(stale),
    }
    assert c.post(f"/plans/{plan.id}/edit", data=ok).status_code == 303
    r = c.post(f"/plans/{plan.id}/edit", data={**ok, "title": "Ghi đè"})
    assert r.status_code == 409
    assert _db.session.get(Plan, plan.id).title == "Tên mới"


# --- item form and the overlap check -----------------------------------------------------------


def test_item_overlap_needs_justification(login_as):
    unit, field = f.make_unit(name="Sở Nội vụ"), f.make_field(name="Cải cách hành chính")
    first = f.make_plan(year=2026, title="Kế hoạch trước")
    f.make_plan_item(plan=first, target_unit=unit, fields=[field], period_kind="quarter", period=1)
    plan = f.make_plan(year=2026)
    lead = f.make_user(Role.INSPECTOR)
    _db.session.commit()
    c = login_as("lead_inspector")
    url = f"/plans/{plan.id}/items/new"
    r = c.post(url, data=_item_form(unit, [field], lead))
    body = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "Kế hoạch trước" in body and "Q1/2026" in body and "Cải cách hành chính" in body
    assert 'name="overlap_justification"' in body
    assert _db.session.execute(select(PlanItem).where(PlanItem.plan_id == plan.id)).first() is None

    reason = "Kiểm tra lại việc khắc phục"
    r = c.post(url, data=_item_form(unit, [field], lead, overlap_justification=reason))
    assert r.status_code == 303
    item = _db.session.execute(select(PlanItem).where(PlanItem.plan_id == plan.id)).scalar_one()
    assert item.overlap_justification == reason
    event = _db.session.execute(
        select(AuditEvent).where(
            AuditEvent.object_type == "PlanItem", AuditEvent.object_id == item.id
        )
    ).scalar_one()
    assert event.after["overlap_justification"] == reason
    detail = c.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert reason in detail  # justification marker and timeline note


def test_item_in_other_year_has_no_warning(login_as):
    unit, field = f.make_unit(), f.make_field()
    f.make_plan_item(plan=f.make_plan(year=2025), target_unit=unit, fields=[field])
    plan = f.make_plan(year=2026)
    lead = f.make_user(Role.INSPECTOR)
    _db.session.commit()
    c = login_as("lead_inspector")
    r = c.post(f"/plans/{plan.id}/items/new", data=_item_form(unit, [field], lead))
    assert r.status_code == 303


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"target_unit_id": "999999"}, "target_unit_id"),
        ({"period_kind": "quarter", "period": "5"}, "period"),
        ({"period": "13"}, "period"),
        ({"period": "x"}, "period"),
        ({"lead_id": ""}, "lead_id"),
        ({"field_ids": []}, "field_ids"),
        ({"kind": "other"}, "kind"),
    ],
)
def test_item_bad_input(login_as, change, field):
    plan = f.make_plan()
    unit, fld, lead = f.make_unit(), f.make_field(), f.make_user(Role.INSPECTOR)
    _db.session.commit()
    c = login_as("lead_inspector")
    r = c.post(f"/plans/{plan.id}/items/new", data=_item_form(unit, [fld], lead, **change))
    assert r.status_code == 422
    assert f'id="{field}-error"' in r.get_data(as_text=True)
    assert _db.session.execute(select(PlanItem)).first() is None


def test_item_edit_stale_version_is_409_and_keeps_data(login_as):
    plan = f.make_plan()
    lead = f.make_user(Role.INSPECTOR)
    item = f.make_plan_item(
        plan=plan, fields=[f.make_field()], period_kind="month", period=3, lead=lead
    )
    _db.session.commit()
    c = login_as("lead_inspector")
    form = _item_form(item.target_unit, item.fields, lead, period="7", version=str(item.version))
    assert c.post(f"/plans/{plan.id}/items/{item.id}", data=form).status_code == 303
    r = c.post(f"/plans/{plan.id}/items/{item.id}", data={**form, "period": "9"})
    assert r.status_code == 409
    assert _db.session.get(PlanItem, item.id).period == 7


def test_remove_item(login_as):
    plan = f.make_plan()
    item = f.make_plan_item(plan=plan, fields=[f.make_field()])
    _db.session.commit()
    c = login_as("admin")
    r = c.post(f"/plans/{plan.id}/items/{item.id}/remove", data={"version": item.version})
    assert r.status_code == 303
    assert _db.session.get(PlanItem, item.id) is None
    body = c.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "plan_item_removed" not in body  # shown with its label, not the raw action


def test_items_of_submitted_plan_cannot_be_edited_over_http(login_as):
    plan = f.make_plan(state="submitted")
    item = f.make_plan_item(plan=plan, fields=[f.make_field()])
    _db.session.commit()
    c = login_as("lead_inspector")
    assert c.get(f"/plans/{plan.id}/items/new").status_code == 403
    r = c.post(f"/plans/{plan.id}/items/{item.id}/remove", data={"version": item.version})
    assert r.status_code == 403
    assert _db.session.get(PlanItem, item.id) is not None


# --- the list --------------------------------------------------------------------------------


def _plans(n: int) -> None:
    issuing, actor = f.make_unit(), f.make_user(Role.LEAD_INSPECTOR)
    fld = f.make_field()
    for i in range(n):
        plan = f.make_plan(
            year=2000 + i % 5,
            state=["draft", "submitted", "approved"][i % 3],
            issuing_unit=issuing,
            actor=actor,
        )
        f.make_plan_item(plan=plan, fields=[fld])


def test_list_query_count_is_constant(login_as, count_queries):
    c = login_as("inspector")
    _plans(3)
    _db.session.commit()
    c.get("/plans")
    with count_queries() as few:
        assert c.get("/plans?per_page=50").status_code == 200
    _plans(27)
    _db.session.commit()
    with count_queries() as many:
        body = c.get("/plans?per_page=50").get_data(as_text=True)
    assert body.count('href="/plans/') >= 30
    assert many() == few()


def test_list_filters_and_htmx_fragment(login_as):
    unit = f.make_unit(name="Thanh tra tỉnh")
    f.make_plan(year=2026, title="Kế hoạch năm 2026", issuing_unit=unit, state="approved")
    f.make_plan(year=2027, title="Kế hoạch năm 2027", issuing_unit=unit)
    f.make_plan(year=2027, title="Kế hoạch kiểm tra chuyên ngành", issuing_unit=f.make_unit())
    _db.session.commit()
    c = login_as("leadership")
    full = c.get("/plans?year=2027&state=draft")
    text = full.get_data(as_text=True)
    assert "<html" in text and "Kế hoạch năm 2027" in text and "Kế hoạch năm 2026" not in text
    assert "HX-Request" in full.headers.get("Vary", "")
    frag = c.get("/plans?q=chuyên ngành", headers={"HX-Request": "true"})
    body = frag.get_data(as_text=True)
    assert frag.status_code == 200 and "<html" not in body
    assert "Kế hoạch kiểm tra chuyên ngành" in body and "Kế hoạch năm 2027" not in body
    assert "HX-Request" in frag.headers.get("Vary", "")
    # bad filter values are ignored, not a 500
    assert c.get("/plans?year=abc&state=nope&page=-3").status_code == 200


def test_detail_shows_items_and_timeline(login_as):
    lead = f.make_user(Role.LEAD_INSPECTOR, full_name="Lê Minh Tuấn")
    plan = f.make_plan(actor=lead)
    _db.session.commit()
    c = login_as(lead)
    unit, fld = f.make_unit(name="UBND xã Bắc Quang"), f.make_field(name="Chính quyền địa phương")
    _db.session.commit()
    r = c.post(f"/plans/{plan.id}/items/new", data=_item_form(unit, [fld], lead))
    assert r.status_code == 303
    plan = _db.session.get(Plan, plan.id)
    c.post(f"/plans/{plan.id}/submit", data={"version": plan.version})
    body = c.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "UBND xã Bắc Quang" in body and "Chính quyền địa phương" in body
    assert "05/2026" in body
    assert body.count("<li>") >= 2 and "Lê Minh Tuấn" in body
