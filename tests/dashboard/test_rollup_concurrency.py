"""Concurrent case changes keep the running totals exact and never deadlock: an update's two
contributions (old taken away, new added) are written in key order, so two transactions moving
cases between the same totals in opposite directions wait for each other instead of each
holding what the other needs (PostgreSQL aborted one with "deadlock detected", or hung, when
each contribution was written separately)."""

from __future__ import annotations

import random
import threading
import time
from datetime import date

from sqlalchemy import create_engine, text

from inspect_app import create_app
from inspect_app.config import TestingConfig
from inspect_app.extensions import db as _db
from tests import factories as f

FLIP = (
    "UPDATE recommendation SET state = CASE WHEN state = 'open' THEN 'answered' ELSE 'open' END"
    " WHERE id = :id"
)


def test_opposite_moves_in_parallel_keep_the_totals_and_never_deadlock(empty_database_url):
    config = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    app = create_app({**config, "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        _db.create_all()  # with the triggers
        unit = f.make_unit("Sở Tư pháp")
        inspection = f.make_inspection(state="monitoring", target_unit=unit)
        ids = [
            f.make_case(
                inspection=inspection,
                due=date(2026, 11, 20),
                responsible_unit=unit,
                state="open" if i % 2 else "answered",
            ).id
            for i in range(24)
        ]
        _db.session.commit()
        unit_id = unit.id
        _db.session.remove()
        _db.engine.dispose()
    engine = create_engine(empty_database_url, pool_size=8, connect_args={})
    errors: list[str] = []

    def work(seed: int) -> None:
        rnd = random.Random(seed)
        for _ in range(40):
            try:
                with engine.begin() as conn:
                    conn.execute(text(FLIP), {"id": rnd.choice(ids)})
                    time.sleep(0.001)  # a request holds its locks until it commits
            except Exception as e:  # noqa: BLE001 - every failure is the test's finding
                errors.append(f"{type(e).__name__}: {str(e).splitlines()[0]}")

    threads = [threading.Thread(target=work, args=(seed,)) for seed in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a transaction is still waiting"
    assert errors == []
    with engine.connect() as conn:
        stored = dict(
            conn.execute(
                text("SELECT state, SUM(n) FROM dashboard_case_month GROUP BY state")
            ).all()
        )
        counted = dict(
            conn.execute(text("SELECT state, COUNT(*) FROM recommendation GROUP BY state")).all()
        )
        open_days = conn.execute(
            text("SELECT SUM(n) FROM dashboard_open_day WHERE unit_id = :u"), {"u": unit_id}
        ).scalar_one()
    engine.dispose()
    assert {k: v for k, v in stored.items() if v} == counted
    assert open_days == counted.get("open", 0)
