"""The reports app's background work (Celery): the daily compliance snapshot and PDF reports."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from reports import snapshots


@shared_task
def take_compliance_snapshot() -> int:
    """Today's compliance snapshot for the dashboard's trend (idempotent: one row per day and scope)."""
    return len(snapshots.take_snapshot(today=timezone.localdate(), now=timezone.now()))
