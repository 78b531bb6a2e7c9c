"""The import's background work (Celery): checking and importing an uploaded file too large to do
within the request."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from transfers import uploads


@shared_task
def run_upload(upload_id: str) -> str:
    """Check or import the upload, whichever it waits for (once, whoever else is sent it)."""
    upload = uploads.run(upload_id, now=timezone.now(), today=timezone.localdate())
    return f"upload {upload_id}: {upload.state if upload else 'not claimed'}"
