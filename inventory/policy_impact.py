"""What a new review policy version would change, shown before it is published.

A policy change moves every due date in the bank: the publishing page shows, by tier, how many
models' next review dates would move (earlier or later) and how many would become overdue at once
on the day it takes effect. Two queries whatever the size of the inventory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Count, Q

from inventory.models import AIModel, RiskTier


@dataclass(frozen=True)
class TierImpact:
    tier: str
    models: int
    earlier: int
    later: int
    overdue_at_once: int

    @property
    def moved(self) -> int:
        return self.earlier + self.later


@dataclass(frozen=True)
class Impact:
    # The day the version would take effect (today for a correction dated in the past).
    start: dt.date
    tiers: tuple[TierImpact, ...]

    @property
    def moved(self) -> int:
        return sum(tier.moved for tier in self.tiers)

    @property
    def overdue_at_once(self) -> int:
        return sum(tier.overdue_at_once for tier in self.tiers)


def _reviewed_before(cutoff: dt.date) -> Q:
    """The model's schedule starts (last review, else deployment) before ``cutoff``."""
    return Q(last_review_date__lt=cutoff) | Q(last_review_date__isnull=True, deployment_date__lt=cutoff)


def policy_impact(*, cycles: Mapping[str, int], effective_date: dt.date, today: dt.date) -> Impact:
    """The effect of cycles ``cycles`` taking effect on ``effective_date`` on every model still on a
    review schedule (decommissioned models have none)."""
    start = max(effective_date, today)
    scheduled = AIModel.objects.needing_review().order_by()
    # Each model's date came from its own policy version's cycle for its tier.
    groups = scheduled.values("risk_tier", *(f"review_policy__{tier}_days" for tier in RiskTier.values)).annotate(
        models=Count("pk"))
    earlier: dict[str, int] = dict.fromkeys(RiskTier.values, 0)
    later = dict(earlier)
    totals = dict(earlier)
    for group in groups:
        tier = group["risk_tier"]
        current = group[f"review_policy__{tier}_days"]
        totals[tier] += group["models"]
        if current is not None and cycles[tier] < current:
            earlier[tier] += group["models"]
        elif current is not None and cycles[tier] > current:
            later[tier] += group["models"]
    overdue = scheduled.aggregate(**{
        tier: Count("pk", filter=Q(risk_tier=tier, next_review_date__gte=start)
                    & _reviewed_before(start - dt.timedelta(days=cycles[tier])))
        for tier in RiskTier.values
    })
    return Impact(start, tuple(
        TierImpact(tier, totals[tier], earlier[tier], later[tier], overdue[tier]) for tier in RiskTier.values
    ))
