"""Benchmark rows for the scheduled work: the daily scan and the build of every digest.

Before the row, 1,000 recipients are made (untimed), as a bank might have them: model risk officers
and administrators with the whole inventory, owners of models (the inventory's models shared out
among them), and managers subscribed to a business line or a risk tier, daily or weekly. The timed
action scans the inventory and composes every recipient's digest and the escalation (what
``send_review_digests --dry-run`` does); sending is the email server's time, not MLTrack's.
"""

from __future__ import annotations

import datetime as dt

from benchmarks.operations import Action, BenchmarkError, Context, Operation, Target

RECIPIENTS = 1_000
# Of the recipients: whole inventory (administrators and model risk officers), model owners, and
# managers of a business line or a risk tier (subscribed).
WHOLE_INVENTORY, OWNERS = 20, 600
DIGEST_TARGET = Target(max_ms=30_000, max_queries=10)


def _recipients(ctx: Context) -> None:
    """Make the recipients and their subscriptions, and share the models out among the owners."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import transaction
    from django.utils import timezone

    from common.roles import ADMINISTRATOR, MODEL_OWNER, MODEL_RISK_OFFICER
    from inventory.models import AIModel, RiskTier
    from notifications.models import DigestSubscription

    user_model = get_user_model()
    now = timezone.now()
    groups = {name: Group.objects.get(name=name) for name in (ADMINISTRATOR, MODEL_RISK_OFFICER, MODEL_OWNER)}
    lines = sorted(set(AIModel.objects.exclude(business_line="").values_list("business_line", flat=True))) or ["Cards"]
    with transaction.atomic():
        user_model.objects.bulk_create([
            user_model(username=f"recipient-{index:04d}", email=f"recipient-{index:04d}@bank.example")
            for index in range(RECIPIENTS)
        ])
        users = list(user_model.objects.filter(username__startswith="recipient-").order_by("username"))
        membership = user_model.groups.through
        rows, subscriptions = [], []
        for index, user in enumerate(users):
            if index < WHOLE_INVENTORY:
                role = ADMINISTRATOR if index % 4 == 0 else MODEL_RISK_OFFICER
            else:
                role = MODEL_OWNER
            rows.append(membership(user_id=user.pk, group_id=groups[role].pk))
            if index >= WHOLE_INVENTORY + OWNERS:
                manager = index - WHOLE_INVENTORY - OWNERS
                scope, value = (("business_line", lines[manager % len(lines)]) if manager % 2 == 0
                                else ("risk_tier", RiskTier.values[manager % len(RiskTier.values)]))
                frequency = "weekly" if manager % 5 == 0 else "daily"
                subscriptions.append(DigestSubscription(user=user, scope=scope, value=value, frequency=frequency,
                                                        created_at=now, updated_at=now))
        membership.objects.bulk_create(rows)
        DigestSubscription.objects.bulk_create(subscriptions)
        owners = [user.pk for user in users[WHOLE_INVENTORY:WHOLE_INVENTORY + OWNERS]]
        pks = list(AIModel.objects.order_by("pk").values_list("pk", flat=True))
        for offset, owner in enumerate(owners):
            AIModel.objects.filter(pk__in=pks[offset::len(owners)]).update(owner_id=owner)


def _daily_scan(ctx: Context) -> Action:
    from notifications.digests import compose_all

    _recipients(ctx)
    # Noon UTC on the inventory's day, so that the scan's "today" is the day the data was made for.
    now = dt.datetime.combine(ctx.today, dt.time(12), tzinfo=dt.UTC)

    def build() -> None:
        messages, _ = compose_all(now=now)
        if not messages:
            raise BenchmarkError("the scan composed no digest: nothing in the inventory is due")
        ctx.notes["daily scan and digest build"] = f"{len(messages):,} emails composed for {RECIPIENTS:,} recipients"

    return build


NOTIFICATION_OPERATIONS = [
    Operation("daily scan and digest build", _daily_scan, DIGEST_TARGET),
]
