"""Scenario 5: concurrent simulated users, mixed (list, detail, answer, dashboard), for 60 s
against `gunicorn -w 2` on loopback: errors and p95. By default 50 connections in a tight loop;
with `--think 2-5` each user waits 2-5 s before each request (people reading pages), and
`--users 200 400 600 800` steps up the load to find the knee (a fresh rotation each step);
users with think time go through nginx as in production (deploy/nginx-inspect.conf: it holds
their idle connections; a sync worker would otherwise wait on one until its user sends).

wrk keeps 50 connections busy, each request the next of a rotation built from real ids:
4 in 10 are case lists (leadership with filters, a unit leader's open cases), 3 case details
(each user a case they may see), 2 the leadership dashboard and 1 a unit leader's progress
report on an open case of their unit (a write: the answer row, the audit event, the
notification to the team lead). Any status >= 400 or socket error counts as an error.
"""

from __future__ import annotations

import argparse
import random
import sys
import urllib.parse
from contextlib import ExitStack

from bench import common
from bench.common import Req, log, verdict
from bench.datagen import BENCH_PASSWORD, LEADERSHIP_USER


def _ids(url: str, leaders: int, writes: int) -> tuple[list[int], dict[str, list]]:
    """(random case ids, {unit leader username: [(open case id, version), ...]}) for the
    leaders of the first `leaders` departments, `writes` open cases in all."""
    from sqlalchemy import create_engine, or_, select

    from inspect_app.auth.models import User
    from inspect_app.cases.models import Case, CaseState
    from inspect_app.units.models import Unit

    engine = create_engine(url)
    result: dict[str, list] = {}
    with engine.connect() as conn:
        roots = conn.execute(
            select(Unit.id, Unit.code)
            .where(Unit.kind == "department")
            .order_by(Unit.code)
            .limit(leaders)
        ).all()
        for root, _code in roots:
            username = conn.execute(
                select(User.username).where(User.unit_id == root, User.role == "unit_leader")
            ).scalar_one()
            units = select(Unit.id).where(or_(Unit.id == root, Unit.parent_id == root))
            result[username] = list(
                conn.execute(
                    select(Case.id, Case.version)
                    .where(Case.responsible_unit_id.in_(units), Case.state == CaseState.OPEN)
                    .order_by(Case.id)
                    .limit(max(1, writes // leaders))
                ).all()
            )
        top = conn.execute(select(Case.id).order_by(Case.id.desc()).limit(1)).scalar_one()
    engine.dispose()
    rnd = random.Random(5)
    return [rnd.randint(1, top) for _ in range(writes)], {k: v for k, v in result.items() if v}


def build(server: common.Server, url: str, leaders: int = 6, writes: int = 1200) -> list[Req]:
    """The rotation: each write is a progress report on a different open case (with its
    current version), so nothing is refused as stale while the pool lasts."""
    leader = common.sign_in(server, LEADERSHIP_USER, BENCH_PASSWORD)
    any_ids, pools = _ids(url, leaders, writes)
    if not pools:
        raise RuntimeError("no unit leader has an open case: generate more data")
    sessions = {name: common.sign_in(server, name, BENCH_PASSWORD) for name in pools}
    text = "Đơn vị đã triển khai khắc phục một phần, đang hoàn thiện hồ sơ."
    lc = {"Cookie": leader.cookie}
    work = [(name, cid, ver) for name, pool in pools.items() for cid, ver in pool]
    random.Random(7).shuffle(work)
    cycle = []
    for i, (name, cid, version) in enumerate(work):
        s = sessions[name]
        uc = {"Cookie": s.cookie}
        post = {"Cookie": s.cookie, "X-CSRFToken": s.csrf}
        body = urllib.parse.urlencode({"text": text, "version": str(version)})
        other = work[(i * 7 + 3) % len(work)]
        cycle += [
            Req("GET", "/cases?state=open&type=recovery&per_page=50", lc),
            Req("GET", f"/cases/{any_ids[i]}", lc),
            Req("GET", "/dashboard", lc),
            Req("GET", "/cases?state=open&per_page=50", uc),
            Req("GET", f"/cases/{cid}", uc),
            Req("GET", f"/cases?overdue=1&page={1 + i % 5}", lc),
            Req("POST", f"/cases/{cid}/progress", post, body),
            Req("GET", f"/cases/{other[1]}", {"Cookie": sessions[other[0]].cookie}),
            Req("GET", "/dashboard", lc),
            Req("GET", f"/cases?state=answered&per_page=50&page={1 + i % 3}", uc),
        ]
    return cycle


def check(server: common.Server, reqs: list[Req]) -> None:
    """Every kind of request answers as expected before the load starts."""
    seen = set()
    for r in reqs:
        if r.method != "GET":
            continue
        kind = (r.method, r.path.split("?")[0].rstrip("0123456789"))
        if kind in seen:
            continue
        seen.add(kind)
        status, _, text = common.request(server, r.method, r.path, None, r.headers)
        if status != 200:
            raise RuntimeError(f"{r.method} {r.path}: {status} {text[:300]}")


TIGHT_P95_MS = 250  # 50 connections in a tight loop
THINK_P95_MS = 150  # users with think time (600 of them)


def _think(value: str) -> tuple[int, int]:
    """ "2-5" (seconds) -> (2000, 5000) ms."""
    low, _, high = value.partition("-")
    return round(float(low) * 1000), round(float(high or low) * 1000)


def run_step(server, url: str, users: int, seconds: float, writes: int, think_ms) -> dict:
    """One load step: a fresh rotation (the cases' current versions), wrk, the figures."""
    reqs = build(server, url, writes=writes)
    check(server, reqs)
    result = common.wrk(
        server, reqs, seconds, users, threads=2, stride=len(reqs) // 2, think_ms=think_ms
    )
    log(
        f"  {users} users, {seconds:.0f} s: {result.requests:,} requests "
        f"({result.rps:.1f} req/s), errors {result.errors}, p50 {result.p50_ms:.1f} ms, "
        f"p95 {result.p95_ms:.1f} ms, p99 {result.p99_ms:.1f} ms, max {result.max_ms:.1f} ms"
    )
    return {"users": users, **vars(result), "rps": result.rps}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Scenario 5: mixed load")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--data", default="std")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--users", type=int, nargs="+", default=[50], help="concurrent connections (steps)"
    )
    parser.add_argument(
        "--think",
        type=_think,
        help="seconds each user waits before each request, e.g. 2-5 (default: none, a tight loop)",
    )
    parser.add_argument("--writes", type=int, default=1200, help="open cases to report on")
    args = parser.parse_args(argv)
    url = common.database_url(args.data, args.backend)
    mode = f"think {args.think[0]}-{args.think[1]} ms" if args.think else "tight loop"
    log(f"== mixed load on {args.backend} ({args.data}), {mode}; {common.machine()}")
    target = THINK_P95_MS if args.think else TIGHT_P95_MS
    steps = []
    with ExitStack() as stack:
        server = stack.enter_context(common.gunicorn("app", "wsgi:app", url))
        if args.think:  # as in production: nginx holds the idle users' connections
            server = stack.enter_context(common.nginx(server))
        for users in args.users:
            steps.append(run_step(server, url, users, args.seconds, args.writes, args.think))
    errors = common.server_errors("app")
    if errors:
        log(f"  server logged {len(errors)} error lines, e.g.:")
        for line in sorted(set(errors))[:5]:
            log(f"    {line[:200]}")
    ok = True
    for step in steps:
        log(
            f"S5 {step['users']} users ({mode}): errors {step['errors']} (target 0): "
            f"{verdict(step['errors'] == 0)}; p95 {step['p95_ms']:.1f} ms "
            f"(target <= {target} ms): {verdict(step['p95_ms'] <= target)}"
        )
        ok &= step["errors"] == 0
    knee = next((s["users"] for s in steps if s["p95_ms"] > target), None)
    if len(steps) > 1:
        log(
            f"S5 knee: p95 first above {target} ms at {knee} users"
            if knee
            else f"S5 knee: not reached up to {steps[-1]['users']} users"
        )
    common.write_json(
        f"mixed_{args.backend}_{args.data}" + ("_think" if args.think else ""),
        {"mode": mode, "steps": steps, "knee": knee, "machine": common.machine()},
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
