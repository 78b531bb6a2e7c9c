from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from notifications.digests import send_review_digests


class Command(BaseCommand):
    help = (
        "Send today's review digests and escalations now, as the scheduler does hourly from MLTRACK_DIGEST_HOUR: "
        "each recipient (their subscriptions, or their role's default) gets one email listing the reviews in "
        "their scope that are overdue or due within MLTRACK_DUE_SOON_WINDOWS days, worst first; weekly "
        "subscriptions from MLTRACK_DIGEST_WEEKDAY on; reviews overdue MLTRACK_ESCALATION_DAYS or more go to "
        "MLTRACK_ESCALATION_EMAILS (or every administrator). Each email is claimed before it is sent, so running "
        "this again, or beside the scheduler, sends nothing twice. For cron where the scheduler does not run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true",
                            help="Compose the emails and say how many; send nothing.")

    def handle(self, *args, dry_run: bool = False, verbosity: int = 1, **options):
        result = send_review_digests(now=timezone.now(), clock=timezone.now, wait_for_hour=False, dry_run=dry_run)
        line = result.summary()
        done = self.style.SUCCESS(f"{line[0].upper()}{line[1:]}.")
        self.stdout.write(f"Dry run, nothing sent: {line}." if dry_run else done)
