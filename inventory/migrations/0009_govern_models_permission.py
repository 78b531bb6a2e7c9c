"""Segregation of duties: changing a model's risk tier or lifecycle status needs govern_models,
which model risk officers and administrators hold (model owners no longer can)."""

from django.db import migrations

GRANTS = {"Administrator": ["govern_models"], "Model risk officer": ["govern_models"]}


def grant(apps, schema_editor):
    from common.roles import grant_in_migration

    grant_in_migration(apps, "inventory", GRANTS)


class Migration(migrations.Migration):
    dependencies = [("inventory", "0008_latest_outcome_names")]

    operations = [
        migrations.AlterModelOptions(
            name="aimodel",
            options={
                "ordering": ["model_name"],
                "permissions": [
                    ("edit_all_models", "Can edit any model, not only the ones they own"),
                    ("govern_models", "Can change a model's risk tier and lifecycle status"),
                    ("generate_sample_data", "Can generate or clear sample data"),
                ],
                "verbose_name": "AI model",
                "verbose_name_plural": "AI models",
            },
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
