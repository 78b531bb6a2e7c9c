"""Digest subscriptions: each user chooses their scopes and how often (or off); administrators may
change anyone's. Checked here, whatever page or command calls."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from common.actors import Actor
from common.authz import require
from common.roles import role_of
from common.text import clean_line
from inventory.models import RiskTier
from notifications import permissions
from notifications.models import DigestSubscription, Frequency

SCOPE_MESSAGE = "Choose what the digest covers: {choices}."
FREQUENCY_MESSAGE = "Choose how often: daily, weekly or off."
TIER_MESSAGE = "Choose a risk tier: critical, high, medium or low."
LINE_MISSING_MESSAGE = "Name the business line, e.g. Retail Banking."
LINE_TOO_LONG_MESSAGE = "A business line has at most 100 characters ({length} given)."
NO_VALUE_MESSAGE = "{scope} takes no business line or risk tier."
ANOTHER_USER_ACTION = "change another user's digest subscriptions"


def _may_change(user: AbstractBaseUser):
    def allowed(actor_user: AbstractBaseUser) -> bool:
        if not permissions.can_subscribe(actor_user):
            return False
        return actor_user.pk == user.pk or permissions.can_manage(actor_user)

    return allowed


def clean_choice(*, scope: str, value: str, frequency: str) -> tuple[str, str, str]:
    """The scope, value and frequency as stored, or ValidationError naming each bad field."""
    errors: dict[str, str] = {}
    if scope not in DigestSubscription.Scope.values:
        labels = ", ".join(label.lower() for label in DigestSubscription.Scope.labels)
        errors["scope"] = SCOPE_MESSAGE.format(choices=labels)
    if frequency not in Frequency.values:
        errors["frequency"] = FREQUENCY_MESSAGE
    value = value or ""
    if scope == DigestSubscription.Scope.RISK_TIER:
        if value not in RiskTier.values:
            errors["risk_tier"] = TIER_MESSAGE
    elif scope == DigestSubscription.Scope.BUSINESS_LINE:
        try:
            value = clean_line(value, label="Business line")
        except ValidationError as exc:
            errors["business_line"] = exc.messages[0]
        else:
            if not value:
                errors["business_line"] = LINE_MISSING_MESSAGE
            elif len(value) > 100:
                errors["business_line"] = LINE_TOO_LONG_MESSAGE.format(length=len(value))
    elif scope in DigestSubscription.Scope.values and value.strip():
        errors["scope"] = NO_VALUE_MESSAGE.format(scope=DigestSubscription.Scope(scope).label)
    if errors:
        raise ValidationError(errors)
    return scope, value, frequency


@transaction.atomic
def save_subscription(*, user: AbstractBaseUser, scope: str, value: str, frequency: str, actor: Actor,
                      now: dt.datetime) -> DigestSubscription:
    """Subscribe ``user`` to a scope at a frequency ("off" keeps the row, so the role's default stays
    off), or change the frequency of that scope. Business lines are kept as typed and compared in
    any case. The user must be able to read the inventory; only administrators change others'."""
    require(actor, _may_change(user), ANOTHER_USER_ACTION if actor.user and actor.user.pk != user.pk
            else "subscribe to digests")
    if not permissions.can_subscribe(user):
        raise ValidationError({"scope": f"{user.get_username()} cannot read the inventory, so gets no digest."})
    scope, value, frequency = clean_choice(scope=scope, value=value, frequency=frequency)
    existing = DigestSubscription.objects.filter(user=user, scope=scope)
    match = next((row for row in existing if row.value.casefold() == value.casefold()), None)
    if match is None:
        return DigestSubscription.objects.create(user=user, scope=scope, value=value, frequency=frequency,
                                                 created_at=now, updated_at=now)
    match.frequency, match.updated_at = frequency, now
    match.save(update_fields=["frequency", "updated_at"])
    return match


def remove_subscription(*, subscription_id: int, actor: Actor) -> None:
    """Remove one scope (a user without rows gets the role's default again)."""
    subscription = DigestSubscription.objects.select_related("user").get(pk=subscription_id)
    require(actor, _may_change(subscription.user), ANOTHER_USER_ACTION if actor.user and
            actor.user.pk != subscription.user_id else "change digest subscriptions")
    subscription.delete()


@dataclass(frozen=True)
class Effective:
    """What a user receives, as their subscriptions page says it."""

    rows: list[DigestSubscription]
    default: str  # the role's default, in words ("" when the user has rows)


def effective_for(user: AbstractBaseUser) -> Effective:
    rows = list(DigestSubscription.objects.filter(user=user).order_by("scope", "value"))
    if rows:
        return Effective(rows, "")
    if user.is_superuser or role_of(user) in {"administrator", "model-risk-officer"}:
        return Effective([], "the whole inventory, daily")
    return Effective([], "the models you own, daily")
