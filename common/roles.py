"""The four roles, as groups. Each app's migrations grant its own permissions to them."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, Group
from django.db import transaction

ADMINISTRATOR = "Administrator"
MODEL_RISK_OFFICER = "Model risk officer"
MODEL_OWNER = "Model owner"
EXAMINER = "Examiner"

ROLES: dict[str, str] = {
    "administrator": ADMINISTRATOR,
    "model-risk-officer": MODEL_RISK_OFFICER,
    "model-owner": MODEL_OWNER,
    "examiner": EXAMINER,
}
# Roles that work in the Django admin as well as the console (the examiner's is read-only there).
STAFF_ROLES = frozenset({ADMINISTRATOR, MODEL_RISK_OFFICER, EXAMINER})


@transaction.atomic
def assign_role(user: AbstractBaseUser, role: str) -> None:
    """Give a user exactly one role (replacing any other role they had)."""
    group = Group.objects.get(name=ROLES[role])
    user.groups.remove(*Group.objects.filter(name__in=ROLES.values()).exclude(pk=group.pk))
    user.groups.add(group)
    user.is_staff = user.is_superuser or group.name in STAFF_ROLES
    user.save(update_fields=["is_staff"])


def role_of(user: AbstractBaseUser) -> str | None:
    names = {g.name for g in user.groups.all()}
    for key, name in ROLES.items():
        if name in names:
            return key
    return None


def grant_in_migration(apps, app_label: str, grants: dict[str, list[str]]) -> None:
    """Give each role group (created if missing) the named permissions of one app.

    For data migrations: permissions are normally created after all migrations have run, so they
    are created here first. ``apps`` is the migration's historical app registry.
    """
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config(app_label)
    # create_permissions() skips an app whose models module is unset, as it is during migrations.
    previous = getattr(app_config, "models_module", None)
    app_config.models_module = previous or True
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = previous
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role, codenames in grants.items():
        group, _ = group_model.objects.get_or_create(name=role)
        perms = permission_model.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        missing = set(codenames) - set(perms.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"permissions not found for {role}: {sorted(missing)}")
        group.permissions.add(*perms)
