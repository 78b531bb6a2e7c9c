"""Bodies and answers of the card endpoints (/api/v1/{models,systems,agents}/<id>/card/...)."""

from __future__ import annotations

from rest_framework import serializers

from api.serializers.base import InputSerializer
from cards.models import MODEL_CARD_SECTIONS


class CardContentInputSerializer(InputSerializer):
    """Any of the sections owners write; the service checks length and characters (400 by field)."""

    def get_fields(self):
        return {key: serializers.CharField(required=False, allow_blank=True, trim_whitespace=False, help_text=title)
                for key, title in MODEL_CARD_SECTIONS}


class CardSerializer(serializers.Serializer):
    card = serializers.JSONField(help_text="The card (docs/cards.md).")
    publication = serializers.JSONField(allow_null=True, help_text="The published version, or null for the card "
                                        "as it reads now.")


class CardVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    sha256 = serializers.CharField()
    state_hash = serializers.CharField()
    published_by = serializers.CharField()
    published_at = serializers.DateTimeField()


# The largest version number asked for (a larger one is 400, not a database overflow).
MAX_VERSION = 2**31 - 1


class CardDiffQuerySerializer(serializers.Serializer):
    def get_fields(self):
        # "from" is a Python keyword: declared here rather than as a class attribute.
        return {
            "from": serializers.IntegerField(min_value=1, max_value=MAX_VERSION, help_text="The older version."),
            "to": serializers.IntegerField(min_value=1, max_value=MAX_VERSION, help_text="The newer version."),
        }


class ChangeSerializer(serializers.Serializer):
    path = serializers.CharField(help_text="The value's place in the card, e.g. sections.limitations.text.")
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)


class CardDiffSerializer(serializers.Serializer):
    def get_fields(self):
        return {
            "from": CardVersionSerializer(help_text="The older version's publication."),
            "to": CardVersionSerializer(help_text="The newer version's publication."),
            "changes": ChangeSerializer(many=True),
        }
