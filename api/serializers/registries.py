"""Model registries and what their last reconciliation found (read only; the token is never given)."""

from __future__ import annotations

from rest_framework import serializers

from registries.models import Finding, Reconciliation, Registry


class ReconciliationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Reconciliation
        fields = ["id", "started_at", "finished_at", "started_by", "outcome", "error", "versions_read", "untracked",
                  "orphaned", "changed", "linked", "updated_models"]
        read_only_fields = fields


class RegistrySerializer(serializers.ModelSerializer):
    token_stored = serializers.BooleanField(source="has_token", read_only=True,
                                            help_text="Whether a token is stored (the token itself is never given).")
    last_run = serializers.SerializerMethodField(help_text="The latest finished reconciliation, or null.")

    class Meta:
        model = Registry
        fields = ["id", "name", "kind", "url", "enabled", "token_stored", "last_run"]
        read_only_fields = fields

    def get_last_run(self, registry: Registry) -> dict | None:
        run = self.context["latest"].get(registry.pk)
        return ReconciliationSerializer(run).data if run else None


class FindingSerializer(serializers.ModelSerializer):
    model = serializers.PrimaryKeyRelatedField(read_only=True, help_text="The linked inventory model, if any.")
    model_name = serializers.CharField(source="model.model_name", default=None, read_only=True)

    class Meta:
        model = Finding
        fields = ["id", "kind", "registered_name", "version", "stage", "run_id", "source", "digest", "model",
                  "model_name"]
        read_only_fields = fields
