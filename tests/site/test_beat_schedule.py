"""The scheduler's jobs live in the database, where administrators change them; the settings'
CELERY_BEAT_SCHEDULE are defaults that reach every job nobody edited and never undo an edit."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from mltrack_site.scheduler import expire_seconds, install_defaults, interval_seconds

pytestmark = pytest.mark.django_db
SWEEP = "sweep-report-jobs"


def schedule_with(**periods: float) -> dict:
    schedule = {name: dict(entry) for name, entry in settings.CELERY_BEAT_SCHEDULE.items()}
    for name, period in periods.items():
        schedule[name] = {**schedule[name], "schedule": period, "options": {"expires": 0.9 * period}}
    return schedule


def test_a_fresh_database_gets_every_default():
    outcome = install_defaults(settings.CELERY_BEAT_SCHEDULE)

    assert set(outcome.values()) == {"created"}
    assert set(PeriodicTask.objects.values_list("name", flat=True)) == set(settings.CELERY_BEAT_SCHEDULE)
    assert set(install_defaults(settings.CELERY_BEAT_SCHEDULE).values()) == {"kept"}


def test_a_changed_default_reaches_a_job_nobody_edited():
    install_defaults(settings.CELERY_BEAT_SCHEDULE)

    outcome = install_defaults(schedule_with(**{SWEEP: 300}))  # a longer report-job lease

    assert outcome[SWEEP] == "updated"
    row = PeriodicTask.objects.get(name=SWEEP)
    assert (row.interval.every, row.expire_seconds) == (300, 270)


def test_an_administrators_edit_is_never_undone():
    install_defaults(settings.CELERY_BEAT_SCHEDULE)
    row = PeriodicTask.objects.get(name="send-review-digests")
    row.interval, _ = IntervalSchedule.objects.get_or_create(every=1800, period=IntervalSchedule.SECONDS)
    row.save()
    disabled = PeriodicTask.objects.get(name="verify-audit-trail")
    disabled.enabled = False
    disabled.save()

    outcome = install_defaults(schedule_with(**{"send-review-digests": 7200}))

    assert outcome["send-review-digests"] == outcome["verify-audit-trail"] == "edited"
    assert PeriodicTask.objects.get(name="send-review-digests").interval.every == 1800
    assert PeriodicTask.objects.get(name="verify-audit-trail").enabled is False


def test_a_deleted_job_gets_its_default_back():
    install_defaults(settings.CELERY_BEAT_SCHEDULE)
    PeriodicTask.objects.filter(name="retry-deliveries").delete()

    assert install_defaults(settings.CELERY_BEAT_SCHEDULE)["retry-deliveries"] == "created"


@pytest.mark.parametrize(("period", "expires", "every", "expire"), [
    (60, 54, 60, 54), (1.5, 1.35, 2, 1), (3600, 3000, 3600, 3000), (2, 1.99, 2, 1),
])
def test_periods_become_whole_seconds_and_expire_before_the_next_run(period, expires, every, expire):
    entry = {"task": "x", "schedule": period, "options": {"expires": expires}}

    assert (interval_seconds(period), expire_seconds(entry)) == (every, expire)


def test_administrators_edit_the_jobs_in_the_admin_and_others_cannot(client, carol, bob, erin):
    install_defaults(settings.CELERY_BEAT_SCHEDULE)
    row = PeriodicTask.objects.get(name="send-review-digests")
    url = reverse("admin:django_celery_beat_periodictask_change", args=[row.pk])

    client.force_login(carol)
    assert client.get(url).status_code == 200
    for person in (bob, erin):
        client.force_login(person)
        assert client.get(url).status_code == 403
