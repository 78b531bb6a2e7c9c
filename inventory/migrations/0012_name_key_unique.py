"""Uniqueness of model names moves from the lower-cased name to name_key (common.text.name_key),
which compares names the same way on SQLite and PostgreSQL."""

from django.db import migrations, models

MODEL_NAME_HELP = "Unique identifier, e.g. fraud-detection-v2 (compared in any case, width or look-alike letters)."


class Migration(migrations.Migration):
    dependencies = [("inventory", "0011_fill_name_key")]

    operations = [
        migrations.AlterField(
            model_name="aimodel",
            name="model_name",
            field=models.CharField(
                help_text=MODEL_NAME_HELP,
                max_length=200, verbose_name="model name",
            ),
        ),
        migrations.AlterField(
            model_name="historicalaimodel",
            name="model_name",
            field=models.CharField(
                help_text=MODEL_NAME_HELP,
                max_length=200, verbose_name="model name",
            ),
        ),
        migrations.RemoveConstraint(model_name="aimodel", name="aimodel_name_unique_ci"),
        migrations.AddConstraint(
            model_name="aimodel",
            constraint=models.UniqueConstraint(fields=("name_key",), name="aimodel_name_key_unique"),
        ),
    ]
