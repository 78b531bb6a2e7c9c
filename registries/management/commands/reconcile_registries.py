from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from registries import services
from registries.models import Reconciliation


class Command(BaseCommand):
    help = ("Reconcile each enabled model registry with the inventory, as the scheduler does once a day "
            "(a registry already reconciled today is skipped). Exits 1 when a registry could not be read.")

    def handle(self, *args, **options):
        runs = services.reconcile_enabled(now=timezone.now(), today=timezone.localdate())
        line = services.summary(runs)
        if any(run.outcome != Reconciliation.Outcome.OK for run in runs):
            self.stderr.write(self.style.ERROR(line))
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS(line))
