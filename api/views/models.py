"""/api/v1/models/: the inventory, with every filter of the console's list, and its writes.

Reads go through the inventory's own FilterSet and permission helpers; writes call
inventory.services with the request's Actor, exactly as the console's forms and the CLI do.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api.errors import conflict
from api.serializers.models import (
    AIModelSerializer,
    HistoryEntrySerializer,
    ModelChangesSerializer,
    ModelInputSerializer,
    StatusInputSerializer,
)
from api.views.base import FilterBackend, Today, actor_of, read_input
from common.authz import require
from inventory import permissions, services
from inventory.filters import AIModelFilterSet
from inventory.history import model_history
from inventory.models import AIModel

UNKNOWN_OWNER_MESSAGE = "No user account named {username!r}."


@extend_schema(tags=["models"])
class ModelViewSet(Today, mixins.ListModelMixin, viewsets.GenericViewSet):
    """AI/ML models under governance: list (the console's filters, search, sort), add, read, change,
    change the lifecycle status, delete (never-reviewed models only), and the change history."""

    serializer_class = AIModelSerializer
    filter_backends = [FilterBackend]
    filterset_class = AIModelFilterSet
    filterset_takes_today = True
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator looks at the model only
            return AIModel.objects.none()
        permissions.require_view(self.request.user)
        return AIModel.objects.for_detail()

    @extend_schema(summary="List models", description="Every filter of the console's inventory list. Budget: 4 "
                   "queries after signing in (the role check's two, the count, the page), whatever the inventory's "
                   "size.")
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="Read a model")
    def retrieve(self, request, pk=None):
        model = permissions.get_model_for_user(request.user, pk)
        return Response(self.get_serializer(model).data)

    @extend_schema(summary="Add a model", request=ModelInputSerializer, responses={201: AIModelSerializer})
    def create(self, request):
        actor = actor_of(request)
        require(actor, permissions.can_add, "add models")
        data = _with_owner(read_input(ModelInputSerializer, request))
        model = services.create_model(data=data, actor=actor, today=self.today())
        body = self.get_serializer(model).data
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": str(body["url"])})

    @extend_schema(summary="Change a model", request=ModelChangesSerializer, responses={200: AIModelSerializer})
    def partial_update(self, request, pk=None):
        model = permissions.get_model_for_user(request.user, pk, writable=True)
        changes = _changed(model, _with_owner(read_input(ModelChangesSerializer, request)))
        if changes:
            services.update_model(model=model, changes=changes, actor=actor_of(request), today=self.today())
        return Response(self.get_serializer(model).data)

    @extend_schema(summary="Delete a never-reviewed model", responses={204: OpenApiResponse(description="Deleted.")})
    def destroy(self, request, pk=None):
        model = permissions.get_model_for_user(request.user, pk)
        actor = actor_of(request)
        require(actor, permissions.can_delete, "delete models")
        try:
            services.delete_model(model=model, actor=actor)
        except ValidationError as exc:
            if getattr(exc, "code", None) == "has_reviews":
                raise conflict(exc.messages[0]) from None
            raise
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="Change the lifecycle status", request=StatusInputSerializer,
                   responses={200: AIModelSerializer},
                   description="active → deprecated → decommissioned, forward only; decommissioned is final "
                   "(409 for a step the lifecycle does not allow).")
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, pk=None):
        model = permissions.get_model_for_user(request.user, pk, writable=True)
        data = read_input(StatusInputSerializer, request)
        wanted = data["status"]
        actor = actor_of(request)
        if wanted != model.status:
            require(actor, permissions.can_govern, services.GOVERN_ACTION)
        try:
            services.change_status(model=model, status=wanted, actor=actor, today=self.today(),
                                   reason=data.get("reason", ""))
        except ValidationError as exc:
            if set(exc.message_dict) == {"status"}:
                raise conflict(" ".join(exc.message_dict["status"])) from None
            raise
        return Response(self.get_serializer(model).data)

    @extend_schema(summary="The model's change history", responses={200: HistoryEntrySerializer(many=True)},
                   description="Newest first: who changed what, when, old → new (values as stored).")
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def history(self, request, pk=None):
        model = permissions.get_model_for_user(request.user, pk)
        entries = [
            {"at": entry.at, "actor": entry.actor, "kind": entry.kind, "reason": entry.reason,
             "changes": [{"field": c.field, "label": c.label, "old": c.old, "new": c.new} for c in entry.changes]}
            for entry in model_history(model, labels=False)
        ]
        return Response(HistoryEntrySerializer(entries, many=True).data)


def _with_owner(data: dict) -> dict:
    """The owner's username as the account the services take (400 naming an unknown one)."""
    if "owner" in data and data["owner"] is not None:
        username = data["owner"].strip()
        user = get_user_model().objects.filter(username=username).first() if username else None
        if user is None and username:
            raise ValidationError({"owner": [UNKNOWN_OWNER_MESSAGE.format(username=username)]})
        data["owner"] = user
    return data


def _changed(model: AIModel, changes: dict) -> dict:
    """Only what differs from the model now: an unchanged field is not a change to record."""
    def current(name: str):
        return model.owner if name == "owner" else getattr(model, name)

    return {name: value for name, value in changes.items() if current(name) != value}
