"""The scheduled work end to end: a real Celery worker with its embedded beat (as ``make run`` starts
it) runs the jobs from the database schedule, and every email goes over SMTP to a local SMTP server
(aiosmtpd) that the test reads back: the digests and the escalation with both parts, their headers
and absolute links, the nightly checkpoint for internal audit, and a scheduled report's links and
SHA-256, each sent once. The broker is the file-based one, or Redis when CELERY_BROKER_URL names it
(CI's PostgreSQL run)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.conf import settings
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from mltrack_site.scheduler import install_defaults
from notifications.models import Delivery, ScheduledReport, ScheduledReportRun
from reports.models import ReportJob
from tests.conftest import make_user
from tests.factories import make_model, record_review

pytestmark = [pytest.mark.integration]

BASE_URL = "https://mltrack.bank.example"
WAIT_SECONDS = 90
# How long the test keeps listening after everything arrived, for a duplicate to show up.
SETTLE_SECONDS = 8


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: email.message.EmailMessage


class Mailbox:
    """What the local SMTP server received."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's name for the hook
        parsed = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        with self.lock:
            return [item.message for item in self.received if item.recipients == [address]]

    def subjects(self) -> list[tuple[str, str]]:
        with self.lock:
            return sorted((item.recipients[0], str(item.message["Subject"])) for item in self.received)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


def worker_now() -> dt.datetime:
    """The clock the worker reads: the real one, also when this process's clock is shifted
    (``--shift-clock``), so that what is overdue here is overdue for the worker."""
    if time_machine.escape_hatch.is_travelling():
        return dt.datetime.fromtimestamp(time_machine.escape_hatch.time.time(), tz=dt.UTC)
    return dt.datetime.now(dt.UTC)


@pytest.fixture
def bank(transactional_reviews):
    """Accounts with addresses, an overdue and a due-soon model, a trail, and a scheduled report."""
    now = worker_now()
    today = timezone.localtime(now).date()
    make_user("carol", "administrator", email="carol@bank.example", first_name="Carol")
    alice = make_user("alice", "model-owner", email="alice@bank.example")
    late = make_model(model_name="card-fraud-scorer", risk_tier="critical", owner=alice, today=today,
                      deployment_date=today - dt.timedelta(days=75), business_line="Cards")
    make_model(model_name="mortgage-pd", risk_tier="high", today=today, deployment_date=today - dt.timedelta(days=85))
    record_review(make_model(model_name="reviewed-model", today=today), today=today, review_date=today, now=now)
    ScheduledReport.objects.create(name="Daily inventory", kind="inventory", format="csv", every="daily",
                                   recipients="cro@bank.example", created_by_name="carol", created_at=now,
                                   updated_at=now)
    return late


def every_few_seconds(name: str, seconds: int) -> None:
    """An administrator's edit of a job's interval, as the admin makes it."""
    row = PeriodicTask.objects.get(name=name)
    row.interval, _ = IntervalSchedule.objects.get_or_create(every=seconds, period=IntervalSchedule.SECONDS)
    row.expire_seconds = seconds - 1
    row.save()


def wait_until(condition, what: str, mailbox: Mailbox, workers) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"waited {WAIT_SECONDS} s for {what}; received {mailbox.subjects()}\n{workers.logs()}")


def parts(message: email.message.EmailMessage) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def test_the_worker_and_beat_send_each_email_once_over_smtp(bank, smtp, workers):
    mailbox, port = smtp
    # The schedule in the database (what beat reads); the scheduled-report pass made frequent, as an
    # administrator may, so that the finished report is emailed within the test.
    install_defaults(settings.CELERY_BEAT_SCHEDULE)
    every_few_seconds("run-scheduled-reports", 2)
    # Every job last ran a day ago by the worker's clock, so each is due at beat's first tick.
    PeriodicTask.objects.update(last_run_at=worker_now() - dt.timedelta(days=1))
    workers.start(
        "mail", EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(port), DEFAULT_FROM_EMAIL="mltrack@bank.example", MLTRACK_BASE_URL=BASE_URL,
        MLTRACK_DIGEST_HOUR="0", MLTRACK_VERIFY_HOUR="0", MLTRACK_AUDIT_EMAILS="internal.audit@bank.example",
    )
    expected = {"carol@bank.example": 2, "alice@bank.example": 1, "internal.audit@bank.example": 1,
                "cro@bank.example": 1}
    wait_until(lambda: all(len(mailbox.to(address)) >= count for address, count in expected.items()),
               "the digests, the escalation, the checkpoint and the scheduled report", mailbox, workers)
    time.sleep(SETTLE_SECONDS)  # beat keeps running the jobs: nothing may be sent again

    assert {address: len(mailbox.to(address)) for address in expected} == expected
    assert len(mailbox.received) == sum(expected.values())
    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.State.SENT}

    # The owner's digest: headers, both parts, absolute links.
    (digest,) = mailbox.to("alice@bank.example")
    assert digest["From"] == "mltrack@bank.example" and digest["To"] == "alice@bank.example"
    assert digest["Subject"] == "MLTrack digest: 1 review overdue (worst 45 days, 1 critical)"
    text, html = parts(digest)
    link = f"{BASE_URL}/models/{bank.pk}/"
    assert "- card-fraud-scorer (Critical, Cards): due " in text and "45 days overdue (escalated)" in text
    assert link in text and f'<a href="{link}"' in html
    assert f"{BASE_URL}/notifications/" in text

    # The administrator's digest of the whole inventory, and the escalation.
    subjects = sorted(str(message["Subject"]) for message in mailbox.to("carol@bank.example"))
    assert subjects == [
        "MLTrack digest: 1 review overdue (worst 45 days, 1 critical), 1 due within 30 days",
        "MLTrack escalation: 1 review overdue 30 days or more (worst 45 days, 1 critical)",
    ]

    # Internal audit's checkpoint: the signed head, attached.
    (checkpoint,) = mailbox.to("internal.audit@bank.example")
    assert checkpoint["Subject"] == "MLTrack audit trail verified: checkpoint #1 (1 record)"
    (attachment,) = list(checkpoint.iter_attachments())
    assert attachment.get_content_type() == "application/json"
    content = attachment.get_content()
    document = content.decode() if isinstance(content, bytes) else content
    assert '"signature":' in document and '"sequence": 1' in document

    # The scheduled report: made once by the worker, emailed with its links and SHA-256.
    (report,) = mailbox.to("cro@bank.example")
    job = ReportJob.objects.get()
    assert job.state == ReportJob.State.DONE and ScheduledReportRun.objects.get().job == job
    text, html = parts(report)
    assert job.sha256 in text and f"{BASE_URL}/reports/jobs/{job.pk}/file/" in text
    assert re.search(rf'href="{re.escape(BASE_URL)}/reports/jobs/{job.pk}/"', html)
