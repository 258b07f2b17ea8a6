"""Bulk actions on the case list: a reminder to the units of the ticked cases or of all cases
matching the filters; each case checked as one by one, a per-item result, one audit event each."""

import pytest
from sqlalchemy import func, select

from inspect_app.cases import operations
from inspect_app.cases.queries import CaseFilters, cases_for_batch
from inspect_app.core import clock
from inspect_app.core.audit import AuditEvent, verify_chain
from inspect_app.core.roles import Role
from inspect_app.notifications.models import Notification
from tests import factories as f


@pytest.fixture()
def world(db):
    lead = f.make_user(Role.LEAD_INSPECTOR)
    unit = f.make_unit("UBND xã Đồng Văn")
    leader = f.make_user(Role.UNIT_LEADER, unit=unit, locale="en")
    ours = f.make_inspection(state="monitoring", target_unit=unit, lead=lead)
    theirs = f.make_inspection(state="monitoring", target_unit=unit)
    cases = {
        "open1": f.make_case(ours, title="Thu hồi tiền"),
        "open2": f.make_case(ours, title="Thu hồi đất"),
        "accepted": f.make_case(ours, state="accepted", title="Thu hồi xe"),
        "not_ours": f.make_case(theirs, title="Thu hồi nhà"),
    }
    db.session.commit()
    return {"lead": lead, "leader": leader, "cases": cases}


def _reminders(db):
    return db.session.execute(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "case_reminded")
    ).scalar_one()


def test_ticked_cases_are_reminded_and_the_others_refused_with_their_reason(db, login_as, world):
    c = world["cases"]
    client = login_as(world["lead"])
    r = client.post(
        "/cases/bulk",
        data={"action": "remind", "ids": [x.id for x in c.values()] + [999999], "note": "Gấp"},
    )
    body = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "2 đã thực hiện, 3 bị từ chối." in body
    assert c["accepted"].reference in body and c["not_ours"].reference in body
    assert "1 kiến nghị không tìm thấy hoặc bạn không được xem." in body
    assert _reminders(db) == 2
    notes = db.session.execute(
        select(Notification).where(Notification.user_id == world["leader"].id)
    ).scalars()
    titles = sorted(n.title for n in notes)
    assert titles == sorted(
        f"Reminder from the inspectorate: case {x.reference} is due on 30/09/2026."
        for x in (c["open1"], c["open2"])
    )
    assert verify_chain().ok


def test_all_matching_the_filters(db, login_as, world):
    client = login_as(Role.LEADERSHIP)
    r = client.post("/cases/bulk", data={"action": "remind", "all": "1", "q": "thu hoi dat"})
    assert "1 đã thực hiện, 0 bị từ chối." in r.get_data(as_text=True)
    assert _reminders(db) == 1


def test_nothing_chosen_is_a_clear_422(db, login_as, world):
    client = login_as(world["lead"])
    r = client.post("/cases/bulk", data={"action": "remind"})
    assert r.status_code == 422
    assert "Hãy đánh dấu ít nhất một kiến nghị" in r.get_data(as_text=True)
    assert client.post("/cases/bulk", data={"action": "drop", "all": "1"}).status_code == 422
    assert _reminders(db) == 0


def test_more_ticked_cases_than_one_action_takes_is_a_clear_422(db, login_as, world):
    """Tens of thousands of ticked ids (no page offers them) are refused before any query: an IN
    list that long is more than PostgreSQL takes."""
    client = login_as(Role.LEADERSHIP)
    ticked = [str(n) for n in range(1, operations.MAX_BATCH + 2)]
    r = client.post("/cases/bulk", data={"action": "remind", "ids": ticked})
    assert r.status_code == 422
    assert f"Chỉ đánh dấu được tối đa {operations.MAX_BATCH} kiến nghị" in r.get_data(as_text=True)
    assert _reminders(db) == 0


def test_a_unit_leader_may_not(db, login_as, world):
    client = login_as(world["leader"])
    r = client.post("/cases/bulk", data={"action": "remind", "all": "1"})
    assert r.status_code == 403
    assert _reminders(db) == 0


def test_one_case_goes_through_the_same_operation(db, world):
    lead = world["lead"]
    result = operations.send_reminders(lead, [world["cases"]["not_ours"]])
    assert result.done == [] and len(result.refused) == 1
    result = operations.send_reminders(lead, [world["cases"]["open1"]])
    assert result.done == [world["cases"]["open1"]]


def test_a_unit_without_a_leader_is_refused(db, world):
    world["leader"].active = False
    db.session.flush()
    result = operations.send_reminders(world["lead"], [world["cases"]["open1"]])
    assert result.done == [] and "không có thủ trưởng" in result.refused[0][1]


def test_the_batch_takes_a_constant_number_of_queries(db, count_queries):
    lead = f.make_user(Role.LEAD_INSPECTOR)
    admin = f.make_user(Role.ADMIN)

    def make(n):
        for _ in range(n):
            unit = f.make_unit()
            f.make_user(Role.UNIT_LEADER, unit=unit)
            f.make_case(f.make_inspection(state="monitoring", target_unit=unit, lead=lead))
        db.session.flush()

    def run():
        with count_queries() as n:
            cases = cases_for_batch(admin, clock.today(), filters=CaseFilters(state="open"))
            operations.send_reminders(admin, cases)
        db.session.flush()
        return n()

    make(2)
    small = run()
    make(10)
    assert run() == small


def test_export_the_selection_escapes_formulas(db, login_as, world):
    c = world["cases"]
    c["open1"].title = '=HYPERLINK("http://x","y")'
    db.session.commit()
    client = login_as(Role.LEADERSHIP)
    r = client.post("/cases/bulk", data={"action": "export", "ids": [c["open1"].id, c["open2"].id]})
    assert r.status_code == 200 and r.mimetype == "text/csv"
    body = r.get_data(as_text=True)
    assert body.startswith("\ufeff")
    assert "'=HYPERLINK" in body and c["open2"].reference in body
    assert c["accepted"].reference not in body
    assert _reminders(db) == 0
