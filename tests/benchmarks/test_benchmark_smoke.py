"""The benchmark command runs end to end in quick mode (size 1,000, three repeats)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from benchmarks.operations import OPERATIONS

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
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for op in OPERATIONS:
        assert op.name in done.stdout
    rows = json.loads(results.read_text())["results"]
    assert {row["operation"] for row in rows} == {op.name for op in OPERATIONS}
    assert all(row["size"] == 1000 and row["median_ms"] is not None for row in rows)
