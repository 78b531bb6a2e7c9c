"""Inventory models in the API: the row as read, what a request may set, a lifecycle step, history."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.base import InputSerializer
from inventory.models import AIModel, DataClassification, Environment, ModelType, RiskTier, Status

STATUS_MOVED_MESSAGE = "The lifecycle status changes through POST /api/v1/models/{id}/status/."


class DueSerializer(serializers.Serializer):
    """Where the model stands against its next review today (inventory.models.DueState)."""

    days = serializers.IntegerField(help_text="Days until due: 0 due today, negative overdue.")
    overdue = serializers.BooleanField()
    due_soon = serializers.BooleanField(help_text="Due within 30 days, today included.")
    scheduled = serializers.BooleanField(help_text="False once decommissioned: no review is due.")
    words = serializers.CharField(help_text="'8 days overdue', 'due today', 'in 25 days' or 'no review due'.")


class AIModelSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:model-detail")
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True,
                                         help_text="The account that may edit the model as its owner.")
    review_policy_version = serializers.IntegerField(source="review_policy.version", read_only=True)
    review_due = serializers.SerializerMethodField()
    # Optional choices: "" when not set (declared, so that the schema's enums allow it).
    deployment_environment = serializers.ChoiceField(choices=Environment.choices, allow_blank=True, read_only=True)
    data_classification = serializers.ChoiceField(choices=DataClassification.choices, allow_blank=True,
                                                  read_only=True)
    model_type = serializers.ChoiceField(choices=ModelType.choices, allow_blank=True, read_only=True)

    class Meta:
        model = AIModel
        fields = [
            "id", "url", "model_name", "vendor", "risk_tier", "use_case", "business_owner", "technical_owner",
            "deployment_date", "model_version", "deployment_environment", "api_endpoint", "data_classification",
            "status", "model_type", "business_line", "notes", "owner", "last_review_date", "next_review_date",
            "review_policy_version", "review_due", "state_hash", "status_changed_on", "latest_outcome",
            "latest_outcome_on", "created_at", "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(DueSerializer)
    def get_review_due(self, model: AIModel) -> dict[str, Any]:
        due = model.due_state(today=self.context["today"])
        return {"days": due.days, "overdue": due.overdue, "due_soon": due.due_soon, "scheduled": due.scheduled,
                "words": due.words()}


class ModelInputSerializer(InputSerializer):
    """A new model's fields. The inventory's services check the rules (unique name, dates, who owns
    it, who may set a tier or status); this checks types and choices."""

    model_name = serializers.CharField(help_text="Unique without regard to case, e.g. fraud-detection-v2.")
    vendor = serializers.CharField()
    risk_tier = serializers.ChoiceField(choices=RiskTier.choices)
    use_case = serializers.CharField()
    business_owner = serializers.CharField()
    technical_owner = serializers.CharField()
    deployment_date = serializers.DateField(help_text="YYYY-MM-DD, not in the future.")
    model_version = serializers.CharField(required=False, allow_blank=True)
    deployment_environment = serializers.ChoiceField(choices=Environment.choices, required=False, allow_blank=True)
    api_endpoint = serializers.CharField(required=False, allow_blank=True, help_text="An http(s) URL.")
    data_classification = serializers.ChoiceField(choices=DataClassification.choices, required=False,
                                                  allow_blank=True)
    model_type = serializers.ChoiceField(choices=ModelType.choices, required=False, allow_blank=True)
    business_line = serializers.CharField(required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    owner = serializers.CharField(required=False, allow_null=True,
                                  help_text="The owner account's username (model owners own what they add).")
    status = serializers.ChoiceField(choices=Status.choices, required=False,
                                     help_text="Default active; another status needs the govern role.")


class ModelChangesSerializer(ModelInputSerializer):
    """Changes to a model: any of its fields, none required."""

    moved = {"status": STATUS_MOVED_MESSAGE}
    status = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class StatusInputSerializer(InputSerializer):
    status = serializers.ChoiceField(choices=Status.choices, help_text="active → deprecated → decommissioned (final).")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=4000,
                                   help_text="Why (required to decommission; kept in the model's history).")


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)


class HistoryEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    actor = serializers.CharField()
    kind = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    reason = serializers.CharField()
    changes = FieldChangeSerializer(many=True)
