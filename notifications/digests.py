"""The review digests and escalations: one service for every horizon and recipient.

``send_review_digests`` scans the inventory once (notifications.scan), finds every recipient and
their scopes (notifications.recipients), and sends each recipient one digest per period: a daily
one (period: the day) and, from MLTRACK_DIGEST_WEEKDAY on, a weekly one (period: the ISO week) for
weekly subscriptions. Reviews overdue MLTRACK_ESCALATION_DAYS or more are escalated the same day to
MLTRACK_ESCALATION_EMAILS (or every administrator). Each email is claimed before it is sent
(notifications.deliver), so running this again, or twice at once, sends nothing twice.

Building every digest takes a fixed number of queries, however many models and recipients there
are; sending then claims and records each email (two queries per email).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from notifications import deliver, emails, recipients
from notifications.compose import Composer
from notifications.deliver import Clock, Message
from notifications.models import Delivery
from notifications.scan import scan

NOT_YET_MESSAGE = "digests: not yet (they go out from {hour:02d}:00, {zone})"


def week_of(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass
class DigestResult:
    """What a run sent, or would send (dry run): counts by kind and outcome."""

    dry_run: bool = False
    waiting: str = ""
    outcomes: Counter = field(default_factory=Counter)
    # Recipients whose email for the period was claimed before this run.
    already: int = 0

    def count(self, kind: str, outcome: str) -> int:
        return self.outcomes[(kind, outcome)]

    def summary(self) -> str:
        if self.waiting:
            return self.waiting
        verb = "would send" if self.dry_run else "sent"
        parts = []
        for kind, label in ((Delivery.Kind.DAILY_DIGEST, "daily"), (Delivery.Kind.WEEKLY_DIGEST, "weekly"),
                            (Delivery.Kind.ESCALATION, "escalation")):
            parts.append(f"{self.count(kind, deliver.SENT)} {label}")
        failed = sum(count for (_, outcome), count in self.outcomes.items() if outcome == deliver.FAILED)
        skipped = self.already + sum(count for (_, outcome), count in self.outcomes.items()
                                     if outcome == deliver.SKIPPED)
        return f"digests: {verb} {', '.join(parts)}; {failed} failed (retried later); {skipped} already sent"


def compose_all(*, now: dt.datetime) -> tuple[list[Message], int]:
    """Every digest and escalation due for the day of ``now`` (local time) that nobody has claimed
    yet, and how many recipients already had theirs."""
    today = timezone.localtime(now).date()
    inventory = scan(today=today, windows=settings.MLTRACK_DUE_SOON_WINDOWS,
                     escalation_days=settings.MLTRACK_ESCALATION_DAYS)
    everyone = recipients.subscribers()
    day, week = today.isoformat(), week_of(today)
    weekly_due = today.isoweekday() >= settings.MLTRACK_DIGEST_WEEKDAY
    claimed = deliver.existing([(Delivery.Kind.DAILY_DIGEST, day), (Delivery.Kind.WEEKLY_DIGEST, week),
                                (Delivery.Kind.ESCALATION, day)])
    composer = Composer(inventory, max_items=settings.MLTRACK_DIGEST_MAX_ITEMS)
    messages: list[Message] = []
    already = 0

    def wanted(address: str, kind: str, period: str) -> bool:
        nonlocal already
        if (deliver.recipient_key(address), kind, period) in claimed:
            already += 1
            return False
        return True

    for subscriber in everyone:
        for kind, period, scopes in ((Delivery.Kind.DAILY_DIGEST, day, subscriber.daily),
                                     (Delivery.Kind.WEEKLY_DIGEST, week, subscriber.weekly if weekly_due else ())):
            items = inventory.select(list(scopes), user_id=subscriber.user_id) if scopes else []
            if not items or not wanted(subscriber.email, kind, period):
                continue
            context = composer.digest(name=subscriber.name, scopes=scopes, items=items,
                                      weekly=kind == Delivery.Kind.WEEKLY_DIGEST)
            messages.append(emails.digest(to=subscriber.email, kind=kind, period=period, context=context,
                                          user_id=subscriber.user_id))

    escalated = [item for item in inventory.items if item.overdue and inventory.escalated(item)]
    if escalated:
        users = {deliver.recipient_key(s.email): s.user_id for s in everyone}
        addresses = settings.MLTRACK_ESCALATION_EMAILS or [s.email for s in recipients.administrators(everyone)]
        context = composer.escalation(items=escalated)
        for address in dict.fromkeys(addresses):
            if wanted(address, Delivery.Kind.ESCALATION, day):
                messages.append(emails.escalation(to=address, period=day, context=context,
                                                  user_id=users.get(deliver.recipient_key(address))))
    return messages, already


def send_review_digests(*, now: dt.datetime, clock: Clock | None = None, wait_for_hour: bool = True,
                        dry_run: bool = False) -> DigestResult:
    """Send the day's digests and escalations (see the module's docstring).

    ``wait_for_hour``: send nothing before MLTRACK_DIGEST_HOUR (local time), as the hourly task
    does; the management command sends whenever it is run. ``dry_run``: compose, send nothing."""
    local = timezone.localtime(now)
    if wait_for_hour and local.hour < settings.MLTRACK_DIGEST_HOUR:
        return DigestResult(dry_run=dry_run, waiting=NOT_YET_MESSAGE.format(hour=settings.MLTRACK_DIGEST_HOUR,
                                                                            zone=settings.TIME_ZONE))
    messages, already = compose_all(now=now)
    result = DigestResult(dry_run=dry_run, already=already)
    if dry_run:
        result.outcomes.update((message.kind, deliver.SENT) for message in messages)
        return result
    clock = clock or (lambda: now)
    deliver.settle_stale_claims(now=now)
    sender = deliver.Sender()
    try:
        for message in messages:
            result.outcomes[(message.kind, deliver.deliver(message, sender=sender, clock=clock))] += 1
    finally:
        sender.close()
    return result
