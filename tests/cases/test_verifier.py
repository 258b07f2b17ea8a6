"""Naming the verifier of a case (người kiểm tra, xác nhận): a bulk action of the case list and
a form of the case page, one operation for one or many; each case checked with
`Case.can_assign_verifier` as one by one, refused items with their reason, one audit event
per case; the named verifier may then decide on the answer; the list filters by verifier and
the API shows it."""

import pytest
from sqlalchemy import func, select

from inspect_app.cases import operations
from inspect_app.cases.models import Case
from inspect_app.cases.queries import CaseFilters, case_list, cases_for_batch
from inspect_app.core import clock
from inspect_app.core.audit import AuditEvent, verify_chain
from inspect_app.core.errors import Forbidden, OperationError
from inspect_app.core.roles import Role
from inspect_app.notifications.models import Notification
from tests import factories as f


@pytest.fixture()
def world(db):
    lead = f.make_user(Role.LEAD_INSPECTOR)
    member = f.make_user(Role.INSPECTOR)
    verifier = f.make_user(Role.INSPECTOR, full_name="Vũ Thị Lan", locale="en")
    other = f.make_user(Role.INSPECTOR, full_name="Hoàng Đức Anh")
    unit = f.make_unit("UBND xã Mèo Vạc")
    leader = f.make_user(Role.UNIT_LEADER, unit=unit)
    ours = f.make_inspection(state="monitoring", target_unit=unit, lead=lead, members=[member])
    theirs = f.make_inspection(state="monitoring", target_unit=unit)
    cases = {
        "open": f.make_case(ours, title="Thu hồi tiền"),
        "answered": f.make_case(ours, state="answered", title="Kiểm điểm trách nhiệm"),
        "accepted": f.make_case(ours, state="accepted", title="Thu hồi xe"),
        "withdrawn": f.make_case(ours, state="withdrawn", withdrawn_reason="Trùng"),
        "named": f.make_case(ours, title="Đã có người kiểm tra"),
        "not_ours": f.make_case(theirs, title="Thu hồi nhà"),
    }
    cases["named"].verifier_id = verifier.id
    db.session.commit()
    return {
        "lead": lead,
        "member": member,
        "verifier": verifier,
        "other": other,
        "leader": leader,
        "cases": cases,
    }


def _events(db):
    return (
        db.session.execute(
            select(AuditEvent.object_id)
            .where(AuditEvent.action == "case_verifier_assigned")
            .order_by(AuditEvent.id)
        )
        .scalars()
        .all()
    )


def test_bulk_names_the_verifier_and_refuses_the_others_with_their_reason(db, login_as, world):
    c, verifier = world["cases"], world["verifier"]
    client = login_as(world["lead"])
    ticked = [x.id for x in c.values()] + [999999]
    r = client.post(
        "/cases/bulk", data={"action": "verifier", "verifier_id": verifier.id, "ids": ticked}
    )
    body = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "2 đã thực hiện, 5 bị từ chối." in body
    assert body.count("Kiến nghị đã kết thúc (đã hoàn thành hoặc đã dừng theo dõi).") == 2
    assert "Vũ Thị Lan đã là người kiểm tra, xác nhận của kiến nghị này." in body
    assert "Bạn không được phân công người kiểm tra, xác nhận cho kiến nghị này." in body
    assert "1 kiến nghị không tìm thấy hoặc bạn không được xem." in body
    db.session.expire_all()
    named = {k: db.session.get(Case, x.id).verifier_id for k, x in c.items()}
    assert named == {
        "open": verifier.id,
        "answered": verifier.id,
        "accepted": None,
        "withdrawn": None,
        "named": verifier.id,  # named before: unchanged, no second event
        "not_ours": None,
    }
    assert sorted(_events(db)) == sorted([c["open"].id, c["answered"].id])
    # One notice to the verifier, in their language, linking to the list of their cases.
    notes = (
        db.session.execute(select(Notification).where(Notification.user_id == verifier.id))
        .scalars()
        .all()
    )
    assert [(n.title, n.link) for n in notes] == [
        ("You are to verify the answers on 2 cases.", f"/cases?verifier={verifier.id}")
    ]
    assert verify_chain().ok


def test_an_inspector_of_the_team_may_not_name_verifiers(db, login_as, world):
    c = world["cases"]
    client = login_as(world["member"])
    r = client.post(
        "/cases/bulk",
        data={"action": "verifier", "verifier_id": world["other"].id, "ids": [c["open"].id]},
    )
    body = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "0 đã thực hiện, 1 bị từ chối." in body
    assert "Bạn không được phân công người kiểm tra, xác nhận cho kiến nghị này." in body
    assert _events(db) == []


@pytest.mark.parametrize("who", ["leader", "nobody", "inactive"])
def test_only_an_active_inspector_may_be_named(db, login_as, world, who):
    c = world["cases"]
    if who == "inactive":
        world["other"].active = False
        db.session.commit()
    verifier_id = {"leader": world["leader"].id, "inactive": world["other"].id}.get(who, "")
    client = login_as(Role.LEADERSHIP)
    r = client.post(
        "/cases/bulk",
        data={"action": "verifier", "verifier_id": verifier_id, "ids": [c["open"].id]},
    )
    assert r.status_code == 422
    assert "Hãy chọn một thanh tra viên hoặc trưởng đoàn" in r.get_data(as_text=True)
    assert _events(db) == []


def test_all_matching_the_filters_in_one_update(db, login_as, world):
    client = login_as(Role.LEADERSHIP)
    r = client.post(
        "/cases/bulk",
        data={
            "action": "verifier",
            "verifier_id": world["other"].id,
            "all": "1",
            "q": "thu hoi",
            "state": "open",
        },
    )
    assert "2 đã thực hiện, 0 bị từ chối." in r.get_data(as_text=True)
    c = world["cases"]
    assert sorted(_events(db)) == sorted([c["open"].id, c["not_ours"].id])


def test_the_named_verifier_may_decide_and_the_list_filters_by_verifier(db, login_as, world):
    c, verifier = world["cases"], world["verifier"]
    answered = c["answered"]
    assert not answered.can_decide(verifier)  # not on the team
    result = operations.assign_verifier(world["lead"], [answered], verifier)
    assert result.done == [answered] and answered.verifier_id == verifier.id
    assert answered.version == 2  # the stored version: a form built before is stale
    db.session.commit()
    assert answered.can_decide(verifier) and answered.can_verify(verifier)
    assert not answered.can_decide(world["other"])

    today = clock.today()
    found = db.session.execute(
        case_list(world["lead"], CaseFilters(verifier=verifier.id), today)
    ).scalars()
    assert {x.id for x in found} == {answered.id, c["named"].id}
    client = login_as(world["lead"])
    page = client.get(f"/cases?verifier={verifier.id}").get_data(as_text=True)
    assert answered.reference in page and c["open"].reference not in page
    assert 'id="f-verifier"' in page and "Vũ Thị Lan" in page


def test_the_case_page_shows_and_names_the_verifier(db, login_as, world):
    case, verifier = world["cases"]["open"], world["verifier"]
    client = login_as(world["lead"])
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Chưa phân công: thành viên Đoàn kiểm tra, xác nhận." in page
    assert f'action="/cases/{case.id}/verifier"' in page

    stale = client.post(
        f"/cases/{case.id}/verifier", data={"verifier_id": verifier.id, "version": 99}
    )
    assert stale.status_code == 409
    r = client.post(f"/cases/{case.id}/verifier", data={"verifier_id": verifier.id, "version": 1})
    assert r.status_code == 303
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Đã phân công người kiểm tra, xác nhận." in page
    assert "Vũ Thị Lan" in page and "Đã phân công người kiểm tra, xác nhận" in page
    again = client.post(
        f"/cases/{case.id}/verifier", data={"verifier_id": verifier.id, "version": 2}
    )
    assert again.status_code == 422
    assert "Vũ Thị Lan đã là người kiểm tra, xác nhận" in again.get_data(as_text=True)
    assert _events(db) == [case.id]

    # The unit leader sees who verifies, and no form to change it.
    leader = login_as(world["leader"])
    page = leader.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Vũ Thị Lan" in page and "/verifier" not in page


def test_one_case_refusals_are_raised(db, world):
    c = world["cases"]
    with pytest.raises(Forbidden):
        operations.assign_case_verifier(world["member"], c["open"], world["other"].id, 1)
    with pytest.raises(OperationError, match="đã kết thúc"):
        operations.assign_case_verifier(world["lead"], c["accepted"], world["other"].id, None)
    with pytest.raises(OperationError) as refused:
        operations.assign_case_verifier(world["lead"], c["open"], world["leader"].id, None)
    assert refused.value.field == "verifier_id"


def test_the_api_shows_filters_and_names_the_verifier(db, client, api, world):
    c, verifier = world["cases"], world["verifier"]
    headers, _lead = api(world["lead"])
    listed = client.get(f"/api/v1/cases?verifier={verifier.id}", headers=headers).get_json()
    assert [item["id"] for item in listed["items"]] == [c["named"].id]
    assert listed["items"][0]["verifier_id"] == verifier.id
    r = client.post(
        f"/api/v1/cases/{c['open'].id}/verifier",
        json={"verifier_id": verifier.id, "version": 1},
        headers=headers,
    )
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["verifier_id"] == verifier.id
    headers, _member = api(world["member"])
    r = client.post(
        f"/api/v1/cases/{c['answered'].id}/verifier",
        json={"verifier_id": verifier.id, "version": 1},
        headers=headers,
    )
    assert r.status_code == 403


def test_the_batch_takes_a_constant_number_of_queries(db, count_queries):
    lead = f.make_user(Role.LEAD_INSPECTOR)
    verifier = f.make_user(Role.INSPECTOR)
    admin = f.make_user(Role.ADMIN)

    def make(n):
        for _ in range(n):
            f.make_case(f.make_inspection(state="monitoring", lead=lead))
        db.session.flush()

    def run():
        cases = cases_for_batch(admin, clock.today(), filters=CaseFilters(state="open"))
        for case in cases:  # a new verifier each run, so no case is refused as named already
            case.verifier_id = None
        db.session.flush()
        with count_queries() as n:
            result = operations.assign_verifier(admin, cases, verifier)
        assert result.refused == [] and len(result.done) == len(cases)
        return n()

    make(2)
    small = run()
    make(10)
    assert run() == small
    total = db.session.execute(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "case_verifier_assigned")
    ).scalar_one()
    assert total == 2 + 12
