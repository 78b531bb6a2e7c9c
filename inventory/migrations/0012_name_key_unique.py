"""Uniqueness of model names moves from the lower-cased name to name_key (common.text.name_key),
which compares names the same way on SQLite and PostgreSQL."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("inventory", "0011_fill_name_key")]

    operations = [
        migrations.RemoveConstraint(model_name="aimodel", name="aimodel_name_unique_ci"),
        migrations.AddConstraint(
            model_name="aimodel",
            constraint=models.UniqueConstraint(fields=("name_key",), name="aimodel_name_key_unique"),
        ),
    ]
