"""Count the SQL queries of one ``mltrack`` command, in a process of its own, untimed.

The timed runs of a command are plain processes; this is a separate run of the same command through
its entry point with ``CaptureQueriesContext`` around it, so counting costs the timing nothing.

    python -m benchmarks.cli_queries RESULT_FILE list [ARGS...]
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def count_cli_queries(args: list[str], *, env: dict[str, str]) -> int | None:
    """Run ``mltrack ARGS`` under query capture in a child process; its query count."""
    with tempfile.TemporaryDirectory() as tmp:
        result_file = Path(tmp) / "queries.json"
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.cli_queries", str(result_file), *args],
            env=env,
            cwd=PROJECT_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        if done.returncode != 0 or not result_file.exists():
            tail = " | ".join(done.stderr.strip().splitlines()[-3:])
            print(f"  (could not count the queries of mltrack {' '.join(args)}: {tail})", file=sys.stderr)
            return None
        return json.loads(result_file.read_text())["queries"]


def main(argv: list[str]) -> int:
    result_file, *args = argv
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mltrack_site.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mltrack_site.cli import main as mltrack_main

    sys.argv = ["mltrack", *args]
    status: object = 0
    with CaptureQueriesContext(connection) as captured, contextlib.redirect_stdout(io.StringIO()):
        try:
            status = mltrack_main()
        except SystemExit as exc:
            status = exc.code
    if status not in (0, None):
        print(f"mltrack {' '.join(args)} exited with {status}", file=sys.stderr)
        return 1
    Path(result_file).write_text(json.dumps({"queries": len(captured)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
