from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from common.roles import ROLES, assign_role, role_of


class Command(BaseCommand):
    help = (
        "Give a user account one of the four roles (administrator, model-risk-officer, model-owner, "
        "examiner), replacing any role it had. Administrators, model risk officers and examiners also "
        "get access to the admin site. With --list, show every account and its role."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?")
        parser.add_argument("role", nargs="?", choices=sorted(ROLES))
        parser.add_argument("--list", action="store_true", help="List accounts and their roles.")

    def handle(self, *args, username=None, role=None, list=False, **options):
        User = get_user_model()
        if list:
            for user in User.objects.prefetch_related("groups").order_by("username"):
                self.stdout.write(f"{user.username:<30} {role_of(user) or '(no role)'}")
            return
        if not username or not role:
            raise CommandError("Give a username and a role, e.g. assign_role jane model-risk-officer")
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f'No user account named "{username}". Create it first (manage.py createsuperuser or the admin).') from None
        assign_role(user, role)
        self.stdout.write(self.style.SUCCESS(f"{username} is now {ROLES[role]}."))
