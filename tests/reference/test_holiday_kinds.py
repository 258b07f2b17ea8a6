"""The holiday table's two kinds of row (day off, make-up working day) with their documents,
2026 as announced, 2027 provisional until confirmed, the next-working-day rule (Civil Code
2015 Art. 148(5)), the admin page and GET /api/v1/calendar/<year>."""

from __future__ import annotations

from datetime import date

import pytest

from inspect_app.core import clock
from inspect_app.core.audit import events_for
from inspect_app.core.roles import Role
from inspect_app.extensions import db as _db
from inspect_app.reference import operations
from inspect_app.reference.calendar import (
    add_days,
    add_working_days,
    is_working_day,
    time_limit_end,
    working_days_between,
    working_days_in_year,
)
from inspect_app.reference.models import DayKind, DeadlineRule, Holiday
from inspect_app.reference.seed import seed_deadline_rules, seed_holidays
from tests import factories as f

CIVIL_CODE = "Bộ luật Dân sự số 91/2015/QH13, khoản 5 Điều 148"


@pytest.fixture()
def seeded(db):
    seed_holidays()
    seed_deadline_rules()
    db.session.commit()


def _row(day: date) -> Holiday:
    return _db.session.query(Holiday).filter_by(day=day).one()


def test_2026_as_announced(seeded):
    # The four rows the table lacked, with their announcing document.
    assert not is_working_day(date(2026, 1, 2))  # Friday, swapped
    assert is_working_day(date(2026, 1, 10))  # Saturday worked in exchange
    assert not is_working_day(date(2026, 8, 31))  # Monday, swapped
    assert is_working_day(date(2026, 8, 22))  # Saturday worked in exchange
    for day in (date(2026, 1, 2), date(2026, 1, 10), date(2026, 8, 22), date(2026, 8, 31)):
        assert _row(day).document == "Công văn 12729/VPCP-KGVX"
    assert _row(date(2026, 1, 10)).kind == "working" and _row(date(2026, 1, 2)).kind == "off"
    assert all(h.document for h in _db.session.query(Holiday) if h.day.year == 2026)
    # Hand count: 261 weekdays; 13 weekdays off (1-2/1, 16-20/2, 27/4, 30/4, 1/5, 31/8, 1-2/9);
    # 2 make-up Saturdays (10/1, 22/8).
    assert working_days_in_year(2026) == 261 - 13 + 2 == 250
    # Every path counts the same: between() over the year, add_working_days to its end.
    assert working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 250
    assert add_working_days(date(2025, 12, 31), 250) == date(2026, 12, 31)
    # Across the National Day break: Fri 28/8 + 1 working day = Thu 3/9.
    assert add_working_days(date(2026, 8, 28), 1) == date(2026, 9, 3)
    # Sat 22/8 counts: Fri 21/8 + 1 working day = Sat 22/8.
    assert add_working_days(date(2026, 8, 21), 1) == date(2026, 8, 22)


def test_2027_rows_are_provisional_until_confirmed(seeded, login_as):
    provisional = [h for h in _db.session.query(Holiday) if h.provisional]
    assert provisional and {h.day.year for h in provisional} == {2027}
    assert {date(2027, 9, 3), date(2027, 2, 6)} <= {h.day for h in provisional}
    assert not _row(date(2027, 5, 3)).provisional  # 1/5 is a Saturday: off Monday 3/5
    assert not is_working_day(date(2027, 2, 8))  # a provisional day off counts meanwhile
    admin = f.make_user(Role.ADMIN, locale="en")
    client = login_as(admin)
    page = client.get("/reference/holidays?year=2027").get_data(as_text=True)
    assert "Provisional" in page and "working days" in page
    row = _row(date(2027, 9, 3))
    r = client.post(
        f"/reference/holidays/{row.id}/confirm",
        data={"document": "Thông báo số 01/TB-BNV"},
    )
    assert r.status_code == 303
    _db.session.expire_all()
    row = _row(date(2027, 9, 3))
    assert not row.provisional and row.document == "Thông báo số 01/TB-BNV"
    event = events_for("Holiday", row.id)[-1]
    assert event.action == "holiday_confirmed" and event.before["provisional"] is True
    # Confirming again: refused with a message, nothing changes.
    r = client.post(f"/reference/holidays/{row.id}/confirm", data={"document": "x"})
    assert r.status_code == 422
    assert "already confirmed" in r.get_data(as_text=True)


def test_confirm_needs_a_document_and_an_administrator(db):
    row = Holiday(day=date(2027, 2, 5), name="Tết", provisional=True)
    db.session.add(row)
    db.session.flush()
    with pytest.raises(Exception) as err:
        operations.confirm_holidays(f.make_user(Role.LEADERSHIP), [row], "Thông báo")
    assert getattr(err.value, "code", None) == 403
    with pytest.raises(Exception) as err:
        operations.confirm_holidays(f.make_user(Role.ADMIN), [row], "  ")
    assert err.value.field == "document" and row.provisional


def test_next_working_day_rule(seeded):
    # A Saturday: Monday.
    end = time_limit_end(date(2026, 11, 28))
    assert (end.day, end.moved_from, end.source) == (
        date(2026, 11, 30),
        date(2026, 11, 28),
        CIVIL_CODE,
    )
    # A holiday (Thu 30/4, then 1/5 and the weekend): Monday 4/5.
    assert time_limit_end(date(2026, 4, 30)).day == date(2026, 5, 4)
    # A make-up working Saturday is a working day: the limit ends that day.
    end = time_limit_end(date(2026, 8, 22))
    assert end.day == date(2026, 8, 22) and end.moved_from is None
    # Calendar days through add_days: 30 days from Mon 3/8/2026 fall on Wed 2/9 -> Thu 3/9.
    assert add_days(date(2026, 8, 3), 30, DayKind.CALENDAR) == date(2026, 9, 3)
    # The rule is configurable: amount 0 turns it off.
    rule = _db.session.query(DeadlineRule).filter_by(key="deadline.next_working_day").one()
    assert rule.source == CIVIL_CODE
    rule.amount = 0
    _db.session.flush()
    assert time_limit_end(date(2026, 11, 28)).day == date(2026, 11, 28)


def test_case_deadlines_follow_the_rule_with_the_clock_set(seeded):
    from inspect_app.cases import operations as case_ops

    lead = f.make_user(Role.LEAD_INSPECTOR)
    unit = f.make_unit()
    with clock.frozen(date(2026, 7, 20)):
        # Conclusion Mon 27/7 + 30 calendar days (case.recovery) = Wed 26/8: a working day.
        insp = f.make_inspection(state="concluded", lead=lead, target_unit=unit)
        insp.conclusion_date = date(2026, 7, 27)
        assert case_ops.default_deadline(insp, "recovery", "low").due_date == date(2026, 8, 26)
        # Conclusion Thu 23/7 + 30 = Sat 22/8, a make-up working day: stays.
        insp.conclusion_date = date(2026, 7, 23)
        default = case_ops.default_deadline(insp, "recovery", "low")
        assert default.due_date == date(2026, 8, 22) and default.moved_from is None
        # Conclusion Sat 1/8 + 30 = Mon 31/8 (swapped day off), 1-2/9 off: Thu 3/9.
        insp.conclusion_date = date(2026, 8, 1)
        default = case_ops.default_deadline(insp, "recovery", "low")
        assert default.due_date == date(2026, 9, 3) and default.moved_from == date(2026, 8, 31)
        assert default.move_source == CIVIL_CODE
        # Conclusion Fri 30/10 + 30 = Sun 29/11 (a plain Sunday): Mon 30/11.
        insp.conclusion_date = date(2026, 10, 30)
        assert case_ops.default_deadline(insp, "recovery", "low").due_date == date(2026, 11, 30)


def test_calendar_api(seeded, client, api):
    headers, _user = api("unit_leader", unit=f.make_unit())
    r = client.get("/api/v1/calendar/2026", headers=headers)
    assert r.status_code == 200
    body = r.get_json()
    assert body["year"] == 2026 and body["working_days"] == 250
    days = {d["day"]: d for d in body["days"]}
    assert days["2026-01-10"]["kind"] == "working"
    assert days["2026-01-02"] == {
        "day": "2026-01-02",
        "name": "Nghỉ hoán đổi (làm bù thứ Bảy 10/01/2026)",
        "kind": "off",
        "document": "Công văn 12729/VPCP-KGVX",
        "provisional": False,
    }
    assert all(d["day"].startswith("2026-") for d in body["days"])
    later = client.get("/api/v1/calendar/2027", headers=headers).get_json()
    assert any(d["provisional"] for d in later["days"])
    assert client.get("/api/v1/calendar/1800", headers=headers).status_code == 422
    assert client.get("/api/v1/calendar/2026").status_code == 401
