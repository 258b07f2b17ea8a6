"""Extension pages: the section on the case page, the forms (plain and htmx), the approvers'
list (constant queries), the settings page, permissions per role and URL guessing."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from inspect_app.core import clock
from inspect_app.core.roles import Role
from inspect_app.extension_requests import operations as ops
from inspect_app.extension_requests.models import ExtensionRequest, ExtensionState
from inspect_app.notifications.models import Notification
from inspect_app.reference.models import Setting
from tests import factories as f
from tests.helpers import assert_permission, permission_params


@pytest.fixture()
def s(db):
    clock.freeze(date(2026, 9, 1))
    unit = f.make_unit("Sở Nội vụ")
    lead = f.make_user(Role.LEAD_INSPECTOR)
    inspection = f.make_inspection(state="monitoring", target_unit=unit, lead=lead)
    case = f.make_case(inspection, due=date(2026, 9, 30), title="Kiểm điểm trách nhiệm")
    leader = f.make_user(Role.UNIT_LEADER, unit=unit, full_name="Bùi Thanh Sơn")
    other_leader = f.make_user(Role.UNIT_LEADER)
    boss = f.make_user(Role.LEADERSHIP)
    db.session.commit()
    return {
        "unit": unit,
        "lead": lead,
        "case": case,
        "leader": leader,
        "other_leader": other_leader,
        "boss": boss,
    }


def _pending(s, db, day=date(2026, 10, 31)):
    ext = ops.request_extension(s["leader"], s["case"], day, "Khối lượng lớn", s["case"].version)
    db.session.commit()
    return ext


def _count(db):
    return db.session.execute(select(func.count(ExtensionRequest.id))).scalar_one()


def test_leader_asks_through_the_case_page(s, db, login_as):
    client = login_as(s["leader"])
    page = client.get(f"/cases/{s['case'].id}").get_data(as_text=True)
    assert 'id="case-extensions"' in page and "30/09/2026" in page
    assert f'action="/extensions/cases/{s["case"].id}"' in page
    r = client.post(
        f"/extensions/cases/{s['case'].id}",
        data={"requested_date": "2026-10-31", "reason": "Khối lượng lớn", "version": "1"},
    )
    assert r.status_code == 303 and urlsplit(r.headers["Location"]).path == f"/cases/{s['case'].id}"
    ext = db.session.execute(select(ExtensionRequest)).scalar_one()
    assert ext.requested_date == date(2026, 10, 31) and ext.is_pending
    page = client.get(f"/cases/{s['case'].id}").get_data(as_text=True)
    assert "31/10/2026" in page and "Khối lượng lớn" in page
    assert f"/extensions/{ext.id}/cancel" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"requested_date": "2026-09-30", "reason": "x"}, "later than the current deadline"),
        ({"requested_date": "2026-09-01", "reason": "x"}, "later than the current deadline"),
        ({"requested_date": "2026-10-31", "reason": "   "}, "required"),
        ({"requested_date": "31/10/2026", "reason": "x"}, "Not a valid date"),
        ({"reason": "x"}, "required"),
    ],
)
def test_bad_ask_is_422_with_form(s, db, login_as, data, message):
    client = login_as(s["leader"], locale="en")
    s["leader"].locale = "en"
    db.session.commit()
    client = login_as(s["leader"])
    r = client.post(f"/extensions/cases/{s['case'].id}", data={**data, "version": "1"})
    body = r.get_data(as_text=True)
    assert r.status_code == 422 and message in body
    assert 'id="case-extensions"' in body
    assert _count(db) == 0


def test_htmx_ask_error_is_a_fragment(s, db, login_as):
    s["leader"].locale = "en"
    db.session.commit()
    client = login_as(s["leader"])
    r = client.post(
        f"/extensions/cases/{s['case'].id}",
        data={"requested_date": "2026-09-20", "reason": "x", "version": "1"},
        headers={"HX-Request": "true"},
    )
    body = r.get_data(as_text=True)
    assert r.status_code == 422 and "<html" not in body and 'id="case-extensions"' in body
    ok = client.post(
        f"/extensions/cases/{s['case'].id}",
        data={"requested_date": "2026-10-20", "reason": "x", "version": "1"},
        headers={"HX-Request": "true"},
    )
    assert ok.status_code == 204 and ok.headers["HX-Redirect"] == f"/cases/{s['case'].id}"


def test_second_request_and_stale_form(s, db, login_as):
    s["leader"].locale = "en"
    _pending(s, db)
    client = login_as(s["leader"])
    r = client.post(
        f"/extensions/cases/{s['case'].id}",
        data={"requested_date": "2026-11-30", "reason": "x", "version": str(s["case"].version)},
    )
    assert r.status_code == 422 and "already waiting" in r.get_data(as_text=True)
    r = client.post(
        f"/extensions/cases/{s['case'].id}",
        data={"requested_date": "2026-11-30", "reason": "x", "version": "77"},
    )
    assert r.status_code == 409 and "changed this record" in r.get_data(as_text=True)
    assert _count(db) == 1


def test_lead_approves_and_deadline_shows_history(s, db, login_as):
    ext = _pending(s, db)
    client = login_as(s["lead"])
    page = client.get(f"/cases/{s['case'].id}").get_data(as_text=True)
    assert f"/extensions/{ext.id}/approve" in page and f"/extensions/{ext.id}/refuse" in page
    # Asked for Saturday 31/10: the approver is told, and approves the date that will be set.
    assert "ngày nghỉ: thời hạn kết thúc vào ngày làm việc tiếp theo, 02/11/2026" in page
    assert "Chấp thuận thời hạn mới 02/11/2026" in page
    assert "Chấp thuận thời hạn mới 31/10/2026" not in page
    r = client.post(
        f"/extensions/{ext.id}/approve",
        data={"decision_reason": "Đồng ý", "version": "1", **f.deciding_form()},
    )
    assert r.status_code == 303
    db.session.expire_all()
    assert s["case"].due_date == date(2026, 11, 2)  # asked Sat 31/10: next working day
    (note,) = db.session.execute(
        select(Notification).where(
            Notification.user_id == s["leader"].id, Notification.kind == "extension_approved"
        )
    ).scalars()
    assert "02/11/2026" in note.title and "31/10/2026" not in note.title
    page = client.get(f"/cases/{s['case'].id}").get_data(as_text=True)
    assert "Đồng ý" in page and s["lead"].full_name in page
    # Deciding again: the stale form is 409, a fresh one 422; nothing changes.
    r = client.post(
        f"/extensions/{ext.id}/refuse", data={"decision_reason": "Không", "version": "1"}
    )
    assert r.status_code == 409
    r = client.post(
        f"/extensions/{ext.id}/refuse", data={"decision_reason": "Không", "version": "2"}
    )
    assert r.status_code == 422
    db.session.expire_all()
    assert db.session.get(ExtensionRequest, ext.id).state == ExtensionState.APPROVED


def test_refuse_needs_reason_and_unit_leader_cannot_decide(s, db, login_as):
    ext = _pending(s, db)
    client = login_as(s["boss"])
    r = client.post(f"/extensions/{ext.id}/refuse", data={"version": "1"})
    assert r.status_code == 422
    leader = login_as(s["leader"])
    assert (
        leader.post(
            f"/extensions/{ext.id}/approve", data={"decision_reason": "x", "version": "1"}
        ).status_code
        == 403
    )
    page = leader.get(f"/cases/{s['case'].id}").get_data(as_text=True)
    assert f"/extensions/{ext.id}/approve" not in page
    assert db.session.get(ExtensionRequest, ext.id).is_pending


def test_cancel_by_requester(s, db, login_as):
    ext = _pending(s, db)
    client = login_as(s["leader"])
    assert client.post(f"/extensions/{ext.id}/cancel", data={"version": "1"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(ExtensionRequest, ext.id).state == ExtensionState.CANCELLED


def test_other_unit_cannot_see_or_act(s, db, login_as):
    ext = _pending(s, db)
    other = login_as(s["other_leader"])
    assert other.get(f"/extensions/cases/{s['case'].id}").status_code == 404
    r = other.post(
        f"/extensions/cases/{s['case'].id}",
        data={"requested_date": "2026-12-31", "reason": "x", "version": "2"},
    )
    assert r.status_code == 404
    assert other.post(f"/extensions/{ext.id}/cancel", data={"version": "1"}).status_code == 404
    assert other.get("/extensions/cases/99999999999").status_code == 404
    assert other.post("/extensions/99999999999/cancel", data={"version": "1"}).status_code == 404
    assert _count(db) == 1


def test_pending_list_query_count_is_constant(s, db, login_as, count_queries):
    client = login_as(s["boss"])
    _pending(s, db)
    with count_queries() as one:
        body = client.get("/extensions").get_data(as_text=True)
    assert "Kiểm điểm trách nhiệm" in body and "Bùi Thanh Sơn" in body
    for _ in range(5):
        inspection = f.make_inspection(state="monitoring", target_unit=s["unit"])
        case = f.make_case(inspection, due=date(2026, 9, 30))
        ops.request_extension(s["leader"], case, date(2026, 12, 1), "x", case.version)
    db.session.commit()
    with count_queries() as six:
        body = client.get("/extensions").get_data(as_text=True)
    assert body.count("data-request=") == 6
    assert six() == one()


def test_pending_list_follows_the_setting(s, db, login_as):
    _pending(s, db)
    lead = login_as(s["lead"])
    assert "Kiểm điểm trách nhiệm" in lead.get("/extensions").get_data(as_text=True)
    db.session.add(Setting(key="extension.approver", value="leadership"))
    db.session.commit()
    assert "Kiểm điểm trách nhiệm" not in lead.get("/extensions").get_data(as_text=True)
    boss = login_as(s["boss"])
    assert "Kiểm điểm trách nhiệm" in boss.get("/extensions").get_data(as_text=True)


def test_settings_page(s, db, login_as):
    admin = login_as(Role.ADMIN, locale="en")
    assert admin.get("/reference/settings").status_code == 200
    data = {
        "extension_approver": "leadership",
        "extension_max_approved": "3",
        "approver_version": "0",
        "max_approved_version": "0",
    }
    for bad, message in (
        ({"extension_max_approved": "11"}, "from 0 to 10"),
        ({"extension_max_approved": "abc"}, "from 0 to 10"),
        ({"extension_approver": "anyone"}, "Not a valid choice"),
    ):
        r = admin.post("/reference/settings", data={**data, **bad})
        assert r.status_code == 422 and message in r.get_data(as_text=True)
    assert db.session.execute(select(func.count(Setting.id))).scalar_one() == 0
    assert admin.post("/reference/settings", data=data).status_code == 303
    values = dict(db.session.execute(select(Setting.key, Setting.value)).all())
    assert values == {"extension.approver": "leadership", "extension.max_approved": "3"}
    assert admin.post("/reference/settings", data=data).status_code == 409
    page = admin.get("/reference/settings").get_data(as_text=True)
    assert "Setting changed" in page


# --- permissions per role per route --------------------------------------------------------

TABLE = [
    # (method, path, {role: status}); {case} and {ext} are filled in.
    ("GET", "/extensions", {"admin": 200, "inspector": 200, "lead_inspector": 200,
                            "unit_leader": 403, "leadership": 200}),
    ("GET", "/extensions/cases/{case}", {"admin": 200, "inspector": 200, "lead_inspector": 200,
                                         "unit_leader": 200, "leadership": 200}),
    ("POST", "/extensions/cases/{case}", {"admin": 403, "inspector": 403, "lead_inspector": 403,
                                          "unit_leader": 422, "leadership": 403}),
    ("POST", "/extensions/{ext}/approve", {"admin": 422, "inspector": 403, "lead_inspector": 403,
                                           "unit_leader": 403, "leadership": 422}),
    ("POST", "/extensions/{ext}/refuse", {"admin": 422, "inspector": 403, "lead_inspector": 403,
                                          "unit_leader": 403, "leadership": 422}),
    ("POST", "/extensions/{ext}/cancel", {"admin": 403, "inspector": 403, "lead_inspector": 403,
                                          "unit_leader": 422, "leadership": 403}),
    ("GET", "/reference/settings", {"admin": 200, "inspector": 403, "lead_inspector": 403,
                                    "unit_leader": 403, "leadership": 403}),
    ("POST", "/reference/settings", {"admin": 422, "inspector": 403, "lead_inspector": 403,
                                     "unit_leader": 403, "leadership": 403}),
]  # fmt: skip


@pytest.mark.parametrize(("method", "path", "role", "expected"), permission_params(TABLE))
def test_permission_table(s, db, client, login_as, method, path, role, expected):
    ext = _pending(s, db)
    if role == "anonymous":
        c = client
    elif role == "unit_leader":
        c = login_as(s["leader"])  # the requester (the lead inspector here is not the team lead)
    else:
        c = login_as(role)
    r = c.open(path.format(case=s["case"].id, ext=ext.id), method=method, data={})
    assert_permission(r, expected)
    db.session.expire_all()
    assert db.session.get(ExtensionRequest, ext.id).is_pending
    assert _count(db) == 1
