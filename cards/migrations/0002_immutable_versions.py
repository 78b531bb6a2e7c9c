"""Install the triggers that refuse to change or delete a published card version."""

from django.db import migrations


def install_triggers(apps, schema_editor):
    from cards import db_guards

    for statement in db_guards.install_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    from cards import db_guards

    for statement in db_guards.remove_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("cards", "0001_initial")]

    operations = [migrations.RunPython(install_triggers, drop_triggers)]
