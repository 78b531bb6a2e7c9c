"""How a worker holds the report job it renders: a lease on the job's row, renewed as it works.

A worker claims a job (reports.jobs.run_job) and from then on holds it for
``settings.MLTRACK_REPORT_JOB_LEASE`` seconds at a time. Every progress step renews the lease, and
so does a heartbeat thread every third of a lease, since one step (laying out a long PDF) can take
minutes. A worker that dies stops renewing; once its lease has run out, the job may be claimed
again (by a redelivered message, or by the message the sweeper sends, reports.sweep).

Every write a holder makes is fenced by the number of its claim (``ReportJob.objects.held``): a
worker that was only slow, not dead, and whose job another worker has claimed meanwhile, finds its
writes refused (LeaseLost) and keeps nothing. So a job is finished exactly once.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from types import TracebackType

from django.db import DatabaseError, connection

from reports.models import ReportJob

logger = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
# The heartbeat renews the lease this many times per lease, so one late or failed renewal (a
# database busy for a moment) does not lose the job.
BEATS_PER_LEASE = 3


class LeaseLost(Exception):
    """The worker's lease ran out and the job was claimed again (or settled by the sweeper)."""


class Lease:
    """The claim of one attempt at a running job; a context manager that runs the heartbeat."""

    def __init__(self, job: ReportJob, *, clock: Clock, seconds: int) -> None:
        self.job = job
        self.clock = clock
        self.duration = dt.timedelta(seconds=seconds)
        self._stop = threading.Event()
        self._lost = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Lease:
        self._thread = threading.Thread(target=self._beat, name=f"lease-{self.job.pk}", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    @property
    def lost(self) -> bool:
        return self._lost.is_set()

    def expiry(self) -> dt.datetime:
        return self.clock() + self.duration

    def progress(self, percent: int, stage: str) -> None:
        """Record a step (and renew the lease); LeaseLost if the job is no longer this worker's."""
        if self.lost or not self._held().update(progress=percent, stage=stage, lease_expires_at=self.expiry()):
            self._lost.set()
            raise LeaseLost
        self.job.progress, self.job.stage = percent, stage

    def finish(self, **fields: object) -> None:
        """Record the outcome (``state`` done or failed, with its fields) and give the lease up;
        LeaseLost if the job is no longer this worker's, and then nothing is written."""
        if not self._held().update(lease_expires_at=None, finished_at=self.clock(), **fields):
            self._lost.set()
            raise LeaseLost

    def _held(self):
        return ReportJob.objects.held(pk=self.job.pk, attempt=self.job.attempts)

    def _beat(self) -> None:
        try:
            while not self._stop.wait(self.duration.total_seconds() / BEATS_PER_LEASE):
                try:
                    renewed = self._held().update(lease_expires_at=self.expiry())
                except DatabaseError:  # the next beat tries again, while the lease still has time left
                    logger.warning("could not renew the lease of report job %s", self.job.pk, exc_info=True)
                    continue
                if not renewed:
                    self._lost.set()
                    return
        finally:
            connection.close()  # this thread's own connection
