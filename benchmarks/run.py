"""``python -m benchmarks``: measure MLTrack at 10,000 and 100,000 models and print a table.

Each (database, size) pair gets a fresh database and a worker process of its own
(:mod:`benchmarks.worker`), with ``DATABASE_URL`` pointing at that database so Django's settings
are read for it alone. The exit code is 0 when every row was measured, targets met or not (this
is a measurement, not a gate), and 1 when some operation could not be measured at all.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import report
from benchmarks.databases import DATABASES, DEFAULT_POSTGRES_URL, fresh_database
from benchmarks.operations import selected
from benchmarks.worker import blank_result

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SIZES = [10_000, 100_000]
DEFAULT_REPEAT = 7
QUICK_SIZES = [1_000]
QUICK_REPEAT = 3
DEFAULT_SEED = 1


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"sizes must be whole numbers separated by commas, not {text!r}") from None
    if not sizes or any(size < 1 for size in sizes):
        raise argparse.ArgumentTypeError("give at least one size, each 1 or more")
    return sizes


def _databases(text: str) -> list[str]:
    kinds = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [kind for kind in kinds if kind not in DATABASES]
    if not kinds or unknown:
        raise argparse.ArgumentTypeError(f"choose from {', '.join(DATABASES)} (comma-separated for several)")
    return kinds


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Time MLTrack's pages, CLI and sample-data build on inventories of realistic size.",
    )
    parser.add_argument("--sizes", type=_sizes, help="inventory sizes, comma-separated (default: 10000,100000)")
    parser.add_argument(
        "--database",
        type=_databases,
        default=["sqlite"],
        help="sqlite (a temporary file, the default), postgres, or sqlite,postgres",
    )
    parser.add_argument(
        "--postgres-url",
        default=DEFAULT_POSTGRES_URL,
        help="server to create the mltrack_bench_<size> databases on (default: %(default)s)",
    )
    parser.add_argument("--repeat", type=int, help=f"timed runs per operation (default: {DEFAULT_REPEAT})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="sample-data seed (default: %(default)s)")
    parser.add_argument(
        "--quick", action="store_true", help=f"smoke run: size {QUICK_SIZES[0]:,}, {QUICK_REPEAT} repeats"
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the results to FILE as JSON")
    parser.add_argument(
        "--only", type=lambda text: [word.strip() for word in text.split(",") if word.strip()], metavar="WORDS",
        help="measure only the rows whose name contains one of these words (comma-separated), after the "
        "sample-data generation that fills the inventory",
    )
    args = parser.parse_args(argv)
    if args.sizes is None:
        args.sizes = QUICK_SIZES if args.quick else DEFAULT_SIZES
    if args.repeat is None:
        args.repeat = QUICK_REPEAT if args.quick else DEFAULT_REPEAT
    if args.repeat < 1:
        parser.error("--repeat must be 1 or more")
    return args


def worker_env(database_url: str, var_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "mltrack_site.settings",
            # Development settings without debug: what a deployment runs, minus HTTPS redirects.
            "MLTRACK_ENV": "development",
            "DEBUG": "false",
            "MLTRACK_VAR_DIR": str(var_dir),
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")])),
        }
    )
    return env


def _error_rows(kind: str, size: int, message: str, only: list[str] | None) -> list[dict]:
    return [blank_result(op, database=kind, size=size, error=message) for op in selected(only)]


def run_one(kind: str, size: int, args: argparse.Namespace) -> dict:
    """Measure one size on one kind of database, in a worker process of its own."""
    print(f"[{kind} {size:,}] preparing a fresh database", file=sys.stderr, flush=True)
    try:
        with fresh_database(kind, size, postgres_url=args.postgres_url) as (url, var_dir):
            out = var_dir / "results.json"
            command = [
                sys.executable, "-m", "benchmarks.worker",
                "--size", str(size), "--repeat", str(args.repeat), "--seed", str(args.seed),
                "--database", kind, "--out", str(out),
                *(arg for word in args.only or () for arg in ("--only", word)),
            ]  # fmt: skip
            done = subprocess.run(command, env=worker_env(url, var_dir), cwd=PROJECT_ROOT, stdin=subprocess.DEVNULL)
            outcome = json.loads(out.read_text()) if out.exists() else {}
            if done.returncode != 0 or "results" not in outcome:
                reason = outcome.get("error") or f"worker exited with {done.returncode}"
                message = f"{reason} (see the worker's output above)"
                return {"database": kind, "size": size, "results": _error_rows(kind, size, message, args.only)}
            return outcome
    except Exception as exc:  # e.g. the PostgreSQL server is not reachable
        message = f"{type(exc).__name__}: {exc}"
        print(f"[{kind} {size:,}] ERROR {message}", file=sys.stderr, flush=True)
        return {"database": kind, "size": size, "results": _error_rows(kind, size, message, args.only)}


def machine() -> dict[str, object]:
    import django

    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "cpus": os.cpu_count(),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    runs = [run_one(kind, size, args) for kind in args.database for size in args.sizes]
    rows = [row for run in runs for row in run["results"]]
    print()
    print(report.header(repeat=args.repeat))
    print()
    print(report.table(rows))
    print()
    print(report.footer(rows))
    print(f"Total time: {time.perf_counter() - started:,.0f} s", file=sys.stderr)
    if args.json is not None:
        document = {
            "generated_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "machine": machine(),
            "repeat": args.repeat,
            "seed": args.seed,
            "runs": runs,
            "results": rows,
        }
        args.json.write_text(json.dumps(document, indent=2) + "\n")
        print(f"Results written to {args.json}", file=sys.stderr)
    return 1 if any(row["status"] == "error" for row in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
