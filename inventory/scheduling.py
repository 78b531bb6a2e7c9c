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
from django.utils import timezone

from common import dates, text
from common.actors import Actor, stamp
from common.authz import require
from inventory import permissions
from inventory.bulk import insert_history, update_rows
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


# Cycles within reason: no tier reviewed more than monthly or less than every three years.
MIN_CYCLE_DAYS, MAX_CYCLE_DAYS = 30, 1095
CYCLE_RANGE_MESSAGE = "{tier} cycle must be between {low} and {high:,} days, not {days}."
TIER_ORDER_MESSAGE = "A {riskier} model is never reviewed less often than a {safer} one: {riskier} {a} days > {safer} {b} days."
REQUIRED_MESSAGE = "{label} is required: say {what}."
PAST_MESSAGE = ("The effective date {date} is before today ({today}): a version takes effect on a future day, or today. "
                "To correct the record, mark it a correction and give the reason.")
SAME_DAY_MESSAGE = "Version {version} already takes effect on {date}: two versions may not take effect on the same day."
WITHDRAW_EFFECTIVE_MESSAGE = "Version {version} took effect on {date}: only a version that has not taken effect can be withdrawn."
WITHDRAWN_ALREADY_MESSAGE = "Version {version} was already withdrawn."


def prepare_review_policy(
    *, cycles: Mapping[str, Any], effective_date: Any, approval_reference: Any, rationale: Any, actor: Actor,
    today: dt.date, correction_reason: Any = "",
) -> ReviewPolicy:
    """Build and check the next policy version without saving it: every problem at once, as a
    ValidationError by field. The effective date is YYYY-MM-DD within range, today or later (or, for
    a correction, earlier with the reason), and no other standing version takes effect that day;
    each cycle is 30 to 1,095 days and a riskier tier is never reviewed less often; an approval
    reference (one line) and a rationale are required. Administrators only."""
    require(actor, permissions.can_manage_policy, "publish review policy versions")
    errors: dict[str, list[str]] = {}
    if isinstance(effective_date, (str, dt.date)) and effective_date != "":
        try:
            effective_date = dates.parse_date(effective_date, label="Effective date")
        except ValidationError as exc:
            errors["effective_date"], effective_date = exc.messages, None
    approval_reference = _required(errors, "approval_reference", approval_reference, "Approval reference",
                                   "where it was approved (committee and date)", multiline=False)
    rationale = _required(errors, "rationale", rationale, "Rationale", "why the cycles change", multiline=True)
    correction_reason = _text(errors, "correction_reason", correction_reason, "Correction reason")
    if isinstance(effective_date, dt.date):
        _check_date(errors, effective_date, today=today, correction_reason=correction_reason)
    _check_cycles(errors, cycles)
    last = ReviewPolicy.objects.order_by("-version").values_list("version", flat=True).first() or 0
    policy = ReviewPolicy(
        version=last + 1, effective_date=effective_date or None, approval_reference=approval_reference,
        rationale=rationale, correction_reason=correction_reason, created_by=actor.name,
        **{f"{tier}_days": cycles.get(tier) for tier in RiskTier.values},
    )
    try:
        policy.full_clean(exclude=["version", "created_by", *errors], validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, messages)
    if errors:
        raise ValidationError(errors)
    return policy


def _text(errors: dict, field: str, value: Any, label: str, *, multiline: bool = True) -> str:
    try:
        clean = text.clean_text if multiline else text.clean_line
        return clean(str(value or ""), label=label).strip()
    except ValidationError as exc:
        errors[field] = exc.messages
        return ""


def _required(errors: dict, field: str, value: Any, label: str, what: str, *, multiline: bool) -> str:
    cleaned = _text(errors, field, value, label, multiline=multiline)
    if field not in errors and not cleaned:
        errors[field] = [REQUIRED_MESSAGE.format(label=label, what=what)]
    return cleaned


def _check_date(errors: dict, effective_date: dt.date, *, today: dt.date, correction_reason: str) -> None:
    if effective_date < today and not correction_reason:
        errors["effective_date"] = [PAST_MESSAGE.format(date=effective_date.isoformat(), today=today.isoformat())]
    same_day = ReviewPolicy.objects.standing().filter(effective_date=effective_date).values_list("version", flat=True)
    if same_day:
        errors.setdefault("effective_date", []).append(
            SAME_DAY_MESSAGE.format(version=same_day[0], date=effective_date.isoformat()))


def _check_cycles(errors: dict, cycles: Mapping[str, Any]) -> None:
    valid = {}
    for tier in RiskTier.values:
        days = cycles.get(tier)
        if isinstance(days, int) and not isinstance(days, bool):
            if MIN_CYCLE_DAYS <= days <= MAX_CYCLE_DAYS:
                valid[tier] = days
            else:
                errors[f"{tier}_days"] = [CYCLE_RANGE_MESSAGE.format(
                    tier=tier.capitalize(), low=MIN_CYCLE_DAYS, high=MAX_CYCLE_DAYS, days=days)]
    tiers = [tier for tier in RiskTier.values if tier in valid]  # riskiest first
    for riskier, safer in zip(tiers, tiers[1:]):
        if valid[riskier] > valid[safer]:
            errors.setdefault(f"{riskier}_days", []).append(TIER_ORDER_MESSAGE.format(
                riskier=riskier, safer=safer, a=valid[riskier], b=valid[safer]))


@transaction.atomic
def publish_review_policy(
    *, cycles: Mapping[str, Any], effective_date: Any, approval_reference: Any, rationale: Any, actor: Actor,
    today: dt.date, correction_reason: Any = "",
) -> ReviewPolicy:
    """Publish a new policy version (checked by prepare_review_policy). If it is already in force,
    every schedule follows it now; a future-dated version is applied by apply_review_policy on its
    effective date. Administrators only."""
    policy = prepare_review_policy(
        cycles=cycles, effective_date=effective_date, approval_reference=approval_reference, rationale=rationale,
        actor=actor, today=today, correction_reason=correction_reason,
    )
    policy.save()
    apply_review_policy(actor=actor, today=today)
    return policy


@transaction.atomic
def withdraw_review_policy(*, policy: ReviewPolicy, reason: Any, actor: Actor, now: dt.datetime,
                           today: dt.date) -> ReviewPolicy:
    """Withdraw a version that has not taken effect, with the reason; it stays listed as withdrawn
    and never applies. Administrators only."""
    require(actor, permissions.can_manage_policy, "withdraw review policy versions")
    policy = ReviewPolicy.objects.select_for_update().get(pk=policy.pk)
    errors: dict[str, list[str]] = {}
    reason = _required(errors, "reason", reason, "Reason", "why the version is withdrawn", multiline=True)
    if policy.withdrawn_at is not None:
        errors["reason"] = [WITHDRAWN_ALREADY_MESSAGE.format(version=policy.version)]
    elif policy.effective_date <= today:
        errors["reason"] = [WITHDRAW_EFFECTIVE_MESSAGE.format(version=policy.version,
                                                              date=policy.effective_date.isoformat())]
    if errors:
        raise ValidationError(errors)
    policy.withdrawn_at, policy.withdrawn_by, policy.withdrawal_reason = now, actor.name, reason
    policy.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
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
        insert_history(batch, user=actor.user, actor_name=actor.name, reason=reason, when=timezone.now(), kind="~")
    return len(models)


REVIEW_FIELDS = ["latest_outcome_on", "latest_outcome", "latest_outcome_state_hash", "earliest_outcome_on",
                 "reviewed_registry_version", "reviewed_registry_identity"]


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
        # The registry version the review vouched for: the model's own, when the review is of the
        # model as it stands (a review of an older state leaves the last known one).
        if reviewed_state_hash == model.compute_state_hash():
            model.reviewed_registry_version = model.registered_version
            model.reviewed_registry_identity = model.registry_identity()
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
