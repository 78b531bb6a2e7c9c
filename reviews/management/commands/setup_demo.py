from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from common.roles import assign_role
from inventory import services
from inventory.models import AIModel
from reviews import sample
DEMO_USERS = [
    ("admin", "administrator"),
    ("risk.officer", "model-risk-officer"),
    ("model.owner", "model-owner"),
    ("examiner", "examiner"),
]


class Command(BaseCommand):
    help = (
        "Prepare a demo: one account per role (created once, with a random password kept in "
        "var/demo-login.txt) and, when the inventory is empty, a sample inventory whose reviewed models "
        "have their last review in the audit trail. Refuses in production."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=200, help="Sample models to add to an empty inventory.")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, count: int, seed: int, **options):
        if settings.PRODUCTION:
            raise CommandError("setup_demo creates accounts with known passwords; it does not run in production.")
        login_file = settings.VAR_DIR / "demo-login.txt"
        password = login_file.read_text().strip() if login_file.exists() else secrets.token_urlsafe(12)
        User = get_user_model()
        for username, role in DEMO_USERS:
            user, created = User.objects.get_or_create(username=username, defaults={"email": f"{username}@example.com"})
            if created:
                user.set_password(password)
                user.save()
            if username == "admin":
                user.is_superuser = True
                user.save(update_fields=["is_superuser"])
            assign_role(user, role)
        login_file.parent.mkdir(parents=True, exist_ok=True)
        login_file.write_text(password + "\n")
        login_file.chmod(0o600)
        if not AIModel.objects.exists():
            admin = User.objects.get(username="admin")
            actor = services.Actor.for_user(admin)
            today = timezone.localdate()
            result, reviews = sample.generate(count=count, seed=seed, actor=actor, today=today, now=timezone.now())
            self.stdout.write(f"Added {result.created} sample models (seed {result.seed}) and {reviews} review records.")
        self.stdout.write(self.style.SUCCESS("Demo accounts (one per role), all with the same password:"))
        for username, role in DEMO_USERS:
            self.stdout.write(f"  {username:<14} {role}")
        self.stdout.write(f"  password: {password}")
