"""Reports made in the background: a ReportJob is queued, a Celery worker renders it, records its
progress as it goes, and stores the file with its SHA-256. The console shows the progress and
offers the file when it is done.

PDFs and OSCAL documents are made this way from the console: at bank scale they take longer than
a web request should (OSCAL: about 10 s for 10,000 models, validation included)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from common.actors import Actor
from common.authz import require
from inventory import permissions as inventory_permissions
from reports.data import KINDS, BadReportRequest, build_report, clean_filters
from reports.formats import InvalidOutput, file_name, render, render_pdf
from reports.models import ReportJob

logger = logging.getLogger(__name__)

BACKGROUND_FORMATS = ("pdf", "oscal")
WORKER_UNREACHABLE_MESSAGE = (
    "The background worker could not be reached, so the report was not started. "
    "Check that the worker and its broker are running (see docs/deployment.md), then try again."
)
FAILED_MESSAGE = "The report could not be produced: {error}"
BAD_FORMAT_MESSAGE = "Reports are made in the background as {formats}, not {fmt!r}."


def request_report(
    kind: str, *, fmt: str, filters: dict[str, str], actor: Actor, now: dt.datetime, today: dt.date
) -> ReportJob:
    """Queue a report for the worker; the job is sent once the transaction that created it commits.

    Anyone who may read the inventory may ask for a report (making one changes no data); others,
    and deactivated accounts, are refused. Raises BadReportRequest for an unknown kind or format."""
    require(actor, inventory_permissions.can_view, "ask for reports")
    if kind not in KINDS:
        raise BadReportRequest(f"Unknown report {kind!r}: choose {', '.join(KINDS)}.")
    if fmt not in BACKGROUND_FORMATS:
        raise BadReportRequest(BAD_FORMAT_MESSAGE.format(formats=" or ".join(BACKGROUND_FORMATS), fmt=fmt))
    job = ReportJob.objects.create(
        kind=kind, format=fmt, filters=clean_filters(filters), requested_by=actor.user, requested_by_name=actor.name,
        requested_at=now, as_of=today, stage="Waiting for the worker",
    )
    transaction.on_commit(lambda: _send(job))
    return job


def _send(job: ReportJob) -> None:
    from reports.tasks import render_report_job

    try:
        render_report_job.delay(str(job.pk))
    except Exception:  # the broker is down or misconfigured: say so on the job, do not lose the request
        logger.exception("could not queue report job %s", job.pk)
        ReportJob.objects.filter(pk=job.pk).update(
            state=ReportJob.State.FAILED, error=WORKER_UNREACHABLE_MESSAGE, finished_at=timezone.now()
        )


def _progress(job: ReportJob, percent: int, stage: str) -> None:
    job.progress, job.stage = percent, stage
    ReportJob.objects.filter(pk=job.pk).update(progress=percent, stage=stage)


def _render(job: ReportJob, report) -> bytes:
    if job.format == "pdf":
        return render_pdf(report, progress=lambda percent, stage: _progress(job, min(99, max(5, percent)), stage))
    _progress(job, 20, "Building and validating the OSCAL document")
    return render(report, job.format)


def run_job(job_id: str) -> ReportJob | None:
    """Render a queued job (what the worker runs). A job that is not queued is left alone, so a
    redelivered message never renders twice."""
    claimed = ReportJob.objects.filter(pk=job_id, state=ReportJob.State.QUEUED).update(
        state=ReportJob.State.RUNNING, started_at=timezone.now(), progress=1, stage="Reading the inventory"
    )
    if not claimed:
        return None
    job = ReportJob.objects.get(pk=job_id)
    try:
        report = build_report(
            job.kind, filters=job.filters, today=job.as_of, now=job.requested_at, generated_by=job.requested_by_name
        )
        _progress(job, 5, "Report data built")
        content = _render(job, report)
        _store(job, report, content)
    except Exception as exc:  # kept on the job for the person who asked; invalid output is expected, not logged
        if not isinstance(exc, InvalidOutput):
            logger.exception("report job %s failed", job_id)
        if job.file:  # stored, but the job could not be marked done: no file without its record
            job.file.delete(save=False)
        ReportJob.objects.filter(pk=job.pk).update(
            state=ReportJob.State.FAILED, error=FAILED_MESSAGE.format(error=exc), finished_at=timezone.now()
        )
        return ReportJob.objects.get(pk=job_id)
    return job


def _store(job: ReportJob, report, content: bytes) -> None:
    name = file_name(report, job.format)
    job.file.save(name, ContentFile(content), save=False)
    job.file_name = name
    job.sha256 = hashlib.sha256(content).hexdigest()
    job.size = len(content)
    job.model_count = report.metadata.model_count
    job.state, job.progress, job.stage, job.finished_at = ReportJob.State.DONE, 100, "Done", timezone.now()
    job.save(update_fields=["file", "file_name", "sha256", "size", "model_count", "state", "progress", "stage",
                            "finished_at"])
