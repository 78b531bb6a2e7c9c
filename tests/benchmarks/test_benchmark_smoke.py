"""The benchmark command runs end to end in quick mode (size 1,000, three repeats)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from benchmarks.operations import OPERATIONS
from benchmarks.report_operations import PDF_ROW
from tests.conftest import weasyprint_load_error

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_quick_run_measures_every_operation(tmp_path):
    env = {**os.environ, "TMPDIR": str(tmp_path), "MLTRACK_VAR_DIR": str(tmp_path)}
    results = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--json", str(results)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert results.exists(), done.stdout + done.stderr
    rows = json.loads(results.read_text())["results"]
    unmeasured = {row["operation"] for row in rows if row["median_ms"] is None}
    # Without Pango (see tests/conftest.py) the PDF row cannot be measured, and says why.
    allowed = {PDF_ROW} if weasyprint_load_error() is not None else set()
    assert unmeasured <= allowed, done.stdout + done.stderr
    assert done.returncode == (1 if unmeasured else 0), done.stdout + done.stderr
    for op in OPERATIONS:
        assert op.name in done.stdout
    assert {row["operation"] for row in rows} == {op.name for op in OPERATIONS}
    assert all(row["size"] == 1000 for row in rows)


def test_only_measures_the_rows_named_after_filling_the_inventory():
    from benchmarks.operations import selected
    from benchmarks.run import parse_args

    args = parse_args(["--quick", "--only", "API, remote"])
    names = [op.name for op in selected(args.only)]

    assert args.only == ["API", "remote"]
    assert names == ["sample-data generation", "API: model list, one page (in process)",
                     "API: check verdict, one model (in process)", "mltrack check NAME --url (process, remote)"]
    assert [op.name for op in selected(None)] == [op.name for op in OPERATIONS]
