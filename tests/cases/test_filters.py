"""The case list's filters behind the dashboard figures: every number on the dashboard is a
link whose list holds exactly that many cases (ageing in working days, on time, ranges)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from inspect_app.auth.models import User
from inspect_app.cases.queries import CaseFilters, case_list
from inspect_app.core import clock
from inspect_app.core.roles import Role
from inspect_app.reference.calendar import working_days_overdue_bound
from inspect_app.reference.models import Holiday
from tests.dashboard.support import TODAY, Links, make_data_set, query


@pytest.fixture()
def data(db):
    clock.freeze(TODAY)
    result = make_data_set(db)
    db.session.commit()
    return result


def listed(db, user, args: dict) -> int:
    stmt = case_list(user, CaseFilters.from_args(MultiDict(args)), clock.today())
    return db.session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()


def test_every_dashboard_number_is_the_size_of_its_list(data, db, login_as):
    client = login_as(Role.LEADERSHIP)
    user = db.session.execute(select(User).where(User.role == Role.LEADERSHIP)).scalar()
    page = Links(client.get("/dashboard").get_data(as_text=True))
    checked = 0
    for link in page.links:
        text = link.get("value", link["text"]).strip()
        href = link["href"] or ""
        if not text.isdigit() or not href.startswith("/cases"):
            continue
        assert listed(db, user, query(href)) == int(text), href
        checked += 1
    assert checked >= 20


def test_overdue_bound_counts_working_days(db):
    db.session.add(Holiday(day=date(2026, 9, 1), name="Nghỉ liền kề Quốc khánh"))
    db.session.add(Holiday(day=date(2026, 9, 2), name="Quốc khánh"))
    db.session.flush()
    assert date(2026, 9, 8) == TODAY  # Tuesday
    assert working_days_overdue_bound(TODAY, 1) == date(2026, 9, 8)
    assert working_days_overdue_bound(TODAY, 2) == date(2026, 9, 7)
    # Friday 4, Thursday 3, then the two holidays and the weekend are skipped: Monday 31/8.
    assert working_days_overdue_bound(TODAY, 5) == date(2026, 8, 31)
    # On a Sunday the last working day is the Friday before.
    assert working_days_overdue_bound(date(2026, 9, 6), 1) == date(2026, 9, 4)


def test_bad_filter_values_are_ignored():
    filters = CaseFilters.from_args(
        MultiDict(
            {
                "overdue_min": "２０",
                "overdue_max": "-1",
                "ontime": "maybe",
                "due_from": "2026-13-01",
                "closed_to": "x",
                "overdue_on": "99999-01-01",
            }
        )
    )
    assert filters.as_args() == {}


def test_list_total_comes_from_the_counters_and_matches_the_rows(db, login_as):
    from tests import factories as f

    client = login_as(Role.ADMIN)
    inspection = f.make_inspection(state="monitoring")
    for state in ("open", "open", "open", "accepted", "withdrawn"):
        f.make_case(inspection, state=state)
    db.session.commit()
    html = client.get("/cases?state=open&per_page=2").get_data(as_text=True)
    assert "3 bản ghi" in html and "Trang 1/2" in html
    html = client.get("/cases?per_page=2").get_data(as_text=True)
    assert "5 bản ghi" in html and "Trang 1/3" in html
