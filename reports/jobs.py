"""Reports made in the background: a ReportJob is queued, a Celery worker claims it, renders it
while recording its progress, and stores the file with its SHA-256. The console shows the progress
and offers the file when it is done.

PDFs and OSCAL documents are made this way from the console: at bank scale they take longer than
a web request should (OSCAL: about 10 s for 10,000 models, validation included). OSCAL is
written to a temporary file part by part as it is validated, and stored from there.

A worker may die mid-render (killed, out of memory, its machine gone). The job survives it: the
worker holds the job by a lease (reports.leases), a job whose lease ran out may be claimed again,
and the sweeper (reports.sweep) queues it again or, after the last attempt, fails it with the
reason. Claims are conditional UPDATEs, so however often a job's message is delivered, one worker
at a time renders it and it is finished once. docs/deployment.md, "When a worker dies".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from uuid import UUID

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import F

from common.actors import Actor
from common.authz import require
from inventory import permissions as inventory_permissions
from reports.data import KINDS, BadReportRequest, Report, build_report, clean_filters
from reports.files import DigestingWriter
from reports.formats import EVIDENCE_FORMATS, RENDERERS, InvalidOutput, file_name, render, render_pdf, write_oscal
from reports.leases import Clock, Lease, LeaseLost
from reports.models import ReportJob

logger = logging.getLogger(__name__)

# PDF and OSCAL from the console (at bank scale they take longer than a web request); any format
# through the API, whose clients follow a job the same way.
BACKGROUND_FORMATS = ("pdf", "oscal", "csv", "json")
WORKER_UNREACHABLE_MESSAGE = (
    "The background worker could not be reached, so the report was not started. "
    "Check that the worker and its broker are running (see docs/deployment.md), then try again."
)
FAILED_MESSAGE = "The report could not be produced: {error}"
BAD_FORMAT_MESSAGE = "Reports are made in the background as {formats}, not {fmt!r}."
WAITING_STAGE = "Waiting for the worker"
READING_STAGE = "Reading the inventory"
OSCAL_STAGE = "Building and validating the OSCAL document"
# A queued job that no worker has claimed by then has its message sent again by the sweeper: the
# first may have been lost with a worker that had taken it (the file-based broker forgets messages
# a killed worker held). Long enough for a busy worker to work through a queue of reports.
UNCLAIMED_RESEND_AFTER = dt.timedelta(minutes=30)


@dataclass(frozen=True)
class BackgroundKind:
    """Another kind of file the worker makes the way it makes reports (with a lease, progress,
    attempts and its SHA-256), registered by an app above this one (exam packages, inventory
    exports), so that reports never imports it. ``render(job, progress)`` returns the file's bytes,
    its name and the number of models it covers."""

    kind: str
    title: str
    # Each format it makes: its label and media type.
    formats: Mapping[str, tuple[str, str]]
    render: Callable[[ReportJob, Callable[[int, str], None]], tuple[bytes, str, int]]
    # The page that lists these jobs (the job page links back to it), and the link's text.
    index_url_name: str
    index_label: str

    def format_label(self, fmt: str) -> str:
        return self.formats[fmt][0]

    def media_type(self, fmt: str) -> str:
        return self.formats[fmt][1]


BACKGROUND_KINDS: dict[str, BackgroundKind] = {}


def register_background_kind(background: BackgroundKind) -> None:
    """Called from the registering app's AppConfig.ready()."""
    BACKGROUND_KINDS[background.kind] = background


def request_report(
    kind: str, *, fmt: str, filters: dict[str, str], actor: Actor, now: dt.datetime, today: dt.date
) -> ReportJob:
    """Queue a report for the worker; the job is sent once the transaction that created it commits.

    Anyone who may read the inventory may ask for a report (making one changes no data); others,
    and deactivated accounts, are refused. Raises BadReportRequest for an unknown kind or format."""
    return _queue(kind, fmt=fmt, filters=filters, actor=actor, now=now, today=today, formats=BACKGROUND_FORMATS)


def queue_scheduled_report(
    kind: str, *, fmt: str, filters: dict[str, str], actor: Actor, now: dt.datetime, today: dt.date
) -> ReportJob:
    """Queue a report for a schedule (notifications.schedule): like request_report, in any format
    (CSV and JSON too, so that every scheduled file is stored with its SHA-256 the same way)."""
    return _queue(kind, fmt=fmt, filters=filters, actor=actor, now=now, today=today, formats=tuple(RENDERERS))


def _queue(kind: str, *, fmt: str, filters: dict[str, str], actor: Actor, now: dt.datetime, today: dt.date,
           formats: tuple[str, ...]) -> ReportJob:
    require(actor, inventory_permissions.can_view, "ask for reports")
    if kind not in KINDS:
        raise BadReportRequest(f"Unknown report {kind!r}: choose {', '.join(KINDS)}.")
    if fmt not in formats:
        raise BadReportRequest(BAD_FORMAT_MESSAGE.format(formats=", ".join(formats), fmt=fmt))
    return queue_job(kind, fmt=fmt, filters=clean_filters(filters), actor=actor, now=now, today=today)


def queue_job(kind: str, *, fmt: str, filters: dict[str, str], actor: Actor, now: dt.datetime,
              today: dt.date) -> ReportJob:
    """Create a job and send it once the transaction that created it commits. For services that
    have checked the request and the actor's role (request_report, and registered kinds' own)."""
    job = ReportJob.objects.create(
        kind=kind, format=fmt, filters=filters, requested_by=actor.user, requested_by_name=actor.name,
        requested_at=now, as_of=today, stage=WAITING_STAGE, lease_expires_at=now + UNCLAIMED_RESEND_AFTER,
    )
    transaction.on_commit(lambda: _send_or_fail(job.pk, now=now))
    return job


def send_job(job_id: UUID | str) -> bool:
    """Send the job's message to the worker; False (and logged) when the broker cannot take it."""
    from reports.tasks import render_report_job

    try:
        render_report_job.delay(str(job_id))
    except Exception:  # the broker is down or misconfigured: the caller decides what the job says
        logger.exception("could not queue report job %s", job_id)
        return False
    return True


def _send_or_fail(job_id: UUID, *, now: dt.datetime) -> None:
    # Say so on the job at once rather than leave the person who asked waiting for nothing.
    if not send_job(job_id):
        ReportJob.objects.filter(pk=job_id, state=ReportJob.State.QUEUED).update(
            state=ReportJob.State.FAILED, error=WORKER_UNREACHABLE_MESSAGE, finished_at=now, lease_expires_at=None
        )


def run_job(job_id: str, *, worker: str, clock: Clock) -> ReportJob | None:
    """Claim the job and render it (what the worker runs); returns the finished job, or None when
    this worker did not finish it.

    A job is claimed when it is queued, or running with a lease that has run out (its worker died)
    and attempts left (``MLTRACK_REPORT_JOB_ATTEMPTS``). Any other job (held by a live worker,
    done, failed, or gone) is left alone, so a redelivered message never renders a job twice."""
    now = clock()
    claimed = ReportJob.objects.claimable(now=now, max_attempts=settings.MLTRACK_REPORT_JOB_ATTEMPTS).filter(
        pk=job_id
    ).update(
        state=ReportJob.State.RUNNING, attempts=F("attempts") + 1, worker=worker,
        lease_expires_at=now + dt.timedelta(seconds=settings.MLTRACK_REPORT_JOB_LEASE),
        started_at=now, progress=1, stage=READING_STAGE,
    )
    if not claimed:
        logger.info("report job %s is not for this worker to render (finished, held by another, or gone)", job_id)
        return None
    job = ReportJob.objects.get(pk=job_id)
    with Lease(job, clock=clock, seconds=settings.MLTRACK_REPORT_JOB_LEASE) as lease:
        return _render_and_store(job, lease)


def _render_and_store(job: ReportJob, lease: Lease) -> ReportJob | None:
    try:
        background = BACKGROUND_KINDS.get(job.kind)
        if background is not None:
            content, name, model_count = background.render(job, lambda percent, stage: lease.progress(
                min(99, max(1, percent)), stage))
            _store_file(job, name, content, model_count, lease)
            return ReportJob.objects.get(pk=job.pk)
        report = build_report(
            job.kind, filters=job.filters, today=job.as_of, now=job.requested_at, generated_by=job.requested_by_name,
            evidence=job.format in EVIDENCE_FORMATS,
        )
        lease.progress(5, "Report data built")
        if job.format == "oscal":
            _store_oscal(job, report, lease)
        else:
            _store(job, report, _render(job, report, lease), lease)
    except LeaseLost:
        # This worker was presumed dead and the job went to another attempt: that one records it.
        logger.warning("report job %s: attempt %s lost its lease; its work is dropped", job.pk, job.attempts)
        _discard_file(job)
        return None
    except Exception as exc:  # kept on the job for the person who asked; invalid output is expected, not logged
        if not isinstance(exc, InvalidOutput):
            logger.exception("report job %s failed", job.pk)
        _discard_file(job)  # stored, but the job could not be marked done: no file without its record
        try:
            lease.finish(state=ReportJob.State.FAILED, error=FAILED_MESSAGE.format(error=exc))
        except LeaseLost:
            return None
    return ReportJob.objects.get(pk=job.pk)


def _render(job: ReportJob, report: Report, lease: Lease) -> bytes:
    if job.format == "pdf":
        return render_pdf(report, progress=lambda percent, stage: lease.progress(min(99, max(5, percent)), stage))
    lease.progress(20, f"Writing the {job.format.upper()} file")
    return render(report, job.format)


def _store_oscal(job: ReportJob, report: Report, lease: Lease) -> None:
    """OSCAL is validated and written a part at a time into a temporary file, and stored from
    there, so that the worker never holds the whole document (reports.oscal.stream)."""
    lease.progress(10, OSCAL_STAGE)

    def progress(done: int, models: int) -> None:
        lease.progress(10 + 85 * done // max(models, 1), f"{OSCAL_STAGE}: {done:,} of {models:,} models validated")

    with tempfile.TemporaryFile() as spool:
        written = DigestingWriter(spool)
        write_oscal(report, written, progress=progress)
        spool.seek(0)
        name = file_name(report, job.format)
        job.file.save(name, File(spool), save=False)
        _finish(job, name, sha256=written.hexdigest(), size=written.size, model_count=report.metadata.model_count,
                lease=lease)


def _store(job: ReportJob, report: Report, content: bytes, lease: Lease) -> None:
    _store_file(job, file_name(report, job.format), content, report.metadata.model_count, lease)


def _store_file(job: ReportJob, name: str, content: bytes, model_count: int, lease: Lease) -> None:
    job.file.save(name, ContentFile(content), save=False)
    _finish(job, name, sha256=hashlib.sha256(content).hexdigest(), size=len(content), model_count=model_count,
            lease=lease)


def _finish(job: ReportJob, name: str, *, sha256: str, size: int, model_count: int, lease: Lease) -> None:
    lease.finish(
        state=ReportJob.State.DONE, progress=100, stage="Done", file=job.file.name, file_name=name,
        sha256=sha256, size=size, model_count=model_count,
    )


def _discard_file(job: ReportJob) -> None:
    if job.file:
        job.file.delete(save=False)
