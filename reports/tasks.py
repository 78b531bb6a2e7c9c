"""The reports app's background work (Celery): the daily compliance snapshot, and PDF and OSCAL reports."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from reports import snapshots


@shared_task
def take_compliance_snapshot() -> str:
    """Today's compliance snapshot for the dashboard's trend (idempotent: one row per day and scope)."""
    taken = snapshots.take_snapshot(today=timezone.localdate(), now=timezone.now())
    return f"{len(taken)} compliance snapshot(s) taken"


@shared_task
def render_report_job(job_id: str) -> None:
    """Render a queued report (PDF or OSCAL) and store it with its SHA-256; progress is kept on the job."""
    from reports.jobs import run_job

    run_job(job_id)
