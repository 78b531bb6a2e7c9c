"""Filters of the AI system and agent lists (the API's /systems/ and /agents/)."""

from __future__ import annotations

import django_filters

from cards.models import Agent, AISystem, AutonomyLevel


class AISystemFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="Part of the name, any case")
    owner = django_filters.CharFilter(field_name="owner__username", label="The owner account's username")
    # A system holds a model at most once, so this join cannot repeat a row.
    model = django_filters.CharFilter(field_name="ai_models__model_name", label="Those that use this model (its name)")

    class Meta:
        model = AISystem
        fields = ["q", "owner", "model"]


class AgentFilterSet(AISystemFilterSet):
    autonomy_level = django_filters.ChoiceFilter(choices=AutonomyLevel.choices, label="Autonomy level")

    class Meta:
        model = Agent
        fields = ["q", "owner", "model", "autonomy_level"]
