"""Daily compliance snapshots: the dashboard's trend of the compliance rate.

The scheduler takes today's snapshot (``take_snapshot``), and ``backfill`` rebuilds past days
from the inventory's field-level history: for each day, every model's last recorded state that
day, evaluated by the same engine conditions as today's inventory. Both write one row per day
for the whole inventory and one per risk tier, in one query for the counts and one batch write.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from compliance.engine import summary_aggregates, summary_from
from compliance.rules import RULESET
from inventory.models import NEEDING_REVIEW, AIModel, RiskTier, overdue_between
from reports.models import ComplianceSnapshot


def _rows(models: QuerySet, *, day: dt.date, source: str, now: dt.datetime) -> list[ComplianceSnapshot]:
    """Snapshots of ``models`` (AIModel or its history, same columns) per tier and in all, one query."""
    per_tier = {
        row["risk_tier"]: row
        for row in models.order_by().values("risk_tier").annotate(
            **summary_aggregates(today=day, by_rule=False),
            overdue=Count("pk", filter=NEEDING_REVIEW & overdue_between(today=day)),
        )
    }
    ruleset = RULESET.describe()

    def snapshot(scope: str, rows: list[dict]) -> ComplianceSnapshot:
        totals = {key: sum(row[key] for row in rows) for key in (rows[0] if rows else {}) if key != "risk_tier"}
        summary = summary_from(totals) if rows else None
        return ComplianceSnapshot(
            day=day, scope=scope, evaluated=summary.evaluated if summary else 0,
            passed=summary.passed if summary else 0, failed=summary.failed if summary else 0,
            overdue=totals.get("overdue", 0), ruleset_version=ruleset["version"], ruleset_hash=ruleset["hash"],
            source=source, taken_at=now,
        )

    return [snapshot(ComplianceSnapshot.WHOLE_INVENTORY, list(per_tier.values()))] + [
        snapshot(tier, [per_tier[tier]] if tier in per_tier else []) for tier in RiskTier.values
    ]


def _save(snapshots: list[ComplianceSnapshot], *, replace: bool) -> None:
    """Write snapshots; ``replace`` updates a day already taken, else it is left as it is."""
    with transaction.atomic():
        if replace:
            days = {snapshot.day for snapshot in snapshots}
            ComplianceSnapshot.objects.filter(day__in=days).delete()
        ComplianceSnapshot.objects.bulk_create(snapshots, ignore_conflicts=not replace)


def take_snapshot(*, today: dt.date, now: dt.datetime) -> list[ComplianceSnapshot]:
    """Today's snapshot of the inventory as it stands (replacing one taken earlier today)."""
    snapshots = _rows(AIModel.objects.all(), day=today, source=ComplianceSnapshot.Source.SCHEDULED, now=now)
    _save(snapshots, replace=True)
    return snapshots


def inventory_as_of(day: dt.date) -> QuerySet:
    """Every model as the history recorded it at the end of ``day`` (deleted ones left out)."""
    history = AIModel.history.model
    tz = timezone.get_current_timezone()
    end_of_day = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    latest = history.objects.filter(history_date__lt=end_of_day).values("id").annotate(last=Max("history_id"))
    return history.objects.filter(history_id__in=latest.values("last")).exclude(history_type="-")


def backfill(*, days: int, today: dt.date, now: dt.datetime) -> int:
    """Snapshots for the ``days`` days before today that have none, rebuilt from the history.

    Days before the first history record are skipped (there is nothing to rebuild them from);
    days already taken are left as they are. Returns the number of days written.
    """
    history = AIModel.history.model
    first = history.objects.order_by("history_date").values_list("history_date", flat=True).first()
    if first is None:
        return 0
    first_day = timezone.localtime(first).date()
    taken = set(ComplianceSnapshot.objects.filter(scope=ComplianceSnapshot.WHOLE_INVENTORY).values_list("day", flat=True))
    written = 0
    for offset in range(days, 0, -1):
        day = today - dt.timedelta(days=offset)
        if day < first_day or day in taken:
            continue
        snapshots = _rows(inventory_as_of(day), day=day, source=ComplianceSnapshot.Source.BACKFILL, now=now)
        _save(snapshots, replace=False)
        written += 1
    return written
