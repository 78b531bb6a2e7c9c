"""What every input serializer shares: unknown fields are refused, not ignored."""

from __future__ import annotations

from rest_framework import serializers

UNKNOWN_FIELD_MESSAGE = "Unknown field. Fields that can be set here: {fields}."


class InputSerializer(serializers.Serializer):
    """A request body: an unknown field is an error naming the fields there are (a typo must not be
    ignored silently, leaving the user believing it was applied). ``moved`` maps a field that is
    set elsewhere to a message saying where."""

    moved: dict[str, str] = {}

    def to_internal_value(self, data):
        errors = {}
        if isinstance(data, dict):
            allowed = ", ".join(self.fields)
            for name in data:
                if name not in self.fields:
                    errors[name] = [self.moved.get(name) or UNKNOWN_FIELD_MESSAGE.format(fields=allowed)]
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if isinstance(exc.detail, dict):
                errors.update(exc.detail)
            else:
                errors.setdefault("non_field_errors", []).extend(exc.detail)
            raise serializers.ValidationError(errors) from None
        if errors:
            raise serializers.ValidationError(errors)
        return value
