"""Scheduled reports: administrators schedule a report kind and format with filters for recipients;
each period's file is made once by a report job, stored with its SHA-256 and emailed as links."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from common.actors import Actor
from notifications import schedule
from notifications.models import REPORT_FORMATS, REPORT_KINDS, Delivery, ScheduledReport, ScheduledReportRun
from notifications.schedule import run_scheduled_reports, save_schedule
from reports import data, formats
from reports.jobs import run_job
from reports.models import ReportJob
from tests.conftest import TODAY
from tests.notifications.conftest import MORNING, at, fixed, html_of, model_due, sent_to

pytestmark = pytest.mark.django_db
FIELDS = {"name": "Weekly risk", "kind": "risk", "format": "csv", "every": "daily",
          "recipients": "cro@bank.example, audit@bank.example", "filters": {"risk_tier": "high"}}


@pytest.fixture(autouse=True)
def reports_dir(settings, tmp_path):
    settings.MLTRACK_REPORTS_DIR = tmp_path / "reports"


def make(people, **fields) -> ScheduledReport:
    return save_schedule(data={**FIELDS, **fields}, actor=Actor.for_user(people["carol"]), now=MORNING, today=TODAY)


def run(now: dt.datetime = MORNING, **options):
    return run_scheduled_reports(now=now, clock=fixed(now), **options)


def render_jobs() -> None:
    """What the worker does with the queued jobs."""
    for job in ReportJob.objects.filter(state=ReportJob.State.QUEUED):
        run_job(str(job.pk), worker="test", clock=fixed(at(0.1)))


def test_the_kinds_and_formats_are_the_reports(db):
    assert REPORT_KINDS == data.KINDS
    assert set(REPORT_FORMATS) == set(formats.RENDERERS)


def test_a_scheduled_report_is_made_once_per_period_and_emailed_with_its_sha256(people, settings):
    settings.MLTRACK_BASE_URL = "https://mltrack.bank.example"
    model_due(-3)
    item = make(people)

    first = run()
    second = run(at(0.5))  # the job is not done yet: nothing to send, nothing new to queue
    render_jobs()
    third = run(at(1))
    run(at(2))

    job = ReportJob.objects.get()
    assert first.queued == 1 and second.queued == 0 and third.emailed == 2
    assert (job.kind, job.format, job.filters, job.requested_by_name) == ("risk", "csv", {"risk_tier": "high"},
                                                                          "system:scheduled reports")
    content = (settings.MLTRACK_REPORTS_DIR / job.file.name).read_bytes()
    assert job.sha256 == hashlib.sha256(content).hexdigest()
    (message,) = sent_to("cro@bank.example")
    assert message.subject == (
        "MLTrack scheduled report: Weekly risk (Model risk report, CSV, as of 2026-11-27, 1 model)")
    assert job.sha256 in message.body and job.sha256 in html_of(message)
    assert f"https://mltrack.bank.example/reports/jobs/{job.pk}/file/" in message.body
    assert f'href="https://mltrack.bank.example/reports/jobs/{job.pk}/"' in html_of(message)
    assert "Filters: risk_tier=high" in message.body
    assert len(mail.outbox) == 2 and ScheduledReportRun.objects.get(schedule=item).mailed_at == at(1)


def test_each_period_gets_its_own_run(people, settings):
    settings.MLTRACK_DIGEST_WEEKDAY = 1
    make(people, name="daily", every="daily")
    make(people, name="weekly", every="weekly")
    make(people, name="monthly", every="monthly")

    run()  # Friday 2026-11-27
    run(at(24))  # Saturday: a new day, the same week and month
    run(at(24 * 4))  # Tuesday 2026-12-01: a new day, week and month

    assert sorted(ScheduledReportRun.objects.values_list("schedule__name", "period")) == [
        ("daily", "2026-11-27"), ("daily", "2026-11-28"), ("daily", "2026-12-01"),
        ("monthly", "2026-11"), ("monthly", "2026-12"), ("weekly", "2026-W48"), ("weekly", "2026-W49"),
    ]


def test_a_weekly_report_waits_for_the_weekday(people, settings):
    settings.MLTRACK_DIGEST_WEEKDAY = 6  # Saturday; TODAY is a Friday
    make(people, every="weekly")

    assert run().queued == 0
    assert run(at(24)).queued == 1


def test_new_runs_wait_for_the_morning_but_finished_ones_are_sent(people, settings):
    settings.MLTRACK_DIGEST_HOUR = 10
    make(people)
    assert run(wait_for_hour=False).queued == 1
    render_jobs()
    make(people, name="another")

    early = run(MORNING)  # 09:00

    assert early.waiting and early.queued == 0 and early.emailed == 2
    assert "new runs wait for the morning" in early.summary()


def test_disabled_schedules_make_nothing(people):
    make(people, enabled=False)

    assert run().queued == 0


def test_a_failed_report_keeps_its_reason_and_sends_nothing(people):
    make(people)
    run()
    job = ReportJob.objects.get()
    ReportJob.objects.filter(pk=job.pk).update(state=ReportJob.State.FAILED, error="The worker stopped.")

    result = run(at(1))

    assert result.failed_runs == 1 and "1 run(s) failed" in result.summary()
    assert ScheduledReportRun.objects.get().error == "The worker stopped." and mail.outbox == []
    assert run(at(2)).failed_runs == 0  # settled once


def test_filters_that_no_longer_hold_fail_the_run_with_the_reason(people):
    item = make(people)
    ScheduledReport.objects.filter(pk=item.pk).update(filters={"risk_tier": "severe"})

    run()

    assert "Bad report filter: risk_tier" in ScheduledReportRun.objects.get().error
    assert not ReportJob.objects.exists()


def test_a_dry_run_changes_nothing(people):
    make(people)

    result = run(dry_run=True)

    assert result.summary().startswith("scheduled reports: would queue 1")
    assert not ScheduledReportRun.objects.exists() and not ReportJob.objects.exists()


def test_a_second_worker_starting_the_same_period_starts_nothing(people):
    item = make(people)
    ScheduledReportRun.objects.create(schedule=item, period="2026-11-27", created_at=MORNING)

    assert schedule._start_run(item, period="2026-11-27", now=MORNING, today=TODAY) is False
    assert not ReportJob.objects.exists()


def test_every_email_of_a_run_is_claimed_once(people):
    make(people)
    run()
    render_jobs()
    # The run's emails were claimed, but the run was not marked (its sender stopped in between).
    run(at(1))
    ScheduledReportRun.objects.update(mailed_at=None)

    run(at(2))

    assert len(mail.outbox) == 2 and Delivery.objects.filter(kind=Delivery.Kind.SCHEDULED_REPORT).count() == 2


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": ""}, "name", schedule.NAME_MESSAGE),
        ({"name": "x" * 101}, "name", schedule.NAME_MESSAGE),
        ({"name": "bad\x00name"}, "name", "Name"),
        ({"kind": "finance"}, "kind", schedule.KIND_MESSAGE),
        ({"format": "xlsx"}, "format", schedule.FORMAT_MESSAGE),
        ({"every": "hourly"}, "every", schedule.EVERY_MESSAGE),
        ({"recipients": ""}, "recipients", schedule.RECIPIENTS_MISSING_MESSAGE),
        ({"recipients": "cro@bank.example, not-an-address"}, "recipients", "'not-an-address' is not an email address."),
        ({"recipients": "a@b.example\r\nBcc: x@evil.example"}, "recipients", "'Bcc:' is not an email address."),
        ({"recipients": ",".join(f"r{n}@bank.example" for n in range(51))}, "recipients", "At most 50 recipients (51"),
        ({"filters": {"risk_tier": "severe"}}, "filters", "Bad report filter: risk_tier"),
    ],
)
def test_it_refuses_bad_schedules_naming_the_field(people, fields, field, message):
    with pytest.raises(ValidationError) as refused:
        make(people, **fields)

    assert message in " ".join(refused.value.message_dict[field])
    assert not ScheduledReport.objects.exists()


def test_names_are_unique_in_any_case(people):
    make(people)

    with pytest.raises(ValidationError, match='A schedule named "WEEKLY RISK" exists already'):
        make(people, name="WEEKLY RISK")


def test_recipients_are_kept_one_per_line_without_duplicates(people):
    item = make(people, recipients="a@bank.example; b@bank.example\na@bank.example")

    assert item.recipient_list() == ["a@bank.example", "b@bank.example"]


@pytest.mark.parametrize("persona", ["alice", "bob", "erin", "charlie"])
def test_only_administrators_schedule_reports(people, persona):
    with pytest.raises(PermissionDenied, match=f"{persona} \\(role: .*\\) may not schedule reports"):
        save_schedule(data=FIELDS, actor=Actor.for_user(people[persona]), now=MORNING, today=TODAY)
    item = make(people)
    with pytest.raises(PermissionDenied):
        schedule.delete_schedule(schedule_id=item.pk, actor=Actor.for_user(people[persona]))


# The console page


def test_an_administrator_schedules_edits_and_removes_a_report_in_the_console(client, people):
    client.force_login(people["carol"])
    url = reverse("notifications:schedules")
    form = {"name": "Critical models", "kind": "inventory", "format": "pdf", "every": "weekly",
            "recipients": "cro@bank.example", "enabled": "on", "risk_tier": "critical"}

    response = client.post(url, form, follow=True)
    item = ScheduledReport.objects.get()
    assert "Scheduled report “Critical models” saved." in response.content.decode()
    assert (item.filters, item.created_by_name) == ({"risk_tier": "critical"}, "carol")

    edit = reverse("notifications:schedule", args=[item.pk])
    assert 'value="Critical models"' in client.get(edit).content.decode()
    client.post(edit, {**form, "every": "monthly", "enabled": ""})
    item.refresh_from_db()
    assert (item.every, item.enabled) == ("monthly", False)

    client.post(reverse("notifications:schedule-delete", args=[item.pk]))
    assert not ScheduledReport.objects.exists()


def test_the_page_shows_errors_and_saves_nothing(client, people):
    client.force_login(people["carol"])

    response = client.post(reverse("notifications:schedules"), {
        "name": "x", "kind": "risk", "format": "csv", "every": "daily", "recipients": "nobody"})

    assert response.status_code == 400 and "&#x27;nobody&#x27; is not an email address." in response.content.decode()
    assert not ScheduledReport.objects.exists()


@pytest.mark.parametrize("persona", ["alice", "bob", "erin", "charlie"])
def test_the_pages_are_for_administrators(client, people, persona):
    item = make(people)
    client.force_login(people[persona])

    assert client.get(reverse("notifications:schedules")).status_code == 403
    assert client.post(reverse("notifications:schedule-delete", args=[item.pk])).status_code == 403
    assert ScheduledReport.objects.exists()


def test_the_page_takes_the_same_queries_with_more_schedules(client, people, django_assert_max_num_queries):
    client.force_login(people["carol"])
    make(people)
    run()
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("notifications:schedules"))
    for index in range(4):
        make(people, name=f"schedule {index}")
    run(at(1))
    with django_assert_max_num_queries(12) as more:
        client.get(reverse("notifications:schedules"))

    assert len(few) == len(more)
