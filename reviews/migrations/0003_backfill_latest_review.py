"""Models remember their latest review (any outcome): fill that in from the records already there."""

from django.db import migrations

BATCH = 2000


def backfill(apps, schema_editor):
    AIModel = apps.get_model("inventory", "AIModel")
    ModelReview = apps.get_model("reviews", "ModelReview")
    latest = {}
    rows = ModelReview.objects.order_by("model_id", "review_date", "sequence").values_list(
        "model_id", "review_date", "outcome", "model_state_hash"
    )
    for model_id, review_date, outcome, state_hash in rows.iterator(chunk_size=5000):
        latest[model_id] = (review_date, outcome, state_hash)
    ids = sorted(latest)
    for start in range(0, len(ids), BATCH):
        models = list(AIModel.objects.filter(pk__in=ids[start : start + BATCH]))
        for model in models:
            model.latest_review_on, model.latest_review_outcome, model.latest_review_state_hash = latest[model.pk]
        AIModel.objects.bulk_update(models, ["latest_review_on", "latest_review_outcome", "latest_review_state_hash"])


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0002_append_only_triggers_and_roles"),
        ("inventory", "0005_state_hash_status_date_latest_review"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
