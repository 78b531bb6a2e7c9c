"""/api/v1/packages/: exam packages, built by the background worker as the console builds them.

POST (administrators and model risk officers, who may govern models) answers 202 with the job at
once; follow it at its url (/api/v1/reports/jobs/<id>/) and download the signed zip from its
file_url once it is done. Anyone who may view the inventory may list the packages and download
them (examiners first). packages.services.request_package checks the role again.
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from api.serializers.packages import PackageRequestSerializer
from api.serializers.reports import ReportJobSerializer
from api.views.base import actor_of, read_input
from inventory import permissions
from packages.services import PACKAGE, request_package, require_builder
from reports.models import ReportJob


@extend_schema(tags=["packages"])
class PackageViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Exam packages, newest first, each a job with its state and, once done, its file's SHA-256."""

    serializer_class = ReportJobSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ReportJob.objects.none()
        permissions.require_view(self.request.user)
        return ReportJob.objects.filter(kind=PACKAGE).order_by("-requested_at", "-pk")

    @extend_schema(summary="List exam packages")
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="Build an exam package", request=PackageRequestSerializer,
                   responses={202: ReportJobSerializer},
                   description="Queues a signed exam package of the scope for the framework. The job's url shows "
                   "its progress; its file_url, once done, downloads the zip (SHA-256 in X-Content-SHA256).")
    def create(self, request, *args, **kwargs):
        actor = actor_of(request)
        require_builder(actor)  # 403 before the body is read; request_package checks again
        data = read_input(PackageRequestSerializer, request)
        job = request_package(actor, data["framework"], data["selected"], now=timezone.now(),
                              today=timezone.localdate())
        body = ReportJobSerializer(job, context={"request": request}).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": str(body["url"])})
