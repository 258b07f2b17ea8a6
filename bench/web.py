"""Scenarios 1 and 2: the case list under wrk, side by side with a hello-world view and with
Flask-Admin's list view over the same tables, every server `gunicorn -w 2` on loopback.

The servers all run for the whole measurement but only one is loaded at a time; the targets
take turns for several rounds, so a burst of noise on the (shared) machine hits every target,
and the ratios of the medians are what counts.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import ExitStack
from dataclasses import dataclass

from bench import common
from bench.common import Req, WrkResult, fmt_runs, log, median, verdict
from bench.datagen import BENCH_PASSWORD, LEADERSHIP_USER, UNIT_LEADER_USER

# Filters + 50 rows. Leadership: open recoveries (the People's Committee's usual question);
# a unit leader: their open cases.
LIST_LEADERSHIP = "/cases?state=open&type=recovery&per_page=50"
LIST_UNIT = "/cases?state=open&per_page=50"
# The yardstick (bench.lean_app): the same SQL as each list, a plain template of its markup.
LEAN_PAGES = f"leadership={LEADERSHIP_USER}:{LIST_LEADERSHIP};unit={UNIT_LEADER_USER}:{LIST_UNIT}"
ADMIN_LEADERSHIP = "/admin/cases/?flt0_0=OPEN&flt1_5=RECOVERY"
ADMIN_UNIT = "/admin/cases/?flt0_0=OPEN&flt1_22={units}"


@dataclass
class Target:
    key: str
    label: str
    server: str
    reqs: list[Req]


def _unit_leader_units(url: str) -> str:
    """The ids a unit leader of D01 sees (the unit and its children), for Flask-Admin's filter."""
    from sqlalchemy import create_engine, or_, select

    import inspect_app.auth.models  # noqa: F401 - Unit's relations name User: map it first
    from inspect_app.units.models import Unit

    engine = create_engine(url)
    with engine.connect() as conn:
        root = conn.execute(select(Unit.id).where(Unit.code == "D01")).scalar_one()
        ids = conn.execute(
            select(Unit.id).where(or_(Unit.id == root, Unit.parent_id == root))
        ).scalars()
        result = ",".join(str(i) for i in ids)
    engine.dispose()
    return result


def measure(
    url: str,
    with_admin: bool,
    seconds: float,
    rounds: int,
    connections: int,
    warmup: float = 2.0,
) -> dict:
    """Run every target `rounds` times in turn; returns medians and ratios."""
    with ExitStack() as stack:
        servers = {
            "hello": stack.enter_context(common.gunicorn("hello", "bench.hello:app", None)),
            "app": stack.enter_context(common.gunicorn("app", "wsgi:app", url)),
            "lean": stack.enter_context(
                common.gunicorn("lean", "bench.lean_app:app", url, env={"LEAN_PAGES": LEAN_PAGES})
            ),
        }
        if with_admin:
            servers["admin"] = stack.enter_context(
                common.gunicorn("admin", "bench.admin_app:app", url)
            )
        leader = common.sign_in(servers["app"], LEADERSHIP_USER, BENCH_PASSWORD)
        unit = common.sign_in(servers["app"], UNIT_LEADER_USER, BENCH_PASSWORD)
        targets = [
            Target("hello", "hello-world Flask view", "hello", [Req("GET", "/")]),
            Target(
                "list_leadership",
                "case list, leadership",
                "app",
                [Req("GET", LIST_LEADERSHIP, {"Cookie": leader.cookie})],
            ),
            Target(
                "list_unit",
                "case list, unit leader",
                "app",
                [Req("GET", LIST_UNIT, {"Cookie": unit.cookie})],
            ),
            Target(
                "lean_leadership", "lean case list, leadership", "lean", [Req("GET", "/leadership")]
            ),
            Target("lean_unit", "lean case list, unit leader", "lean", [Req("GET", "/unit")]),
        ]
        if with_admin:
            units = _unit_leader_units(url)
            targets += [
                Target(
                    "admin_leadership",
                    "Flask-Admin list, same filters",
                    "admin",
                    [Req("GET", ADMIN_LEADERSHIP)],
                ),
                Target(
                    "admin_unit",
                    "Flask-Admin list, unit's cases",
                    "admin",
                    [Req("GET", ADMIN_UNIT.format(units=units))],
                ),
            ]
        for t in targets:
            _check(servers[t.server], t)
            common.wrk(servers[t.server], t.reqs, warmup, connections)
        runs: dict[str, list[WrkResult]] = {t.key: [] for t in targets}
        for r in range(rounds):
            for t in targets:
                result = common.wrk(servers[t.server], t.reqs, seconds, connections)
                runs[t.key].append(result)
                log(
                    f"  round {r + 1}/{rounds} {t.label:<32} {result.rps:8.1f} req/s  "
                    f"p50 {result.p50_ms:6.1f} ms  p95 {result.p95_ms:6.1f} ms  "
                    f"errors {result.errors}"
                )
    return _summarise(targets, runs, with_admin)


def _check(server: common.Server, t: Target) -> None:
    """The page answers 200 with rows before it is measured (a fast 302 would flatter it)."""
    r = t.reqs[0]
    status, _, body = common.request(server, r.method, r.path, headers=r.headers)
    if status != 200:
        raise RuntimeError(f"{t.label}: {r.path} answered {status}")
    if t.key.startswith(("list", "admin", "lean")) and body.count("<tr") < 2:
        raise RuntimeError(f"{t.label}: {r.path} shows no rows")


def _summarise(targets: list[Target], runs: dict[str, list[WrkResult]], with_admin: bool):
    rps = {k: [x.rps for x in v] for k, v in runs.items()}
    out: dict = {"targets": {}}
    for t in targets:
        rs = runs[t.key]
        out["targets"][t.key] = {
            "label": t.label,
            "rps_runs": rps[t.key],
            "rps": median(rps[t.key]),
            "p50_ms": median([x.p50_ms for x in rs]),
            "p95_ms": median([x.p95_ms for x in rs]),
            "errors": sum(x.errors for x in rs),
        }
    hello = out["targets"]["hello"]["rps"]
    for key in ("list_leadership", "list_unit"):
        row = out["targets"][key]
        row["share_of_hello"] = row["rps"] / hello if hello else 0.0
        lean = out["targets"][key.replace("list", "lean")]["rps"]
        row["ratio_to_lean"] = row["rps"] / lean if lean else 0.0
        if with_admin:
            admin_key = key.replace("list", "admin")
            admin = out["targets"][admin_key]["rps"]
            row["ratio_to_admin"] = row["rps"] / admin if admin else 0.0
    return out


def report(out: dict, with_admin: bool) -> bool:
    """Print the table and the verdicts; True when every target is met and nothing failed."""
    ok = True
    log("")
    log(f"{'target':<34} {'req/s (median)':>15} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}")
    for row in out["targets"].values():
        log(
            f"{row['label']:<34} {row['rps']:>15,.1f} {row['p50_ms']:>8.1f} "
            f"{row['p95_ms']:>8.1f} {row['errors']:>7}"
        )
        ok &= row["errors"] == 0
    log("")
    for key in ("list_leadership", "list_unit"):
        row = out["targets"][key]
        share = row["share_of_hello"]
        log(
            f"S1 {row['label']}: {share:.1%} of hello-world throughput "
            f"(target >= 25%): {verdict(share >= 0.25)}; {fmt_runs(row['rps_runs'], ' req/s')}"
        )
        lean = row["ratio_to_lean"]
        log(
            f"   {row['label']}: {lean:.2f}x the lean implementation's throughput, i.e. "
            f"{1 / lean if lean else 0:.2f}x its server time per request (target <= 1.25x): "
            f"{verdict(lean > 0 and 1 / lean <= 1.25)}"
        )
        if with_admin:
            ratio = row["ratio_to_admin"]
            log(
                f"S2 {row['label']}: {ratio:.2f}x Flask-Admin's list (target >= 2x): "
                f"{verdict(ratio >= 2)}"
            )
    return ok


def main(argv: list[str] | None = None, with_admin_default: bool = True) -> int:
    parser = argparse.ArgumentParser(description="Scenarios 1 and 2: the case list under load")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--data", default="std", help="data set name (bench/data/<name>.db)")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--no-admin", action="store_true", help="skip Flask-Admin (scenario 2)")
    args = parser.parse_args(argv)
    url = common.database_url(args.data, args.backend)
    with_admin = with_admin_default and not args.no_admin
    log(f"== case list on {args.backend} ({args.data}); {common.machine()}")
    out = measure(url, with_admin, args.seconds, args.rounds, args.connections)
    out.update(backend=args.backend, data=args.data, machine=common.machine())
    common.write_json(f"web_{args.backend}_{args.data}", out)
    return 0 if report(out, with_admin) else 1


if __name__ == "__main__":
    sys.exit(main())
