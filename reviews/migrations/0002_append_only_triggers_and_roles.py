"""Install the append-only triggers on the review tables, and grant review permissions to roles."""

from django.db import migrations

GRANTS = {
    "Administrator": ["view_modelreview", "add_modelreview", "view_chaincheckpoint"],
    "Model risk officer": ["view_modelreview", "add_modelreview", "view_chaincheckpoint"],
    "Model owner": ["view_modelreview", "view_chaincheckpoint"],
    "Examiner": ["view_modelreview", "view_chaincheckpoint"],
}


def install_triggers(apps, schema_editor):
    from reviews import db_guards

    for statement in db_guards.install_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    from reviews import db_guards

    for statement in db_guards.drop_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)


def grant(apps, schema_editor):
    from common.roles import grant_in_migration

    grant_in_migration(apps, "reviews", GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0001_initial"),
        ("inventory", "0002_roles_and_default_policy"),
    ]

    operations = [
        migrations.RunPython(install_triggers, drop_triggers),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
