"""A real MLflow tracking server for the live tests, from the test-only virtualenv .venv-mlflow
(made by `make install`; MLflow's dependencies never meet the app's pins), on a free loopback port
with a SQLite backend. Its client is MLflow's own MlflowClient, run as a script in the same venv."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV = Path(os.environ.get("MLTRACK_MLFLOW_VENV", ROOT / ".venv-mlflow"))
CLIENT = Path(__file__).with_name("mlflow_client.py")
START_SECONDS = 120


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MLflowServer:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> MLflowServer:
        self.folder.mkdir(parents=True, exist_ok=True)
        log = (self.folder / "server.log").open("wb")
        self.process = subprocess.Popen(
            [str(VENV / "bin" / "mlflow"), "server", "--backend-store-uri", f"sqlite:///{self.folder / 'mlflow.db'}",
             "--default-artifact-root", str(self.folder / "artifacts"), "--host", "127.0.0.1",
             "--port", str(self.port), "--workers", "1"],
            stdout=log, stderr=subprocess.STDOUT, cwd=self.folder, start_new_session=True,
        )
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"mlflow server exited: {(self.folder / 'server.log').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2) as answer:
                    if answer.status == 200:
                        return self
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"mlflow server did not answer within {START_SECONDS} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def client(self, *steps: dict) -> None:
        """Run steps through MLflow's own client (see mlflow_client.py)."""
        subprocess.run([str(VENV / "bin" / "python"), str(CLIENT), self.url, *(json.dumps(s) for s in steps)],
                       check=True, capture_output=True, timeout=300)
