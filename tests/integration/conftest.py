"""Real Celery worker processes (prefork, with the scheduler embedded, as ``make run`` starts them)
against the test database and the tests' broker, that a test may kill."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.brokers import FILESYSTEM, sending_to

ROOT = Path(__file__).resolve().parent.parent.parent
STOP_SECONDS = 20


def database_url() -> str:
    """The URL of the test database (pytest-django's), for a process of its own."""
    from django.db import connection

    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{params['NAME']}"  # an absolute path: sqlite:////tmp/...
    if connection.vendor == "postgresql":
        password = f":{quote(params['PASSWORD'], safe='')}" if params.get("PASSWORD") else ""
        return (f"postgres://{quote(params['USER'] or '', safe='')}{password}@{params['HOST'] or '127.0.0.1'}:"
                f"{params['PORT'] or 5432}/{params['NAME']}")
    raise NotImplementedError(f"no worker database URL for {connection.vendor}")


class WorkerProcess:
    """One ``celery worker --beat`` in a process group of its own, logging to a file."""

    def __init__(self, name: str, *, env: dict[str, str], folder: Path) -> None:
        self.name = name
        self.log_path = folder / f"{name}.log"
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "mltrack_site", "worker", "--beat",
                 "--schedule-filename", str(folder / f"{name}-schedule"), "--pool=prefork", "--concurrency=1",
                 "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
                 "--hostname", f"{name}@%h"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL the whole worker: its main process, pool process and scheduler."""
        os.killpg(self.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        os.killpg(self.pid, signal.SIGTERM)
        try:
            self.process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(self.pid, signal.SIGKILL)
            self.process.wait()


class Workers:
    """Starts worker processes for one test and stops whichever are left when it ends."""

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        self.env, self.folder = env, folder
        self.started: list[WorkerProcess] = []

    def start(self, name: str, **env: str) -> WorkerProcess:
        """Start a worker; ``env``: settings of its own (the email server it sends to, say)."""
        worker = WorkerProcess(name, env={**self.env, **env}, folder=self.folder)
        self.started.append(worker)
        return worker

    def logs(self) -> str:
        return "\n".join(f"--- {worker.name} ---\n{worker.log()[-4000:]}" for worker in self.started)

    def stop_all(self) -> None:
        for worker in self.started:
            worker.stop()


@pytest.fixture
def reports_dir(settings, tmp_path) -> Path:
    settings.MLTRACK_REPORTS_DIR = tmp_path / "reports"
    return settings.MLTRACK_REPORTS_DIR


@pytest.fixture
def workers(tmp_path, transactional_reviews, reports_dir, signing_key_file, settings) -> Iterator[Workers]:
    """Worker processes that share this test's database, broker and report folder."""
    from mltrack_site.celery import app

    lease = settings.MLTRACK_REPORT_JOB_LEASE = 6
    var = tmp_path / "var"
    with sending_to(app, var / "broker") as url:
        env = {
            key: value for key, value in os.environ.items()
            if not key.startswith(("DATABASE_", "MLTRACK_", "CELERY_", "DJANGO_"))
        }
        env.update({
            "DJANGO_SETTINGS_MODULE": "mltrack_site.settings", "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": url, "MLTRACK_VAR_DIR": str(var), "MLTRACK_REPORTS_DIR": str(reports_dir),
            "MLTRACK_SIGNING_KEY_FILE": str(signing_key_file), "MLTRACK_REPORT_JOB_LEASE": str(lease),
        })
        if url.startswith(FILESYSTEM):
            assert (var / "broker" / "queue").is_dir()  # where settings.py puts the file-based broker's queue
        started = Workers(env, tmp_path)
        try:
            yield started
        finally:
            started.stop_all()
