"""The dashboard's running totals (cases.totals): after a series of changes to cases,
payments and inspection fields they equal a fresh computation from the source tables, and the
figures read from them equal the figures counted over the cases."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete, select, text

from inspect_app.cases import totals as rollup
from inspect_app.cases.models import CaseState
from inspect_app.core.roles import Role
from inspect_app.dashboard import queries as q
from inspect_app.recovery.models import RecoveryPayment
from inspect_app.recovery.queries import recovery_figures
from inspect_app.reference.models import Holiday
from tests import factories as f
from tests.dashboard.support import TODAY, make_data_set, utc


def stored(db) -> dict[str, set]:
    """Each table's rows with a non-zero count, numbers as 2-decimal strings (ints, sums)."""
    out = {}
    for table in rollup.TABLES:
        rows = db.session.execute(select(table)).all()
        out[table.name] = {_norm(row) for row in rows if row[len(table.primary_key.columns)]}
    return out


def fresh(db) -> dict[str, set]:
    dialect = db.session.get_bind().dialect.name
    out = {}
    for name, sql in rollup.fresh_rows(dialect).items():
        out[name] = {_norm(row) for row in db.session.execute(text(sql)).all()}
    return out


def _norm(row) -> tuple:
    def value(v):
        if isinstance(v, int | float | Decimal):
            return str(Decimal(str(v)).quantize(Decimal("0.01")))
        return str(v)

    return tuple(value(v) for v in row)


def _payment(db, case, amount=None, area=None) -> RecoveryPayment:
    user = f.make_user(Role.INSPECTOR)
    payment = RecoveryPayment(
        case_id=case.id,
        paid_on=date(2026, 8, 1),
        amount_vnd=amount,
        area_m2=area,
        document_number="PT-1",
        recorded_by_id=user.id,
        recorded_at=datetime(2026, 8, 1, 3, tzinfo=UTC),
    )
    db.session.add(payment)
    db.session.flush()
    return payment


@pytest.fixture()
def changed(db):
    """The dashboard's data set, recovery cases with payments, then a series of changes."""
    data = make_data_set(db)
    field_1, field_2 = data["fields"]
    unit_a, unit_b, _unit_c = data["units"]
    cases = data["cases"]
    insp = f.make_inspection(state="monitoring", target_unit=unit_a)
    insp.fields = [field_1, field_2]
    money = f.make_case(insp, type="recovery", amount_vnd=Decimal(100_000_000))
    land = f.make_case(insp, type="recovery_land", area_m2=Decimal("1250.55"), due=TODAY)
    assets = f.make_case(insp, type="recovery_assets", amount_vnd=Decimal(7), state="withdrawn")
    first = _payment(db, money, amount=Decimal(30_000_000))
    _payment(db, land, area=Decimal("0.10"))
    _payment(db, land, area=Decimal("0.20"))
    db.session.flush()
    assert stored(db) == fresh(db)

    # Accepted late, accepted on time (local date), withdrawn, answered, reopened.
    cases["a1"].state, cases["a1"].closed_at = CaseState.ACCEPTED, utc(2026, 9, 7, 17, 30)
    cases["c2"].state, cases["c2"].closed_at = CaseState.ACCEPTED, utc(2026, 8, 27, 16, 59)
    cases["b1"].state, cases["b1"].withdrawn_reason = CaseState.WITHDRAWN, "Không còn căn cứ"
    cases["b1"].closed_at = utc(2026, 9, 1, 3)
    cases["a2"].state = CaseState.ANSWERED
    cases["b5"].state, cases["b5"].closed_at = CaseState.OPEN, None
    db.session.flush()
    # A new deadline (to a month's last day), another responsible unit, a moved inspection.
    cases["a5"].due_date = date(2026, 8, 31)
    cases["c3"].responsible_unit_id = unit_b.id
    land.due_date = TODAY - timedelta(days=40)
    money.responsible_unit_id = unit_b.id
    db.session.flush()
    # Payments changed and removed; an inspection's fields changed; a recovery withdrawn.
    first.amount_vnd = Decimal(45_000_000)
    db.session.flush()
    db.session.execute(delete(RecoveryPayment).where(RecoveryPayment.area_m2 == Decimal("0.10")))
    insp.fields = [field_2]
    db.session.flush()
    assets.state = CaseState.OPEN
    assets.withdrawn_reason = None
    land.amount_vnd, land.area_m2 = None, Decimal("99.99")
    db.session.flush()
    return data


def test_totals_equal_a_fresh_computation_after_changes(changed, db):
    now = stored(db)
    assert now == fresh(db)
    assert now[rollup.case_month.name] and now[rollup.recovery.name]


def test_rebuild_gives_the_same_rows(changed, db):
    before = stored(db)
    rollup.rebuild(db.session.connection())
    assert stored(db) == before


@pytest.mark.parametrize("year", [2026, 2025, 2027, None])
@pytest.mark.parametrize("today", [TODAY, date(2026, 9, 30), date(2027, 1, 6), date(2026, 10, 3)])
def test_figures_equal_the_counts_over_the_cases(changed, db, year, today):
    db.session.add(Holiday(day=date(2027, 1, 1), name="Tết Dương lịch"))
    a, b, c = changed["units"]
    leader = f.make_user(Role.LEADERSHIP)
    unit_leader = f.make_user(Role.UNIT_LEADER, unit=b)
    for user in (leader, unit_leader):
        filters = q.DashboardFilters(year=year)
        assert q.state_counts(user, filters, today) == q._scan_state_counts(user, filters, today)
        assert q.overdue_by_unit(user, filters, today) == q._scan_overdue_by_unit(
            user, filters, today
        )
        assert q.ageing(user, filters, today) == q._scan_ageing(user, filters, today)
        assert q.compliance(user, filters, today) == q._scan_compliance(user, filters, today)
        assert q.monthly_trend(user, filters, today) == q._scan_monthly_trend(user, filters, today)
    assert q.recovery(None) == recovery_figures(None)
    assert q.recovery({b.id}) == recovery_figures({b.id})
    assert q.recovery(set()) == recovery_figures(set())


def test_recovery_figures_from_the_totals(changed, db):
    figures = q.recovery(None)
    land = figures.province["m²"]
    # The land case: 99.99 m² recommended, the 0.20 payment left.
    assert (land.cases, land.recommended, land.recovered) == (1, Decimal("99.99"), Decimal("0.20"))
    vnd = figures.province["VND"]
    # The money case (45,000,000 paid) and the assets case, no longer withdrawn.
    assert (vnd.cases, vnd.recommended, vnd.recovered) == (2, Decimal(100_000_007), 45_000_000)


def _migration(name: str):
    import importlib.util
    from pathlib import Path

    path = Path(__file__).parents[2] / "migrations/versions" / name
    spec = importlib.util.spec_from_file_location(path.stem, path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    return migration


def test_the_migrations_create_the_triggers_of_the_module():
    """The migration that added the totals carries a copy of the trigger and backfill SQL, and
    the one that made PostgreSQL's triggers run per statement a copy of those: a change to
    `cases.totals` needs a new migration replacing them (then point this test at it)."""
    added = _migration("4c1d2e3f5a60_dashboard_running_totals.py")
    per_statement = _migration("b7f2c9d41e30_case_totals_per_statement_on_postgresql.py")
    assert rollup.trigger_ddl("sqlite") == added.SQLITE_TRIGGERS
    assert rollup.trigger_ddl("postgresql") == per_statement.PG_TRIGGERS
    assert per_statement._row_triggers() == added.PG_TRIGGERS
    for dialect, prefix in (("sqlite", "SQLITE"), ("postgresql", "PG")):
        assert getattr(added, f"{prefix}_DROP") == rollup.drop_ddl(dialect)
        assert getattr(added, f"{prefix}_FRESH") == rollup.fresh_rows(dialect)


def test_totals_follow_the_case_operations(db):
    """The same through the product's operations: a new deadline, a withdrawal, an acceptance,
    a rejection (back to open with a new deadline) and a recorded payment."""
    from inspect_app.cases import operations as case_ops
    from inspect_app.core import clock
    from inspect_app.recovery import operations as recovery_ops

    unit = f.make_unit("Sở Tư pháp")
    lead, member = f.make_user(Role.LEAD_INSPECTOR), f.make_user(Role.INSPECTOR)
    leadership = f.make_user(Role.LEADERSHIP)
    insp = f.make_inspection(state="monitoring", target_unit=unit, lead=lead, members=[member])
    insp.fields = [f.make_field("Tư pháp")]
    due = date(2026, 8, 31)
    moved, withdrawn = f.make_case(insp, due=due), f.make_case(insp, due=due)
    accepted, rejected = f.make_case(insp, due=due, state="answered"), f.make_case(insp, due=due)
    rejected.state = CaseState.ANSWERED
    money = f.make_case(insp, due=due, type="recovery", amount_vnd=Decimal(50_000_000))
    db.session.flush()
    with clock.frozen(TODAY):
        case_ops.change_deadline(
            lead, moved, date(2026, 12, 31), "Đơn vị xin gia hạn", moved.version, f.deciding_doc()
        )
        case_ops.withdraw(
            leadership, withdrawn, "Không còn căn cứ", withdrawn.version, f.deciding_doc()
        )
        case_ops.accept(lead, accepted, accepted.version)
        case_ops.reject(lead, rejected, "Chưa đủ hồ sơ chứng minh", rejected.version)
        recovery_ops.record_payment(
            member,
            money,
            {"paid_on": date(2026, 9, 1), "amount": "20.000.000", "document_number": "PT-9"},
        )
    db.session.flush()
    assert stored(db) == fresh(db)
    counts = q.state_counts(leadership, q.DashboardFilters(year=2026), TODAY)
    assert (counts["withdrawn"], counts["accepted"], counts["answered"]) == (1, 1, 0)
    assert q.recovery(None).province["VND"].recovered == Decimal(20_000_000)


def test_the_migrated_schema_has_every_trigger(empty_database_url):
    """After every migration (head), each trigger is there: a later SQLite batch migration that
    copies one of the source tables drops its triggers, and must create them again."""
    from flask_migrate import upgrade

    from inspect_app import create_app
    from inspect_app.config import TestingConfig
    from inspect_app.extensions import db as _db

    config = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    app = create_app({**config, "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade()
        with _db.engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                names = conn.execute(text("SELECT tgname FROM pg_trigger")).scalars()
            else:
                names = conn.execute(
                    text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
                ).scalars()
            found = set(names)
        _db.engine.dispose()
    expected = rollup.trigger_names()
    assert len(expected) == 9 and expected <= found
