"""The registries' scheduled work: every enabled registry reconciled once a day."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from registries import services


@shared_task
def reconcile_registries() -> str:
    """Reconcile each enabled registry not yet reconciled today (idempotent: one run per registry and day)."""
    return services.summary(services.reconcile_enabled(now=timezone.now(), today=timezone.localdate()))
