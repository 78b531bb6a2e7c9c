"""One inventory size on one database: migrate, then measure every operation in order.

Started by :mod:`benchmarks.run` as a child process with ``DATABASE_URL`` naming a fresh, empty
database, so that Django reads its settings for that database and nothing else::

    python -m benchmarks.worker --size 100000 --repeat 7 --database sqlite --out results.json
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import time
import traceback
from pathlib import Path

from benchmarks.operations import BenchmarkError, Context, Operation, selected


def log(ctx: Context, message: str) -> None:
    print(f"[{ctx.database} {ctx.size:,}] {message}", file=sys.stderr, flush=True)


def _timed_ms(action) -> float:
    gc.collect()
    start = time.perf_counter_ns()
    action()
    return (time.perf_counter_ns() - start) / 1e6


def _captured_queries(action) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # The log keeps the last 9,000 queries: once full (a setup that ran many), a count taken as the
    # difference of its lengths would read 0.
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured)


def blank_result(op: Operation, *, database: str, size: int, error: str | None = None) -> dict:
    """One row of results, not measured yet (status "error" until it is)."""
    return {
        "operation": op.name,
        "database": database,
        "size": size,
        "target": op.target.describe(),
        "target_max_ms": op.target.max_ms,
        "target_max_queries": op.target.max_queries,
        "runs_ms": [],
        "median_ms": None,
        "queries": None,
        "status": "error",
        "misses": [],
        "error": error,
    }


def measure(op: Operation, ctx: Context, repeat: int) -> dict:
    """Time one operation (median of ``repeat`` runs after a warm-up, or a single run) and count its queries."""
    result = blank_result(op, database=ctx.database, size=ctx.size)
    ctx.current = op.name
    try:
        action = op.setup(ctx)
        if op.load:
            load = action()
            result["median_ms"] = round(load.p50_ms, 3)
            result["runs_ms"] = [round(load.p99_ms, 3)]
            result["rps"], result["errors"] = round(load.rps, 1), load.errors
            result["note"] = ctx.notes.get(op.name)
            if op.after is not None:
                op.after(ctx)
            result["misses"] = op.target.load_misses(load)
            result["status"] = "FAIL" if result["misses"] else "pass"
            log(ctx, f"{op.name}: {load.describe()}, {result['status']}")
            return result
        if op.once:
            runs = [_timed_ms(action)]
        else:
            action()  # warm-up
            runs = [_timed_ms(action) for _ in range(repeat)]
        result["runs_ms"] = [round(ms, 3) for ms in runs]
        result["median_ms"] = round(statistics.median(runs), 3)
        if op.count_queries and not op.once:
            result["queries"] = _captured_queries(action)
        elif op.query_probe is not None:
            result["queries"] = op.query_probe(ctx)
        if op.after is not None:
            op.after(ctx)
        result["note"] = ctx.notes.get(op.name)
    except Exception as exc:  # one failing operation must not hide the others' figures
        result["error"] = f"{type(exc).__name__}: {exc}"
        log(ctx, f"{op.name}: ERROR {result['error']}")
        if not isinstance(exc, BenchmarkError):
            traceback.print_exc(file=sys.stderr)
        return result
    misses = op.target.misses(median_ms=result["median_ms"], queries=result["queries"])
    result["misses"] = misses
    result["status"] = "FAIL" if misses else "pass"
    queries = "n/a" if result["queries"] is None else result["queries"]
    log(ctx, f"{op.name}: {result['median_ms']:,.1f} ms, {queries} queries, {result['status']}")
    return result


def run(*, size: int, repeat: int, seed: int, database: str, only: list[str] | None = None) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    ctx = Context(size=size, seed=seed, database=database, today=timezone.localdate(), repeat=repeat)
    start = time.perf_counter()
    try:
        call_command("migrate", verbosity=0, interactive=False)
    except Exception as exc:
        raise RuntimeError(f"migrate failed: {type(exc).__name__}: {exc}") from exc
    migrate_s = time.perf_counter() - start
    log(ctx, f"migrated {connection.vendor} database in {migrate_s:.1f} s")
    results = [measure(op, ctx, repeat) for op in selected(only) if op.up_to_size is None or size <= op.up_to_size]
    return {
        "database": database,
        "vendor": connection.vendor,
        "size": size,
        "repeat": repeat,
        "seed": seed,
        "migrate_s": round(migrate_s, 3),
        "results": results,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.worker")
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--repeat", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", required=True, help="label for the results (sqlite, postgres)")
    parser.add_argument("--out", type=Path, required=True, help="where to write the results as JSON")
    parser.add_argument("--only", action="append", default=None, help="measure only rows whose name contains this")
    args = parser.parse_args(argv)
    if "DATABASE_URL" not in os.environ:
        parser.error("DATABASE_URL must name the (fresh) database to measure")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mltrack_site.settings")
    try:
        outcome = run(size=args.size, repeat=args.repeat, seed=args.seed, database=args.database, only=args.only)
    except Exception as exc:  # e.g. a migration that fails on this database: say why in the table
        traceback.print_exc(file=sys.stderr)
        args.out.write_text(json.dumps({"error": f"{type(exc).__name__}: {exc}"}))
        return 1
    args.out.write_text(json.dumps(outcome, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
