"""Scenario 3: the escalation sweep over N open cases (10% overdue) against the bare SQL UPDATE
that marks the same rows, each on a fresh copy of the same data, each in its own process (time
and peak RSS), at several sizes.

    python -m bench.sweep --sizes 100000 1000000 --max-seconds 300

A sweep still running after --max-seconds is stopped; its rate so far (cases per second, from
a progress line printed every 10 commits, each a batch of 5,000 cases) gives the projected total, marked as projected.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench import common
from bench.common import log, verdict


def data_name(n: int) -> str:
    return f"sweep_{n}"


def ensure_data(n: int, backend: str, regenerate: bool = False) -> str:
    """The pristine sweep data set of `n` cases (generated once, kept under bench/data)."""
    from bench.datagen import Sizes, generate

    url = common.database_url(data_name(n), backend)
    marker = common.DATA / f"{data_name(n)}.{backend}.ok"
    if regenerate or not marker.exists():
        log(f"  generating {n:,} open cases (10% overdue) on {backend} ...")
        summary = generate(url, Sizes(cases=n, findings=0, audit=0, all_open=True, overdue=0.1))
        log(f"  {summary.line()}")
        marker.parent.mkdir(parents=True, exist_ok=True)  # (PostgreSQL's data has no file there)
        marker.write_text(summary.line())
    return url


def fresh_copy(url: str, n: int, backend: str, suffix: str = "run") -> str:
    """A throwaway copy of the pristine data set (file copy, or CREATE DATABASE ... TEMPLATE)."""
    if backend == "sqlite":
        src = Path(url.removeprefix("sqlite:///"))
        dst = src.with_name(f"{src.stem}_{suffix}.db")
        shutil.copyfile(src, dst)
        return f"sqlite:///{dst}"
    base = url.rsplit("/", 1)[0]
    copy = f"{base}/bench_{data_name(n)}_{suffix}"
    drop_copy(copy)
    _server_sql(base, f'CREATE DATABASE "{copy.rsplit("/", 1)[1]}" TEMPLATE "bench_{data_name(n)}"')
    return copy


def drop_copy(url: str) -> None:
    """Remove a throwaway copy (the anchor's is as large as the data set and its rows)."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        return
    base, name = url.rsplit("/", 1)
    _server_sql(base, f'DROP DATABASE IF EXISTS "{name}"')


def _server_sql(base: str, statement: str) -> None:
    """One statement outside a transaction on the PostgreSQL server at `base`."""
    from sqlalchemy import create_engine

    engine = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(statement)
    engine.dispose()


# --- the child process -----------------------------------------------------------------------


ANCHOR_CHUNK = 5000  # rows a commit, as the sweep commits a batch of 5,000 cases


def _stage_rows(url: str, swept_url: str) -> tuple[list, dict]:
    """Untimed set-up of the anchor: every row the sweep added to `swept_url` (ids above the
    pristine copy's largest), and the cases it changed, copied into staging tables of `url`.
    Returns [(table, stage)] in the schema's dependency order and the row counts."""
    from sqlalchemy import Column, MetaData, Table, create_engine, func, insert, select

    import inspect_app.models  # noqa: F401 - the whole schema
    from inspect_app.extensions import db

    src, dst = create_engine(swept_url), create_engine(url)
    staging = MetaData()
    staged, counts = [], {}
    with src.connect() as read, dst.begin() as write:
        for table in db.metadata.sorted_tables:
            if "id" not in table.c:
                continue
            top = write.execute(select(func.max(table.c.id))).scalar() or 0
            if table.name == "recommendation":  # changed rows: the case updates of the steps
                where = table.c.escalated_on.is_not(None)
            else:
                where = table.c.id > top
            columns = [Column(c.name, c.type) for c in table.c]
            stage = Table(f"stage_{table.name}", staging, *columns)
            stage.create(write)
            total = 0
            result = read.execution_options(yield_per=ANCHOR_CHUNK).execute(
                select(table).where(where).order_by(table.c.id)
            )
            for rows in result.partitions():
                write.execute(insert(stage), [dict(r._mapping) for r in rows])
                total += len(rows)
            if total:
                staged.append((table, stage))
                counts[table.name] = total
    src.dispose()
    dst.dispose()
    return staged, counts


def anchor(url: str, swept_url: str) -> None:
    """The plain-SQL anchor: the same rows the sweep wrote, written set-based (INSERT ...
    SELECT, UPDATE ... FROM) from staging tables, 5,000 rows a commit, table by table."""
    from sqlalchemy import create_engine, insert, select, update

    staged, counts = _stage_rows(url, swept_url)
    emit({"event": "start", "todo": counts, "overdue": counts.get("recommendation", 0),
          "rss_mb": rss_mb()})  # fmt: skip
    engine = create_engine(url)
    t0 = time.perf_counter()
    with engine.connect() as conn:
        for table, stage in staged:
            ids = conn.execute(select(stage.c.id).order_by(stage.c.id)).scalars().all()
            for at in range(0, len(ids), ANCHOR_CHUNK):
                lo, hi = ids[at], ids[min(at + ANCHOR_CHUNK, len(ids)) - 1]
                chunk = stage.c.id.between(lo, hi)
                if table.name == "recommendation":
                    values = {
                        c: stage.c[c]
                        for c in ("escalation_level", "escalated_on", "version", "updated_at")
                    }
                    stmt = update(table).values(values).where(table.c.id == stage.c.id, chunk)
                else:
                    names = [c.name for c in table.c]
                    stmt = insert(table).from_select(names, select(stage).where(chunk))
                conn.execute(stmt)
                conn.commit()
    seconds = time.perf_counter() - t0
    engine.dispose()
    # Every staged row is written once: the counts are the rows written.
    emit({"event": "done", "seconds": seconds, "done": counts, "rss_mb": rss_mb()})


def child(url: str, mode: str) -> None:
    """Run one mode and print JSON lines: `progress` while running, then `done`."""
    from sqlalchemy import case, event, func, select, update
    from sqlalchemy.orm import Session

    from inspect_app import create_app
    from inspect_app.cases.models import Case, CaseState
    from inspect_app.core import clock
    from inspect_app.escalation import operations as esc
    from inspect_app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        as_of = clock.today()
        bounds = esc.boundaries(as_of)
        steps = esc.LADDER_STEPS
        todo = {s: esc.count_candidates(s, bounds) for s in steps}
        overdue = db.session.execute(
            select(func.count()).where(Case.state == CaseState.OPEN, Case.due_date < as_of)
        ).scalar_one()
        db.session.commit()
        emit({"event": "start", "todo": todo, "overdue": overdue, "rss_mb": rss_mb()})
        t0 = time.perf_counter()
        if mode == "sweep":
            commits = 0

            def count(session):
                nonlocal commits
                commits += 1
                if commits % 10 == 0:  # one commit per batch of 5,000 cases
                    emit(
                        {
                            "event": "progress",
                            "commits": commits,
                            "seconds": time.perf_counter() - t0,
                            "rss_mb": rss_mb(),
                        }
                    )

            event.listen(Session, "after_commit", count)
            profiler = None
            if os.environ.get("BENCH_PROFILE"):
                from pyinstrument import Profiler

                profiler = Profiler()
                profiler.start()
            report = esc.sweep(as_of)
            db.session.commit()
            if profiler is not None:
                profiler.stop()
                sys.stderr.write(profiler.output_text(color=False, show_all=False))
            done = dict(report.counts)
        else:
            # The bare UPDATE marking the rows the level steps mark, as one statement.
            high = {s: bounds[s][1] for s in esc.LEVEL_STEPS}
            level = case(
                (Case.due_date < high["level_3"], 3),
                (Case.due_date < high["level_2"], 2),
                else_=1,
            )
            result = db.session.execute(
                update(Case)
                .where(Case.state == CaseState.OPEN, Case.due_date < high["level_1"])
                .values(escalation_level=level, escalated_on=as_of)
                .execution_options(synchronize_session=False)
            )
            db.session.commit()
            done = {"updated": result.rowcount}
        emit(
            {
                "event": "done",
                "seconds": time.perf_counter() - t0,
                "done": done,
                "rss_mb": rss_mb(),
            }
        )


def rss_mb() -> float:
    """This process's peak RSS. VmHWM from /proc (Linux) belongs to the process's own memory
    map: ru_maxrss survives fork + exec, so a child started by a parent that had just generated
    a big data set reported the parent's peak (468 MB for both children on 1M cases)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def emit(data: dict) -> None:
    print("SWEEP " + json.dumps(data), flush=True)


# --- the parent ------------------------------------------------------------------------------


def run_mode(url: str, mode: str, max_seconds: float, source: str | None = None) -> dict:
    cmd = [sys.executable, "-m", "bench.sweep", "--child", mode, "--url", url]
    cmd += ["--source", source] if source else []
    env = common.server_env(None)
    proc = subprocess.Popen(cmd, cwd=common.ROOT, env=env, stdout=subprocess.PIPE, text=True)
    events: list[dict] = []
    lines: queue.Queue[str | None] = queue.Queue()

    def reader() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=reader, daemon=True).start()
    deadline = time.monotonic() + max_seconds + 120  # + set-up time before the clock starts
    stopped = False
    while True:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            line = ""
        if line is None:
            proc.wait()
            break
        if line.startswith("SWEEP "):
            events.append(json.loads(line[6:]))
        progress = [e for e in events if e["event"] == "progress"]
        if (progress and progress[-1]["seconds"] > max_seconds) or time.monotonic() > deadline:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            stopped = True
            break
    start = next((e for e in events if e["event"] == "start"), None)
    done = next((e for e in events if e["event"] == "done"), None)
    if start is None or (done is None and not stopped):
        raise RuntimeError(f"sweep child ({mode}) failed with exit code {proc.returncode}")
    result = {"mode": mode, "todo": start["todo"], "overdue": start["overdue"]}
    if done is not None:
        result.update(seconds=done["seconds"], rss_mb=done["rss_mb"], done=done["done"])
        result["projected"] = False
    else:
        last = [e for e in events if e["event"] == "progress"][-1]
        total = sum(start["todo"].values())
        # One commit per batch of BATCH_SIZE (5,000) cases since the set-based sweep.
        rate = last["commits"] * 5000 / last["seconds"]
        result.update(
            seconds=total / rate,
            rss_mb=last["rss_mb"],
            done={"commits": last["commits"], "in_seconds": last["seconds"]},
            projected=True,
            rate=rate,
        )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Scenario 3: the escalation sweep")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--max-seconds", type=float, default=300)
    parser.add_argument("--runs", type=int, default=1, help="runs of the bare UPDATE (median)")
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--child", choices=("sweep", "sql", "rows"), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--source", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child == "rows":
        anchor(args.url, args.source)
        return 0
    if args.child:
        child(args.url, args.child)
        return 0

    log(f"== escalation sweep on {args.backend}; {common.machine()}")
    results = []
    for n in args.sizes:
        pristine = ensure_data(n, args.backend, args.regenerate)
        sql_runs = []
        for _ in range(args.runs):
            sql_runs.append(run_mode(fresh_copy(pristine, n, args.backend), "sql", 600))
        sql = sorted(sql_runs, key=lambda r: r["seconds"])[len(sql_runs) // 2]
        swept = fresh_copy(pristine, n, args.backend)
        sweep = run_mode(swept, "sweep", args.max_seconds)
        ratio = sweep["seconds"] / sql["seconds"] if sql["seconds"] else float("inf")
        row = {"cases": n, "sweep": sweep, "sql": sql, "ratio": ratio}
        mark = " (projected from the rate so far)" if sweep["projected"] else ""
        log(
            f"  {n:>9,} open cases, {sweep['overdue']:,} overdue; steps due {sweep['todo']}\n"
            f"    sweep:      {sweep['seconds']:9.2f} s{mark}, peak RSS {sweep['rss_mb']:.0f} MB\n"
            f"    bare UPDATE {sql['seconds']:9.3f} s ({sql['done']['updated']:,} rows), "
            f"peak RSS {sql['rss_mb']:.0f} MB, ratio {ratio:,.1f}x"
        )
        if not sweep["projected"]:
            # The anchor: the very rows the sweep wrote (steps, cases, notifications grouped
            # and single, letters, report rows, audit events, mails), as plain SQL.
            target = fresh_copy(pristine, n, args.backend, "anchor")
            rows = run_mode(target, "rows", 3600, swept)
            drop_copy(target)
            row["anchor"] = rows
            row["anchor_ratio"] = sweep["seconds"] / rows["seconds"]
            written = sum(rows["done"].values())
            log(
                f"    plain-SQL anchor {rows['seconds']:.2f} s writing the same {written:,} rows "
                f"({', '.join(f'{k} {v:,}' for k, v in rows['done'].items())}), peak RSS "
                f"{rows['rss_mb']:.0f} MB\n"
                f"    sweep / anchor {row['anchor_ratio']:.2f}x (target <= 1.3x): "
                f"{verdict(row['anchor_ratio'] <= 1.3)}"
            )
        drop_copy(swept)
        results.append(row)
    if len(results) > 1:
        lo, hi = results[0], results[-1]
        growth = hi["sweep"]["rss_mb"] / lo["sweep"]["rss_mb"]
        log(
            f"  peak RSS {lo['sweep']['rss_mb']:.0f} MB at {lo['cases']:,} -> "
            f"{hi['sweep']['rss_mb']:.0f} MB at {hi['cases']:,} cases ({growth:.2f}x; flat "
            f"means <= 1.2x): {verdict(growth <= 1.2)}"
        )
    common.write_json(f"sweep_{args.backend}", {"results": results, "machine": common.machine()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
