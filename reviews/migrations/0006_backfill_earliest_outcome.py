"""Models remember their first review record (the deployment date may not move after it): fill it
in from the records already there. Each model changed gets a change-history entry made by the
migration and saying so, as verification holds every row to its latest entry.

Models whose deployment date is already after their first review (possible before this rule) are
listed, to be corrected with ``mltrack update NAME --deployment-date YYYY-MM-DD``; nothing is
changed for them but the new column.
"""

import datetime as dt

from django.db import migrations
from django.db.models import Min

BATCH = 2000
REASON = "first review record remembered (upgrade)"
SHOWN = 50


def backfill(apps, schema_editor):
    from common.text import escape_line

    AIModel = apps.get_model("inventory", "AIModel")
    History = apps.get_model("inventory", "HistoricalAIModel")
    ModelReview = apps.get_model("reviews", "ModelReview")
    firsts = ModelReview.objects.order_by().values("model_id").annotate(first=Min("review_date"))
    earliest = dict(firsts.values_list("model_id", "first"))
    fields = [f.attname for f in AIModel._meta.concrete_fields if f.attname != "updated_at"]
    now = dt.datetime.now(dt.timezone.utc)
    ids = sorted(earliest)
    late: list[str] = []
    for start in range(0, len(ids), BATCH):
        models = list(AIModel.objects.filter(pk__in=ids[start : start + BATCH]).order_by("pk"))
        for model in models:
            model.earliest_outcome_on = earliest[model.pk]
            if model.deployment_date > model.earliest_outcome_on:
                late.append(f"{escape_line(model.model_name)} (deployed {model.deployment_date}, "
                            f"first reviewed {model.earliest_outcome_on})")
        AIModel.objects.bulk_update(models, ["earliest_outcome_on"])
        History.objects.bulk_create(
            History(**{name: getattr(model, name) for name in fields}, history_date=now, history_type="~",
                    history_change_reason=REASON, history_actor="system:migration")
            for model in models
        )
    if late:
        listed = "\n".join(f"  - {line}" for line in late[:SHOWN])
        more = f"\n  ... and {len(late) - SHOWN} more" if len(late) > SHOWN else ""
        print(
            f"\n  {len(late)} model(s) have a deployment date after their first review record; correct each with "
            f"mltrack update NAME --deployment-date YYYY-MM-DD:\n{listed}{more}"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0005_history_catch_up"),
        ("inventory", "0012_name_key_unique"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
