"""What the console keeps of an import while a person works through it: the uploaded file, the
columns it was found to have, the mapping chosen, and the outcome of the check and of the import.

An upload moves uploaded -> checking -> checked -> importing -> imported (or failed). A large file
is checked and imported by the worker (transfers.tasks); ``heartbeat_at`` says when it last
reported progress, so a page can tell a worker that stopped from one that is busy.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse

# A check or import that has not reported for this long has lost its worker (it reports at least
# every batch of 2,000 rows, a few seconds apart).
STALLED_AFTER = dt.timedelta(minutes=10)


class UploadQuerySet(models.QuerySet["Upload"]):
    def of(self, user) -> UploadQuerySet:
        """The uploads a person made: only they see and confirm them."""
        return self.filter(uploaded_by=user)


class Upload(models.Model):
    class State(models.TextChoices):
        UPLOADED = "uploaded", "Columns to match"
        CHECKING = "checking", "Checking every row"
        CHECKED = "checked", "Checked: ready to import"
        IMPORTING = "importing", "Importing"
        IMPORTED = "imported", "Done"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    uploaded_at = models.DateTimeField()
    file_name = models.CharField(max_length=255)
    format = models.CharField(max_length=10)
    # The file itself, until it is imported (kept in the database so that any worker can read it).
    content = models.BinaryField(editable=False)
    reviews_content = models.BinaryField(null=True, blank=True, editable=False)
    size = models.PositiveBigIntegerField()
    sheet = models.CharField(max_length=100, blank=True)
    header_row = models.PositiveIntegerField(null=True, blank=True)
    update = models.BooleanField(default=False)
    continue_on_error = models.BooleanField(default=False)
    # The columns found: [{"table", "header", "field", "suggested", "samples"}], and the mapping chosen.
    columns = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)
    state = models.CharField(max_length=10, choices=State.choices, default=State.UPLOADED)
    # Whether the check or import has been started by whoever runs it (inline, or a worker's claim).
    started = models.BooleanField(default=False)
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=100, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # The outcome of the latest check or import (transfers.importing.Outcome.as_dict, with the rows).
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)

    objects = UploadQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at"]
        indexes = [
            # A person's uploads, newest first (the upload page lists them).
            models.Index(fields=["uploaded_by", "-uploaded_at"], name="upload_by_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        return reverse("transfers:detail", args=[self.pk])

    @property
    def running(self) -> bool:
        return self.state in {self.State.CHECKING, self.State.IMPORTING}

    def stalled(self, *, now: dt.datetime) -> bool:
        """A check or import whose worker stopped reporting (it can be started again)."""
        return self.running and self.heartbeat_at is not None and now - self.heartbeat_at > STALLED_AFTER
