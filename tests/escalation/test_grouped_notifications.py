"""Leadership is told once, not a thousand times: the sweep notifies a case's own unit leaders
per case, and leadership and the leaders of the unit above once per step and day, with the
number of cases and a link to the case list filtered on that step and day."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from inspect_app.cases.models import Case
from inspect_app.core import clock
from inspect_app.escalation import operations
from inspect_app.notifications.models import Notification
from tests import factories

DUE = date(2026, 11, 20)  # Friday; 4/12 is 10 working days later (the check step)
AS_OF = date(2026, 12, 4)


def _world(db, cases_per_unit: dict) -> dict:
    """A province with departments under it, a leader each, two leadership users; the cases
    inserted set-based (one INSERT), all due on DUE."""
    province = factories.make_unit("UBND tỉnh", kind="province")
    units = [factories.make_unit(f"Sở {n}", parent=province) for n in range(len(cases_per_unit))]
    people = {
        "province": factories.make_user("unit_leader", unit=province, locale="vi"),
        "leaders": [factories.make_user("unit_leader", unit=u, locale="vi") for u in units],
        "leadership": [
            factories.make_user("leadership", locale="vi"),
            factories.make_user("leadership", locale="en"),
        ],
        "chairman": factories.make_user("chairman", locale="vi"),
    }
    inspection = factories.make_inspection(state="monitoring", target_unit=units[0])
    ref = factories.make_legal_reference()
    now = clock.now()
    rows, number = [], 0
    for unit, count in zip(units, cases_per_unit.values(), strict=True):
        for _ in range(count):
            number += 1
            rows.append(
                {
                    "inspection_id": inspection.id,
                    "number": number,
                    "type": "other",
                    "title": f"Chấn chỉnh số {number}",
                    "legal_reference_id": ref.id,
                    "severity": "medium",
                    "responsible_unit_id": unit.id,
                    "required_action": "Rà soát, hoàn thiện hồ sơ",
                    "due_date": DUE,
                    "original_due_date": DUE,
                    "state": "open",
                    "escalation_level": 0,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
    db.session.execute(Case.__table__.insert(), rows)
    db.session.commit()
    return {"units": units, "inspection": inspection, **people}


def _notes(db, user) -> list[Notification]:
    return list(
        db.session.execute(
            select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
        ).scalars()
    )


def test_a_sweep_of_thousands_of_cases_tells_leadership_once_per_step(db, monkeypatch):
    """3,000 cases in four batches per step: each group notice is written once, whatever the
    batches (the sweep at 100k and 1M cases is measured by bench.sweep)."""
    monkeypatch.setattr(operations, "BATCH_SIZE", 750)  # four batches per step
    world = _world(db, {"a": 1800, "b": 1200})
    with clock.frozen(AS_OF):
        report = operations.sweep(AS_OF)
    assert report.counts["level_1"] == report.counts["level_2"] == 3_000
    assert report.counts["check"] == 3_000 and report.counts["level_3"] == 0
    for boss in world["leadership"]:
        notes = _notes(db, boss)
        # Leadership hears of the urging letters and the check, once each (not of level 1).
        assert sorted(n.kind for n in notes) == ["check_group", "level_2_group"]
        by_kind = {n.kind: n for n in notes}
        assert by_kind["check_group"].link == "/cases?step=check&step_on=2026-12-04"
    vi = {n.kind: n.title for n in _notes(db, world["leadership"][0])}
    en = {n.kind: n.title for n in _notes(db, world["leadership"][1])}
    assert vi["check_group"] == "3000 kiến nghị chuyển sang kiểm tra việc thực hiện."
    assert en["check_group"] == "3000 cases moved to checking implementation."
    # The province's leaders supervise both departments: one notice per level and the check.
    province = _notes(db, world["province"])
    assert sorted(n.kind for n in province) == ["check_group", "level_1_group", "level_2_group"]
    assert all(n.title.startswith("3000 ") for n in province)
    # A department's leader hears of each of its own cases, once per step.
    first = world["leaders"][0]
    count = db.session.execute(
        select(func.count()).select_from(Notification).where(Notification.user_id == first.id)
    ).scalar_one()
    assert count == 3 * 1800
    total = db.session.execute(select(func.count()).select_from(Notification)).scalar_one()
    assert total == 3 * 3_000 + 2 * 2 + 3
    assert _notes(db, world["chairman"]) == []  # nothing goes to the Chairman before level 3


def test_the_chairman_hears_of_the_report_once(db):
    """Without waiting for a check, 15 working days overdue is level 3: the Chairman gets one
    grouped notice of the cases going into the report."""
    from inspect_app.reference.models import Setting

    db.session.add(Setting(key="escalation.report_after_check", value="0"))
    world = _world(db, {"a": 30, "b": 20})
    day = date(2026, 12, 11)
    with clock.frozen(day):
        operations.sweep(day)
    notes = _notes(db, world["chairman"])
    assert [(n.kind, n.title) for n in notes] == [
        (
            "level_3_group",
            "50 kiến nghị chuyển sang báo cáo Chủ tịch UBND tỉnh, đề xuất xử lý trách nhiệm.",
        )
    ]
    assert notes[0].link == "/cases?step=level_3&step_on=2026-12-11"


def test_a_second_sweep_the_same_day_updates_the_notice(db):
    """A sweep that takes more cases later the same day counts them in the same unread notice;
    once read, the next day's step writes a new one."""
    world = _world(db, {"a": 3})
    with clock.frozen(AS_OF):
        operations.sweep(AS_OF)
        factories.make_case(
            inspection=world["inspection"], due=DUE, responsible_unit=world["units"][0]
        )
        db.session.commit()
        operations.sweep(AS_OF)
    boss = world["leadership"][0]
    notes = [n for n in _notes(db, boss) if n.kind == "check_group"]
    assert [n.title for n in notes] == ["4 kiến nghị chuyển sang kiểm tra việc thực hiện."]


def test_the_link_lists_the_cases_of_that_step_and_day(db, login_as):
    world = _world(db, {"a": 2, "b": 1})
    with clock.frozen(AS_OF):
        operations.sweep(AS_OF)
    link = operations.group_link("check", AS_OF)
    page = login_as("leadership").get(link).get_data(as_text=True)
    assert page.count("Chấn chỉnh số") == 3
    # A department's leader following the same link sees only the cases of their unit.
    leader_page = login_as(world["leaders"][1]).get(link).get_data(as_text=True)
    assert leader_page.count("Chấn chỉnh số") == 1
    other_day = login_as("leadership").get("/cases?step=check&step_on=2026-12-03")
    assert "Chấn chỉnh số" not in other_day.get_data(as_text=True)
