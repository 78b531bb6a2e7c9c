"""The import's background work (Celery): checking and importing an uploaded file too large to do
within the request, and deleting the uploads nobody imported."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from transfers import uploads


@shared_task
def run_upload(upload_id: str) -> str:
    """Check or import the upload, whichever it waits for (once, whoever else is sent it)."""
    upload = uploads.run(upload_id, now=timezone.now(), today=timezone.localdate())
    return f"upload {upload_id}: {upload.state if upload else 'not claimed'}"


@shared_task
def discard_stale_uploads() -> str:
    """Uploads not imported within MLTRACK_UPLOAD_KEEP_HOURS are deleted with their file (beat, hourly)."""
    deleted = uploads.discard_stale(now=timezone.now(), keep=dt.timedelta(hours=settings.MLTRACK_UPLOAD_KEEP_HOURS))
    return f"{deleted} stale upload(s) deleted"
