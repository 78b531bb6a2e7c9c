"""Benchmark rows for import and export (issue 15's targets): the whole inventory exported as CSV,
JSON and Excel, and a CSV of as many new models checked (a dry run) and imported, each as the whole
``mltrack`` process. They run last: the import doubles the inventory.

The file imported is the inventory's own CSV export with every name prefixed, so that each row is a
new model with every column filled as a bank's file would have it, its last review date included
(the import records one review for each).
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

from benchmarks.operations import Action, BenchmarkError, Context, Operation, Target

ROOT = Path(__file__).resolve().parent.parent
IMPORT_ROW = "mltrack import FILE.csv, new models (process)"


def _file(ctx: Context, name: str) -> str:
    """A path in the run's own folder, removed with it."""
    return str(Path(ctx.env["MLTRACK_VAR_DIR"]) / name)


def _export(fmt: str):
    def setup(ctx: Context) -> Action:
        return ctx.process_action([ctx.mltrack, "export", _file(ctx, f"inventory.{fmt}")])

    return setup


def _new_models_file(ctx: Context) -> str:
    """The inventory's CSV export with every name prefixed (made once, untimed)."""
    path = _file(ctx, "new-models.csv")
    if Path(path).exists():
        return path
    exported = _file(ctx, "for-import.csv")
    ctx.process_action([ctx.mltrack, "export", exported])()
    with open(exported, newline="", encoding="utf-8") as source, open(path, "w", newline="", encoding="utf-8") as out:
        rows = csv.reader(source)
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(next(rows))
        for row in rows:
            writer.writerow([f"imported-{row[0]}", *row[1:]])
    return path


def _dry_run(ctx: Context) -> Action:
    return ctx.process_action([ctx.mltrack, "import", _new_models_file(ctx), "--validate"])


def _import(ctx: Context) -> Action:
    path = _new_models_file(ctx)

    def run() -> None:
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.peak", ctx.mltrack, "import", path],
            env=ctx.env, stdin=subprocess.DEVNULL, capture_output=True, text=True, cwd=ROOT,
        )
        try:
            report = json.loads(done.stdout.strip().splitlines()[-1])
        except (IndexError, ValueError):
            raise BenchmarkError(f"could not run mltrack import: {(done.stdout + done.stderr)[-300:]}") from None
        if report["returncode"] != 0 or "Imported." not in report["output"]:
            raise BenchmarkError(f"mltrack import exited with {report['returncode']}: {report['output'][-300:]}")
        summary = next((line.strip() for line in report["output"].splitlines() if " added" in line), "")
        ctx.notes[IMPORT_ROW] = f"{summary}; peak memory {report['max_rss_kib'] / 1024:,.0f} MiB"

    return run


TRANSFER_OPERATIONS = [
    Operation("mltrack export FILE.csv, whole inventory (process)", _export("csv"), Target(max_ms=10_000),
              count_queries=False),
    Operation("mltrack export FILE.json, whole inventory (process)", _export("json"), Target(max_ms=10_000),
              count_queries=False),
    Operation("mltrack export FILE.xlsx, whole inventory (process)", _export("xlsx"), Target(max_ms=30_000),
              once=True, count_queries=False),
    Operation("mltrack import FILE.csv --validate, new models (process)", _dry_run, Target(max_ms=15_000),
              once=True, count_queries=False),
    Operation(IMPORT_ROW, _import, Target(max_ms=30_000), once=True, count_queries=False),
]
