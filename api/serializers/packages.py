"""An exam package asked for through the API: the framework and the scope, checked as the console's form does."""

from __future__ import annotations

from rest_framework import serializers

from api.serializers.base import InputSerializer
from packages.frameworks import FRAMEWORKS
from packages.services import SCOPE_KINDS, BadScope, scope_of


class PackageRequestSerializer(InputSerializer):
    framework = serializers.ChoiceField(choices=sorted(FRAMEWORKS), help_text="The framework whose template it follows.")
    scope = serializers.ChoiceField(choices=list(SCOPE_KINDS), help_text="What it covers: one model, a risk tier, "
                                    "a business line, or the whole inventory.")
    value = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                  help_text="The model's name, the risk tier or the business line (not for all).")

    def validate(self, data: dict) -> dict:
        try:
            data["selected"] = scope_of(data["scope"], data.get("value", ""))
        except BadScope as exc:
            raise serializers.ValidationError({"value": [str(exc)]}) from None
        return data
