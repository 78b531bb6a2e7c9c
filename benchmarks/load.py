"""Pages under load: MLTrack served by gunicorn as in production, and a bounded load generator.

The server runs the benchmark's database with ``WORKERS`` gunicorn workers on a free loopback port;
``CLIENTS`` threads, each on its own keep-alive connection and signed in as an administrator,
request one page as fast as it answers for a fixed time. Requests per second, median and 99th
percentile latency and errors (anything but 200, or no answer) are recorded. The generator talks
to 127.0.0.1 only and stops at its deadline, whatever the server does.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

WORKERS = 4
CLIENTS = 16
ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class LoadResult:
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def describe(self) -> str:
        return (f"{self.rps:,.1f} requests/s, p50 {self.p50_ms:,.0f} ms, p99 {self.p99_ms:,.0f} ms, "
                f"{self.errors} error(s) of {self.requests:,} requests ({CLIENTS} clients, {WORKERS} gunicorn workers)")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn serving MLTrack with the benchmark's environment (and so its database)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.port = _free_port()
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        self.process = subprocess.Popen(
            [gunicorn, "mltrack_site.wsgi", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{self.port}",
             "--timeout", "60", "--log-level", "warning"],
            cwd=ROOT, env={**env, "ALLOWED_HOSTS": "127.0.0.1"}, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped: {self.process.stderr.read().decode(errors='replace')[-500:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start listening within 60 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def run_load(*, port: int, path: str, cookie: str, seconds: float) -> LoadResult:
    """Request ``path`` from CLIENTS threads for ``seconds``; every thread stops at the deadline."""
    latencies: list[list[float]] = [[] for _ in range(CLIENTS)]
    errors = [0] * CLIENTS
    headers = {"Cookie": cookie, "Host": "127.0.0.1"}
    start = time.monotonic()
    deadline = start + seconds

    def client(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < deadline:
            began = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            latencies[index].append((time.perf_counter() - began) * 1000)
            if not ok:
                errors[index] += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(index,), daemon=True) for index in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    elapsed = time.monotonic() - start
    every = sorted(ms for per_client in latencies for ms in per_client)
    if not every:
        return LoadResult(0, 0, elapsed, 0.0, 0.0)
    p99 = every[min(len(every) - 1, int(len(every) * 0.99))]
    return LoadResult(len(every), sum(errors), elapsed, statistics.median(every), p99)
