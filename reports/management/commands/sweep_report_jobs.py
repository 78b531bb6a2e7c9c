from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from reports.sweep import sweep_report_jobs


class Command(BaseCommand):
    help = (
        "Settle report jobs whose worker died, as the scheduler does every half lease: a running job "
        "whose lease has run out (MLTRACK_REPORT_JOB_LEASE) is queued again while it has attempts left "
        "(MLTRACK_REPORT_JOB_ATTEMPTS), else failed with the reason; a queued job that no worker claimed "
        "within 30 minutes has its message sent again. Idempotent and safe beside running workers: "
        "for cron where the scheduler does not run, and for looking into stuck jobs (--dry-run -v 2)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say what would be done; change and send nothing.")

    def handle(self, *args, dry_run: bool = False, verbosity: int = 1, **options):
        result = sweep_report_jobs(now=timezone.now(), dry_run=dry_run)
        if verbosity >= 2:
            for what, ids in (("queue again", result.requeued), ("fail", result.failed), ("send again", result.resent)):
                for pk in ids:
                    self.stdout.write(f"{'would ' if dry_run else ''}{what}: report job {pk}")
        if dry_run:
            self.stdout.write(f"Dry run, nothing changed: {result.summary()}.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Swept {result.summary()}."))
