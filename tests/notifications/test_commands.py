"""The management commands: the same services as the scheduler's tasks, for cron and debugging,
each with --dry-run and a summary line."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from notifications import tasks
from notifications.models import AuditAlarm, Delivery, ScheduledReport, ScheduledReportRun
from reports.jobs import run_job
from reports.models import ReportJob
from tests.factories import make_model, record_review
from tests.notifications.conftest import model_due

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=out)
    return out.getvalue()


@pytest.fixture
def due(people):
    model_due(-40, owner=people["alice"])


def test_send_review_digests_sends_whatever_the_hour_and_once(due, settings):
    settings.MLTRACK_DIGEST_HOUR = 23  # the scheduler would wait; cron decides when the command runs

    first = run("send_review_digests")
    second = run("send_review_digests")

    assert first == "Digests: sent 3 daily, 0 weekly, 1 escalation; 0 failed (retried later); 0 already sent.\n"
    assert second.endswith("4 already sent.\n") and len(mail.outbox) == 4


def test_send_review_digests_dry_run_sends_nothing(due):
    assert run("send_review_digests", "--dry-run") == (
        "Dry run, nothing sent: digests: would send 3 daily, 0 weekly, 1 escalation; 0 failed (retried later); "
        "0 already sent.\n")
    assert mail.outbox == [] and not Delivery.objects.exists()


def test_the_task_waits_for_the_digest_hour_but_the_command_does_not(due, settings):
    settings.MLTRACK_DIGEST_HOUR = 23

    assert tasks.send_review_digests() == "digests: not yet (they go out from 23:00, UTC)"
    assert mail.outbox == []


@pytest.fixture
def scheduled(people, settings, tmp_path):
    settings.MLTRACK_REPORTS_DIR = tmp_path / "reports"
    make_model()
    now = dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC)
    return ScheduledReport.objects.create(name="Daily inventory", kind="inventory", format="json", every="daily",
                                          recipients="cro@bank.example", created_by_name="carol", created_at=now,
                                          updated_at=now)


def test_run_scheduled_reports_queues_then_emails(scheduled):
    assert run("run_scheduled_reports", "--dry-run") == (
        "Dry run, nothing changed: scheduled reports: would queue 1; 0 email(s) sent, 0 failed (retried later); "
        "0 run(s) failed.\n")
    assert not ScheduledReportRun.objects.exists()

    assert run("run_scheduled_reports").startswith("Scheduled reports: queued 1;")
    run_job(str(ReportJob.objects.get().pk), worker="test", clock=timezone.now)
    assert "1 email(s) sent" in run("run_scheduled_reports")
    assert [message.to for message in mail.outbox] == [["cro@bank.example"]]


def test_verify_audit_trail_reports_ok_and_sends_the_checkpoint(people, settings):
    settings.MLTRACK_AUDIT_EMAILS = ["audit@bank.example"]
    record_review(make_model())

    output = run("verify_audit_trail")

    assert output.startswith("Verification: OK: 1 review records") and "1 email(s) sent" in output
    assert mail.outbox[0].to == ["audit@bank.example"]


def test_verify_audit_trail_exits_1_and_raises_the_alarm_when_the_trail_is_broken(people):
    model = make_model()
    record_review(model)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE inventory_aimodel SET risk_tier = 'low' WHERE id = %s", [model.pk])
    err = StringIO()

    with pytest.raises(SystemExit) as exit_:
        call_command("verify_audit_trail", stdout=StringIO(), stderr=err)

    assert exit_.value.code == 1
    assert err.getvalue().startswith("Verification: MODELS DISAGREE WITH THE TRAIL")
    assert AuditAlarm.objects.open().count() == 1


def test_verify_audit_trail_dry_run_changes_nothing(people):
    record_review(make_model())

    output = run("verify_audit_trail", "--dry-run")

    assert output.startswith("Verification (dry run, nothing signed or sent): OK: 1 review records")
    assert mail.outbox == []


def test_the_retry_task_says_when_nothing_is_due(db):
    assert tasks.retry_deliveries() == "retries: none due"


def test_the_commands_say_what_they_select(db):
    from notifications.management.commands import run_scheduled_reports, send_review_digests, verify_audit_trail

    assert "MLTRACK_DUE_SOON_WINDOWS" in send_review_digests.Command.help
    assert "MLTRACK_DIGEST_WEEKDAY" in run_scheduled_reports.Command.help
    assert "MLTRACK_AUDIT_EMAILS" in verify_audit_trail.Command.help
