"""Review policy and schedules: when each model is next due, and keeping that true.

The next review date is derived, never typed: one policy cycle after the last review, or after
deployment when never reviewed. It is recomputed when the risk tier, the deployment date, a
review or the policy in force changes, and each model records the policy version behind it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from common import dates, text
from common.actors import Actor, stamp
from common.authz import require
from inventory import permissions
from inventory.bulk import update_rows
from inventory.models import AIModel, ReviewPolicy, RiskTier


def next_review_date(
    *, policy: ReviewPolicy, risk_tier: str, deployment_date: dt.date, last_review_date: dt.date | None
) -> dt.date:
    """The next review is one tier cycle after the last review, or after deployment if never reviewed."""
    base = last_review_date or deployment_date
    return base + dt.timedelta(days=policy.cycle_days(risk_tier))


def schedule(model: AIModel, policy: ReviewPolicy) -> None:
    """Set a model's next review date (and its policy link) from ``policy``, in memory."""
    model.review_policy = policy
    model.next_review_date = next_review_date(
        policy=policy,
        risk_tier=model.risk_tier,
        deployment_date=model.deployment_date,
        last_review_date=model.last_review_date,
    )


def prepare_review_policy(
    *, cycles: Mapping[str, Any], effective_date: Any, approval_reference: Any, actor: Actor
) -> ReviewPolicy:
    """Build and check the next policy version without saving it: every problem at once, as a
    ValidationError by field (the effective date YYYY-MM-DD within range, each cycle 1 to 3,660
    days, the approval reference one line of printable text). Administrators only."""
    require(actor, permissions.can_manage_policy, "publish review policy versions")
    errors: dict[str, list[str]] = {}
    if isinstance(effective_date, (str, dt.date)) and effective_date != "":
        try:
            effective_date = dates.parse_date(effective_date, label="Effective date")
        except ValidationError as exc:
            errors["effective_date"], effective_date = exc.messages, None
    try:
        approval_reference = text.clean_line(str(approval_reference or ""), label="Approval reference")
    except ValidationError as exc:
        errors["approval_reference"], approval_reference = exc.messages, ""
    last = ReviewPolicy.objects.order_by("-version").values_list("version", flat=True).first() or 0
    policy = ReviewPolicy(
        version=last + 1,
        effective_date=effective_date or None,
        approval_reference=approval_reference,
        created_by=actor.name,
        **{f"{tier}_days": cycles.get(tier) for tier in RiskTier.values},
    )
    try:
        policy.full_clean(exclude=["version", "created_by", *errors])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, messages)
    if errors:
        raise ValidationError(errors)
    return policy


@transaction.atomic
def publish_review_policy(
    *, cycles: Mapping[str, Any], effective_date: Any, approval_reference: Any, actor: Actor, today: dt.date
) -> ReviewPolicy:
    """Publish a new policy version (checked by prepare_review_policy). If it is already in force,
    every schedule follows it now; a future-dated version is applied by apply_review_policy on its
    effective date. Administrators only."""
    policy = prepare_review_policy(
        cycles=cycles, effective_date=effective_date, approval_reference=approval_reference, actor=actor
    )
    policy.save()
    apply_review_policy(actor=actor, today=today)
    return policy


APPLY_BATCH_SIZE = 2000
POLICY_FIELDS = ["next_review_date", "review_policy"]


@transaction.atomic
def apply_review_policy(*, actor: Actor, today: dt.date) -> int:
    """Recompute the schedule of every model whose next review date came from a policy version
    other than the one in force today. Idempotent: a second run changes nothing.

    Returns the number of models rescheduled. Each change is written to the model's history.
    The scheduler runs it; of people, those who publish policy versions.
    """
    require(actor, permissions.can_manage_policy, "apply the review policy")
    policy = ReviewPolicy.objects.in_force(on=today)
    reason = f"review policy v{policy.version} applied"
    stale = AIModel.objects.exclude(review_policy=policy).order_by("pk")
    total = 0
    batch: list[AIModel] = []
    for model in stale.iterator(chunk_size=APPLY_BATCH_SIZE):
        schedule(model, policy)
        batch.append(model)
        if len(batch) >= APPLY_BATCH_SIZE:
            total += _bulk_save(batch, POLICY_FIELDS, actor, reason)
            batch = []
    if batch:
        total += _bulk_save(batch, POLICY_FIELDS, actor, reason)
    return total


def _bulk_save(models: list[AIModel], fields: list[str], actor: Actor, reason: str) -> int:
    """Save the given fields of many models in batches, with one history row each."""
    for start in range(0, len(models), APPLY_BATCH_SIZE):
        batch = models[start : start + APPLY_BATCH_SIZE]
        update_rows(batch, fields)
        AIModel.history.bulk_history_create(
            batch,
            update=True,
            default_user=actor.user,
            default_change_reason=reason,
            custom_historical_attrs={"history_actor": actor.name},
        )
    return len(models)


REVIEW_FIELDS = ["latest_outcome_on", "latest_outcome", "latest_outcome_state_hash", "earliest_outcome_on"]


def note_review(
    *, model: AIModel, review_date: dt.date, outcome: str, reviewed_state_hash: str,
    moves_schedule: bool, policy: ReviewPolicy,
) -> None:
    """Apply a review just recorded to a model, in memory (the reviews app saves it).

    The latest review (by date, of any outcome) is remembered for compliance checks, the earliest
    so that the deployment date never moves after it; a review that ``moves_schedule`` becomes the
    last review date, and the next review follows ``policy``.
    """
    if model.earliest_outcome_on is None or review_date < model.earliest_outcome_on:
        model.earliest_outcome_on = review_date
    if model.latest_outcome_on is None or review_date >= model.latest_outcome_on:
        model.latest_outcome_on = review_date
        model.latest_outcome = outcome
        model.latest_outcome_state_hash = reviewed_state_hash
    if moves_schedule:
        model.last_review_date = review_date
        schedule(model, policy)


def save_after_review(*, model: AIModel, actor: Actor, reason: str) -> None:
    """Save what note_review changed, with a history entry. The row must already be locked."""
    stamp(model, actor, reason)
    model.save(update_fields=["last_review_date", *POLICY_FIELDS, *REVIEW_FIELDS, "updated_at"])


def bulk_save_after_reviews(*, models: list[AIModel], actor: Actor, reason: str) -> int:
    """save_after_review for many models at once, in batches."""
    return _bulk_save(models, ["last_review_date", *POLICY_FIELDS, *REVIEW_FIELDS], actor, reason)
