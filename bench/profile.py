"""Profile one page in-process with pyinstrument (install it in the venv: bench extra).

    python -m bench.profile --data std --user bench.leadership "/cases?state=open&per_page=50"

Also prints the SQL statements of one request with their time, to tell query cost from Python.
"""

from __future__ import annotations

import argparse
import sys
import time

from bench import common
from bench.datagen import BENCH_PASSWORD


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--data", default="std")
    parser.add_argument("--user", default="bench.leadership")
    parser.add_argument("-n", type=int, default=20, help="requests profiled")
    parser.add_argument("--html", help="also write pyinstrument's HTML report here")
    parser.add_argument("--statements", type=int, default=8, help="slowest statements shown")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an app config value (an integer if it reads as one), e.g. DASHBOARD_CACHE_SECONDS=0",
    )
    args = parser.parse_args(argv)

    from pyinstrument import Profiler
    from sqlalchemy import event

    from inspect_app.extensions import db

    url = common.database_url(args.data, args.backend)
    overrides = {}
    for item in args.set:
        key, _, value = item.partition("=")
        overrides[key] = int(value) if value.lstrip("-").isdigit() else value
    app = common.in_process_app(url, **overrides)
    try:
        client = common.signed_in_client(app, args.user, BENCH_PASSWORD)
    except RuntimeError as e:
        print(e, file=sys.stderr)
        return 1
    first = client.get(args.path)
    print(f"{args.path}: {first.status_code}, {len(first.data):,} bytes")

    statements: list[tuple[float, str]] = []
    with app.app_context():
        engine = db.engine

    def before(conn, cursor, statement, params, context, executemany):
        conn.info["t0"] = time.perf_counter()

    def after(conn, cursor, statement, params, context, executemany):
        statements.append((time.perf_counter() - conn.info["t0"], statement))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    t0 = time.perf_counter()
    client.get(args.path)
    total = time.perf_counter() - t0
    event.remove(engine, "before_cursor_execute", before)
    event.remove(engine, "after_cursor_execute", after)
    sql = sum(s for s, _ in statements)
    print(
        f"one request: {total * 1000:.1f} ms, {len(statements)} SQL statements, "
        f"{sql * 1000:.1f} ms in SQL"
    )
    for seconds, statement in sorted(statements, reverse=True)[: args.statements]:
        print(f"  {seconds * 1000:7.1f} ms  {' '.join(statement.split())[:150]}")

    profiler = Profiler(interval=0.0005)
    profiler.start()
    t0 = time.perf_counter()
    for _ in range(args.n):
        client.get(args.path)
    elapsed = time.perf_counter() - t0
    profiler.stop()
    print(f"{args.n} requests: {elapsed / args.n * 1000:.1f} ms each")
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    if args.html:
        with open(args.html, "w") as f:
            f.write(profiler.output_html())
    return 0


if __name__ == "__main__":
    sys.exit(main())
