"""The conclusion's lifecycle: every deadline rule drives a due date shown with its citation,
reminders to whoever must act, an overdue figure on the dashboard; the refusals; the
recommendations followed up once the conclusion is signed. The clock is set throughout."""

from __future__ import annotations

from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from inspect_app.conclusions import lifecycle, operations
from inspect_app.core import clock
from inspect_app.core.errors import OperationError
from inspect_app.escalation.operations import sweep
from inspect_app.inspections.models import InspectionState
from inspect_app.notifications.models import Notification
from inspect_app.reference.models import DayKind, DeadlineRule, Holiday
from tests import factories

REPORTED = date(2026, 11, 26)  # Thursday


def _world(db):
    lead = factories.make_user("lead_inspector")
    boss = factories.make_user("leadership", locale="en")
    chairman = factories.make_user("chairman")
    inspection = factories.make_inspection(state="reported", lead=lead, reported_on=REPORTED)
    db.session.commit()
    return inspection, lead, boss, chairman


def _due(inspection) -> dict:
    return {s.key: s.due for s in lifecycle.steps_of(inspection)}


def _record(actor, inspection, step, on, **kw):
    with clock.frozen(on):
        operations.record_step(actor, inspection, step, {"on": on, **kw})


def test_every_deadline_with_the_clock_set(db):
    inspection, lead, boss, chairman = _world(db)
    # 5 working days from Thursday 26/11: Fri 27, Mon 30, Tue 1, Wed 2, Thu 3/12.
    steps = {s.key: s for s in lifecycle.steps_of(inspection)}
    assert steps["assign_drafting"].due == date(2026, 12, 3)
    assert steps["assign_drafting"].citation == "Luật Thanh tra số 84/2025/QH15, Điều 34"
    assert steps["sign"].due is None  # runs from the draft, not recorded yet
    _record(boss, inspection, "assign_drafting", date(2026, 12, 2))
    _record(lead, inspection, "draft", date(2026, 12, 10))
    assert _due(inspection)["sign"] == date(2026, 12, 25)  # 15 days from the draft
    _record(boss, inspection, "appraise", date(2026, 12, 14))
    inspection.state = InspectionState.CONCLUDED
    inspection.conclusion_number, inspection.conclusion_date = "15/KL-TTr", date(2026, 12, 18)
    db.session.commit()
    due = _due(inspection)
    # 15 days from 18/12 is Saturday 2/1/2027: the limit ends on the next working day, Monday
    # 4/1 (Civil Code 2015 Art. 148(5), the deadline.next_working_day rule).
    assert due["publish"] == date(2026, 12, 28) and due["recommend"] == date(2027, 1, 4)
    assert due["instruct"] is None
    _record(
        boss,
        inspection,
        "publish",
        date(2026, 12, 21),
        channels="Cổng thông tin điện tử tỉnh; niêm yết tại trụ sở",
        posting_until=date(2027, 1, 5),
    )
    _record(boss, inspection, "recommend", date(2026, 12, 22))
    assert _due(inspection)["instruct"] == date(2027, 1, 6)  # 15 days from receiving it
    _record(chairman, inspection, "instruct", date(2026, 12, 30), number="120/UBND-TH")
    assert all(s.done_on for s in lifecycle.steps_of(inspection))
    assert inspection.instruction_number == "120/UBND-TH"


def test_working_days_skip_a_holiday_and_count_a_make_up_saturday(db):
    inspection, *_ = _world(db)
    db.session.add(Holiday(day=date(2026, 12, 1), name="Nghỉ"))
    db.session.add(Holiday(day=date(2026, 11, 28), name="Làm bù", is_working_day=True))
    db.session.commit()
    # Fri 27, Sat 28 (worked), Mon 30, (Tue 1 off), Wed 2, Thu 3.
    assert _due(inspection)["assign_drafting"] == date(2026, 12, 3)


def test_a_changed_rule_changes_the_due_date(db):
    inspection, *_ = _world(db)
    db.session.add(
        DeadlineRule(
            key="conclusion.assign_drafting",
            label="Giao",
            amount=3,
            day_kind=DayKind.WORKING,
            source="Điều 34",
        )
    )
    db.session.commit()
    assert _due(inspection)["assign_drafting"] == date(2026, 12, 1)  # Fri, Mon, Tue


@pytest.mark.parametrize(
    ("step", "on", "extra", "message"),
    [
        (
            "publish",
            date(2026, 12, 17),
            {"channels": "Cổng", "posting_until": None},
            "before it was signed",
        ),
        (
            "publish",
            date(2026, 12, 19),
            {"channels": "", "posting_until": date(2027, 1, 5)},
            "published",
        ),
        (
            "publish",
            date(2026, 12, 19),
            {"channels": "Cổng", "posting_until": date(2026, 12, 1)},
            "posting period",
        ),
        ("instruct", date(2026, 12, 19), {"number": ""}, "number"),
        ("recommend", date(2027, 6, 1), {}, "future"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(db, step, on, extra, message):
    inspection, lead, boss, chairman = _world(db)
    inspection.state = InspectionState.CONCLUDED
    inspection.conclusion_number, inspection.conclusion_date = "15/KL-TTr", date(2026, 12, 18)
    db.session.commit()
    with clock.frozen(date(2026, 12, 20)), force_locale("en"), pytest.raises(OperationError) as e:
        operations.record_step(boss, inspection, step, {"on": on, **extra})
    assert message in e.value.message
    db.session.rollback()
    assert inspection.published_on is None and inspection.instruction_date is None


def test_a_step_before_the_one_it_follows_is_refused(db):
    inspection, lead, *_ = _world(db)
    with clock.frozen(date(2026, 12, 2)), force_locale("en"):
        with pytest.raises(OperationError, match="has not been recorded"):
            operations.record_step(lead, inspection, "draft", {"on": date(2026, 12, 2)})
        with pytest.raises(OperationError, match="cannot be before"):
            operations.record_step(lead, inspection, "assign_drafting", {"on": date(2026, 11, 20)})


def test_reminders_reach_whoever_must_act_once_a_day(db):
    inspection, lead, boss, chairman = _world(db)
    with clock.frozen(date(2026, 11, 30)):  # 3 working days before the 3/12 deadline
        assert operations.send_reminders(date(2026, 11, 30)) == 1
        assert operations.send_reminders(date(2026, 11, 30)) == 0  # once a day
    note = db.session.execute(
        select(Notification).where(Notification.user_id == boss.id)
    ).scalar_one()
    assert note.kind == "conclusion_assign_drafting"
    assert note.title.startswith("Due on 03/12/2026: Drafting of the conclusion assigned")
    assert "Điều 34" in note.title
    with clock.frozen(date(2026, 12, 4)):
        assert operations.send_reminders(date(2026, 12, 4)) == 1  # overdue now
    titles = (
        db.session.execute(
            select(Notification.title)
            .where(Notification.user_id == boss.id)
            .order_by(Notification.id)
        )
        .scalars()
        .all()
    )
    assert titles[-1].startswith("Overdue since 03/12/2026")
    # The draft is the team lead's to submit.
    _record(boss, inspection, "assign_drafting", date(2026, 12, 4))
    db.session.commit()
    assert lifecycle.steps_of(inspection)[1].due is None  # the draft has no time limit of its own


def test_the_dashboard_shows_the_overdue_steps(db, login_as):
    inspection, lead, boss, chairman = _world(db)
    clock.freeze(date(2026, 12, 7))
    body = login_as(boss).get("/dashboard").get_data(as_text=True)
    assert 'data-figure="conclusion-overdue">1<' in body
    page = login_as(boss).get(f"/inspections/{inspection.id}").get_data(as_text=True)
    assert "03/12/2026" in page and "Luật Thanh tra số 84/2025/QH15, Điều 34" in page


def test_the_page_records_a_step_and_refuses_bad_input(db, login_as):
    inspection, lead, boss, chairman = _world(db)
    clock.freeze(date(2026, 12, 7))
    c = login_as(boss)
    url = f"/inspections/{inspection.id}/conclusion/assign_drafting"
    bad = c.post(url, data={"on": "2026-11-01", "version": inspection.version})
    assert bad.status_code == 422
    ok = c.post(url, data={"on": "2026-12-02", "version": inspection.version})
    assert ok.status_code == 303
    db.session.refresh(inspection)
    assert inspection.drafting_assigned_on == date(2026, 12, 2)
    assert c.post(f"/inspections/{inspection.id}/conclusion/sign", data={}).status_code == 404


def test_api_lists_conclusions_with_their_lifecycle(db, client, api):
    inspection, lead, boss, chairman = _world(db)
    clock.freeze(date(2026, 12, 7))
    headers, _ = api(boss)
    got = client.get("/api/v1/conclusions", headers=headers).get_json()
    (item,) = got["items"]
    steps = {s["key"]: s for s in item["steps"]}
    assert steps["assign_drafting"]["due"] == "2026-12-03" and steps["assign_drafting"]["overdue"]
    r = client.post(
        f"/api/v1/conclusions/{inspection.id}/assign_drafting",
        json={"on": "2026-12-04", "version": inspection.version},
        headers=headers,
    )
    assert r.status_code == 200, r.get_json()
    assert {s["key"]: s for s in r.get_json()["steps"]}["assign_drafting"][
        "done_on"
    ] == "2026-12-04"


def test_recommendations_are_followed_up_once_the_conclusion_is_signed(db):
    inspection, *_ = _world(db)
    case = factories.make_case(inspection=inspection, due=date(2026, 11, 20))
    db.session.commit()
    with clock.frozen(date(2026, 11, 27)):
        assert sweep(date(2026, 11, 27)).total == 0  # reported, not signed: not yet tracked
    inspection.state = InspectionState.CONCLUDED
    inspection.conclusion_number, inspection.conclusion_date = "15/KL-TTr", date(2026, 11, 26)
    db.session.commit()
    with clock.frozen(date(2026, 11, 27)):
        assert sweep(date(2026, 11, 27)).counts["level_2"] == 1
    assert case.id


def test_the_sql_count_and_filter_agree_with_each_step_computed(db):
    """The dashboard's one-query count and the reminders' SQL filter select exactly the steps
    that `steps_of` finds overdue (or due by a day), on every day around the rules' edges:
    weekends, the next-working-day rule, Tết."""
    from datetime import timedelta

    lead = factories.make_user("lead_inspector")
    dates = [date(2026, 11, 2) + timedelta(days=3 * i) for i in range(14)]
    for i, reported in enumerate(dates):
        extra = {}
        if i % 2:
            extra = {"drafting_assigned_on": reported + timedelta(days=2)}
        if i % 3 == 0:
            extra.update(
                state="concluded",
                draft_submitted_on=reported + timedelta(days=4),
                conclusion_date=reported + timedelta(days=6),
            )
        factories.make_inspection(
            state=extra.pop("state", "reported"), lead=lead, reported_on=reported, **extra
        )
    db.session.commit()
    live = db.session.execute(
        lifecycle.live_inspections_stmt()  # no SQL filter: every live inspection
    ).scalars()
    steps = [(i, s) for i in live for s in lifecycle.steps_of(i)]
    counts = set()
    for today in (date(2026, 11, 20) + timedelta(days=d) for d in range(0, 120, 2)):
        expected = [(i.id, s.key) for i, s in steps if s.is_overdue(today)]
        assert lifecycle.overdue_count(today) == len(expected), today
        counts.add(len(expected))
        got = [(i.id, s.key) for i, s in lifecycle.overdue_steps(today)]
        assert got == expected, today
        due_by = {
            i.id for i, s in steps if s.due is not None and s.done_on is None and s.due <= today
        }
        filtered = db.session.execute(lifecycle.live_inspections_stmt(due_by=today)).scalars()
        assert {i.id for i in filtered} == due_by, today
    assert len(counts) > 5  # the days tried cross many steps' due dates


def test_the_steps_columns_are_the_partial_index_s(db):
    """The partial index of the inspections with a step still to record names the columns the
    steps record, and the count and the reminders read through it (SQLite's plan says so)."""
    from sqlalchemy import text

    from inspect_app.inspections.models import LIFECYCLE_RECORDS

    assert tuple(s.done for s in lifecycle.STEPS) == LIFECYCLE_RECORDS
    lead = factories.make_user("lead_inspector")
    done = dict.fromkeys(LIFECYCLE_RECORDS, REPORTED)
    whole = factories.make_inspection(
        state="monitoring", lead=lead, reported_on=REPORTED, conclusion_number="9/KL", **done
    )
    open_ = factories.make_inspection(state="reported", lead=lead, reported_on=REPORTED)
    db.session.commit()
    live = db.session.execute(lifecycle.live_inspections_stmt()).scalars().all()
    assert [i.id for i in live] == [open_.id] and whole.id not in {i.id for i in live}
    if db.engine.dialect.name != "sqlite":
        return
    for stmt in (lifecycle.live_inspections_stmt(), lifecycle.live_inspections_stmt(REPORTED)):
        compiled = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
        plan = " ".join(str(r) for r in db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
        assert "ix_inspection_lifecycle_pending" in plan, plan
