"""What a digest says: its headline (how many, how bad), its rows worst first, grouped as overdue
and by due-soon window, and its links into the console. Plain data for the email templates."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from inventory.models import DueState, RiskTier
from notifications.emails import absolute
from notifications.models import DigestSubscription
from notifications.scan import Inventory, Item, Scope, Summary


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def headline(summary: Summary, *, windows: list[int]) -> str:
    """'12 reviews overdue (worst 45 days, 3 critical), 8 due within 30 days' or
    '8 reviews due within 30 days (next due today)'."""
    soon = summary.due_soon_total
    within = f"due within {plural(max(windows), 'day')}"
    if summary.overdue:
        worst = f"worst {plural(summary.worst_days_overdue, 'day')}"
        critical = f", {summary.critical_overdue:,} critical" if summary.critical_overdue else ""
        text = f"{plural(summary.overdue, 'review')} overdue ({worst}{critical})"
        return f"{text}, {soon:,} {within}" if soon else text
    days = summary.soonest_days or 0
    next_due = "due today" if days == 0 else f"in {plural(days, 'day')}"
    return f"{plural(soon, 'review')} {within} (next {next_due})"


def escalation_headline(summary: Summary, *, days: int) -> str:
    critical = f", {summary.critical_overdue:,} critical" if summary.critical_overdue else ""
    return (f"{plural(summary.overdue, 'review')} overdue {plural(days, 'day')} or more "
            f"(worst {plural(summary.worst_days_overdue, 'day')}{critical})")


def describe_scopes(scopes: tuple[Scope, ...]) -> str:
    return "; ".join(DigestSubscription(scope=scope, value=value).describe() for scope, value in scopes)


@dataclass(frozen=True)
class Row:
    name: str
    url: str
    tier: str
    business_line: str
    due_on: str
    words: str
    escalated: bool


@dataclass(frozen=True)
class Group:
    title: str
    rows: list[Row]


class Composer:
    """Builds digest contexts; each model's row is made once, however many digests list it."""

    def __init__(self, inventory: Inventory, *, max_items: int) -> None:
        self.inventory = inventory
        self.max_items = max_items
        self._rows: dict[int, Row] = {}
        self.subscriptions_url = absolute(reverse("notifications:subscriptions"))

    def row(self, item: Item) -> Row:
        row = self._rows.get(item.pk)
        if row is None:
            state = DueState(due_on=item.due_on, days=item.days, scheduled=True)
            row = self._rows[item.pk] = Row(
                name=item.name, url=absolute(reverse("inventory:detail", args=[item.pk])),
                tier=RiskTier(item.tier).label, business_line=item.business_line, due_on=item.due_on.isoformat(),
                words=state.words(), escalated=self.inventory.escalated(item),
            )
        return row

    def groups(self, items: list[Item]) -> list[Group]:
        """The first ``max_items`` items, as overdue then each due-soon window (smallest first)."""
        overdue: list[Row] = []
        soon: dict[int, list[Row]] = {}
        for item in items[: self.max_items]:
            window = self.inventory.window_of(item)
            if window is None:
                overdue.append(self.row(item))
            else:
                soon.setdefault(window, []).append(self.row(item))
        groups = [Group("Overdue", overdue)] if overdue else []
        groups += [Group(f"Due within {plural(window, 'day')}", rows) for window, rows in sorted(soon.items())]
        return groups

    def list_links(self, scopes: tuple[Scope, ...]) -> dict[str, str]:
        """The console's inventory list of what the digest counts, filtered like the scope where one
        filter says it (a tier, a business line)."""
        filters: dict[str, str] = {}
        if len(scopes) == 1:
            scope, value = scopes[0]
            if scope == DigestSubscription.Scope.RISK_TIER:
                filters["risk_tier"] = value
            elif scope == DigestSubscription.Scope.BUSINESS_LINE:
                filters["business_line"] = value
        base = absolute(reverse("inventory:list"))
        return {
            "overdue_url": f"{base}?{urlencode({**filters, 'review': 'overdue', 'sort': 'next_review'})}",
            "due_soon_url": f"{base}?{urlencode({**filters, 'review': 'due_30', 'sort': 'next_review'})}",
        }

    def digest(self, *, name: str, scopes: tuple[Scope, ...], items: list[Item], weekly: bool) -> dict[str, object]:
        summary = self.inventory.summary(items)
        return {
            "name": name, "weekly": weekly, "today": self.inventory.today.isoformat(),
            "headline": headline(summary, windows=self.inventory.windows), "summary": summary,
            "scopes": describe_scopes(scopes), "groups": self.groups(items),
            "more": max(0, summary.total - self.max_items), "escalation_days": self.inventory.escalation_days,
            "subscriptions_url": self.subscriptions_url, **self.list_links(scopes),
        }

    def escalation(self, *, items: list[Item]) -> dict[str, object]:
        summary = self.inventory.summary(items)
        base = absolute(reverse("inventory:list"))
        return {
            "today": self.inventory.today.isoformat(), "summary": summary, "days": self.inventory.escalation_days,
            "headline": escalation_headline(summary, days=self.inventory.escalation_days),
            "groups": self.groups(items), "more": max(0, summary.total - self.max_items),
            "overdue_url": f"{base}?{urlencode({'review': 'overdue', 'sort': 'next_review'})}",
        }
