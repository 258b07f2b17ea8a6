"""Deputies: naming one for a period, refused inputs, revoking, acting on behalf during the
period only, isolation from unrelated units, pages and permissions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from inspect_app.core import audit, clock
from inspect_app.core.errors import Conflict, Forbidden, OperationError
from inspect_app.core.roles import Role
from inspect_app.deputies import operations as ops
from inspect_app.deputies.models import Delegation
from inspect_app.deputies.queries import authority_over
from inspect_app.extension_requests import operations as ext_ops
from inspect_app.notifications.models import Notification
from inspect_app.units.queries import visible_unit_ids
from tests import factories as f
from tests.helpers import assert_permission, permission_params

TODAY = date(2026, 9, 1)


@pytest.fixture()
def s(db):
    clock.freeze(TODAY)
    dept = f.make_unit("Sở Nội vụ")
    office = f.make_unit("Văn phòng Sở", parent=dept)
    other_unit = f.make_unit("Sở Y tế")
    director = f.make_user(Role.UNIT_LEADER, unit=dept, full_name="Bùi Thanh Sơn")
    deputy = f.make_user(Role.UNIT_LEADER, unit=office, full_name="Phó Giám đốc")
    stranger = f.make_user(Role.UNIT_LEADER, unit=other_unit)
    inspection = f.make_inspection(state="monitoring", target_unit=dept)
    case = f.make_case(inspection, due=date(2026, 9, 30), title="Ban hành quy chế")
    other_case = f.make_case(
        f.make_inspection(state="monitoring", target_unit=other_unit),
        due=date(2026, 9, 30),
        title="Thu hồi phụ cấp",
    )
    db.session.commit()
    return {
        "dept": dept,
        "office": office,
        "director": director,
        "deputy": deputy,
        "stranger": stranger,
        "case": case,
        "other_case": other_case,
    }


def _name(s, starts=TODAY, ends=date(2026, 9, 30), deputy=None, actor=None, **kw):
    data = {"deputy_id": (deputy or s["deputy"]).id, "starts_on": starts, "ends_on": ends, **kw}
    return ops.name_deputy(actor or s["director"], data)


def _count(db):
    return db.session.execute(select(func.count(Delegation.id))).scalar_one()


def test_name_deputy_audits_and_notifies(s, db):
    d = _name(s, reason="Đi công tác")
    db.session.commit()
    assert d.unit_id == s["dept"].id and d.principal_id == s["director"].id
    assert audit.events_for("Delegation", d.id)[0].action == "delegation_created"
    note = db.session.execute(select(Notification)).scalar_one()
    assert note.user_id == s["deputy"].id and "30/09/2026" in note.title


def test_same_unit_leader_may_be_named(s, db):
    colleague = f.make_user(Role.UNIT_LEADER, unit=s["dept"])
    assert _name(s, deputy=colleague).deputy_id == colleague.id


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"starts": TODAY - timedelta(days=1)}, "starts_on"),
        ({"starts": date(2026, 9, 10), "ends": date(2026, 9, 9)}, "ends_on"),
        ({"ends": TODAY + timedelta(days=365)}, "ends_on"),
    ],
)
def test_bad_period_refused(s, db, kwargs, field):
    with pytest.raises(OperationError) as e:
        _name(s, **kwargs)
    assert e.value.status == 422 and e.value.field == field
    assert _count(db) == 0


def test_bad_deputy_refused(s, db):
    inactive = f.make_user(Role.UNIT_LEADER, unit=s["office"], active=False)
    inspector = f.make_user(Role.INSPECTOR, unit=s["dept"])
    above = f.make_user(Role.UNIT_LEADER, unit=f.make_unit("Tỉnh"))
    s["dept"].parent = above.unit
    db.session.flush()
    for deputy in (s["director"], s["stranger"], inactive, inspector, above):
        with pytest.raises(OperationError) as e:
            _name(s, deputy=deputy)
        assert e.value.field == "deputy_id"
    with pytest.raises(OperationError, match="chính mình"):
        _name(s, deputy=s["director"])
    with pytest.raises(Forbidden):
        _name(s, actor=f.make_user(Role.ADMIN))
    assert _count(db) == 0


def test_overlapping_delegation_refused(s, db):
    _name(s)
    with pytest.raises(OperationError, match="đã là người được giao thực hiện thay"):
        _name(s, starts=date(2026, 9, 20), ends=date(2026, 10, 20))
    assert _name(s, starts=date(2026, 10, 1), ends=date(2026, 10, 20)) is not None


def test_deputy_acts_on_behalf_during_period_only(s, db):
    d = _name(s, starts=date(2026, 9, 2), ends=date(2026, 9, 10))
    db.session.commit()
    deputy, case = s["deputy"], s["case"]
    # Before the period.
    assert not authority_over(deputy, s["dept"].id).allowed
    assert s["dept"].id not in visible_unit_ids(deputy)
    with pytest.raises(Forbidden):
        ext_ops.request_extension(deputy, case, date(2026, 10, 31), "x", case.version)
    # During.
    clock.freeze(date(2026, 9, 5))
    authority = authority_over(deputy, s["dept"].id)
    assert authority.allowed and authority.on_behalf_of.id == s["director"].id
    assert s["dept"].id in visible_unit_ids(deputy) and case.can_view(deputy)
    ext = ext_ops.request_extension(deputy, case, date(2026, 10, 31), "Lý do", case.version)
    db.session.commit()
    assert ext.requested_by_id == deputy.id and ext.on_behalf_of_id == s["director"].id
    event = audit.events_for("ExtensionRequest", ext.id)[0]
    assert event.actor_id == deputy.id and event.on_behalf_of_id == s["director"].id
    # Isolation: still nothing of unrelated units.
    assert not authority_over(deputy, s["other_case"].responsible_unit_id).allowed
    assert not s["other_case"].can_view(deputy)
    # After the period.
    clock.freeze(date(2026, 9, 11))
    assert not authority_over(deputy, s["dept"].id).allowed and not case.can_view(deputy)
    # After revocation (a new period that is running).
    clock.freeze(date(2026, 9, 12))
    d2 = _name(s, starts=date(2026, 9, 12), ends=date(2026, 9, 30))
    assert authority_over(deputy, s["dept"].id).allowed
    ops.revoke(s["director"], d2, d2.version)
    db.session.commit()
    assert not authority_over(deputy, s["dept"].id).allowed
    assert d.revoked_at is None


def test_revoke_rules(s, db):
    d = _name(s)
    db.session.commit()
    with pytest.raises(Forbidden):
        ops.revoke(s["deputy"], d, d.version)
    with pytest.raises(Conflict):
        ops.revoke(s["director"], d, d.version + 1)
    ops.revoke(s["director"], d, d.version)
    db.session.commit()
    assert d.revoked_by_id == s["director"].id
    assert [e.action for e in audit.events_for("Delegation", d.id)] == [
        "delegation_created",
        "delegation_revoked",
    ]
    with pytest.raises(OperationError, match="đã bị hủy bỏ"):
        ops.revoke(s["director"], d, d.version)
    ended = _name(s, starts=TODAY, ends=TODAY)
    clock.freeze(TODAY + timedelta(days=1))
    with pytest.raises(OperationError, match="đã hết hạn"):
        ops.revoke(f.make_user(Role.ADMIN), ended, ended.version)


# --- pages ---------------------------------------------------------------------------------


def test_pages_name_list_banner_and_revoke(s, db, login_as):
    s["director"].locale = "en"
    s["deputy"].locale = "en"
    db.session.commit()
    director = login_as(s["director"])
    page = director.get("/deputies").get_data(as_text=True)
    assert "Phó Giám đốc" in page and 'name="deputy_id"' in page
    r = director.post(
        "/deputies",
        data={"deputy_id": s["deputy"].id, "starts_on": "2026-09-01", "ends_on": "2026-09-15"},
    )
    assert r.status_code == 303
    d = db.session.execute(select(Delegation)).scalar_one()
    deputy = login_as(s["deputy"])
    home = deputy.get("/deputies").get_data(as_text=True)
    assert "You act for Bùi Thanh Sơn until 15/09/2026." in home
    assert deputy.get(f"/cases/{s['case'].id}").status_code == 200
    assert deputy.get(f"/cases/{s['other_case'].id}").status_code == 404
    r = deputy.post(
        f"/extensions/cases/{s['case'].id}",
        data={"requested_date": "2026-10-31", "reason": "Lý do", "version": "1"},
    )
    assert r.status_code == 303
    page = deputy.get(f"/cases/{s['case'].id}").get_data(as_text=True)
    assert "on behalf of Bùi Thanh Sơn" in page
    # The deputy cannot revoke; the principal can; then the deputy loses the cases.
    assert deputy.post(f"/deputies/{d.id}/revoke", data={"version": "1"}).status_code == 403
    assert director.post(f"/deputies/{d.id}/revoke", data={"version": "1"}).status_code == 303
    assert director.post(f"/deputies/{d.id}/revoke", data={"version": "1"}).status_code == 409
    assert director.post(f"/deputies/{d.id}/revoke", data={"version": "2"}).status_code == 422
    assert deputy.get(f"/cases/{s['case'].id}").status_code == 404
    assert "You act for" not in deputy.get("/deputies").get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"starts_on": "2026-08-31", "ends_on": "2026-09-15"}, "cannot start in the past"),
        ({"starts_on": "2026-09-15", "ends_on": "2026-09-14"}, "end on or after"),
        ({"starts_on": "2026-09-01", "ends_on": "2027-09-01"}, "at most one year"),
        ({"starts_on": "2026-09-01", "ends_on": ""}, "required"),
        ({"deputy": "self", "starts_on": "2026-09-01", "ends_on": "2026-09-02"}, "yourself"),
        ({"deputy": "stranger", "starts_on": "2026-09-01", "ends_on": "2026-09-02"}, "below it"),
    ],
)
def test_bad_form_is_422(s, db, login_as, data, message):
    s["director"].locale = "en"
    db.session.commit()
    client = login_as(s["director"])
    who = {"self": s["director"], "stranger": s["stranger"]}.get(data.pop("deputy", ""))
    form = {"deputy_id": (who or s["deputy"]).id, **data}
    r = client.post("/deputies", data=form)
    assert r.status_code == 422 and message in r.get_data(as_text=True)
    assert _count(db) == 0


def test_delegation_of_others_is_404(s, db, login_as):
    d = _name(s)
    db.session.commit()
    stranger = login_as(s["stranger"])
    assert stranger.post(f"/deputies/{d.id}/revoke", data={"version": "1"}).status_code == 404
    assert stranger.post("/deputies/99999999999/revoke", data={"version": "1"}).status_code == 404
    assert "Phó Giám đốc" not in stranger.get("/deputies").get_data(as_text=True)
    assert db.session.get(Delegation, d.id).revoked_at is None


def test_list_query_count_is_constant(s, db, login_as, count_queries):
    client = login_as(f.make_user(Role.ADMIN))
    _name(s)
    db.session.commit()
    with count_queries() as one:
        client.get("/deputies")
    for i in range(5):
        leader = f.make_user(Role.UNIT_LEADER, unit=s["office"])
        _name(s, deputy=leader, starts=TODAY + timedelta(days=i))
    db.session.commit()
    with count_queries() as six:
        body = client.get("/deputies").get_data(as_text=True)
    assert body.count("data-delegation=") == 6 and six() == one()


TABLE = [
    ("GET", "/deputies", {"admin": 200, "inspector": 403, "lead_inspector": 403,
                          "unit_leader": 200, "leadership": 403}),
    ("POST", "/deputies", {"admin": 403, "inspector": 403, "lead_inspector": 403,
                           "unit_leader": 422, "leadership": 403}),
    ("POST", "/deputies/{d}/revoke", {"admin": 422, "inspector": 403, "lead_inspector": 403,
                                      "unit_leader": 422, "leadership": 403}),
]  # fmt: skip


@pytest.mark.parametrize(("method", "path", "role", "expected"), permission_params(TABLE))
def test_permission_table(s, db, client, login_as, method, path, role, expected):
    d = _name(s)
    db.session.commit()
    if role == "anonymous":
        c = client
    elif role == "unit_leader":
        c = login_as(s["director"])
    else:
        c = login_as(role)
    r = c.open(path.format(d=d.id), method=method, data={})
    assert_permission(r, expected)
    db.session.expire_all()
    assert _count(db) == 1 and db.session.get(Delegation, d.id).revoked_at is None


def test_one_rule_for_viewing_revoking_and_answering(s, db):
    """`Delegation.can_view`/`can_revoke` and `Case.can_answer` are the rules pages, operations
    and templates share: the deputy answers while the delegation runs, never after it."""
    d = _name(s)
    admin = f.make_user(Role.ADMIN)
    assert d.can_view(s["director"]) and d.can_view(s["deputy"]) and d.can_view(admin)
    assert not d.can_view(s["stranger"])
    assert d.can_revoke(s["director"]) and d.can_revoke(admin)
    assert not d.can_revoke(s["deputy"])
    assert s["case"].can_answer(s["deputy"]) and not s["other_case"].can_answer(s["deputy"])
    ops.revoke(s["director"], d, d.version)
    assert not d.can_revoke(s["director"]) and d.can_revoke(s["director"], check_state=False)
    assert not s["case"].can_answer(s["deputy"]) and s["case"].can_answer(s["director"])


def test_case_and_inspection_pages_gather_their_sections(s, db, login_as):
    """The pages composed in inspect_app.workflows show every section of the features above."""
    client = login_as(s["director"])
    case_page = client.get(f"/cases/{s['case'].id}").get_data(as_text=True)
    assert 'id="case-answers"' in case_page and 'id="case-extensions"' in case_page
    page = client.get(f"/inspections/{s['case'].inspection_id}").get_data(as_text=True)
    assert 'id="inspection-findings"' in page and 'id="inspection-cases"' in page
