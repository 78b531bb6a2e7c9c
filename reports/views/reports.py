"""Reports in the console: the report pages with their filters, CSV and JSON downloads, and PDF
and OSCAL documents made in the background with their progress.

Anyone who may view the inventory may read and download reports (examiners included); making a
report changes no data. Every number comes from reports.data, as in ``mltrack report``.
"""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from common.actors import Actor
from inventory import permissions as inventory_permissions
from reports import jobs
from reports.data import KINDS, TITLES, Report, build_report
from reports.formats import MEDIA_TYPES, file_name
from reports.formats import render as render_file
from reports.forms import ReportFilterForm
from reports.models import ReportJob

# Rows of each table shown on a report's page; downloads carry every row.
PREVIEW_ROWS = 100
DOWNLOAD_FORMATS = ("csv", "json")
RECENT_JOBS = 10
# Scheduled reports (notifications) are made as jobs in every format.
FORMAT_LABELS = {"pdf": "PDF", "oscal": "OSCAL assessment results", "csv": "CSV", "json": "JSON"}


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise Http404("No such report.")
    return kind


def _report(request: HttpRequest, kind: str, form: ReportFilterForm) -> Report:
    return build_report(
        kind, filters=form.filters(), today=timezone.localdate(), now=timezone.now(),
        generated_by=request.user.get_username(),
    )


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    inventory_permissions.require_view(request.user)
    form = ReportFilterForm(request.GET or None)
    query = request.GET.urlencode() if form.is_bound and form.is_valid() else ""
    recent = ReportJob.objects.filter(kind__in=KINDS).order_by("-requested_at")[:RECENT_JOBS]
    return render(request, "reports/index.html", {
        "form": form, "kinds": [(kind, TITLES[kind]) for kind in KINDS], "query": query, "jobs": list(recent),
    })


@require_GET
def report(request: HttpRequest, kind: str) -> HttpResponse:
    """A report on screen: its metadata, summary, charts and the first rows of each table."""
    inventory_permissions.require_view(request.user)
    kind = _kind(kind)
    form = ReportFilterForm(request.GET)
    if not form.is_valid():
        return render(request, "reports/report.html", {"form": form, "kind": kind, "title": TITLES[kind]}, status=400)
    built = _report(request, kind, form)
    tables = [(table, table.rows[:PREVIEW_ROWS]) for table in built.tables]
    charts = [(chart, max((value for _, value in chart.bars), default=0)) for chart in built.charts]
    return render(request, "reports/report.html", {
        "form": form, "kind": kind, "title": TITLES[kind], "report": built, "tables": tables, "charts": charts,
        "preview_rows": PREVIEW_ROWS, "query": request.GET.urlencode(), "formats": DOWNLOAD_FORMATS,
    })


@require_GET
def download(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    """The report as a file: CSV or JSON (PDF and OSCAL are made in the background: queue below)."""
    inventory_permissions.require_view(request.user)
    kind = _kind(kind)
    if fmt not in DOWNLOAD_FORMATS:
        raise Http404("No such format.")
    form = ReportFilterForm(request.GET)
    if not form.is_valid():
        return render(request, "reports/report.html", {"form": form, "kind": kind, "title": TITLES[kind]}, status=400)
    built = _report(request, kind, form)
    response = HttpResponse(render_file(built, fmt), content_type=MEDIA_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{file_name(built, fmt)}"'
    return response


@require_POST
def queue(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    """Queue a PDF or OSCAL document of the report for the background worker; show its progress."""
    inventory_permissions.require_view(request.user)
    kind = _kind(kind)
    if fmt not in jobs.BACKGROUND_FORMATS:
        raise Http404("No such format.")
    form = ReportFilterForm(request.POST)
    if not form.is_valid():
        return render(request, "reports/report.html", {"form": form, "kind": kind, "title": TITLES[kind]}, status=400)
    job = jobs.request_report(
        kind, fmt=fmt, filters=form.filters(), actor=Actor.for_user(request.user), now=timezone.now(),
        today=timezone.localdate(),
    )
    return redirect(job)


@require_GET
def job(request: HttpRequest, pk) -> HttpResponse:
    inventory_permissions.require_view(request.user)
    report_job = get_object_or_404(ReportJob, pk=pk)
    title, format_label, _ = _described(report_job)
    background = jobs.BACKGROUND_KINDS.get(report_job.kind)
    back = ((reverse(background.index_url_name), background.index_label) if background
            else (reverse("reports:index"), "Reports"))
    return render(request, "reports/job.html", {
        "job": report_job, "title": title, "format_label": format_label, "back_url": back[0], "back_label": back[1],
        "is_report": background is None,
        "max_attempts": settings.MLTRACK_REPORT_JOB_ATTEMPTS,
    })


def _described(report_job: ReportJob) -> tuple[str, str, str]:
    """(title, format label, media type) of a job: a report, or a kind another app registered."""
    background = jobs.BACKGROUND_KINDS.get(report_job.kind)
    if background is not None:
        return background.title, background.format_label(report_job.format), background.media_type(report_job.format)
    return TITLES.get(report_job.kind, "Report"), FORMAT_LABELS[report_job.format], MEDIA_TYPES[report_job.format]


@require_GET
def job_status(request: HttpRequest, pk) -> JsonResponse:
    """The job's progress, polled by the job page."""
    inventory_permissions.require_view(request.user)
    report_job = get_object_or_404(ReportJob, pk=pk)
    return JsonResponse({
        "state": report_job.state, "state_label": report_job.get_state_display(), "progress": report_job.progress,
        "stage": report_job.stage, "error": report_job.error, "sha256": report_job.sha256, "size": report_job.size,
        "attempts": report_job.attempts,
        "file_url": (
            reverse("reports:job-file", args=[report_job.pk]) if report_job.state == ReportJob.State.DONE else None
        ),
    })


@require_GET
def job_file(request: HttpRequest, pk) -> FileResponse:
    inventory_permissions.require_view(request.user)
    report_job = get_object_or_404(ReportJob, pk=pk, state=ReportJob.State.DONE)
    response = FileResponse(report_job.file.open("rb"), as_attachment=True, filename=report_job.file_name,
                            content_type=_described(report_job)[2])
    response["X-Content-SHA256"] = report_job.sha256
    return response
