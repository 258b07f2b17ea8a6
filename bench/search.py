"""S6: the case list's search without diacritics, and the header search, over the data set.

    python -m bench.search [--backend postgresql] [--data std] [--runs 15]

In-process (Flask test client, one request at a time): the case list with 50 rows, the same
list with each search typed as users type it, and the header search (/search). Prints the median
and the slowest run of each in ms, and each search's hits; the target is the case list's own
budget less its rendering: a search page's median within 100 ms and within 2x the unfiltered
list's median (the list is measured under load by S1/S2).
"""

from __future__ import annotations

import argparse
import sys
import time
from urllib.parse import quote_plus

from bench import common
from bench.common import log
from bench.datagen import BENCH_PASSWORD

# As typed: a common phrase both ways, a unit, a reference, a conclusion number (1,000 cases),
# an action, a rare conclusion number (8 cases) and a phrase no case holds (the rare and the
# empty searches were the slow ones on SQLite: nothing stops its scan early).
SEARCHES = (
    "thu hoi",
    "THU HỒI",
    "dong son",
    "KN-1/1",
    "12/kl-ttr",
    "quy che chi tieu",
    "11222/kl-ttr",
    "khong co kien nghi nay",
)
TARGET_MS = 100.0


def measure(url: str, runs: int, user: str = "bench.leadership") -> dict:
    """{path: [ms per run]} and {path: hits}, for the list without and with each search."""
    from inspect_app.auth.models import User
    from inspect_app.cases.queries import CaseFilters, state_counters
    from inspect_app.core import clock
    from inspect_app.extensions import db

    app = common.in_process_app(url)
    client = common.signed_in_client(app, user, BENCH_PASSWORD)
    paths = ["/cases?per_page=50"]
    paths += [f"/cases?per_page=50&q={quote_plus(q)}" for q in SEARCHES]
    paths += [f"/search?q={quote_plus(q)}" for q in (*SEARCHES[:3], SEARCHES[-1])]
    times: dict[str, list[float]] = {}
    for path in paths:
        client.get(path)  # warm up
        times[path] = []
        for _ in range(runs):
            t0 = time.perf_counter()
            response = client.get(path)
            times[path].append((time.perf_counter() - t0) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{path}: {response.status_code}")
    hits = {}
    with app.app_context():
        who = db.session.query(User).filter_by(username=user).one()
        for q in SEARCHES:
            hits[q] = state_counters(who, CaseFilters(q=q), clock.today())["all"]
        db.engine.dispose()
    return {"times": times, "hits": hits}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--data", default="std")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--user", default="bench.leadership")
    args = parser.parse_args(argv)
    log(common.machine())
    url = common.database_url(args.data, args.backend)
    out = measure(url, args.runs, args.user)
    times = out["times"]
    base = common.median(times["/cases?per_page=50"])
    ok = True
    log(f"{'request':60} {'median ms':>10} {'max ms':>8} {'x list':>7}")
    for path, values in times.items():
        m = common.median(values)
        ratio = m / base if base else 0.0
        if "q=" in path:
            ok = ok and m <= TARGET_MS and (path.startswith("/search") or ratio <= 2.0)
        log(f"{path:60} {m:10.1f} {max(values):8.1f} {ratio:7.2f}")
    for q, n in out["hits"].items():
        log(f"  hits for {q!r}: {n:,}")
    log(f"S6 search: median <= {TARGET_MS:.0f} ms and <= 2x the list: {common.verdict(ok)}")
    common.write_json("search", {"backend": args.backend, **out, "met": ok})
    return 0


if __name__ == "__main__":
    sys.exit(main())
