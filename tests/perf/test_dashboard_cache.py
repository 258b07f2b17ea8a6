"""The dashboard's aggregates are kept in the configured cache for DASHBOARD_CACHE_SECONDS: a
repeated view runs none of the aggregate queries, a different scope, filter or day is computed
on its own, and the cache is a NullCache under TESTING unless a test configures one (so the
other tests see live figures)."""

from __future__ import annotations

import cachelib.simple
import pytest

from inspect_app.config import cache_type
from inspect_app.core import clock
from inspect_app.core.roles import Role
from inspect_app.dashboard import queries
from inspect_app.extensions import cache
from tests import factories as f
from tests.dashboard.support import TODAY, make_data_set


@pytest.fixture()
def cache_on(app):
    """The app with a SimpleCache (a fresh one), as in development; NullCache again after."""
    cache.init_app(app, config={"CACHE_TYPE": "SimpleCache"})
    yield
    cache.init_app(app, config={"CACHE_TYPE": app.config["CACHE_TYPE"]})


@pytest.fixture()
def data(db):
    clock.freeze(TODAY)
    result = make_data_set(db)
    db.session.commit()
    return result


def _aggregates(statements: list[str]) -> list[str]:
    """The statements computing figures: the running totals (cases.totals), or a count
    over the cases (the field filter, the conclusion steps)."""
    return [
        s
        for s in statements
        if "FROM dashboard_" in s
        or ("count(" in s.lower() and ("FROM recommendation" in s or "FROM inspection" in s))
    ]


def _statements(app):
    from sqlalchemy import event

    from inspect_app.extensions import db

    seen: list[str] = []

    def before(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    return seen, lambda: event.remove(db.engine, "before_cursor_execute", before)


def test_repeated_view_uses_the_cache(app, data, login_as, cache_on):
    client = login_as(Role.LEADERSHIP)
    first = client.get("/dashboard?year=2026")
    seen, stop = _statements(app)
    try:
        second = client.get("/dashboard?year=2026")
        assert _aggregates(seen) == []
        other = client.get("/dashboard?year=2025")  # other filters: computed
        assert len(_aggregates(seen)) >= 5
    finally:
        stop()
    assert first.status_code == second.status_code == other.status_code == 200
    assert first.get_data(as_text=True).count("data-figure") == second.get_data(as_text=True).count(
        "data-figure"
    )


def test_expired_entry_is_computed_again(app, data, login_as, cache_on, monkeypatch):
    client = login_as(Role.LEADERSHIP)
    client.get("/dashboard")
    now = cachelib.simple.time()
    monkeypatch.setattr(cachelib.simple, "time", lambda: now + 61)
    seen, stop = _statements(app)
    try:
        client.get("/dashboard")
        assert len(_aggregates(seen)) >= 5
    finally:
        stop()


def test_cache_is_keyed_by_what_the_user_sees(db, cache_on):
    clock.freeze(TODAY)
    unit = f.make_unit("Sở A")
    f.make_case(inspection=f.make_inspection(state="monitoring", target_unit=unit))
    boss = f.make_user("leadership")
    leader = f.make_user("unit_leader", unit=f.make_unit("Sở B"))
    db.session.commit()
    filters = queries.DashboardFilters(year=None)
    everything = queries.cached_dashboard(boss, filters, TODAY)
    own = queries.cached_dashboard(leader, filters, TODAY)
    assert everything.counts["all"] == 1 and own.counts["all"] == 0
    assert queries.cached_dashboard(boss, filters, TODAY) == everything


def test_cache_off_under_testing_by_default(db):
    clock.freeze(TODAY)
    boss = f.make_user("leadership")
    db.session.commit()
    filters = queries.DashboardFilters(year=None)
    first = queries.cached_dashboard(boss, filters, TODAY)
    f.make_case()
    db.session.commit()
    assert queries.cached_dashboard(boss, filters, TODAY).counts["all"] == first.counts["all"] + 1


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "SimpleCache"),
        ({"CACHE_REDIS_URL": "redis://127.0.0.1:6379/0"}, "RedisCache"),
        ({"CACHE_TYPE": "NullCache", "CACHE_REDIS_URL": "redis://x"}, "NullCache"),
    ],
)
def test_cache_type_from_the_environment(monkeypatch, env, expected):
    monkeypatch.delenv("CACHE_TYPE", raising=False)
    monkeypatch.delenv("CACHE_REDIS_URL", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert cache_type() == expected


def test_rendered_figures_kept_with_the_figures(app, db, data, login_as, cache_on):
    """The figures' part of the page is rendered once per scope, filters, day, language and
    data version: a repeated view (page or htmx fragment) does not render it again, a change
    to a case renders it anew with the new figures, and English has its own copy."""
    import flask

    rendered: list[str] = []

    def note(sender, template, context, **extra):
        rendered.append(template.name)

    def body_renders() -> int:
        return rendered.count("dashboard/_body.html")

    def total(page: str) -> int:
        figure = page.split('data-figure="all">', 1)[1].split("<", 1)[0]
        return int(figure.replace(".", "").replace(",", ""))

    flask.template_rendered.connect(note, app)
    try:
        client = login_as(Role.LEADERSHIP)
        first = client.get("/dashboard?year=2026").get_data(as_text=True)
        assert body_renders() == 1
        again = client.get("/dashboard?year=2026").get_data(as_text=True)
        fragment = client.get("/dashboard?year=2026", headers={"HX-Request": "true"})
        assert body_renders() == 1
        assert fragment.status_code == 200 and "<html" not in fragment.get_data(as_text=True)
        assert total(fragment.get_data(as_text=True)) == total(first) == total(again)

        f.make_case(inspection=f.make_inspection(state="monitoring"), due=TODAY)
        db.session.commit()
        renewed = client.get("/dashboard?year=2026").get_data(as_text=True)
        assert body_renders() == 2
        assert total(renewed) == total(first) + 1

        assert client.post("/language", data={"lang": "en"}).status_code == 303
        english = client.get("/dashboard?year=2026").get_data(as_text=True)
        assert body_renders() == 3
        assert "All cases" in english and "All cases" not in renewed
    finally:
        flask.template_rendered.disconnect(note, app)


def test_conclusion_steps_count_kept_across_case_changes(app, db, data, login_as, cache_on):
    """The overdue conclusion steps are counted over the inspections only: a change to a case
    (renewing the figures) does not count them again; a change to an inspection does."""

    def lifecycle_counts(seen: list[str]) -> int:
        return sum(1 for s in seen if "count(" in s.lower() and "FROM inspection" in s)

    client = login_as(Role.LEADERSHIP)
    client.get("/dashboard?year=2026")
    seen, stop = _statements(app)
    try:
        f.make_case(inspection=f.make_inspection(state="monitoring"), due=TODAY)
        db.session.commit()  # a new inspection and a case: both renewed
        client.get("/dashboard?year=2026")
        assert lifecycle_counts(seen) == 1
        seen.clear()
        from inspect_app.cases.models import Case

        case = db.session.execute(db.select(Case).order_by(Case.id.desc())).scalars().first()
        case.title = case.title + " (sửa)"
        case.due_date = TODAY.replace(day=1)
        db.session.commit()  # a case only: the figures renewed, the steps' count kept
        client.get("/dashboard?year=2026")
        assert len(_aggregates(seen)) >= 5 and lifecycle_counts(seen) == 0
    finally:
        stop()
