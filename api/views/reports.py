"""/api/v1/reports/: queue a report in any format, follow its job, download the file with its SHA-256.

Reports are made by the background worker (reports.jobs), as the console's PDF and OSCAL are:
POST answers 202 with the job at once; poll the job until it is done, then fetch its file. Anyone
who may view the inventory may make and read reports (making one changes no data).
"""

from __future__ import annotations

import base64

from django.http import FileResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, renderers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import conflict
from api.serializers.reports import ReportJobSerializer, ReportRequestSerializer
from api.views.base import actor_of, read_input
from inventory import permissions
from packages.services import PACKAGE_JOBS
from transfers.services import EXPORT_JOBS
from reports import jobs
from reports.data import clean_filters
from reports.formats import MEDIA_TYPES
from reports.models import ReportJob

NOT_READY_MESSAGE = "The report is not ready: it is {state} ({stage}). Poll the job until its state is done."
FAILED_MESSAGE = "The report failed, so there is no file: {error}"
MISSING_FILE_MESSAGE = "The report's file is no longer in the reports folder (MLTRACK_REPORTS_DIR): queue it again."


@extend_schema(tags=["reports"])
class ReportRequestView(APIView):
    @extend_schema(summary="Queue a report", request=ReportRequestSerializer, responses={202: ReportJobSerializer},
                   description="compliance, inventory or risk; csv, json, oscal or pdf; of the inventory or the "
                   "part the filters select. The job's url shows its progress.")
    def post(self, request):
        permissions.require_view(request.user)
        data = read_input(ReportRequestSerializer, request)
        job = jobs.request_report(
            data["kind"], fmt=data["format"], filters=clean_filters(dict(data.get("filters") or {})),
            actor=actor_of(request), now=timezone.now(), today=timezone.localdate(),
        )
        body = ReportJobSerializer(job, context={"request": request}).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": str(body["url"])})


class FileRenderer(renderers.BaseRenderer):
    """Lets a download ask for its file's media type (Accept: application/pdf); errors stay JSON."""

    media_type = "*/*"
    format = "file"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return renderers.JSONRenderer().render(data, "application/json", renderer_context)


@extend_schema(tags=["reports"])
class ReportJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Report jobs, newest first: state, progress, and once done the file's name, size and SHA-256."""

    serializer_class = ReportJobSerializer
    lookup_value_regex = "[0-9a-fA-F-]{36}"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ReportJob.objects.none()
        permissions.require_view(self.request.user)
        return ReportJob.objects.order_by("-requested_at", "-pk")

    @extend_schema(summary="List report jobs")
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="Follow a report job")
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="Download a report's file",
        responses={(200, media): OpenApiResponse(OpenApiTypes.OBJECT if media == "application/json"
                                                 else OpenApiTypes.BINARY)
                   for media in sorted({value.split(";")[0] for value in MEDIA_TYPES.values()}
                                       | {value[1].split(";")[0] for background in (PACKAGE_JOBS, EXPORT_JOBS)
                                          for value in background.formats.values()})},
        description="The file (a report, an exam package's signed zip, or an inventory export), with its SHA-256 "
        "in X-Content-SHA256 (hex) and Digest (RFC 3230, base64). 409 until the job is done.",
    )
    @action(detail=True, methods=["get"], renderer_classes=[renderers.JSONRenderer, FileRenderer])
    def file(self, request, pk=None):
        job = self.get_object()
        if job.state == ReportJob.State.FAILED:
            raise conflict(FAILED_MESSAGE.format(error=job.error))
        if job.state != ReportJob.State.DONE:
            raise conflict(NOT_READY_MESSAGE.format(state=job.state, stage=job.stage or "waiting"))
        try:
            content = job.file.open("rb")
        except FileNotFoundError:
            raise conflict(MISSING_FILE_MESSAGE) from None
        background = jobs.BACKGROUND_KINDS.get(job.kind)  # an exam package, an inventory export
        media_type = background.media_type(job.format) if background is not None else MEDIA_TYPES[job.format]
        response = FileResponse(content, as_attachment=True, filename=job.file_name, content_type=media_type)
        response["X-Content-SHA256"] = job.sha256
        response["Digest"] = "sha-256=" + base64.b64encode(bytes.fromhex(job.sha256)).decode("ascii")
        return response
