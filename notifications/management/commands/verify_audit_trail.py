from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from notifications.nightly import verify_audit_trail


class Command(BaseCommand):
    help = (
        "Verify the audit trail now, as the scheduler does every night from MLTRACK_VERIFY_HOUR: every record, "
        "signature and checkpoint, and every model against its trail. When it verifies, its head is signed and "
        "anchored as a checkpoint (MLTRACK_CHECKPOINT_DIR) and emailed to MLTRACK_AUDIT_EMAILS; when it does "
        "not, an alarm is raised (a banner in the console until an administrator acknowledges it) and emailed "
        "to every administrator. Exits 1 when the trail does not verify."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true",
                            help="Verify only: no checkpoint, no alarm, no email.")

    def handle(self, *args, dry_run: bool = False, verbosity: int = 1, **options):
        result = verify_audit_trail(now=timezone.now(), clock=timezone.now, nightly=False, dry_run=dry_run)
        line = result.line()
        if result.ok:
            self.stdout.write(self.style.SUCCESS(f"{line[0].upper()}{line[1:]}."))
            return
        self.stderr.write(self.style.ERROR(f"{line[0].upper()}{line[1:]}."))
        raise SystemExit(1)
