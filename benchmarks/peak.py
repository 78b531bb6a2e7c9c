"""Run a command and print its peak memory: ``python -m benchmarks.peak CMD [ARGS...]``.

Linux carries a process's memory high-water mark across exec(), so a command started straight
from the (large) benchmark worker would report the worker's peak as its own. Started from this
small process instead, the command's own peak is what RUSAGE_CHILDREN reports.
Prints one JSON line: {"returncode": N, "max_rss_kib": N, "output": "..."}.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys


def main() -> int:
    done = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, capture_output=True, text=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    output = (done.stdout + done.stderr).strip()
    # The verdict comes first and a traceback last: keep both ends of a long output.
    if len(output) > 1000:
        output = output[:500] + "\n…\n" + output[-500:]
    print(json.dumps({"returncode": done.returncode, "max_rss_kib": peak, "output": output}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
