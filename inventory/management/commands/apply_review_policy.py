from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from common.actors import Actor
from inventory import scheduling
from inventory.models import AIModel, ReviewPolicy


class Command(BaseCommand):
    help = (
        "Reschedule every model whose next review date came from a review policy version other than "
        "the one in force today (for example on the effective date of a future-dated version). "
        "Idempotent: run it daily; a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count the models that would change.")

    def handle(self, *args, dry_run=False, **options):
        today = timezone.localdate()
        policy = ReviewPolicy.objects.in_force(on=today)
        if dry_run:
            count = AIModel.objects.exclude(review_policy=policy).count()
            self.stdout.write(f"{count} model(s) would be rescheduled under policy v{policy.version}.")
            return
        count = scheduling.apply_review_policy(actor=Actor.system("apply_review_policy"), today=today)
        self.stdout.write(self.style.SUCCESS(f"Rescheduled {count} model(s) under policy v{policy.version}."))
