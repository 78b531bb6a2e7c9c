"""The sweeper settles report jobs whose worker died: it queues them again while they have attempts
left, then fails them with a reason the job page shows; a queued job whose message was lost is sent
again. Its task and command run the same service."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import jobs, tasks
from reports.models import ReportJob
from reports.sweep import REQUEUED_STAGE, sweep_report_jobs, worker_lost_message

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
EXPIRED = NOW - dt.timedelta(seconds=1)
HELD = NOW + dt.timedelta(seconds=60)


@pytest.fixture(autouse=True)
def _attempts(settings):
    settings.MLTRACK_REPORT_JOB_LEASE = 120
    settings.MLTRACK_REPORT_JOB_ATTEMPTS = 3


@pytest.fixture
def sent(monkeypatch) -> list[str]:
    """The messages sent to the worker."""
    messages: list[str] = []
    monkeypatch.setattr(tasks.render_report_job, "delay", messages.append)
    return messages


def make_job(bob, **fields) -> ReportJob:
    return ReportJob.objects.create(kind="risk", format="pdf", requested_by=bob, requested_by_name="bob",
                                    requested_at=NOW, as_of=NOW.date(), **fields)


def dead(bob, attempts: int) -> ReportJob:
    return make_job(bob, state="running", attempts=attempts, progress=40, stage="Laying out the pages",
                    worker="w1@host pid 1", lease_expires_at=EXPIRED)


def sweep(django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return sweep_report_jobs(now=NOW, **kwargs)


def test_a_job_whose_worker_died_is_queued_again_and_sent(db, bob, sent, django_capture_on_commit_callbacks):
    job = dead(bob, attempts=1)
    result = sweep(django_capture_on_commit_callbacks)

    assert result.requeued == [job.pk] and result.failed == [] and result.resent == []
    assert sent == [str(job.pk)]
    job.refresh_from_db()
    assert (job.state, job.progress, job.stage, job.attempts) == ("queued", 0, REQUEUED_STAGE, 1)
    assert job.lease_expires_at == NOW + jobs.UNCLAIMED_RESEND_AFTER


def test_the_queued_again_job_is_claimed_by_the_next_worker(db, bob, sent, reports_dir, monkeypatch,
                                                            django_capture_on_commit_callbacks):
    job = dead(bob, attempts=1)
    sweep(django_capture_on_commit_callbacks)
    monkeypatch.setattr(jobs, "render_pdf", lambda report, progress: b"%PDF-1.7 test")
    job = jobs.run_job(sent[0], worker="w2@host pid 2", clock=lambda: NOW)
    assert job.state == "done" and job.attempts == 2 and job.worker == "w2@host pid 2"


def test_a_job_is_failed_after_its_last_attempt_and_the_page_says_why(client, db, bob, sent,
                                                                      django_capture_on_commit_callbacks):
    job = dead(bob, attempts=3)
    result = sweep(django_capture_on_commit_callbacks)

    assert result.failed == [job.pk] and sent == []
    job.refresh_from_db()
    message = ("The worker stopped while rendering this report (3 attempts); ask again or see "
               "docs/deployment.md.")
    assert job.state == "failed" and job.error == message and job.finished_at == NOW
    assert job.lease_expires_at is None and job.progress == 40  # how far the last attempt got
    client.force_login(bob)
    page = client.get(job.get_absolute_url()).content.decode()
    assert message in page and "Attempt <span data-field=\"attempts\">3</span> of 3" in page
    status = client.get(reverse("reports:job-status", args=[job.pk])).json()
    assert status["state"] == "failed" and status["error"] == message and status["attempts"] == 3


def test_with_a_single_attempt_the_first_dead_worker_fails_the_job(db, bob, settings, sent,
                                                                   django_capture_on_commit_callbacks):
    settings.MLTRACK_REPORT_JOB_ATTEMPTS = 1
    job = dead(bob, attempts=1)
    sweep(django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.state == "failed" and "(1 attempt);" in job.error and sent == []


def test_a_queued_job_no_worker_claimed_in_time_is_sent_again(db, bob, sent, django_capture_on_commit_callbacks):
    job = make_job(bob, stage=jobs.WAITING_STAGE, lease_expires_at=EXPIRED)
    result = sweep(django_capture_on_commit_callbacks)

    assert result.resent == [job.pk] and sent == [str(job.pk)]
    job.refresh_from_db()
    assert job.state == "queued" and job.attempts == 0 and job.lease_expires_at == NOW + jobs.UNCLAIMED_RESEND_AFTER


@pytest.mark.parametrize(
    "fields",
    [
        {"state": "running", "attempts": 1, "lease_expires_at": HELD},  # a live worker renders it
        {"state": "queued", "lease_expires_at": HELD},  # waiting for a worker, not for long
        {"state": "done", "attempts": 1, "progress": 100},
        {"state": "failed", "attempts": 3, "error": "The report could not be produced: no fonts"},
        {"state": "running", "attempts": 1, "lease_expires_at": NOW},  # runs out now, not before
    ],
)
def test_it_leaves_jobs_that_someone_holds_and_finished_jobs_alone(db, bob, sent, fields,
                                                                   django_capture_on_commit_callbacks):
    job = make_job(bob, **fields)
    before = ReportJob.objects.values().get()
    result = sweep(django_capture_on_commit_callbacks)
    assert result == ([], [], []) and sent == []
    assert ReportJob.objects.values().get() == before and job.pk == before["id"]


def test_a_dry_run_changes_and_sends_nothing(db, bob, sent, django_capture_on_commit_callbacks):
    requeue, fail, resend = dead(bob, attempts=1), dead(bob, attempts=3), make_job(bob, lease_expires_at=EXPIRED)
    before = list(ReportJob.objects.order_by("pk").values())
    result = sweep(django_capture_on_commit_callbacks, dry_run=True)
    assert result == ([requeue.pk], [fail.pk], [resend.pk])
    assert list(ReportJob.objects.order_by("pk").values()) == before and sent == []


def test_a_message_the_broker_refuses_is_sent_again_later(db, bob, monkeypatch, django_capture_on_commit_callbacks):
    def down(job_id):
        raise ConnectionRefusedError("Connection refused")

    monkeypatch.setattr(tasks.render_report_job, "delay", down)
    job = dead(bob, attempts=1)
    sweep(django_capture_on_commit_callbacks)
    job.refresh_from_db()
    # Not failed: still queued, with a lease after which the sweeper sends it again.
    assert job.state == "queued" and job.lease_expires_at == NOW + jobs.UNCLAIMED_RESEND_AFTER


def _make_each_kind(bob, count: int) -> None:
    for _ in range(count):
        dead(bob, attempts=1)
        dead(bob, attempts=3)
        make_job(bob, lease_expires_at=EXPIRED)


def test_its_queries_do_not_grow_with_the_number_of_jobs(db, bob, sent, django_capture_on_commit_callbacks):
    _make_each_kind(bob, 1)
    with CaptureQueriesContext(connection) as one:
        sweep(django_capture_on_commit_callbacks)
    ReportJob.objects.all().delete()
    _make_each_kind(bob, 3)
    with CaptureQueriesContext(connection) as three:
        result = sweep(django_capture_on_commit_callbacks)
    assert [len(ids) for ids in result] == [3, 3, 3]
    # One read and one UPDATE per kind of change (plus the savepoint's own statements).
    assert len(three) == len(one)


def test_the_task_sweeps_and_says_what_it_did(db, bob, sent, frozen_clock):
    dead(bob, attempts=1)
    assert tasks.sweep_report_jobs() == "report jobs: 1 queued again, 0 failed, 0 sent again"


def test_the_command_says_what_it_would_do_and_then_does_it(db, bob, sent, frozen_clock, capsys):
    requeued, failed = dead(bob, attempts=1), dead(bob, attempts=3)
    call_command("sweep_report_jobs", "--dry-run", verbosity=2)
    out = capsys.readouterr().out
    assert f"would queue again: report job {requeued.pk}" in out and f"would fail: report job {failed.pk}" in out
    assert "Dry run, nothing changed: report jobs: 1 queued again, 1 failed, 0 sent again." in out
    assert ReportJob.objects.filter(state="running").count() == 2

    call_command("sweep_report_jobs")
    assert "Swept report jobs: 1 queued again, 1 failed, 0 sent again." in capsys.readouterr().out
    assert sorted(ReportJob.objects.values_list("state", flat=True)) == ["failed", "queued"]


def test_the_failure_reason_counts_attempts_in_words():
    assert worker_lost_message(1).startswith("The worker stopped while rendering this report (1 attempt);")
    assert "(2 attempts)" in worker_lost_message(2)


def test_jobs_an_earlier_version_left_unfinished_are_settled_by_the_next_sweep(db, bob, sent, frozen_clock,
                                                                             django_capture_on_commit_callbacks):
    # Before leases, a job whose worker died stayed running for good; the migration hands such jobs
    # (and queued ones, whose message may be gone) to the sweeper.
    stranded = make_job(bob, state="running", progress=40)
    waiting = make_job(bob)
    migration = importlib.import_module("reports.migrations.0002_report_job_leases")
    migration.settle_stranded_jobs(apps, None)
    a_second_later = frozen_clock + dt.timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        result = sweep_report_jobs(now=a_second_later)
    assert result == ([stranded.pk], [], [waiting.pk])
    assert sorted(sent) == sorted([str(stranded.pk), str(waiting.pk)])
    stranded.refresh_from_db()
    assert stranded.state == "queued" and stranded.attempts == 1
