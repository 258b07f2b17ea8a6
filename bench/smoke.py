"""Every scenario on tiny data, in about a minute, so the benchmarks cannot rot:

    python -m bench.smoke                  # SQLite, in a temporary folder
    python -m bench.smoke --backend postgresql

Exits non-zero on any error (a failed request, a server that does not start, a broken audit
chain, a report missing cases). Targets are printed but not enforced: tiny data on a CI
machine says nothing about them.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import traceback
from pathlib import Path

from bench import common
from bench.common import log


def _datagen(backend: str) -> None:
    from bench.datagen import Sizes, generate
    from inspect_app import create_app
    from inspect_app.core.audit import verify_chain

    url = common.database_url("smoke", backend)
    summary = generate(url, Sizes(cases=1000, findings=3000, audit=10_000))
    log(f"  {summary.line()}")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        report = verify_chain()
    if not report.ok or report.checked < 10_000:
        raise RuntimeError(f"generated audit chain does not verify: {report}")
    log(f"  audit chain verified: {report.checked:,} events")


def _web(backend: str, admin: bool) -> None:
    from bench import web

    url = common.database_url("smoke", backend)
    out = web.measure(url, admin, seconds=1, rounds=1, connections=4, warmup=0.5)
    if not web.report(out, admin):
        raise RuntimeError("requests failed under load")


def _sweep(backend: str) -> None:
    from bench import sweep

    sweep.main(["--backend", backend, "--sizes", "300", "--max-seconds", "10", "--regenerate"])


def _report(backend: str) -> None:
    from bench import report

    if report.main(["--backend", backend, "--cases", "30", "--runs", "1"]) != 0:
        raise RuntimeError("report scenario failed")


def _mixed(backend: str) -> None:
    from bench import mixed

    # One second, and as many writes as the small data set has open cases: the rotation must
    # not come round to a progress report already sent (its version would be stale: 409).
    args = ["--backend", backend, "--data", "smoke", "--seconds", "1", "--users", "8"]
    if mixed.main(args + ["--writes", "600"]) != 0:
        raise RuntimeError("errors under the mixed load")
    # Users with think time, two steps (each its own rotation with the current versions).
    think = ["--backend", backend, "--data", "smoke", "--seconds", "1", "--users", "4", "8"]
    if mixed.main(think + ["--writes", "600", "--think", "0.05-0.2"]) != 0:
        raise RuntimeError("errors under the mixed load with think time")


def _search(backend: str) -> None:
    from bench import search

    if search.main(["--backend", backend, "--data", "smoke", "--runs", "1"]) != 0:
        raise RuntimeError("search scenario failed")


def _pages(backend: str) -> None:
    from bench import pages

    if pages.main(["--backend", backend, "--data", "smoke", "--runs", "1"]) != 0:
        raise RuntimeError("pages scenario failed")


def _intake(backend: str) -> None:
    from bench import intake

    if intake.main(["--backend", backend, "--data", "smoke", "--rows", "200"]) != 0:
        raise RuntimeError("tracker import or periodic report failed")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Smoke run of every benchmark scenario")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--no-admin", action="store_true", help="without Flask-Admin")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    failures = []
    with tempfile.TemporaryDirectory(prefix="bench-smoke-") as tmp:
        common.DATA = Path(tmp)
        steps = [
            ("data generator", lambda: _datagen(args.backend)),
            ("S1/S2 case list", lambda: _web(args.backend, not args.no_admin)),
            ("S3 escalation sweep", lambda: _sweep(args.backend)),
            ("S4 report PDF/XLSX", lambda: _report(args.backend)),
            ("S5 mixed load", lambda: _mixed(args.backend)),
            ("S6 search", lambda: _search(args.backend)),
            ("S7 pages", lambda: _pages(args.backend)),
            ("S8 tracker import, periodic report", lambda: _intake(args.backend)),
        ]
        for name, step in steps:
            log(f"== smoke: {name}")
            t0 = time.perf_counter()
            try:
                step()
            except Exception:  # noqa: BLE001 - report every scenario, then fail
                traceback.print_exc()
                failures.append(name)
            log(f"   ({time.perf_counter() - t0:.1f} s)")
    elapsed = time.perf_counter() - started
    passed = len(steps) - len(failures)
    log(f"bench smoke: {passed} passed, {len(failures)} failed in {elapsed:.0f} s")
    if failures:
        log("failed: " + ", ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
