"""Fill in name_key for every model and every change-history entry (a function of the row's own
name, so the history says what the row said), before the unique constraint is put on it."""

from django.db import migrations

BATCH = 2000


def fill(apps, schema_editor):
    from common.text import name_key

    for model_name in ("AIModel", "HistoricalAIModel"):
        Model = apps.get_model("inventory", model_name)
        pk = Model._meta.pk.attname
        batch = []
        for row in Model.objects.order_by(pk).only(pk, "model_name").iterator(chunk_size=5000):
            row.name_key = name_key(row.model_name)
            batch.append(row)
            if len(batch) >= BATCH:
                Model.objects.bulk_update(batch, ["name_key"])
                batch = []
        Model.objects.bulk_update(batch, ["name_key"])


class Migration(migrations.Migration):
    dependencies = [("inventory", "0010_name_key_and_earliest_outcome")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
