"""Case list query: overdue in SQL, filters, visibility, constant number of queries."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from inspect_app.cases.models import Case
from inspect_app.cases.queries import CaseFilters, case_list, overdue_clause, state_counters
from inspect_app.core import clock
from inspect_app.core.roles import Role
from inspect_app.extensions import db
from tests import factories as f


def ids(stmt):
    return {c.id for c in db.session.execute(stmt).unique().scalars()}


def test_overdue_is_computed_in_sql_with_frozen_clock(db):
    with clock.frozen(date(2026, 10, 1)):
        today = clock.today()
        late = f.make_case(due=date(2026, 9, 30))
        answered = f.make_case(due=date(2026, 9, 30), state="answered")
        due_today = f.make_case(due=date(2026, 10, 1))
        withdrawn = f.make_case(due=date(2026, 9, 1), state="withdrawn")
        found = set(db.session.execute(select(Case.id).where(overdue_clause(today))).scalars())
        assert found == {late.id}
        assert not late.is_overdue(date(2026, 9, 30))
        assert late.days_overdue(today) == 1
        assert {answered.id, due_today.id, withdrawn.id}.isdisjoint(found)
    admin = f.make_user(Role.ADMIN)
    counters = state_counters(admin, CaseFilters(), date(2026, 10, 1))
    assert counters["overdue"] == 1 and counters["open"] == 2 and counters["all"] == 4


def test_filters(db):
    admin = f.make_user(Role.ADMIN)
    field = f.make_field("Công chức, viên chức")
    other_field = f.make_field("Lưu trữ")
    insp_with_field = f.make_inspection(state="monitoring")
    insp_with_field.fields = [field]
    a = f.make_case(insp_with_field, due=date(2026, 12, 20), title="Chấn chỉnh công tác lưu trữ")
    finding = f.make_finding(f.make_inspection(state="concluded"), field=other_field)
    b = f.make_case(finding.inspection, due=date(2027, 1, 31), type="recovery", amount_vnd=5)
    b.findings = [finding]
    c = f.make_case(due=date(2026, 9, 30), state="answered", required_action="Nộp 100% vào NSNN")
    db.session.flush()
    today = date(2026, 10, 10)

    def run(**kw):
        return ids(case_list(admin, CaseFilters(**kw), today))

    assert run() == {a.id, b.id, c.id}
    assert run(field=field.id) == {a.id}
    assert run(field=other_field.id) == {b.id}
    assert run(year=2027) == {b.id}
    assert run(type="recovery") == {b.id}
    assert run(state="answered") == {c.id}
    assert run(unit=a.responsible_unit_id) == {a.id}
    assert run(q="nsnn") == {c.id}
    assert run(q="Lưu trữ") == {a.id}
    assert run(q="100%") == {c.id} and run(q="%") == {c.id}
    # Sorting by deadline.
    rows = list(db.session.execute(case_list(admin, CaseFilters(sort="-due"), today)).scalars())
    assert [r.id for r in rows] == [b.id, a.id, c.id]


def test_unit_leader_sees_only_their_units(db):
    parent = f.make_unit()
    child = f.make_unit(parent=parent)
    other = f.make_unit()
    mine = f.make_case(f.make_inspection(state="monitoring", target_unit=child))
    theirs = f.make_case(f.make_inspection(state="monitoring", target_unit=other))
    leader = f.make_user(Role.UNIT_LEADER, unit=parent)
    today = date(2026, 10, 10)
    assert ids(case_list(leader, CaseFilters(), today)) == {mine.id}
    assert ids(case_list(leader, CaseFilters(unit=other.id), today)) == set()
    assert state_counters(leader, CaseFilters(), today)["all"] == 1
    assert theirs.can_view(leader) is False and mine.can_view(leader) is True
    assert db.session.execute(select(func.count(Case.id))).scalar_one() == 2


@pytest.mark.parametrize("role", [Role.ADMIN, Role.UNIT_LEADER])
def test_list_page_query_count_is_constant(db, login_as, count_queries, role):
    unit = f.make_unit()
    user = f.make_user(role, unit=unit if role == Role.UNIT_LEADER else None)
    inspection = f.make_inspection(state="monitoring", target_unit=unit)
    client = login_as(user)

    def make(n):
        for _ in range(n):
            f.make_case(inspection, legal_reference=f.make_legal_reference())
        db.session.commit()

    def measure():
        with count_queries() as n:
            response = client.get("/cases?per_page=50")
            assert response.status_code == 200
        return n()

    make(3)
    small = measure()
    make(27)
    large = measure()
    assert small == large
    assert small <= 10


def test_counters_from_the_running_totals_equal_the_count_over_the_cases(db):
    """The case list's counters filtered by unit and year at most come from the running totals:
    for every user and such filter, the same figures as counting the cases themselves (states,
    overdue: open and due before today, this month's and earlier months', all)."""
    from inspect_app.cases import queries

    parent = f.make_unit("Sở Tài chính")
    child = f.make_unit("Chi cục Tài chính doanh nghiệp", parent=parent)
    other = f.make_unit("UBND xã Đồng Văn", kind="commune")
    inspection = f.make_inspection(state="monitoring")
    today = date(2026, 12, 10)
    dues = [date(2025, 6, 30), date(2025, 12, 31), date(2026, 1, 1), date(2026, 11, 30)]
    dues += [date(2026, 12, 1), date(2026, 12, 9), date(2026, 12, 10), date(2027, 1, 5)]
    states = ["open", "answered", "accepted", "withdrawn", "open", "open"]
    n = 0
    for unit in (parent, child, other):
        for due in dues:
            for state in states[: 3 + n % 4]:
                f.make_case(inspection, state=state, due=due, responsible_unit=unit)
                n += 1
    leader = f.make_user(Role.UNIT_LEADER, unit=parent)
    admin = f.make_user(Role.ADMIN)
    db.session.commit()
    tried = 0
    for user in (admin, leader):
        for unit in (None, parent.id, child.id, other.id):
            for year in (None, 2025, 2026, 2027, 2028):
                filters = CaseFilters(unit=unit, year=year, state="open")
                expected = queries._counters_by_scan(user, filters, today)
                assert state_counters(user, filters, today) == expected, (user, unit, year)
                tried += expected["overdue"] > 0
    assert tried > 10  # most combinations have overdue cases to count
    # Any other filter counts the cases themselves.
    filters = CaseFilters(type="recovery")
    assert state_counters(admin, filters, today) == queries._counters_by_scan(admin, filters, today)


@pytest.mark.parametrize(
    "args",
    [
        {},
        {"state": "open"},
        {"sort": "-due"},
        {"sort": "created", "state": "answered"},
        {"q": "tuyen dung"},
        {"overdue": "1", "sort": "-created"},
    ],
)
def test_list_page_read_by_its_ids_first_gives_the_same_rows(db, args):
    """The list page reads a page's ids first, then those rows (`window`): for every page,
    filter and sort, the same rows in the same order as the plain query's LIMIT/OFFSET, for
    a unit leader (several units) and for the leadership."""
    from inspect_app.cases.queries import CaseListRow, case_list_rows

    today = date(2026, 10, 1)
    parent = f.make_unit("Sở Nội vụ")
    child = f.make_unit("Trung tâm Lưu trữ", parent=parent)
    other = f.make_unit("Sở Y tế")
    days = [date(2026, 9, 1 + i % 20) for i in range(27)]  # ties on the deadline
    for i, due in enumerate(days):
        unit = (parent, child, other)[i % 3]
        state = ("open", "open", "answered", "accepted")[i % 4]
        title = "Chấn chỉnh công tác tuyển dụng" if i % 2 else "Thu hồi phụ cấp"
        f.make_case(
            f.make_inspection(state="monitoring", target_unit=unit), state, due, title=title
        )
    leader = f.make_user(Role.UNIT_LEADER, unit=parent)
    boss = f.make_user(Role.LEADERSHIP)
    db.session.commit()
    filters = CaseFilters.from_args(args)
    for user in (leader, boss):
        plain = case_list_rows(user, filters, today)
        total = len(db.session.execute(plain).all())
        assert total > 0 or args.get("q")
        for offset in range(0, total + 5, 5):
            expected = [r.id for r in db.session.execute(plain.limit(5).offset(offset))]
            page = db.session.execute(case_list_rows(user, filters, today, window=(5, offset)))
            rows = [CaseListRow.of(r, today) for r in page]
            assert [r.id for r in rows] == expected, (user.role, offset)
