from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from notifications.schedule import run_scheduled_reports


class Command(BaseCommand):
    help = (
        "Queue the scheduled reports due this period (daily: the day; weekly: the ISO week, from "
        "MLTRACK_DIGEST_WEEKDAY; monthly: the month) as background report jobs, each once, and email the "
        "finished ones to their recipients (links and SHA-256), each email once. The scheduler does this every "
        "ten minutes, queuing new runs from MLTRACK_DIGEST_HOUR; this command queues whenever it is run. A "
        "worker must be running to make the files."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true",
                            help="Say what would be queued and emailed; change nothing.")

    def handle(self, *args, dry_run: bool = False, verbosity: int = 1, **options):
        result = run_scheduled_reports(now=timezone.now(), clock=timezone.now, wait_for_hour=False, dry_run=dry_run)
        line = result.summary()
        done = self.style.SUCCESS(f"{line[0].upper()}{line[1:]}.")
        self.stdout.write(f"Dry run, nothing changed: {line}." if dry_run else done)
