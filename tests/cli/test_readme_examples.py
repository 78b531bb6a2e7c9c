"""The README's command-line examples, run as a user runs them: in order, as real processes, against
the demo data that `make run` prepares (setup_demo), in a folder of their own."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLI = ".venv/bin/mltrack"
# Lines that need something outside this machine: said in the README next to the examples.
NEEDS_A_SERVER = "--url https://mltrack.bank.example"
# Exit codes that are the example's answer rather than a failure (also said in the README).
ANSWERS = {".venv/bin/mltrack validate --risk critical": {0, 1}}


def readme_examples() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = next(block for block in re.findall(r"```sh\n(.*?)```", text, flags=re.DOTALL) if f"{CLI} list" in block)
    return [line for line in block.splitlines() if line.strip()]


def test_every_example_names_things_the_demo_data_has(tmp_path):
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("MLTRACK_", "DATABASE_", "CELERY_")) and key != "DJANGO_SETTINGS_MODULE"}
    env.update(MLTRACK_VAR_DIR=str(tmp_path / "var"), PYTHONPATH=str(ROOT))
    for command in (["migrate", "-v0"], ["setup_demo"]):
        subprocess.run([sys.executable, str(ROOT / "manage.py"), *command], cwd=tmp_path, env=env, check=True,
                       capture_output=True, timeout=300)
    mltrack = f"{sys.executable} -m mltrack_site.cli"

    examples = readme_examples()
    assert len(examples) >= 10 and sum(NEEDS_A_SERVER in line for line in examples) == 1
    for line in examples:
        if NEEDS_A_SERVER in line:
            continue  # remote check: tests/cli/test_remote_check.py runs it against a live server
        shell_line = line.replace(CLI, mltrack)
        if "--watch" in line:
            # Refreshes until interrupted: it must draw the dashboard, then still be running.
            with pytest.raises(subprocess.TimeoutExpired) as stopped:
                subprocess.run(shell_line, shell=True, cwd=tmp_path, env=env, capture_output=True, timeout=20)
            assert b"Compliance" in (stopped.value.stdout or b""), line
            continue
        done = subprocess.run(shell_line, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode in ANSWERS.get(line, {0}), f"{line}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        assert "Traceback" not in done.stderr, line
    assert (tmp_path / "assessment-results.json").stat().st_size > 0
    assert (tmp_path / "inventory.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "inventory.xlsx").stat().st_size > 0
