"""Review records in the API: the record as read (every field its chain hash covers) and a new review."""

from __future__ import annotations

from rest_framework import serializers

from api.serializers.base import InputSerializer
from reviews.models import ModelReview, Outcome


class ReviewSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:review-detail")
    model = serializers.IntegerField(source="model_id", read_only=True, help_text="The reviewed model's id.")
    reviewer_account = serializers.SlugRelatedField(source="reviewer_user", slug_field="username", read_only=True,
                                                    allow_null=True, help_text="The reviewer's account, if linked.")
    corrects = serializers.UUIDField(source="corrects_id", read_only=True, allow_null=True,
                                     help_text="The record this one corrects (records are never edited).")

    class Meta:
        model = ModelReview
        fields = [
            "id", "url", "sequence", "model", "model_name", "review_date", "reviewer", "reviewer_account", "outcome",
            "notes", "model_state_hash", "policy_version", "last_review_before", "next_review_before",
            "next_review_date", "corrects", "recorded_by", "created_at", "previous_hash", "chain_hash", "signature",
            "signing_key_id",
        ]
        read_only_fields = fields


class ReviewInputSerializer(InputSerializer):
    """A review to record; reviews.services decides whether it may be (dates, decommissioned models, roles)."""

    model = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="The id of the reviewed model.")
    review_date = serializers.DateField(help_text="The day of the review: not in the future, not before deployment.")
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    reviewer = serializers.CharField(required=False, allow_blank=True,
                                     help_text="Who performed it; default: your name, when performed_by_me.")
    performed_by_me = serializers.BooleanField(default=True, help_text="Link the record to your account too.")
    notes = serializers.CharField(required=False, allow_blank=True)
    corrects = serializers.UUIDField(required=False, allow_null=True,
                                     help_text="The id of an earlier record of the same model that this corrects.")
