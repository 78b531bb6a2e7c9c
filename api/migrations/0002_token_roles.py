"""Every role may have API tokens (a token acts with its account's role); administrators may list
and revoke anyone's."""

from django.db import migrations

GRANTS = {
    "Administrator": ["add_apitoken", "manage_all_tokens"],
    "Model risk officer": ["add_apitoken"],
    "Model owner": ["add_apitoken"],
    "Examiner": ["add_apitoken"],
}


def grant(apps, schema_editor):
    from common.roles import grant_in_migration

    grant_in_migration(apps, "api", GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_tokens"),
        ("inventory", "0002_roles_and_default_policy"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
