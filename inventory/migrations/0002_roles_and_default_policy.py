"""Create the four role groups with their inventory permissions, and review policy v1."""

import datetime as dt

from django.db import migrations

ADMINISTRATOR = "Administrator"
MODEL_RISK_OFFICER = "Model risk officer"
MODEL_OWNER = "Model owner"
EXAMINER = "Examiner"

GRANTS = {
    ADMINISTRATOR: [
        "view_aimodel", "add_aimodel", "change_aimodel", "delete_aimodel", "edit_all_models",
        "generate_sample_data", "view_historicalaimodel",
        "view_reviewpolicy", "add_reviewpolicy", "manage_review_policy",
    ],
    MODEL_RISK_OFFICER: [
        "view_aimodel", "add_aimodel", "change_aimodel", "delete_aimodel", "edit_all_models",
        "view_historicalaimodel", "view_reviewpolicy",
    ],
    # Edits only the models they own (enforced in inventory.permissions.can_edit).
    MODEL_OWNER: ["view_aimodel", "add_aimodel", "change_aimodel", "view_historicalaimodel", "view_reviewpolicy"],
    EXAMINER: ["view_aimodel", "view_historicalaimodel", "view_reviewpolicy"],
}

# The seed tool's cycles: critical 30 days, high 90, medium 180, low 365.
DEFAULT_POLICY = {"critical_days": 30, "high_days": 90, "medium_days": 180, "low_days": 365}


def create_roles(apps, schema_editor):
    from common.roles import grant_in_migration

    grant_in_migration(apps, "inventory", GRANTS)


def create_default_policy(apps, schema_editor):
    ReviewPolicy = apps.get_model("inventory", "ReviewPolicy")
    if not ReviewPolicy.objects.exists():
        ReviewPolicy.objects.create(
            version=1,
            effective_date=dt.date(1900, 1, 1),
            approval_reference="MLTrack default policy (the original tool's cycles)",
            created_by="system:migration",
            **DEFAULT_POLICY,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_roles, migrations.RunPython.noop),
        migrations.RunPython(create_default_policy, migrations.RunPython.noop),
    ]
