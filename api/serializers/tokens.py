"""API tokens: as listed (never the token itself), what a new one takes, and the new one, shown once."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from api.models import ApiToken
from api.serializers.base import InputSerializer
from api.services import MAX_EXPIRY_DAYS, NAME_MAX


class TokenSerializer(serializers.ModelSerializer):
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)
    state = serializers.SerializerMethodField()

    class Meta:
        model = ApiToken
        fields = ["id", "name", "user", "prefix", "read_only", "state", "created_at", "created_by", "expires_at",
                  "last_used_at", "revoked_at", "revoked_by"]
        read_only_fields = fields

    def get_state(self, token: ApiToken) -> str:
        return token.state(now=timezone.now())


class NewTokenSerializer(TokenSerializer):
    token = serializers.CharField(help_text="The token itself: shown this once, never again. Keep it secret.")

    class Meta(TokenSerializer.Meta):
        fields = [*TokenSerializer.Meta.fields, "token"]
        read_only_fields = fields


class TokenInputSerializer(InputSerializer):
    name = serializers.CharField(max_length=NAME_MAX, help_text="What uses it, e.g. 'fraud-detector CI gate'.")
    read_only = serializers.BooleanField(default=False, help_text="Only GET, HEAD and OPTIONS (a CI gate needs no more).")
    expires_in_days = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                               max_value=MAX_EXPIRY_DAYS, help_text="Omit for no expiry.")
