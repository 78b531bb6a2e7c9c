"""latest_review_on/_outcome/_state_hash become latest_outcome_on, latest_outcome and
latest_outcome_state_hash, so that they no longer read like last_review_date (the schedule's review)."""

from django.db import migrations, models

LAST_REVIEW = models.DateField(
    "last review", null=True, blank=True, editable=False,
    help_text="The latest satisfactory review (passed or warning): the next review is counted from it.",
)
LATEST_OUTCOME_ON = models.DateField(
    "latest outcome on", null=True, blank=True, editable=False,
    help_text="The date of the most recent review record, whatever its outcome.",
)


def renames(model_name: str) -> list[migrations.operations.base.Operation]:
    return [
        migrations.RenameField(model_name, "latest_review_on", "latest_outcome_on"),
        migrations.RenameField(model_name, "latest_review_outcome", "latest_outcome"),
        migrations.RenameField(model_name, "latest_review_state_hash", "latest_outcome_state_hash"),
        migrations.AlterField(model_name, "last_review_date", LAST_REVIEW),
        migrations.AlterField(model_name, "latest_outcome_on", LATEST_OUTCOME_ON),
    ]


class Migration(migrations.Migration):
    dependencies = [("inventory", "0007_dashboard_group_index")]

    operations = [
        *renames("aimodel"),
        *renames("historicalaimodel"),
    ]
