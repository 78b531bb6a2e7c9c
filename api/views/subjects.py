"""/api/v1/systems/ and /api/v1/agents/: AI systems and agents, listed (with filters), registered,
read and changed. Reads go through the cards app's querysets and permission helpers; writes call
cards.services.save_system / save_agent with the request's Actor, as the console and the CLI do.
Their cards are in api/views/cards.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from api.serializers.subjects import (
    AgentCreateSerializer,
    AgentInputSerializer,
    AgentSerializer,
    AISystemCreateSerializer,
    AISystemInputSerializer,
    AISystemSerializer,
)
from api.views.base import FilterBackend, actor_of, read_input
from cards import permissions, services
from cards.filters import AgentFilterSet, AISystemFilterSet
from cards.models import Agent, AISystem
from common.authz import require

LIST_BUDGET = ("Budget: 5 queries after signing in (the role check's two, the count, the page with owners, "
               "the page's models), whatever the number of rows.")


class _SubjectViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """List, register (POST), read, change (PATCH). No PUT (a change sends what changes) and no DELETE
    (the console offers none: published card versions go on naming what they describe)."""

    filter_backends = [FilterBackend]
    lookup_value_regex = "[0-9]+"
    http_method_names = ["get", "post", "patch", "head", "options"]
    model_class: type[AISystem | Agent]
    create_serializer: type
    change_serializer: type
    # save_system or save_agent, and the keyword it takes the object by.
    save_subject: Callable[..., Any]
    subject_keyword: str
    noun: str
    # The one this user may read, by id (404 otherwise): get_system_for_user or get_agent_for_user.
    fetch_for_user: Callable[..., Any]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator looks at the model only
            return self.model_class.objects.none()
        permissions.require_view(self.request.user)
        return self.model_class.objects.for_list()

    def get_subject(self, pk) -> AISystem | Agent:
        return self.fetch_for_user(self.request.user, pk)

    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(self.get_subject(pk)).data)

    def create(self, request):
        actor = actor_of(request)
        # Refused before the body is read: a role that may not register learns nothing from a 400.
        require(actor, permissions.can_add_subject, f"register {self.noun}s")
        subject = self.save_subject(data=read_input(self.create_serializer, request), actor=actor)
        body = self.get_serializer(self.get_subject(subject.pk)).data
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": str(body["url"])})

    def partial_update(self, request, pk=None):
        subject = self.get_subject(pk)
        actor = actor_of(request)
        require(actor, lambda user: permissions.can_edit_subject(user, subject), f"change the {self.noun} {subject}")
        data = read_input(self.change_serializer, request)
        self.save_subject(data=data, actor=actor, **{self.subject_keyword: subject})
        return Response(self.get_serializer(self.get_subject(pk)).data)


def _documented(noun: str, serializer, create_serializer, change_serializer):
    article = "an" if noun[0] in "aeiouAEIOU" else "a"
    return extend_schema_view(
        list=extend_schema(summary=f"List {noun}s", description=LIST_BUDGET),
        retrieve=extend_schema(summary=f"Read {article} {noun}"),
        create=extend_schema(summary=f"Register {article} {noun}", request=create_serializer, responses={201: serializer},
                             description="Model owners (who own what they register), model risk officers and "
                             "administrators. 400 names the field: an unknown field, a name taken or empty, "
                             "control characters, an unknown model name or owner account."),
        partial_update=extend_schema(summary=f"Change {article} {noun}", request=change_serializer,
                                     responses={200: serializer},
                                     description="Its owner account, model risk officers and administrators; "
                                     "only they give it another owner. `ai_models` replaces the list."),
    )


@_documented("AI system", AISystemSerializer, AISystemCreateSerializer, AISystemInputSerializer)
@extend_schema(tags=["systems and agents"])
class SystemViewSet(_SubjectViewSet):
    """AI systems: several models, their components and data pipelines, deployment context, safeguards."""

    serializer_class = AISystemSerializer
    filterset_class = AISystemFilterSet
    model_class = AISystem
    create_serializer = AISystemCreateSerializer
    change_serializer = AISystemInputSerializer
    save_subject = staticmethod(services.save_system)
    subject_keyword = "system"
    noun = "AI system"
    fetch_for_user = staticmethod(permissions.get_system_for_user)


@_documented("agent", AgentSerializer, AgentCreateSerializer, AgentInputSerializer)
@extend_schema(tags=["systems and agents"])
class AgentViewSet(_SubjectViewSet):
    """Agentic AI: autonomy level, tools and permissions, decision boundaries, oversight, stop procedure."""

    serializer_class = AgentSerializer
    filterset_class = AgentFilterSet
    model_class = Agent
    create_serializer = AgentCreateSerializer
    change_serializer = AgentInputSerializer
    save_subject = staticmethod(services.save_agent)
    subject_keyword = "agent"
    noun = "agent"
    fetch_for_user = staticmethod(permissions.get_agent_for_user)
