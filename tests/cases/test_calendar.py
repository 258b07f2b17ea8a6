"""The deadline calendar feed: a secret link per user (issued, regenerated, revoked on the
account page), iCalendar with only references, titles, deadlines and links, and only the cases
the owner follows and may see."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from inspect_app.core.audit import AuditEvent
from inspect_app.core.roles import Role
from tests import factories as f

LINK = re.compile(r"https?://[^\s<\"]+/cases/calendar/(ical_[A-Za-z0-9_-]+)\.ics")


@pytest.fixture()
def world(db):
    lead = f.make_user(Role.LEAD_INSPECTOR)
    unit = f.make_unit("UBND xã Đồng Văn")
    other = f.make_unit("Sở Tài chính")
    leader = f.make_user(Role.UNIT_LEADER, unit=unit)
    ours = f.make_inspection(state="monitoring", target_unit=unit, lead=lead)
    theirs = f.make_inspection(state="monitoring", target_unit=other)
    cases = {
        "open": f.make_case(
            ours,
            title="Thu hồi tiền; chi sai, quá hạn",
            due=date(2026, 12, 15),
            required_action="Nội dung không được lộ",
        ),
        "accepted": f.make_case(ours, state="accepted", title="Đã xong"),
        "other_unit": f.make_case(theirs, title="Của đơn vị khác", due=date(2026, 12, 20)),
    }
    db.session.commit()
    return {"lead": lead, "leader": leader, "cases": cases}


def _subscribe(client) -> str:
    body = client.post("/account/calendar").get_data(as_text=True)
    match = LINK.search(body)
    assert match, body[:2000]
    return match.group(1)


def _feed(client, secret):
    return client.get(f"/cases/calendar/{secret}.ics")


def test_the_feed_holds_the_followed_deadlines_only(app, db, login_as, world):
    secret = _subscribe(login_as(world["leader"]))
    anonymous = app.test_client()
    r = _feed(anonymous, secret)
    assert r.status_code == 200 and r.mimetype == "text/calendar"
    body = r.get_data(as_text=True)
    unfolded = body.replace("\r\n ", "")
    case = world["cases"]["open"]
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert f"SUMMARY:{case.reference} Thu hồi tiền\\; chi sai\\, quá hạn" in unfolded
    assert "DTSTART;VALUE=DATE:20261215" in body
    assert f"/cases/{case.id}" in unfolded
    assert unfolded.count("BEGIN:VEVENT") == 1  # not accepted, not another unit's
    assert "Của đơn vị khác" not in unfolded and "Nội dung không được lộ" not in unfolded
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_a_lead_gets_their_inspections_cases(app, db, login_as, world):
    secret = _subscribe(login_as(world["lead"]))
    body = _feed(app.test_client(), secret).get_data(as_text=True).replace("\r\n ", "")
    assert world["cases"]["open"].reference in body
    assert world["cases"]["other_unit"].reference not in body
    leadership = _subscribe(login_as(Role.LEADERSHIP))
    body = _feed(app.test_client(), leadership).get_data(as_text=True).replace("\r\n ", "")
    assert body.count("BEGIN:VEVENT") == 2


def test_regenerating_and_revoking_kill_the_old_link(app, db, login_as, world):
    client = login_as(world["leader"])
    first = _subscribe(client)
    second = _subscribe(client)
    anonymous = app.test_client()
    assert _feed(anonymous, first).status_code == 404
    assert _feed(anonymous, second).status_code == 200
    assert client.post("/account/calendar/revoke").status_code == 303
    assert _feed(anonymous, second).status_code == 404
    assert _feed(anonymous, "ical_guess").status_code == 404
    actions = db.session.execute(
        select(AuditEvent.action).where(AuditEvent.object_type == "CalendarFeed")
    ).scalars()
    assert list(actions) == [
        "calendar_feed_issued",
        "calendar_feed_regenerated",
        "calendar_feed_revoked",
    ]


def test_a_deactivated_owner_has_no_feed(app, db, login_as, world):
    secret = _subscribe(login_as(world["leader"]))
    world["leader"].active = False
    db.session.commit()
    assert _feed(app.test_client(), secret).status_code == 404


def test_the_account_page_never_shows_the_link_again(db, login_as, world):
    client = login_as(world["leader"])
    _subscribe(client)
    r = client.get("/account/calendar")
    assert r.headers["Cache-Control"] == "no-store"
    assert not LINK.search(r.get_data(as_text=True))
