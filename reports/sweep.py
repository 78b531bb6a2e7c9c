"""Settling report jobs that nobody holds any more: the sweeper.

The scheduler runs it every half lease (``sweep-report-jobs`` in CELERY_BEAT_SCHEDULE), and
``manage.py sweep_report_jobs`` runs it from cron or by hand. A worker that dies mid-render stops
renewing its job's lease (reports.leases); once the lease has run out, the sweeper queues the job
again for another worker, up to ``MLTRACK_REPORT_JOB_ATTEMPTS`` renders in all, and then fails it
with a reason the job page shows. So a dead worker's report is settled within about one and a half
leases. docs/deployment.md, "When a worker dies".
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from functools import partial
from typing import NamedTuple
from uuid import UUID

from django.conf import settings
from django.db import transaction

from reports.jobs import UNCLAIMED_RESEND_AFTER, send_job
from reports.models import ReportJob

WORKER_LOST_MESSAGE = (
    "The worker stopped while rendering this report ({attempts}); ask again or see docs/deployment.md."
)
REQUEUED_STAGE = "Queued again: the worker rendering it stopped"


def worker_lost_message(attempts: int) -> str:
    return WORKER_LOST_MESSAGE.format(attempts=f"{attempts} attempt{'' if attempts == 1 else 's'}")


class SweepResult(NamedTuple):
    """The jobs found and what was done with them (or would be, on a dry run)."""

    requeued: list[UUID]
    failed: list[UUID]
    resent: list[UUID]

    def summary(self) -> str:
        return (f"report jobs: {len(self.requeued)} queued again, {len(self.failed)} failed, "
                f"{len(self.resent)} sent again")


def sweep_report_jobs(*, now: dt.datetime, dry_run: bool = False) -> SweepResult:
    """Settle every job whose lease has run out by ``now`` (``ReportJob.objects.lease_expired``):

    - running, with attempts left: queued again, and its message sent once this commits;
    - running, after its last attempt: failed, with the reason and the number of attempts;
    - queued, and not claimed in UNCLAIMED_RESEND_AFTER: its message sent again.

    Safe beside the workers and idempotent: each change is a conditional UPDATE that skips a job
    a worker has claimed or renewed meanwhile, and a message for a job already claimed does nothing.
    Queries: one read, then one UPDATE per kind of change, however many jobs there are."""
    max_attempts = settings.MLTRACK_REPORT_JOB_ATTEMPTS
    rows = list(ReportJob.objects.lease_expired(now=now).values_list("pk", "state", "attempts"))
    requeue = [pk for pk, state, attempts in rows if state == ReportJob.State.RUNNING and attempts < max_attempts]
    fail: dict[int, list[UUID]] = defaultdict(list)  # by attempts, which the reason names
    for pk, state, attempts in rows:
        if state == ReportJob.State.RUNNING and attempts >= max_attempts:
            fail[attempts].append(pk)
    resend = [pk for pk, state, _ in rows if state == ReportJob.State.QUEUED]
    result = SweepResult(requeue, [pk for ids in fail.values() for pk in ids], resend)
    if dry_run:
        return result
    with transaction.atomic():
        expired = ReportJob.objects.lease_expired(now=now)
        unclaimed_until = now + UNCLAIMED_RESEND_AFTER
        if requeue:
            expired.filter(pk__in=requeue, state=ReportJob.State.RUNNING).update(
                state=ReportJob.State.QUEUED, progress=0, stage=REQUEUED_STAGE, lease_expires_at=unclaimed_until
            )
        for attempts, ids in fail.items():
            expired.filter(pk__in=ids, state=ReportJob.State.RUNNING, attempts=attempts).update(
                state=ReportJob.State.FAILED, error=worker_lost_message(attempts), finished_at=now,
                lease_expires_at=None,
            )
        if resend:
            expired.filter(pk__in=resend, state=ReportJob.State.QUEUED).update(lease_expires_at=unclaimed_until)
        # A message that cannot be sent now is sent again once the job's new lease runs out.
        for pk in requeue + resend:
            transaction.on_commit(partial(send_job, pk))
    return result
