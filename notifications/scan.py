"""The daily scan: every review that is overdue or falls in a due-soon window, read in one query,
indexed by the scopes digests are subscribed to, and summed up per digest (how many, how bad).

Windows (MLTRACK_DUE_SOON_WINDOWS, e.g. 30, 7 and 1 days) sort what is coming due: a review due in
five days is "within 7 days". Overdue reviews come first, the longest overdue first; a review
overdue MLTRACK_ESCALATION_DAYS or more is escalated (notifications.digests)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from inventory.models import AIModel, RiskTier
from notifications.models import DigestSubscription

TIER_RANK = {tier: rank for rank, tier in enumerate(RiskTier.values)}  # critical first

Scope = tuple[str, str]  # (DigestSubscription.Scope, value)


@dataclass(frozen=True, slots=True)
class Item:
    """One model's review, as a digest lists it."""

    pk: int
    name: str
    tier: str
    business_line: str
    owner_id: int | None
    due_on: dt.date
    # Days until due: 0 when due today, negative when overdue.
    days: int

    @property
    def overdue(self) -> bool:
        return self.days < 0

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days)

    def sort_key(self) -> tuple[int, int, str]:
        # Worst first: the longest overdue (or soonest due), then the most severe tier, then by name.
        return (self.days, TIER_RANK[self.tier], self.name)


@dataclass(frozen=True)
class Summary:
    """How many and how bad: what a digest's subject and first lines say."""

    total: int
    overdue: int
    critical_overdue: int
    worst_days_overdue: int
    escalated: int
    # Reviews coming due, by window (days), largest window first.
    due_soon: dict[int, int]
    soonest_days: int | None

    @property
    def due_soon_total(self) -> int:
        return sum(self.due_soon.values())


@dataclass
class Inventory:
    """The scan's result: items worst first, and the same items by scope, each list worst first."""

    today: dt.date
    windows: list[int]
    escalation_days: int
    items: list[Item]
    by_line: dict[str, list[Item]] = field(default_factory=dict)
    by_tier: dict[str, list[Item]] = field(default_factory=dict)
    by_owner: dict[int, list[Item]] = field(default_factory=dict)
    _summaries: dict[int, tuple[list[Item], Summary]] = field(default_factory=dict)

    def select(self, scopes: list[Scope], *, user_id: int) -> list[Item]:
        """The items of a recipient's scopes, worst first, each once. One scope (nearly every
        recipient) is a list already built; several are merged."""
        lists = [self._one(scope, value, user_id) for scope, value in scopes]
        lists = [items for items in lists if items]
        if len(lists) <= 1:
            return lists[0] if lists else []
        if any(items is self.items for items in lists):
            return self.items
        merged = {item.pk: item for items in lists for item in items}
        return sorted(merged.values(), key=Item.sort_key)

    def _one(self, scope: str, value: str, user_id: int) -> list[Item]:
        if scope == DigestSubscription.Scope.ALL:
            return self.items
        if scope == DigestSubscription.Scope.BUSINESS_LINE:
            return self.by_line.get(value.casefold(), [])
        if scope == DigestSubscription.Scope.RISK_TIER:
            return self.by_tier.get(value, [])
        return self.by_owner.get(user_id, [])

    def window_of(self, item: Item) -> int | None:
        """The smallest due-soon window the item falls in (None when overdue)."""
        if item.overdue:
            return None
        return min(window for window in self.windows if item.days <= window)

    def escalated(self, item: Item) -> bool:
        return item.days_overdue >= self.escalation_days

    def summary(self, items: list[Item]) -> Summary:
        """Counted once per list: the whole inventory's list is shared by every recipient of it."""
        cached = self._summaries.get(id(items))
        # The list is kept beside its summary, so that its id cannot be reused by another list.
        if cached is None or cached[0] is not items:
            cached = self._summaries[id(items)] = (items, self._count(items))
        return cached[1]

    def _count(self, items: list[Item]) -> Summary:
        overdue = [item for item in items if item.overdue]
        due_soon = dict.fromkeys(self.windows, 0)
        for item in items:
            if not item.overdue:
                due_soon[self.window_of(item)] += 1
        coming = [item.days for item in items if not item.overdue]
        return Summary(
            total=len(items), overdue=len(overdue),
            critical_overdue=sum(1 for item in overdue if item.tier == RiskTier.CRITICAL),
            worst_days_overdue=overdue[0].days_overdue if overdue else 0,
            escalated=sum(1 for item in overdue if self.escalated(item)),
            due_soon=due_soon, soonest_days=min(coming) if coming else None,
        )


def scan(*, today: dt.date, windows: list[int], escalation_days: int) -> Inventory:
    """Read every model on a review schedule that is overdue or due within the largest window, in
    one query (the due-date index), whatever the inventory's size."""
    horizon = today + dt.timedelta(days=max(windows))
    rows = (
        AIModel.objects.needing_review().filter(next_review_date__lte=horizon)
        .values_list("pk", "model_name", "risk_tier", "business_line", "owner_id", "next_review_date")
    )
    items = sorted(
        (Item(pk, name, tier, line, owner, due, (due - today).days) for pk, name, tier, line, owner, due in rows),
        key=Item.sort_key,
    )
    by_line: dict[str, list[Item]] = defaultdict(list)
    by_tier: dict[str, list[Item]] = defaultdict(list)
    by_owner: dict[int, list[Item]] = defaultdict(list)
    for item in items:
        if item.business_line:
            by_line[item.business_line.casefold()].append(item)
        by_tier[item.tier].append(item)
        if item.owner_id is not None:
            by_owner[item.owner_id].append(item)
    return Inventory(today=today, windows=sorted(windows, reverse=True), escalation_days=escalation_days,
                     items=items, by_line=dict(by_line), by_tier=dict(by_tier), by_owner=dict(by_owner))
