"""Review policy versions: how many days each risk tier may go between reviews, from a date on."""

from __future__ import annotations

from rest_framework import serializers

from api.serializers.base import InputSerializer
from inventory.models import ReviewPolicy

CYCLE = {"min_value": 1, "max_value": 3660, "help_text": "Days between reviews (30 to 1,095; checked by the service)."}


class ReviewPolicySerializer(serializers.ModelSerializer):
    in_force = serializers.SerializerMethodField(help_text="Whether this version schedules reviews today.")

    class Meta:
        model = ReviewPolicy
        fields = ["id", "version", "effective_date", "critical_days", "high_days", "medium_days", "low_days",
                  "approval_reference", "rationale", "correction_reason", "created_by", "created_at",
                  "withdrawn_at", "withdrawn_by", "withdrawal_reason", "in_force"]
        read_only_fields = fields

    def get_in_force(self, policy: ReviewPolicy) -> bool:
        return policy.pk == self.context["in_force_pk"]


class ReviewPolicyInputSerializer(InputSerializer):
    effective_date = serializers.DateField(help_text="The first day the version applies (today: at once).")
    critical_days = serializers.IntegerField(**CYCLE)
    high_days = serializers.IntegerField(**CYCLE)
    medium_days = serializers.IntegerField(**CYCLE)
    low_days = serializers.IntegerField(**CYCLE)
    approval_reference = serializers.CharField(required=False, allow_blank=True, max_length=200,
                                               help_text="Where it was approved, e.g. 'Model Risk Committee, 2026-11-02'.")
    rationale = serializers.CharField(required=False, allow_blank=True, max_length=4000,
                                      help_text="Why the cycles change (required).")
    correction_reason = serializers.CharField(
        required=False, allow_blank=True, max_length=4000,
        help_text="Only for a version dated before today: why the record is corrected.")
