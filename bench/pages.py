"""S7: server time of each main page, in-process, one request at a time.

    python -m bench.pages [--backend postgresql] [--data std] [--runs 50]

The pages the performance issue names (hello world through our middleware, the case list as
leadership and as a unit leader, a case, the unit leader's home, the inspections list, the API
case list, the dashboard with and without its cache), each requested through the Flask test
client after a warm-up: median wall time (the server's time: Python, and the database in the
same process for SQLite, over loopback for PostgreSQL), median CPU time of this process, and
the median time spent in SQL statements. Target: every page at most 10 ms (the dashboard without
its cache 30 ms). Each case list is followed by its yardstick, `bench.lean_app` (the same SQL, a
plain template of the same markup, no layout): our CPU at most 1.25x its. Run it on a quiet
machine (it prints the load average): on a loaded one, compare pages with each other only.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from bench import common
from bench.common import log
from bench.datagen import BENCH_PASSWORD

TARGET_MS = 10.0
# The one exception: the dashboard without its cache (the cache must not hide a slow
# query) at most 30 ms.
TARGETS = {"dashboard, not cached": 30.0}
LEAN_RATIO = 1.25  # the case list's CPU against bench.lean_app's


def _pages(app) -> list[tuple[str, str, dict]]:
    """(label, user, path, app config overrides) of each page measured."""
    from sqlalchemy import select

    from inspect_app.auth.models import User
    from inspect_app.cases.models import Case
    from inspect_app.core.roles import Role
    from inspect_app.extensions import db

    with app.app_context():
        # A unit leader whose unit is responsible for cases, and one of those cases.
        case_id, leader = db.session.execute(
            select(Case.id, User)
            .join(User, User.unit_id == Case.responsible_unit_id)
            .where(User.role == Role.UNIT_LEADER)
            .order_by(Case.id)
            .limit(1)
        ).one()
        leader_name = leader.username
    boss = "bench.leadership"
    return [
        ("healthz with a session cookie", boss, "/healthz", {}),
        ("case list, leadership", boss, "/cases?state=open&per_page=50", {}),
        ("case list, unit leader", leader_name, "/cases?state=open&per_page=50", {}),
        ("case detail", boss, f"/cases/{case_id}", {}),
        ("case detail, unit leader", leader_name, f"/cases/{case_id}", {}),
        ("unit leader's home", leader_name, "/", {}),
        ("inspections list", boss, "/inspections/", {}),
        ("API case list, 50", boss, "/api/v1/cases?per_page=50", {}),
        ("dashboard, cached", boss, "/dashboard", {"DASHBOARD_CACHE_SECONDS": 60}),
        ("dashboard, not cached", boss, "/dashboard", {"DASHBOARD_CACHE_SECONDS": 0}),
    ]


def _time(client, engine, path: str, runs: int) -> dict:
    """Median wall, CPU and SQL ms of `runs` requests of `path` after a warm-up."""
    from sqlalchemy import event

    spent: list[float] = []

    def before(conn, cursor, statement, params, context, executemany):
        conn.info["t0"] = time.perf_counter()

    def after(conn, cursor, statement, params, context, executemany):
        spent.append(time.perf_counter() - conn.info["t0"])

    for _ in range(3):  # warm up: templates compiled, caches filled
        first = client.get(path)
    if first.status_code != 200:
        raise RuntimeError(f"{path}: {first.status_code}")
    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    wall, cpu, sql, statements = [], [], [], []
    for _ in range(runs):
        spent.clear()
        t0, c0 = time.perf_counter(), time.process_time()
        client.get(path)
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        sql.append(sum(spent) * 1000)
        statements.append(len(spent))
    event.remove(engine, "before_cursor_execute", before)
    event.remove(engine, "after_cursor_execute", after)
    engine.dispose()
    return {
        "path": path,
        "bytes": len(first.data),
        "wall_ms": statistics.median(wall),
        "cpu_ms": statistics.median(cpu),
        "sql_ms": statistics.median(sql),
        "statements": max(statements),
    }


def measure(url: str, runs: int, only: str | None = None) -> list[dict]:
    from inspect_app.extensions import db

    probe = common.in_process_app(url)
    pages = _pages(probe)
    with probe.app_context():
        db.engine.dispose()
    results = []
    for label, user, path, overrides in pages:
        if only and only not in label:
            continue
        app = common.in_process_app(url, CACHE_TYPE="SimpleCache", **overrides)
        client = common.signed_in_client(app, user, BENCH_PASSWORD)
        with app.app_context():
            engine = db.engine
        results.append({"page": label, **_time(client, engine, path, runs)})
        if label.startswith("case list"):
            results.append(_lean(url, label, user, path, runs))
    return results


def _lean(url: str, label: str, user: str, path: str, runs: int) -> dict:
    """The yardstick of a case list: bench.lean_app, the same SQL and markup without our
    layout and machinery, measured the same way."""
    from bench.lean_app import create_lean_app

    lean = create_lean_app(url, {"page": (user, path)})
    row = _time(lean.test_client(), lean.config["LEAN_ENGINE"], "/page", runs)
    return {"page": f"lean {label}", **row, "yardstick_of": label}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--data", default="std")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--only", help="measure only the pages whose label contains this")
    args = parser.parse_args(argv)
    log(common.machine())
    url = common.database_url(args.data, args.backend)
    results = measure(url, args.runs, args.only)
    log(f"S7 pages, {args.backend}, data {args.data}, median of {args.runs} requests each")
    log(f"{'page':32} {'wall ms':>8} {'cpu ms':>7} {'sql ms':>7} {'stmts':>5} {'KB':>6}  target")
    met = True
    for r in results:
        ok = r["wall_ms"] <= TARGETS.get(r["page"], TARGET_MS)
        met &= ok
        log(
            f"{r['page']:32} {r['wall_ms']:8.1f} {r['cpu_ms']:7.1f} {r['sql_ms']:7.1f} "
            f"{r['statements']:5d} {r['bytes'] / 1024:6.0f}  {'MET' if ok else 'MISSED'}"
        )
    by_label = {r["page"]: r for r in results}
    for r in results:
        if "yardstick_of" in r:
            ours = by_label[r["yardstick_of"]]
            ratio = ours["cpu_ms"] / r["cpu_ms"]
            ok = ratio <= LEAN_RATIO
            met &= ok
            log(
                f"{r['yardstick_of']}: {ratio:.2f}x the lean implementation's CPU "
                f"(target <= {LEAN_RATIO}x): {'MET' if ok else 'MISSED'}"
            )
    common.write_json("pages", {"backend": args.backend, "data": args.data, "pages": results})
    log(
        f"every page <= {TARGET_MS:.0f} ms (the dashboard without its cache <= 30 ms), "
        f"the case list <= {LEAN_RATIO}x the lean implementation: {'MET' if met else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
