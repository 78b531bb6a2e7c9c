"""Install the append-only triggers on the review tables, and grant review permissions to roles."""

from django.contrib.auth.management import create_permissions
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
    app_config = apps.get_app_config("reviews")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=role)
        perms = Permission.objects.filter(content_type__app_label="reviews", codename__in=codenames)
        if perms.count() != len(codenames):
            raise RuntimeError(f"missing review permissions for {role}")
        group.permissions.add(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0001_initial"),
        ("inventory", "0002_roles_and_default_policy"),
    ]

    operations = [
        migrations.RunPython(install_triggers, drop_triggers),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
