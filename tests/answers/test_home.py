"""Home pages: the unit leader's open cases by deadline with working days left and counters;
the inspectors' answers waiting for verification; both with a constant number of queries."""

from __future__ import annotations

import re
from datetime import date

import pytest

from inspect_app.answers.queries import unit_leader_home
from inspect_app.core.roles import Role
from inspect_app.extensions import db as _db
from inspect_app.reference.models import Holiday
from tests import factories as f
from tests.answers.support import build_world


@pytest.fixture()
def world(db):
    w = build_world()  # today: Thursday 01/10/2026; the world's case is due 30/10/2026
    inspection, target = w["inspection"], w["target"]
    _db.session.add(Holiday(day=date(2026, 10, 5), name="Nghỉ bù"))
    w["overdue"] = f.make_case(inspection, due=date(2026, 9, 25), title="Quá hạn nộp báo cáo")
    w["soon"] = f.make_case(inspection, due=date(2026, 10, 6), title="Sắp đến hạn bổ sung")
    w["answered"] = f.make_case(inspection, due=date(2026, 10, 20), state="answered")
    f.make_case(inspection, due=date(2026, 10, 2), state="accepted")
    other_inspection = f.make_inspection(state="monitoring", target_unit=w["other"])
    f.make_case(other_inspection, due=date(2026, 9, 1), title="Việc của Sở Y tế")
    w["target"] = target
    _db.session.commit()
    return w


def counter(body: str, name: str) -> int:
    match = re.search(rf'data-counter="{name}">(\d+)<', body)
    assert match, name
    return int(match.group(1))


def days(body: str) -> list[int]:
    return [int(d) for d in re.findall(r'data-days="(-?\d+)"', body)]


def test_unit_leader_home_lists_open_cases_by_deadline(world, login_as):
    body = login_as(world["people"]["leader"]).get("/").get_data(as_text=True)
    assert counter(body, "open") == 3
    assert counter(body, "overdue") == 1
    assert counter(body, "due_soon") == 1  # 06/10 is within 7 working days; 30/10 is not
    assert counter(body, "answered") == 1
    # Sorted by deadline: overdue (25/09: 4 working days, Fri 25 excluded, to Thu 01/10),
    # 06/10 (Fri 2, Tue 6; Mon 5 is a holiday: 2 left), 30/10.
    assert days(body) == [-4, 2, 20]
    order = [
        body.index(t)
        for t in ("Quá hạn nộp báo cáo", "Sắp đến hạn bổ sung", "Chỉnh lý hồ sơ lưu trữ")
    ]
    assert order == sorted(order)
    assert "Việc của Sở Y tế" not in body
    assert "Luật Lưu trữ 2024" in body and "Chỉnh lý toàn bộ hồ sơ tồn đọng" in body
    assert f'href="/cases/{world["case"].id}/answer"' in body
    assert body.count('class="btn primary" href="/cases/') == 3


def test_deputy_home_shows_the_delegated_units_cases_marked(world, login_as):
    body = login_as(world["people"]["deputy"]).get("/").get_data(as_text=True)
    assert counter(body, "open") == 4  # the three delegated and their own unit's one
    assert "Việc của Sở Y tế" in body
    rows = body.split('<li class="')[1:]
    marked = [r for r in rows if "Giám đốc Nguyễn Thị C" in r]
    assert len(marked) == 3 and all("Việc của Sở Y tế" not in r for r in marked)


def test_other_unit_leader_sees_only_their_own(world, login_as):
    body = login_as(world["people"]["other_leader"]).get("/").get_data(as_text=True)
    assert counter(body, "open") == 1 and counter(body, "overdue") == 1
    assert "Việc của Sở Y tế" in body and "Chỉnh lý hồ sơ lưu trữ" not in body


def test_working_days_left_computed_with_the_holiday_table(world):
    """Negative: working days overdue; the holiday on Monday 05/10 is not counted."""
    home = unit_leader_home(world["people"]["leader"], date(2026, 10, 1))
    assert [r.working_days_left for r in home.rows] == [-4, 2, 20]
    assert home.rows[0].overdue and not home.rows[1].overdue


@pytest.mark.parametrize("who", ["leader", "deputy", "member", "lead"])
def test_home_page_query_count_is_constant(world, login_as, count_queries, who):
    client = login_as(world["people"][who])
    client.get("/")
    with count_queries() as few:
        assert client.get("/").status_code == 200
    for n in range(12):
        case = f.make_case(
            world["inspection"],
            due=date(2026, 10, 1 + n),
            title=f"Thêm {n}",
            state="answered" if n % 2 else "open",
            legal_reference=f.make_legal_reference(),
        )
        case.responsible_unit = (
            f.make_unit(parent=world["target"]) if n % 3 == 0 else world["target"]
        )
    _db.session.commit()
    with count_queries() as many:
        body = client.get("/").get_data(as_text=True)
    assert "Thêm 10" in body or "Thêm 11" in body
    assert many() == few(), (few(), many())


def test_inspector_home_lists_answers_waiting_for_verification(world, login_as):
    answered = world["answered"]
    for who in ("member", "lead"):
        body = login_as(world["people"][who]).get("/").get_data(as_text=True)
        assert f'href="/cases/{answered.id}#case-answers"' in body
    body = login_as(world["people"]["outsider"]).get("/").get_data(as_text=True)
    assert f"/cases/{answered.id}" not in body
    other_lead = login_as(f.make_user(Role.LEAD_INSPECTOR))
    assert f"/cases/{answered.id}" not in other_lead.get("/").get_data(as_text=True)


def test_rejection_and_its_reason_come_first_on_the_unit_leaders_home(world, login_as):
    from inspect_app.answers.operations import submit_final_answer
    from inspect_app.cases.operations import reject

    people, case = world["people"], world["case"]
    submit_final_answer(
        people["leader"],
        case,
        {"text": "Đã chỉnh lý xong", "completion_date": date(2026, 9, 30), "version": None},
    )
    reject(people["member"], case, "Chưa có biên bản bàn giao hồ sơ", case.version)
    _db.session.commit()
    body = login_as(people["leader"]).get("/").get_data(as_text=True)
    returned = body.index(f'data-returned="{case.id}"')
    assert returned < body.index('data-counter="open"')  # above everything else
    assert "Chưa có biên bản bàn giao hồ sơ" in body and "Thành viên Trần B" in body
    assert f'href="/cases/{case.id}/answer"' in body[returned:]
    # Another unit's leader never sees it; a new answer takes it off the list.
    assert 'data-returned="' not in login_as(people["other_leader"]).get("/").get_data(as_text=True)
    submit_final_answer(
        people["leader"],
        case,
        {"text": "Đã bổ sung biên bản", "completion_date": date(2026, 10, 1), "version": None},
    )
    _db.session.commit()
    assert 'data-returned="' not in login_as(people["leader"]).get("/").get_data(as_text=True)
