"""The inventory's scheduled jobs (Celery beat; see CELERY_BEAT_SCHEDULE in settings)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from common.actors import Actor
from inventory import scheduling


@shared_task
def apply_review_policy() -> str:
    """Reschedule models whose due date came from a policy version no longer in force (idempotent)."""
    changed = scheduling.apply_review_policy(actor=Actor.system("scheduler"), today=timezone.localdate())
    return f"{changed} model(s) rescheduled"

