"""Verification now holds each model's row to its latest change-history entry. Columns that earlier
migrations filled in (the state hash, the status date, the latest review outcome) were written
without a history entry, so each model whose row differs from its latest entry gets one now, made
by the migration and saying so."""

import datetime as dt

from django.db import migrations

BATCH = 2000
REASON = "derived columns recorded in the history (upgrade to signed audit trails)"


def catch_up(apps, schema_editor):
    AIModel = apps.get_model("inventory", "AIModel")
    History = apps.get_model("inventory", "HistoricalAIModel")
    fields = [f.attname for f in AIModel._meta.concrete_fields if f.attname != "updated_at"]
    latest: dict[int, tuple] = {}
    rows = History.objects.order_by("id", "history_date", "history_id").values_list(*fields)
    for row in rows.iterator(chunk_size=5000):
        latest[row[0]] = row
    now = dt.datetime.now(dt.timezone.utc)
    batch = []
    for row in AIModel.objects.order_by("pk").values_list(*fields).iterator(chunk_size=5000):
        if latest.get(row[0]) != row:
            batch.append(History(**dict(zip(fields, row)), history_date=now, history_type="~",
                                 history_change_reason=REASON, history_actor="system:migration"))
        if len(batch) >= BATCH:
            History.objects.bulk_create(batch)
            batch = []
    History.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0004_signatures"),
        ("inventory", "0009_govern_models_permission"),
    ]

    operations = [migrations.RunPython(catch_up, migrations.RunPython.noop)]
