"""A report job survives a worker killed (SIGKILL) while it lays out a PDF: the job is rendered again
and finished exactly once, within a bounded time, by real Celery worker processes.

The workers run as ``make run`` starts them: prefork (one pool process) with the scheduler embedded,
whose sweeper queues a job again once its lease has run out. The lease is 6 s here, so a dead
worker's job is settled within about 9 s. The broker is the file-based one, or Redis when
CELERY_BROKER_URL names it (CI's PostgreSQL run)."""

from __future__ import annotations

import hashlib
import os
import re
import signal
import time
from collections.abc import Callable

import pytest
from django.utils import timezone

from common.actors import Actor
from reports import jobs
from reports.models import ReportJob
from reviews import sample
from tests.conftest import make_user
from tests.reports.conftest import skip_without_weasyprint

pytestmark = [pytest.mark.integration]

# Enough models that laying out the PDF takes a few seconds: the worker is killed in the middle.
MODELS = 300
LAYING_OUT = 40  # the PDF's progress while WeasyPrint lays out its pages
WAIT_SECONDS = 45


@pytest.fixture
def inventory(transactional_reviews):
    skip_without_weasyprint()
    sample.generate(count=MODELS, seed=7, actor=Actor.system("tests"), today=timezone.localdate(),
                    now=timezone.now())


def ask_for_a_pdf() -> ReportJob:
    officer = make_user("risk.officer", "model-risk-officer")
    return jobs.request_report("inventory", fmt="pdf", filters={}, actor=Actor.for_user(officer),
                               now=timezone.now(), today=timezone.localdate())


def wait_for(job: ReportJob, condition: Callable[[ReportJob], bool], what: str, workers) -> ReportJob:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if condition(job):
            return job
        time.sleep(0.05)
    raise AssertionError(
        f"waited {WAIT_SECONDS} s for {what}; the job is {job.state} at {job.progress}% ({job.stage}), "
        f"attempt {job.attempts}\n{workers.logs()}"
    )


def laying_out(job: ReportJob) -> bool:
    return job.state == ReportJob.State.RUNNING and job.progress >= LAYING_OUT


def pid_of(job: ReportJob) -> int:
    return int(re.fullmatch(r".+ pid (\d+)", job.worker).group(1))


def parent_of(pid: int) -> int:
    # /proc/PID/stat: "pid (name) state ppid ..."; the name may hold spaces, so split after it.
    return int(open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[1])


def assert_finished_once(job: ReportJob, reports_dir, *, attempts: int) -> None:
    assert job.state == ReportJob.State.DONE, job.error
    assert job.attempts == attempts and job.progress == 100 and job.lease_expires_at is None
    # One file: the killed attempt stored nothing, the next one stored the file the job names.
    files = [path for path in reports_dir.rglob("*") if path.is_file()]
    assert files == [reports_dir / job.file.name]
    content = files[0].read_bytes()
    assert content.startswith(b"%PDF-") and job.size == len(content)
    assert job.sha256 == hashlib.sha256(content).hexdigest()
    assert job.model_count == MODELS


def test_a_job_whose_pool_process_is_killed_mid_render_is_rendered_again_once(inventory, workers, reports_dir):
    worker = workers.start("pool-kill")
    job = wait_for(ask_for_a_pdf(), laying_out, "the worker to lay out the PDF", workers)
    killed = pid_of(job)
    assert job.attempts == 1 and parent_of(killed) == worker.pid  # the pool process of this worker

    os.kill(killed, signal.SIGKILL)
    job = wait_for(job, lambda job: job.finished, "the job to be rendered again", workers)

    assert_finished_once(job, reports_dir, attempts=2)
    assert pid_of(job) != killed and worker.alive()
    # The worker saw its pool process die, and handed the message back to the broker (reject on
    # worker lost): back before the lease ran out it does nothing, after it it claims the job.
    assert "WorkerLostError" in worker.log()


def test_a_job_whose_whole_worker_is_killed_mid_render_is_rendered_by_the_next_once(inventory, workers, reports_dir):
    first = workers.start("first")
    job = wait_for(ask_for_a_pdf(), laying_out, "the first worker to lay out the PDF", workers)
    first.kill()
    job.refresh_from_db()
    assert job.state == ReportJob.State.RUNNING and job.attempts == 1  # as the dead worker left it

    workers.start("second")
    job = wait_for(job, lambda job: job.finished, "the second worker to render the job", workers)

    assert_finished_once(job, reports_dir, attempts=2)
    assert job.worker.startswith("second@")
