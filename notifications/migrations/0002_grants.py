"""Administrators manage notifications (scheduled reports, failed emails, alarms) and the
scheduler's jobs in the admin (django-celery-beat's periodic tasks and their schedules)."""

from django.db import migrations

NOTIFICATION_GRANTS = {
    "Administrator": [
        "manage_notifications", "view_delivery", "view_digestsubscription", "view_scheduledreport",
        "view_scheduledreportrun", "view_verification", "view_auditalarm",
    ],
}
BEAT_MODELS = ("periodictask", "intervalschedule", "crontabschedule", "solarschedule", "clockedschedule")
BEAT_GRANTS = {"Administrator": [f"{action}_{model}" for model in BEAT_MODELS
                                 for action in ("view", "add", "change", "delete")]}


def grant(apps, schema_editor):
    from common.roles import grant_in_migration

    grant_in_migration(apps, "notifications", NOTIFICATION_GRANTS)
    grant_in_migration(apps, "django_celery_beat", BEAT_GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("inventory", "0002_roles_and_default_policy"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
