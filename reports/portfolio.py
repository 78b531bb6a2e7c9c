"""Where the inventory stands: the figures of the dashboard (console and terminal) and the risk report.

One definition of each number. Counts come from the inventory's own querysets and conditions
(overdue, due within 30 days, changed since review) and from the compliance engine's summary, so
the dashboard's compliance rate is the one ``mltrack validate`` and the reports print. Every figure
carries the inventory-list filter that lists exactly its models, so each number can link there.

Built in a fixed number of queries whatever the inventory size: two for every count (one grouped
by tier, status, environment, vendor and business line, one of conditional counts), one per short
list, one for the trend.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet

from compliance.engine import Summary, summary_aggregates, summary_from
from compliance.rules import RULESET
from inventory.history import latest_change_id
from inventory.models import (
    CHANGED_SINCE_REVIEW,
    DUE_SOON_DAYS,
    NEEDING_REVIEW,
    OVERDUE_AGES,
    AIModel,
    DueState,
    Environment,
    RiskTier,
    Status,
    overdue_between,
)
from reports.models import ComplianceSnapshot

# Rows of the short lists (recent additions, reviews needed, high risk in production).
LIST_LENGTH = 10
# Groupings with more members than this show the largest and fold the rest into "others".
TOP_GROUPS = 10
# Days of compliance trend shown.
TREND_DAYS = 90
HIGH_RISK_TIERS = (RiskTier.CRITICAL, RiskTier.HIGH)
NOT_SET = "(not set)"


def share(count: int, total: int) -> float:
    """``count`` as a percentage of ``total``, to one decimal (0.0 of nothing)."""
    return round(100 * count / total, 1) if total else 0.0


@dataclass(frozen=True)
class Figure:
    """A number and the inventory-list filter that lists its models (None: no single list)."""

    key: str
    label: str
    count: int
    params: dict[str, str] | None = None

    def share_of(self, total: int) -> float:
        return share(self.count, total)

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "count": self.count}


@dataclass(frozen=True)
class ModelLine:
    """One model in a short list."""

    pk: int
    name: str
    vendor: str
    risk_tier: str
    environment: str
    status: str
    added_on: dt.date
    next_review_date: dt.date
    due_in_days: int

    @property
    def due(self) -> DueState:
        return DueState(due_on=self.next_review_date, days=self.due_in_days, scheduled=self.status != Status.DECOMMISSIONED)

    @property
    def overdue(self) -> bool:
        return self.due.overdue

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.name,
            "vendor": self.vendor,
            "risk_tier": self.risk_tier,
            "environment": self.environment,
            "status": self.status,
            "added_on": self.added_on.isoformat(),
            "next_review_date": self.next_review_date.isoformat(),
            "due_in_days": self.due_in_days,
            "overdue": self.overdue,
        }


@dataclass(frozen=True)
class VendorLine:
    """One vendor's models (spellings that differ only in case are one vendor): how many, and of
    them how many are critical, high risk, and in production."""

    vendor: str
    models: int
    critical: int
    high: int
    in_production: int


@dataclass(frozen=True)
class TrendPoint:
    day: dt.date
    evaluated: int
    passed: int
    compliance_rate: float | None
    overdue: int
    source: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(), "evaluated": self.evaluated, "passed": self.passed,
            "compliance_rate": self.compliance_rate, "overdue": self.overdue, "source": self.source,
        }


@dataclass
class Portfolio:
    as_of: dt.date
    total: int
    active: int
    compliance: Summary
    overdue: Figure
    due_soon: Figure
    never_reviewed: Figure
    changed_since_review: Figure
    by_tier: list[Figure]
    by_status: list[Figure]
    by_environment: list[Figure]
    by_vendor: list[Figure]
    vendor_count: int
    # Every vendor, largest first (by_vendor shows the largest and folds the rest).
    vendors: list[VendorLine]
    by_business_line: list[Figure]
    overdue_by_age: list[Figure]
    high_risk_in_production: list[Figure]
    recent_additions: list[ModelLine]
    reviews_needed: list[ModelLine]
    high_risk_models: list[ModelLine]
    # The whole inventory's trend, or the tier's when the only filter is one risk tier.
    trend: list[TrendPoint] = field(default_factory=list)
    # "" the whole inventory, a risk tier, or None when no snapshot matches the filters.
    trend_scope: str | None = ""
    # Names this computation (a new one for every build): what is rendered from a portfolio can be
    # cached under it, and is then never shown beside another build's figures.
    build_id: str = field(default_factory=lambda: uuid.uuid4().hex, compare=False)

    @property
    def reviews_needed_count(self) -> int:
        return self.overdue.count + self.due_soon.count

    @property
    def high_risk_in_production_count(self) -> int:
        return sum(figure.count for figure in self.high_risk_in_production)

    def as_dict(self) -> dict[str, Any]:
        def figures(items: list[Figure]) -> list[dict[str, Any]]:
            return [item.as_dict() for item in items]

        return {
            "as_of": self.as_of.isoformat(),
            "ruleset": RULESET.describe(),
            "total": self.total,
            "active": self.active,
            "compliance": self.compliance.as_dict(),
            "overdue": self.overdue.count,
            "due_in_30_days": self.due_soon.count,
            "never_reviewed": self.never_reviewed.count,
            "changed_since_review": self.changed_since_review.count,
            "by_tier": figures(self.by_tier),
            "by_status": figures(self.by_status),
            "by_environment": figures(self.by_environment),
            "by_vendor": figures(self.by_vendor),
            "vendor_count": self.vendor_count,
            "by_business_line": figures(self.by_business_line),
            "overdue_by_age": figures(self.overdue_by_age),
            "high_risk_in_production": figures(self.high_risk_in_production),
            "recent_additions": [line.as_dict() for line in self.recent_additions],
            "reviews_needed": [line.as_dict() for line in self.reviews_needed],
            "high_risk_models": [line.as_dict() for line in self.high_risk_models],
            "trend": {"scope": None if self.trend_scope is None else self.trend_scope or "all", "points": [point.as_dict() for point in self.trend]},
        }


# The columns of the portfolio's GROUP BY. Each split of the inventory the dashboard shows (by
# tier, status, environment, vendor, business line) is a sum over these groups, which an index of
# the same columns (aimodel_dashboard_idx) answers without reading the table. There is a group per
# combination of values that occurs, not per model: 4,384 in the benchmark's 100,000 models.
GROUP_COLUMNS = ("risk_tier", "status", "deployment_environment", "vendor", "business_line")


@dataclass
class _Tally:
    """The portfolio's counts: ``counts`` by figure key; per exact spelling of each vendor, its
    models, critical, high-risk and production models; and the models per exact spelling of each
    business line. Spellings are merged without regard to case by _spellings_merged."""

    counts: dict[str, int]
    vendors: dict[str, Counter[str]]
    business_lines: Counter[str]


def _condition_counts(today: dt.date) -> dict[str, Count]:
    """The date-dependent counts and the compliance summary, as conditional counts."""
    aggregates = {
        "due_soon": Count(
            "pk",
            filter=NEEDING_REVIEW
            & Q(next_review_date__gte=today, next_review_date__lte=today + dt.timedelta(days=DUE_SOON_DAYS)),
        ),
        "never_reviewed": Count("pk", filter=Q(last_review_date__isnull=True)),
        "changed": Count("pk", filter=CHANGED_SINCE_REVIEW),
        **summary_aggregates(today=today, by_rule=False),
    }
    for key, _, min_days, max_days in OVERDUE_AGES:
        aggregates[key] = Count(
            "pk", filter=NEEDING_REVIEW & overdue_between(today=today, min_days=min_days, max_days=max_days)
        )
    return aggregates


def _tally(models: QuerySet[AIModel], today: dt.date) -> _Tally:
    """Every count of the portfolio, in two queries whatever the inventory size.

    The splits come from one GROUP BY of GROUP_COLUMNS, read from their index alone; it counts
    ``*``, not the primary key, which PostgreSQL would otherwise fetch from every row. The
    date-dependent counts and the compliance summary come from one pass of conditional counts.
    Overdue is the sum of its age buckets (they split it exactly).
    """
    counts: dict[str, int] = dict.fromkeys(
        ["total"]
        + [f"tier_{tier}" for tier in RiskTier.values] + [f"prod_{tier}" for tier in HIGH_RISK_TIERS]
        + [f"status_{status}" for status in Status.values]
        + [f"env_{environment}" for environment in ["", *Environment.values]],
        0,
    )
    vendors: dict[str, Counter[str]] = {}
    business_lines: Counter[str] = Counter()
    groups = models.order_by().values_list(*GROUP_COLUMNS).annotate(n=Count("*"))
    for tier, status, environment, vendor, business_line, n in groups:
        counts["total"] += n
        counts[f"tier_{tier}"] += n
        counts[f"status_{status}"] += n
        counts[f"env_{environment}"] += n
        # Whatever the status: a retired model still marked as production is exactly what to look at.
        if environment == Environment.PROD and tier in HIGH_RISK_TIERS:
            counts[f"prod_{tier}"] += n
        of_vendor = vendors.setdefault(vendor, Counter())
        of_vendor["models"] += n
        if tier in HIGH_RISK_TIERS:
            of_vendor[tier] += n
        if environment == Environment.PROD:
            of_vendor["in_production"] += n
        business_lines[business_line] += n
    counts.update(models.order_by().aggregate(**_condition_counts(today)))
    counts["overdue"] = sum(counts[key] for key, _, _, _ in OVERDUE_AGES)
    return _Tally(counts, vendors, business_lines)


def _spellings_merged(counted: dict[str, int]) -> list[tuple[int, str, list[str]]]:
    """Groups of a free-text column's values, largest first: (count, name, spellings).

    The inventory list filters these columns without regard to case, so spellings that differ
    only in case are one group, named by its most common spelling, and each count is that of the
    list its link opens. The database groups by the exact value; the few groups are merged here.
    """
    merged: dict[str, list[str]] = {}
    for value in counted:
        merged.setdefault(value.lower(), []).append(value)
    groups = [
        (sum(counted[spelling] for spelling in spellings),
         min(spellings, key=lambda spelling: (-counted[spelling], spelling)), spellings)
        for spellings in merged.values()
    ]
    return sorted(groups, key=lambda group: (-group[0], group[1].lower()))


def _grouped(counted: dict[str, int], param: str) -> tuple[list[Figure], int]:
    """Counts by a free-text column, largest first; beyond TOP_GROUPS the rest are one "others"."""
    groups = _spellings_merged(counted)
    figures = [
        Figure(value or NOT_SET, value or NOT_SET, n, {param: value} if value else None)
        for n, value, _ in groups[:TOP_GROUPS]
    ]
    rest = groups[TOP_GROUPS:]
    if rest:
        label = "1 other" if len(rest) == 1 else f"{len(rest)} others"
        figures.append(Figure("others", label, sum(n for n, _, _ in rest)))
    return figures, len(groups)


def _vendor_lines(vendors: dict[str, Counter[str]]) -> list[VendorLine]:
    groups = _spellings_merged({vendor: counts["models"] for vendor, counts in vendors.items()})
    lines = []
    for n, vendor, spellings in groups:
        counts = sum((vendors[spelling] for spelling in spellings), Counter())
        lines.append(VendorLine(vendor or NOT_SET, n, counts[RiskTier.CRITICAL], counts[RiskTier.HIGH],
                                counts["in_production"]))
    return lines


def _lines(models: QuerySet[AIModel], today: dt.date) -> list[ModelLine]:
    rows = models.values_list(
        "pk", "model_name", "vendor", "risk_tier", "deployment_environment", "status", "created_at",
        "next_review_date",
    )[:LIST_LENGTH]
    return [
        ModelLine(pk, name, vendor, tier, environment, status, created.date(), due, (due - today).days)
        for pk, name, vendor, tier, environment, status, created, due in rows
    ]


def _high_risk_in_production(models: QuerySet[AIModel], today: dt.date) -> list[ModelLine]:
    """Critical, then high, models in production, soonest due first: a query per tier (each read in
    due-date order from the tier's index), the second only when the first leaves room."""
    lines: list[ModelLine] = []
    for tier in HIGH_RISK_TIERS:
        if len(lines) == LIST_LENGTH:
            break
        in_production = models.filter(risk_tier=tier, deployment_environment=Environment.PROD)
        lines += _lines(in_production.order_by("next_review_date", "model_name"), today)[: LIST_LENGTH - len(lines)]
    return lines


def _trend(scope: str, today: dt.date) -> list[TrendPoint]:
    snapshots = ComplianceSnapshot.objects.filter(
        scope=scope, day__gt=today - dt.timedelta(days=TREND_DAYS), day__lte=today
    ).order_by("day").values_list("day", "evaluated", "passed", "overdue", "source")
    return [
        TrendPoint(day, evaluated, passed, round(100 * passed / evaluated, 1) if evaluated else None, overdue, source)
        for day, evaluated, passed, overdue, source in snapshots
    ]


def trend_scope(filters: dict[str, str]) -> str | None:
    """The snapshot scope that matches these filters: the whole inventory, one tier, or none."""
    active = {key: value for key, value in filters.items() if value}
    if not active:
        return ComplianceSnapshot.WHOLE_INVENTORY
    if set(active) == {"risk_tier"} and active["risk_tier"] in RiskTier.values:
        return active["risk_tier"]
    return None


def build_portfolio(models: QuerySet[AIModel], *, today: dt.date, filters: dict[str, str] | None = None) -> Portfolio:
    """The portfolio of ``models`` (the filtered inventory) as of ``today``.

    ``filters`` are the inventory-list filters that produced ``models``; they choose the trend's
    scope (a trend exists for the whole inventory and for each risk tier).
    """
    tally = _tally(models, today)
    counts = tally.counts
    vendor_models = {vendor: of_vendor["models"] for vendor, of_vendor in tally.vendors.items()}
    by_vendor, vendor_count = _grouped(vendor_models, "vendor")
    by_business_line, _ = _grouped(tally.business_lines, "business_line")
    needing_review = models.filter(NEEDING_REVIEW)
    scope = trend_scope(filters or {})
    return Portfolio(
        as_of=today,
        total=counts["total"],
        active=counts[f"status_{Status.ACTIVE}"],
        compliance=summary_from(counts),
        overdue=Figure("overdue", "Overdue reviews", counts["overdue"], {"review": "overdue"}),
        due_soon=Figure("due_30", "Due in 30 days", counts["due_soon"], {"review": "due_30"}),
        never_reviewed=Figure("never", "Never reviewed", counts["never_reviewed"], {"review": "never"}),
        changed_since_review=Figure("changed", "Changed since last review", counts["changed"], {"review": "changed"}),
        by_tier=[Figure(value, label, counts[f"tier_{value}"], {"risk_tier": value}) for value, label in RiskTier.choices],
        by_status=[Figure(value, label, counts[f"status_{value}"], {"status": value}) for value, label in Status.choices],
        by_environment=[
            Figure(value, label, counts[f"env_{value}"], {"deployment_environment": value})
            for value, label in Environment.choices
        ] + ([Figure("", NOT_SET, counts["env_"])] if counts["env_"] else []),
        by_vendor=by_vendor,
        vendor_count=vendor_count,
        vendors=_vendor_lines(tally.vendors),
        by_business_line=by_business_line,
        overdue_by_age=[Figure(key, label, counts[key], {"review": key}) for key, label, _, _ in OVERDUE_AGES],
        high_risk_in_production=[
            Figure(tier, RiskTier(tier).label, counts[f"prod_{tier}"],
                   {"risk_tier": tier, "deployment_environment": Environment.PROD})
            for tier in HIGH_RISK_TIERS
        ],
        recent_additions=_lines(models.order_by("-created_at", "-pk"), today),
        reviews_needed=_lines(
            needing_review.filter(next_review_date__lte=today + dt.timedelta(days=DUE_SOON_DAYS)).order_by(
                "next_review_date", "model_name"
            ),
            today,
        ),
        high_risk_models=_high_risk_in_production(models, today),
        trend=[] if scope is None else _with_today(_trend(scope, today), summary_from(counts), counts["overdue"], today),
        trend_scope=scope,
    )


LIVE = "live"


def _with_today(points: list[TrendPoint], compliance, overdue: int, today: dt.date) -> list[TrendPoint]:
    """The trend with today's point as the live figure the page's headline shows (one number per
    figure): the day's snapshot, taken hourly, may be behind edits made since."""
    live = TrendPoint(today, compliance.evaluated, compliance.passed, compliance.compliance_rate, overdue, LIVE)
    return [point for point in points if point.day != today] + [live]


# A cached portfolio lives at most this long: the compliance trend's snapshots and changes made
# behind MLTrack's back (which write no history entry) show within this many seconds.
CACHE_SECONDS = 300


def cached_portfolio(models: QuerySet[AIModel], *, today: dt.date, filters: dict[str, str],
                     change_id: int | None = None) -> Portfolio:
    """build_portfolio(), computed once per change of the inventory: the cache key holds the filters,
    the day, the ruleset and the id of the latest change-history entry, which every change through
    MLTrack moves. A busy dashboard then costs one indexed read instead of the counting queries.
    ``change_id``: that id when the caller has read it already (inventory.caching.change_id)."""
    if change_id is None:
        change_id = latest_change_id()
    key = "portfolio:" + hashlib.sha256(json.dumps(
        [sorted(filters.items()), today.isoformat(), RULESET.content_hash, change_id]
    ).encode()).hexdigest()
    portfolio = cache.get(key)
    if portfolio is None:
        portfolio = build_portfolio(models, today=today, filters=filters)
        cache.set(key, portfolio, CACHE_SECONDS)
    return portfolio
