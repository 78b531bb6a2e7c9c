"""Model names are unique as people read them (common.text.name_key: case, width, invisible
characters and look-alike letters aside), and each model remembers its first review record.

Names already in the inventory that read as the same name stop the upgrade before anything
changes, listing each group; rename all but one of each group with the version being upgraded from
(``mltrack update NAME --name NEW`` or the admin) and run ``manage.py migrate`` again.
"""

from django.conf import settings
from django.core.management.base import CommandError
from django.db import migrations, models

COLLISION_MESSAGE = (
    "Cannot make model names unique as people read them: {count} group(s) of models have names that differ "
    "only in case, letter width, invisible characters or look-alike letters:\n{groups}\n"
    "Nothing was changed. Rename all but one model of each group with the version you are upgrading from "
    "(mltrack update NAME --name NEW, or the admin), then run manage.py migrate again."
)
SHOWN_GROUPS = 50


def refuse_lookalike_names(apps, schema_editor):
    from common.text import escape_line, name_key

    AIModel = apps.get_model("inventory", "AIModel")
    by_key: dict[str, list[tuple[int, str]]] = {}
    for pk, name in AIModel.objects.order_by("pk").values_list("pk", "model_name").iterator(chunk_size=5000):
        by_key.setdefault(name_key(name), []).append((pk, name))
    groups = [group for group in by_key.values() if len(group) > 1]
    if not groups:
        return
    lines = [
        "  - " + ", ".join(f'"{escape_line(name)}" (id {pk})' for pk, name in group) for group in groups[:SHOWN_GROUPS]
    ]
    if len(groups) > SHOWN_GROUPS:
        lines.append(f"  ... and {len(groups) - SHOWN_GROUPS} more group(s)")
    raise CommandError(COLLISION_MESSAGE.format(count=len(groups), groups="\n".join(lines)))


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0009_govern_models_permission"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # First, so that a refused upgrade changes nothing.
        migrations.RunPython(refuse_lookalike_names, migrations.RunPython.noop),
        migrations.AddField(
            model_name="aimodel",
            name="name_key",
            field=models.CharField(default="", editable=False, max_length=600),
        ),
        migrations.AddField(
            model_name="historicalaimodel",
            name="name_key",
            field=models.CharField(default="", editable=False, max_length=600),
        ),
        migrations.AddField(
            model_name="aimodel",
            name="earliest_outcome_on",
            field=models.DateField(
                blank=True, editable=False, help_text="The date of the earliest review record, whatever its outcome.",
                null=True, verbose_name="earliest outcome on",
            ),
        ),
        migrations.AddField(
            model_name="historicalaimodel",
            name="earliest_outcome_on",
            field=models.DateField(
                blank=True, editable=False, help_text="The date of the earliest review record, whatever its outcome.",
                null=True, verbose_name="earliest outcome on",
            ),
        ),
    ]
