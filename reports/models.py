"""What the reports app keeps: daily compliance snapshots (the dashboard's trend) and report jobs
(PDF and OSCAL files made in the background, with their SHA-256)."""

from __future__ import annotations

import datetime as dt
import os
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
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


class ReportJobQuerySet(models.QuerySet["ReportJob"]):
    def unfinished(self) -> ReportJobQuerySet:
        return self.filter(state__in=[ReportJob.State.QUEUED, ReportJob.State.RUNNING])

    def lease_expired(self, *, now: dt.datetime) -> ReportJobQuerySet:
        """Jobs nobody holds any more: running ones whose worker stopped renewing its lease, and
        queued ones that no worker claimed in time (their message was lost with a worker)."""
        return self.unfinished().filter(lease_expires_at__lt=now)

    def claimable(self, *, now: dt.datetime, max_attempts: int) -> ReportJobQuerySet:
        """Jobs a worker may start: queued ones, and running ones whose worker died (its lease ran
        out) that have attempts left. A done or failed job is never claimed again."""
        return self.filter(
            Q(state=ReportJob.State.QUEUED)
            | Q(state=ReportJob.State.RUNNING, lease_expires_at__lt=now, attempts__lt=max_attempts)
        )

    def held(self, *, pk, attempt: int) -> ReportJobQuerySet:
        """The job while the worker that claimed ``attempt`` still holds it: a worker that lost its
        lease (and another worker claimed the job) writes nothing more to it."""
        return self.filter(pk=pk, state=ReportJob.State.RUNNING, attempts=attempt)


class ReportJob(models.Model):
    """A report made in the background: who asked for what, how far it got, and the file it made.

    A worker claims a job before it renders it and holds it by a lease it keeps renewing; a job
    whose lease ran out has lost its worker and is claimed again, up to the configured attempts
    (reports.jobs, reports.sweep, docs/deployment.md)."""

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
    # Renders started (claims); the claim's number also fences a worker that lost the job.
    attempts = models.PositiveSmallIntegerField(default=0)
    # Running: until when the worker holds the job (renewed as it works). Queued: until when a
    # worker should have claimed it before its message is sent again.
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    # The worker (host and process) that claimed the latest attempt.
    worker = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(storage=ReportStorage(), upload_to="%Y/%m/", blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    model_count = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)

    objects = ReportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        indexes = [
            models.Index(fields=["requested_at"], name="reportjob_requested_idx"),
            # The sweeper's scan (lease_expired): unfinished jobs by lease, without the finished
            # ones that make up nearly all rows.
            models.Index(
                fields=["lease_expires_at"], name="reportjob_lease_idx", condition=Q(state__in=["queued", "running"])
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.format} report ({self.state})"

    def get_absolute_url(self) -> str:
        return reverse("reports:job", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.state in {self.State.DONE, self.State.FAILED}
