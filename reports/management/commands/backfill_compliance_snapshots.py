from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports import snapshots


class Command(BaseCommand):
    help = (
        "Rebuild the dashboard's daily compliance snapshots for past days from the inventory's change "
        "history, then take today's. Days that already have a snapshot are kept. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=90, help="How many past days to rebuild (default 90).")

    def handle(self, *args, days: int, **options):
        if not 1 <= days <= 3660:
            raise CommandError(f"--days must be between 1 and 3660, not {days}.")
        today, now = timezone.localdate(), timezone.now()
        written = snapshots.backfill(days=days, today=today, now=now)
        snapshots.take_snapshot(today=today, now=now)
        self.stdout.write(self.style.SUCCESS(f"Rebuilt {written} past day(s) from the history; took today's snapshot."))
