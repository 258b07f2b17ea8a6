"""The dashboard's cache is shared and never stale: on Redis (as in production) and on a
SimpleCache alike, a committed change to the data the figures come from renews the cache
version (core.versions), a rolled-back one or a write elsewhere does not, and a change committed
by another worker (another app on the same Redis) is seen at once."""

from __future__ import annotations

import os
import uuid
from datetime import date

import pytest
from sqlalchemy import event, update

from inspect_app import create_app
from inspect_app.cases.models import Case
from inspect_app.config import TestingConfig
from inspect_app.core import clock, versions
from inspect_app.core.roles import Role
from inspect_app.dashboard import queries
from inspect_app.extensions import cache
from inspect_app.extensions import db as _db
from inspect_app.notifications import operations as notifications
from inspect_app.reference.models import Holiday
from tests import factories as f
from tests.dashboard.support import TODAY

# Redis always runs beside the suite (here and in CI); a database number and a key prefix of
# the test run's own keep it apart from anything else on that server.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_config() -> dict:
    return {
        "CACHE_TYPE": "RedisCache",
        "CACHE_REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": f"inspect-test-{uuid.uuid4().hex[:12]}:",
    }


@pytest.fixture(params=["RedisCache", "SimpleCache"])
def shared(request, app):
    """The app's cache as Redis (a key prefix of this test's own) or a SimpleCache."""
    config = _redis_config() if request.param == "RedisCache" else {"CACHE_TYPE": "SimpleCache"}
    cache.init_app(app, config=config)
    cache.clear()
    yield config
    cache.clear()
    cache.init_app(app, config={"CACHE_TYPE": app.config["CACHE_TYPE"]})


@pytest.fixture()
def aggregates(app):
    """aggregates() -> how many of the dashboard's aggregate queries ran since the last call."""
    seen: list[str] = []

    def before(conn, cursor, statement, *args):
        # Figures computed: the running totals (cases.totals) or a count over the cases.
        if "FROM dashboard_" in statement or (
            "FROM recommendation" in statement and "count(" in statement.lower()
        ):
            seen.append(statement)

    event.listen(_db.engine, "before_cursor_execute", before)

    def count() -> int:
        n = len(seen)
        seen.clear()
        return n

    yield count
    event.remove(_db.engine, "before_cursor_execute", before)


@pytest.fixture()
def world(db):
    clock.freeze(TODAY)
    unit = f.make_unit("Sở A")
    inspection = f.make_inspection(state="monitoring", target_unit=unit)
    case = f.make_case(inspection=inspection, due=date(2026, 9, 30))
    boss = f.make_user(Role.LEADERSHIP)
    db.session.commit()
    return {"inspection": inspection, "case": case, "boss": boss}


def _all(world) -> int:
    filters = queries.DashboardFilters(year=None)
    return queries.cached_dashboard(world["boss"], filters, TODAY).counts["all"]


def test_the_app_uses_redis_when_configured(app, shared):
    backend = cache.cache
    assert type(backend).__name__ == shared["CACHE_TYPE"]
    if shared["CACHE_TYPE"] == "RedisCache":
        cache.set("probe", "ok")
        assert backend._read_client.get(shared["CACHE_KEY_PREFIX"] + "probe") is not None


def test_a_committed_case_change_renews_the_figures(db, world, shared, aggregates):
    assert _all(world) == 1 and aggregates() > 0
    assert _all(world) == 1 and aggregates() == 0  # from the cache
    f.make_case(inspection=world["inspection"])
    assert _all(world) == 1  # not committed yet: the cache still serves what was committed
    db.session.commit()
    assert _all(world) == 2 and aggregates() > 0
    assert _all(world) == 2 and aggregates() == 0


def test_a_sql_update_of_cases_renews_the_figures(db, world, shared, aggregates):
    """Set-based operations (the escalation sweep) write with UPDATE statements, not flushes."""
    this_year = queries.DashboardFilters(year=2026)
    assert queries.cached_dashboard(world["boss"], this_year, TODAY).counts["all"] == 1
    aggregates()
    db.session.execute(update(Case).values(due_date=date(2025, 12, 31)))
    db.session.commit()
    assert queries.cached_dashboard(world["boss"], this_year, TODAY).counts["all"] == 0
    assert aggregates() > 0


def test_a_rollback_or_a_write_elsewhere_keeps_the_cache(db, world, shared, aggregates):
    _all(world)
    aggregates()
    before = versions.version(queries.DATA_SET)
    f.make_case(inspection=world["inspection"])
    db.session.rollback()
    notifications.notify(world["boss"], "x", "Không liên quan")
    db.session.commit()
    assert versions.version(queries.DATA_SET) == before
    assert _all(world) == 1 and aggregates() == 0


def test_a_change_of_a_case_s_stamp_only_keeps_the_figures(db, world, shared, aggregates):
    """A progress report touches its case (updated_at, and so its version) to make concurrent
    writes conflict: no figure changes, the cache stays; a change of data renews it."""
    from inspect_app.core import clock as clock_

    _all(world)
    aggregates()
    before = versions.version(queries.DATA_SET)
    case = db.session.get(Case, world["case"].id)
    case.updated_at = clock_.now()
    db.session.commit()
    assert versions.version(queries.DATA_SET) == before
    assert _all(world) == 1 and aggregates() == 0
    case.title = "Tiêu đề khác"
    db.session.commit()
    assert versions.version(queries.DATA_SET) != before


def test_a_savepoint_rolled_back_keeps_the_outer_change(db, world, shared, aggregates):
    _all(world)
    aggregates()
    f.make_case(inspection=world["inspection"])
    with db.session.begin_nested() as savepoint:
        db.session.add(Holiday(day=date(2026, 12, 24), name="Thử"))
        savepoint.rollback()
    db.session.commit()
    assert _all(world) == 2 and aggregates() > 0


def test_another_worker_s_commit_is_seen_at_once_through_redis(app, db, world, aggregates):
    """Two apps (two workers) on one Redis: a change the other one commits renews this one's
    cache immediately, not after the TTL."""
    config = _redis_config()
    cache.init_app(app, config=config)
    other = create_app(
        {**{k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}, **config}
    )
    try:
        _all(world)
        assert aggregates() > 0 and _all(world) == 1 and aggregates() == 0
        with other.app_context():
            _db.create_all()  # its own database when the suite runs on in-memory SQLite
            _db.session.add(Holiday(day=date(2026, 12, 31), name="Nghỉ bù"))
            _db.session.commit()
            _db.session.execute(Holiday.__table__.delete().where(Holiday.name == "Nghỉ bù"))
            _db.session.commit()
        _all(world)
        assert aggregates() > 0
    finally:
        cache.clear()
        cache.init_app(app, config={"CACHE_TYPE": app.config["CACHE_TYPE"]})
