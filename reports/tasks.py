"""The reports app's background work (Celery): the daily compliance snapshot, PDF and OSCAL
reports, and the sweep that settles report jobs whose worker died."""

from __future__ import annotations

import os
import socket

from celery import shared_task
from django.utils import timezone

from reports import jobs, snapshots, sweep


@shared_task
def take_compliance_snapshot() -> str:
    """Today's compliance snapshot for the dashboard's trend (idempotent: one row per day and scope)."""
    taken = snapshots.take_snapshot(today=timezone.localdate(), now=timezone.now())
    return f"{len(taken)} compliance snapshot(s) taken"


@shared_task(bind=True)
def render_report_job(self, job_id: str) -> str:
    """Render a queued report (PDF or OSCAL) and store it with its SHA-256; progress is kept on the job.

    A render reads the clock as it goes (its lease, its finish time), so it is given the clock."""
    worker = f"{self.request.hostname or socket.gethostname()} pid {os.getpid()}"
    job = jobs.run_job(job_id, worker=worker, clock=timezone.now)
    return f"report job {job_id}: {job.state if job else 'not claimed'}"


@shared_task
def sweep_report_jobs() -> str:
    """Queue again (or fail, after the last attempt) report jobs whose worker stopped renewing its lease."""
    return sweep.sweep_report_jobs(now=timezone.now()).summary()
