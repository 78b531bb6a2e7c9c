"""/api/v1/registries/: the model registries, their latest reconciliation, and what the last run
that read each registry found (read only; runs are started in the console, by mltrack discover or
by the scheduler)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action

from api.pagination import Pages
from api.serializers.registries import FindingSerializer, RegistrySerializer
from inventory import permissions as inventory_permissions
from registries import permissions
from registries.models import Finding, Reconciliation, Registry


@extend_schema(tags=["registries"])
class RegistryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Registries with their latest run (two queries)."""

    serializer_class = RegistrySerializer
    pagination_class = None  # a handful of registries
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Registry.objects.none()
        if not (permissions.can_view(self.request.user) and inventory_permissions.can_view(self.request.user)):
            raise PermissionDenied(permissions.NO_VIEW_MESSAGE)
        return Registry.objects.order_by("name")

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        if getattr(self, "swagger_fake_view", False):
            return {**context, "latest": {}}
        return {**context, "latest": {run.registry_id: run for run in Reconciliation.objects.latest_per_registry()}}

    @extend_schema(summary="List model registries")
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="Read a model registry and its latest reconciliation")
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="What the last run that read the registry found", responses=FindingSerializer(many=True),
        parameters=[OpenApiParameter("kind", OpenApiTypes.STR, enum=Finding.Kind.values,
                                     description="One group (default: all four).")],
    )
    @action(detail=True, methods=["get"], url_path="findings", pagination_class=Pages)
    def findings(self, request, pk=None):
        registry = self.get_object()
        run = Reconciliation.objects.filter(registry=registry, outcome=Reconciliation.Outcome.OK).first()
        rows = (run.findings.select_related("model").order_by("kind", "registered_name", "pk") if run
                else Finding.objects.none())
        kind = request.query_params.get("kind")
        if kind:
            if kind not in Finding.Kind.values:
                raise ValidationError({"kind": [f"Choose one of: {', '.join(Finding.Kind.values)}."]})
            rows = rows.filter(kind=kind)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(FindingSerializer(page, many=True).data)
