"""Beat's schedule kept in the database, so that administrators change it in the admin (Periodic
tasks), with CELERY_BEAT_SCHEDULE in the settings as its defaults.

django-celery-beat's DatabaseScheduler writes every settings entry over its row at each start,
which would undo an administrator's change whenever beat restarts. This scheduler writes an entry
only when its row is missing, or still exactly as the defaults last wrote it (a fingerprint of what
was written is kept in the row's description): a changed default (a longer report-job lease, so a
slower sweeper) reaches rows nobody edited, and an edited row is left alone. Deleting a row in the
admin puts its default back at beat's next start.

Settings periods are seconds (see settings.py); here each becomes an interval in whole seconds,
and its ``expires`` the row's ``expire_seconds``, still shorter than the period.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

DEFAULT_NOTE = "Default from CELERY_BEAT_SCHEDULE; edit to override (delete to restore the default). defaults:"


def interval_seconds(period: float) -> int:
    return max(1, math.ceil(period))


def expire_seconds(entry: dict[str, Any]) -> int | None:
    """The entry's expiry in whole seconds, kept under its period (a message never outlives the next)."""
    expires = (entry.get("options") or {}).get("expires")
    if expires is None:
        return None
    return max(1, min(math.floor(expires), interval_seconds(entry["schedule"]) - 1))


def _fields(row: PeriodicTask) -> dict[str, Any]:
    interval = row.interval
    return {
        "task": row.task, "every": interval.every if interval else None,
        "period": interval.period if interval else None, "expire_seconds": row.expire_seconds,
        "enabled": row.enabled, "crontab": row.crontab_id, "solar": row.solar_id, "clocked": row.clocked_id,
        "args": row.args, "kwargs": row.kwargs,
    }


def _fingerprint(fields: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:16]


def _edited(row: PeriodicTask) -> bool:
    marker = row.description.rsplit("defaults:", 1)
    return len(marker) != 2 or not row.description.startswith(DEFAULT_NOTE) or marker[1] != _fingerprint(_fields(row))


@transaction.atomic
def install_defaults(schedule: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Write each default entry whose row is missing or unedited; returns what happened to each
    ("created", "updated", "kept": unedited and current, "edited": left as an administrator set it)."""
    outcome = {}
    for name, entry in schedule.items():
        row = PeriodicTask.objects.select_related("interval").filter(name=name).first()
        if row is not None and _edited(row):
            outcome[name] = "edited"
            continue
        interval, _ = IntervalSchedule.objects.get_or_create(
            every=interval_seconds(entry["schedule"]), period=IntervalSchedule.SECONDS
        )
        fields = {
            "task": entry["task"], "interval": interval, "expire_seconds": expire_seconds(entry), "enabled": True,
            "crontab": None, "solar": None, "clocked": None, "args": "[]", "kwargs": "{}",
        }
        created = row is None
        row = row or PeriodicTask(name=name)
        before = None if created else _fields(row)
        for key, value in fields.items():
            setattr(row, key, value)
        after = _fields(row)
        if before == after and not created:
            outcome[name] = "kept"
            continue
        row.description = f"{DEFAULT_NOTE}{_fingerprint(after)}"
        if created:
            # Due at once, as a new entry of Celery's file-based scheduler is: the jobs are idempotent,
            # and a console started for an hour should not wait an hour for its first digest run.
            row.last_run_at = timezone.now() - dt.timedelta(seconds=interval.every)
        row.save()
        outcome[name] = "created" if created else "updated"
    return outcome


class DefaultsScheduler(DatabaseScheduler):
    """The database scheduler, with the settings' entries as defaults that never undo an edit."""

    def setup_schedule(self) -> None:
        # Not the parent's default entries: its result-backend cleanup job has no backend to clean here.
        install_defaults(self.app.conf.beat_schedule)
