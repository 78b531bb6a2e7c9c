"""The notifications app's scheduled work (Celery beat; see CELERY_BEAT_SCHEDULE in settings). Each
task calls one service with the clock and returns its summary line for the worker's log."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from notifications import deliver, digests, nightly, schedule


@shared_task
def send_review_digests() -> str:
    """The day's digests and escalations, from MLTRACK_DIGEST_HOUR on; each email claimed once."""
    return digests.send_review_digests(now=timezone.now(), clock=timezone.now).summary()


@shared_task
def run_scheduled_reports() -> str:
    """Queue the scheduled reports due this period; email the finished ones."""
    return schedule.run_scheduled_reports(now=timezone.now(), clock=timezone.now).summary()


@shared_task
def retry_deliveries() -> str:
    """Send again the emails whose send failed and whose pause is over."""
    return deliver.retry_deliveries(now=timezone.now(), clock=timezone.now).summary()


@shared_task
def verify_audit_trail() -> str:
    """Tonight's verification of the audit trail (once a night from MLTRACK_VERIFY_HOUR)."""
    return nightly.verify_audit_trail(now=timezone.now(), clock=timezone.now).line()
