"""Administrators configure registries; model risk officers and administrators reconcile, adopt and
link; examiners see the reconciliation."""

from django.db import migrations

GRANTS = {
    "Administrator": ["manage_registries", "reconcile_registries", "view_registry", "view_reconciliation"],
    "Model risk officer": ["reconcile_registries", "view_registry", "view_reconciliation"],
    "Examiner": ["view_registry", "view_reconciliation"],
}


def grant(apps, schema_editor):
    from common.roles import grant_in_migration

    grant_in_migration(apps, "registries", GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("registries", "0001_initial"),
        ("inventory", "0002_roles_and_default_policy"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
