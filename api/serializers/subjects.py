"""AI systems and agents in the API (/api/v1/systems/, /api/v1/agents/): the row as read, and what a
request may set. The card services check the rules (names, text, model names, owner); these check
types and choices, and refuse fields they do not know."""

from __future__ import annotations

from rest_framework import serializers

from api.serializers.base import InputSerializer
from cards.models import Agent, AISystem, AutonomyLevel


def _text(help_text: str) -> serializers.CharField:
    # Not trimmed here: the service cleans text and refuses control characters, naming the field.
    return serializers.CharField(required=False, allow_blank=True, trim_whitespace=False, help_text=help_text)


class _SubjectSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True,
                                         help_text="The account that may edit it besides model risk officers.")
    ai_models = serializers.SlugRelatedField(slug_field="model_name", many=True, read_only=True,
                                             help_text="The inventory's models it is made of or uses, by name.")


class AISystemSerializer(_SubjectSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:system-detail")
    card_url = serializers.HyperlinkedIdentityField(view_name="api:system-card")

    class Meta:
        model = AISystem
        fields = ["id", "url", "card_url", "name", "purpose", "ai_models", "components", "deployment_context",
                  "safeguards", "owner", "updated_at"]
        read_only_fields = fields


class AgentSerializer(_SubjectSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:agent-detail")
    card_url = serializers.HyperlinkedIdentityField(view_name="api:agent-card")

    class Meta:
        model = Agent
        fields = ["id", "url", "card_url", "name", "purpose", "autonomy_level", "tools_and_permissions",
                  "decision_boundaries", "human_oversight", "stop_procedure", "ai_models", "owner", "updated_at"]
        read_only_fields = fields


class _SubjectInputSerializer(InputSerializer):
    """A change: send only what changes (every field optional)."""

    name = serializers.CharField(required=False, trim_whitespace=False, help_text="Unique; one line.")
    purpose = _text("What it does.")
    ai_models = serializers.ListField(child=serializers.CharField(), required=False, allow_empty=True,
                                      help_text="The inventory's model names (the whole list: it replaces the "
                                      "current one).")
    owner = serializers.CharField(required=False, allow_null=True, allow_blank=True,
                                  help_text="The owner account's username; another than yourself only for model "
                                  "risk officers and administrators (model owners own what they register).")


class AISystemInputSerializer(_SubjectInputSerializer):
    components = _text("Other components and the data pipelines between them.")
    deployment_context = _text("Where and how the system runs, and who uses it.")
    safeguards = _text("Controls around the system: monitoring, limits, fallbacks.")


class AgentInputSerializer(_SubjectInputSerializer):
    autonomy_level = serializers.ChoiceField(choices=AutonomyLevel.choices, required=False)
    tools_and_permissions = _text("The tools it calls and the permissions it holds.")
    decision_boundaries = _text("What it may decide alone, and what it may not.")
    human_oversight = _text("Who watches it, and when it hands over to a person.")
    stop_procedure = _text("Who can stop it, and how.")


class AISystemCreateSerializer(AISystemInputSerializer):
    """A new AI system: a name, and whatever else is known."""

    name = serializers.CharField(trim_whitespace=False, help_text="Unique; one line.")


class AgentCreateSerializer(AgentInputSerializer):
    """A new agent: a name, and whatever else is known (autonomy level supervised by default)."""

    name = serializers.CharField(trim_whitespace=False, help_text="Unique; one line.")
