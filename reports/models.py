"""What the reports app keeps: daily compliance snapshots (the dashboard's trend) and report jobs
(PDF and OSCAL files made in the background, with their SHA-256)."""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.urls import reverse


class ComplianceSnapshot(models.Model):
    """The compliance summary of one day, for the whole inventory or one risk tier.

    Written by the scheduler (one row per day and scope, updated through the day) and backfilled
    from the inventory's history by ``manage.py backfill_compliance_snapshots``.
    """

    class Source(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduler"
        BACKFILL = "backfill", "Backfilled from history"

    WHOLE_INVENTORY = ""

    day = models.DateField()
    # "" for the whole inventory, else a risk tier.
    scope = models.CharField(max_length=10, blank=True, default=WHOLE_INVENTORY)
    evaluated = models.PositiveIntegerField()
    passed = models.PositiveIntegerField()
    failed = models.PositiveIntegerField()
    overdue = models.PositiveIntegerField()
    ruleset_version = models.CharField(max_length=20)
    ruleset_hash = models.CharField(max_length=64)
    source = models.CharField(max_length=10, choices=Source.choices)
    taken_at = models.DateTimeField()

    class Meta:
        ordering = ["scope", "day"]
        constraints = [models.UniqueConstraint(fields=["scope", "day"], name="snapshot_one_per_scope_and_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.scope or 'all'}: {self.passed}/{self.evaluated}"

    @property
    def compliance_rate(self) -> float | None:
        return round(100 * self.passed / self.evaluated, 1) if self.evaluated else None


class ReportStorage(FileSystemStorage):
    """Report files under settings.MLTRACK_REPORTS_DIR, read when used (not when imported)."""

    @property
    def base_location(self) -> str:
        return str(settings.MLTRACK_REPORTS_DIR)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)


class ReportJob(models.Model):
    """A report made in the background: who asked for what, how far it got, and the file it made."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20)
    format = models.CharField(max_length=10)
    # The inventory filters the report was asked for (as in the console's query string).
    filters = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="report_jobs"
    )
    requested_by_name = models.CharField(max_length=150)
    requested_at = models.DateTimeField()
    as_of = models.DateField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=100, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(storage=ReportStorage(), upload_to="%Y/%m/", blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    model_count = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["requested_at"], name="reportjob_requested_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.format} report ({self.state})"

    def get_absolute_url(self) -> str:
        return reverse("reports:job", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.state in {self.State.DONE, self.State.FAILED}
