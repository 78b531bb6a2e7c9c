"""The inventory's scheduled jobs (Celery beat; see CELERY_BEAT_SCHEDULE in settings)."""

from __future__ import annotations

from django.utils import timezone

from common.actors import Actor
from inventory import scheduling
from mltrack_site.celery import app


@app.task
def apply_review_policy() -> int:
    """Reschedule models whose due date came from a policy version no longer in force (idempotent)."""
    return scheduling.apply_review_policy(actor=Actor.system("scheduler"), today=timezone.localdate())
