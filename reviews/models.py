"""Review records: the append-only, hash-chained audit trail of model reviews."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse

from inventory.models import AIModel

APPEND_ONLY_MESSAGE = (
    "Review records are permanent: they cannot be changed or deleted. Record a correction instead "
    "(a new review that references the one it corrects)."
)


class AppendOnlyError(Exception):
    """Raised by every code path that would change or delete a review record."""


class Outcome(models.TextChoices):
    PASSED = "passed", "Passed"
    WARNING = "warning", "Passed with warnings"
    FAILED = "failed", "Failed"


# Outcomes after which the model counts as reviewed (and its schedule moves forward).
SATISFACTORY_OUTCOMES = frozenset({Outcome.PASSED, Outcome.WARNING})


class ModelReviewQuerySet(models.QuerySet["ModelReview"]):
    def update(self, **kwargs):
        raise AppendOnlyError(APPEND_ONLY_MESSAGE)

    def delete(self):
        raise AppendOnlyError(APPEND_ONLY_MESSAGE)

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError(APPEND_ONLY_MESSAGE)

    def update_or_create(self, defaults=None, create_defaults=None, **kwargs):
        raise AppendOnlyError(APPEND_ONLY_MESSAGE)

    def in_chain_order(self) -> ModelReviewQuerySet:
        return self.order_by("sequence")

    def newest_first(self) -> ModelReviewQuerySet:
        return self.order_by("-review_date", "-sequence")

    def for_trail(self) -> ModelReviewQuerySet:
        return self.select_related("model", "corrects").newest_first()


class ModelReview(models.Model):
    """One review of one model, as recorded. Never updated, never deleted.

    ``chain_hash`` covers this record's content and the previous record's chain hash, so any
    change, deletion or reordering breaks the chain from that point (see docs/audit-trail.md).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    sequence = models.PositiveBigIntegerField(unique=True, editable=False, help_text="Position in the chain, from 1.")
    model = models.ForeignKey(AIModel, on_delete=models.PROTECT, related_name="reviews", editable=False)
    model_name = models.CharField(max_length=200, editable=False)
    review_date = models.DateField(editable=False)
    reviewer = models.CharField(max_length=200, editable=False)
    reviewer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices, editable=False)
    notes = models.TextField(blank=True, editable=False)
    model_state_hash = models.CharField(max_length=64, editable=False)
    policy_version = models.PositiveIntegerField(editable=False)
    last_review_before = models.DateField(null=True, blank=True, editable=False)
    next_review_before = models.DateField(editable=False)
    next_review_date = models.DateField(editable=False, help_text="The model's next review date after this record.")
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections", editable=False
    )
    recorded_by = models.CharField(max_length=150, editable=False)
    created_at = models.DateTimeField(editable=False)
    previous_hash = models.CharField(max_length=64, editable=False)
    chain_hash = models.CharField(max_length=64, unique=True, editable=False)
    # Ed25519 over the chain hash (reviews.hashing.record_signing_message), by the institution's key,
    # which is kept outside the database: nobody without it can append or rewrite a record unseen.
    # Empty only for records written before signing began (a signed checkpoint covers those).
    signature = models.CharField(max_length=88, null=True, blank=True, editable=False)
    signing_key_id = models.CharField(max_length=16, null=True, blank=True, editable=False)

    objects = ModelReviewQuerySet.as_manager()

    class Meta:
        verbose_name = "review record"
        ordering = ["-sequence"]
        indexes = [
            # A model's trail on its page and its latest review for drift.
            models.Index(fields=["model", "-review_date", "-sequence"], name="review_model_idx"),
            # Audit-trail page filters.
            models.Index(fields=["review_date"], name="review_date_idx"),
            models.Index(fields=["reviewer"], name="review_reviewer_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(outcome__in=list(Outcome.values)), name="review_outcome_valid"),
            models.CheckConstraint(condition=~models.Q(reviewer=""), name="review_reviewer_not_blank"),
            models.CheckConstraint(condition=models.Q(sequence__gte=1), name="review_sequence_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.model_name} reviewed {self.review_date.isoformat()} ({self.outcome})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(APPEND_ONLY_MESSAGE)
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(APPEND_ONLY_MESSAGE)

    def get_absolute_url(self) -> str:
        return reverse("reviews:detail", args=[self.pk])

    def chain_record(self) -> dict[str, object]:
        from reviews.hashing import CHAIN_FIELDS

        return {field: getattr(self, field) for field in CHAIN_FIELDS}

    def sign(self) -> None:
        """Sign the chain hash with the institution's current key (common.signing)."""
        from common.signing import signer
        from reviews.hashing import record_signing_message

        key = signer()
        self.signature, self.signing_key_id = key.sign(record_signing_message(self.chain_hash)), key.key_id


class ChainCheckpoint(models.Model):
    """The chain head as a verification saw it, signed, and also written outside the database
    (MLTRACK_CHECKPOINT_DIR). A later verification that finds the chain shorter than, or different
    at, a signed checkpoint reports records deleted or rewritten since; an unsigned one proves
    nothing and is only reported."""

    sequence = models.PositiveBigIntegerField(editable=False)
    chain_hash = models.CharField(max_length=64, editable=False)
    verified_at = models.DateTimeField(editable=False)
    verified_by = models.CharField(max_length=150, editable=False)
    signature = models.CharField(max_length=88, null=True, blank=True, editable=False)
    signing_key_id = models.CharField(max_length=16, null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-verified_at"]
        get_latest_by = "verified_at"

    def __str__(self) -> str:
        return f"chain head #{self.sequence} {self.chain_hash[:12]}… verified {self.verified_at:%Y-%m-%d %H:%M}"
