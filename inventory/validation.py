"""What a valid model is: each field's rule (normalize) and the rules of the whole model
(check_rules: dates against today and the model's reviews, the name's uniqueness as people read it,
the model's own constraints), and the lifecycle's moves. inventory.services calls these before
every write; nothing here writes.

Text follows common.text (no control or invisible characters; a name in one alphabet, compared by
its name key) and dates common.dates (YYYY-MM-DD within range), as on every other way in.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst

from common import dates, text
from inventory.models import (
    ALLOWED_TRANSITIONS,
    DUPLICATE_NAME_MESSAGE,
    NAME_KEY_MAX_LENGTH,
    AIModel,
    DataClassification,
    Environment,
    ModelType,
    RiskTier,
    Status,
)

# Fields a person may set when adding or editing a model. Review dates, the schedule and the
# policy link are derived; status changes go through change_status().
EDITABLE_FIELDS: tuple[str, ...] = (
    "model_name",
    "vendor",
    "risk_tier",
    "use_case",
    "business_owner",
    "technical_owner",
    "deployment_date",
    "model_version",
    "deployment_environment",
    "api_endpoint",
    "data_classification",
    "model_type",
    "business_line",
    "notes",
    "owner",
)
ENUM_FIELDS: dict[str, type[models.TextChoices]] = {
    "risk_tier": RiskTier,
    "deployment_environment": Environment,
    "data_classification": DataClassification,
    "model_type": ModelType,
    "status": Status,
}
DATE_FIELDS = frozenset({"deployment_date"})
# Text fields by the rule of common.text they follow: the name (one line, one alphabet, unique by
# its key), the other single lines, and multi-line text, where line breaks and tabs are kept.
NAME_FIELDS = frozenset({"model_name"})
LINE_FIELDS = frozenset(
    {"vendor", "business_owner", "technical_owner", "model_version", "api_endpoint", "business_line"}
)
MULTILINE_FIELDS = frozenset({"use_case", "notes"})

FUTURE_DEPLOYMENT_MESSAGE = "The deployment date cannot be in the future (today is {today})."
DEPLOYED_AFTER_REVIEW_MESSAGE = (
    "The deployment date cannot be after the model's first review record, on {first_review} "
    "(a model is deployed before it is reviewed)."
)
NAME_KEY_TOO_LONG_MESSAGE = (
    "Model name is too long once written in its compared form ({length} characters, at most {limit}): "
    "it contains characters that stand for several letters each."
)
BAD_CHOICE_MESSAGE = "{value!r} is not allowed here. Allowed values: {allowed}."
UNKNOWN_FIELD_MESSAGE = "Unknown field. Fields that can be set: {fields}."
FINAL_STATUS_MESSAGE = "A decommissioned model is final: its status cannot change."
BAD_TRANSITION_MESSAGE = "A model cannot go from {old} to {new}. Allowed from {old}: {allowed}."


def normalize(data: Mapping[str, Any]) -> dict[str, Any]:
    """Trim text, lower-case enum values ("HIGH" means high), parse YYYY-MM-DD dates in their range
    and hold text to the rules of common.text (no control or invisible characters; a name in one
    alphabet).

    Raises ValidationError naming every unknown field, unknown enum value, bad date and bad text at once.
    """
    clean, errors = normalize_fields(data)
    if errors:
        raise ValidationError(errors)
    return clean


# Each enum field's values, and each field's label, worked out once: an import normalises every
# field of 100,000 rows.
_ENUM_VALUES = {key: frozenset(choices.values) for key, choices in ENUM_FIELDS.items()}
_LABELS: dict[str, str] = {}


def label(field: str) -> str:
    """How messages name a field: its verbose name, capitalised ("Deployment date")."""
    if field not in _LABELS:
        _LABELS[field] = capfirst(str(AIModel._meta.get_field(field).verbose_name))
    return _LABELS[field]


def _normalize_value(key: str, value: Any) -> Any:
    """One field's value, normalised; ValidationError when it breaks the field's rule."""
    if isinstance(value, str):
        value = value.strip()
        if key in ENUM_FIELDS:
            value = value.lower()
            if value and value not in _ENUM_VALUES[key]:
                allowed = ", ".join(ENUM_FIELDS[key].values)
                raise ValidationError(BAD_CHOICE_MESSAGE.format(value=value, allowed=allowed))
        elif key in DATE_FIELDS:
            value = dates.parse_date(value, label=label(key)) if value else value
        elif key in NAME_FIELDS:
            value = text.clean_name(value, label=label(key))
        elif key in LINE_FIELDS:
            value = text.clean_line(value, label=label(key))
        elif key in MULTILINE_FIELDS:
            value = text.clean_text(value, label=label(key))
    elif key in DATE_FIELDS and isinstance(value, dt.date):
        value = dates.check_range(value, label=label(key))
    elif value is None and key != "owner":
        value = ""
    return value


def _text_normalizer(key: str, rule: Callable[..., str]) -> Callable[[Any], Any]:
    field_label = label(key)

    def normalized(value: Any) -> Any:
        if isinstance(value, str):
            return rule(value.strip(), label=field_label)
        return "" if value is None else value

    return normalized


def _normalizer(key: str) -> Callable[[Any], Any]:
    """_normalize_value for one field, its rule chosen once (an import normalises every field of
    100,000 rows); the same values and the same errors."""
    if key in NAME_FIELDS:
        return _text_normalizer(key, text.clean_name)
    if key in LINE_FIELDS:
        return _text_normalizer(key, text.clean_line)
    if key in MULTILINE_FIELDS:
        return _text_normalizer(key, text.clean_text)
    return functools.partial(_normalize_value, key)


_NORMALIZERS: dict[str, Callable[[Any], Any]] = {}
_SETTABLE = frozenset({*EDITABLE_FIELDS, "status"})


def normalize_fields(data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Like normalize(), but returns the well-formed values and the errors of the rest."""
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(data) - _SETTABLE)
    for name in unknown:
        errors[name] = [UNKNOWN_FIELD_MESSAGE.format(fields=", ".join(EDITABLE_FIELDS))]
    clean: dict[str, Any] = {}
    normalizers = _NORMALIZERS
    for key, value in data.items():
        if key in unknown:
            continue
        normalized = normalizers.get(key)
        if normalized is None:
            normalized = normalizers[key] = _normalizer(key)
        try:
            clean[key] = normalized(value)
        except ValidationError as exc:
            errors[key] = exc.messages
    return clean, errors


def name_errors(model: AIModel) -> list[str]:
    """Whether the model's name is taken, as people read names (common.text.name_key)."""
    if not isinstance(model.model_name, str) or not model.model_name:
        return []
    model.name_key = text.name_key(model.model_name)
    if len(model.name_key) > NAME_KEY_MAX_LENGTH:
        return [NAME_KEY_TOO_LONG_MESSAGE.format(length=len(model.name_key), limit=NAME_KEY_MAX_LENGTH)]
    taken = AIModel.objects.filter(name_key=model.name_key).exclude(pk=model.pk).values_list("model_name", flat=True)
    existing = taken.first()
    if existing is not None:
        return [DUPLICATE_NAME_MESSAGE.format(existing=text.escape_line(existing))]
    return []


def first_review_on(model: AIModel) -> dt.date | None:
    """The earliest day the model is known to have been reviewed: its first review record, or its
    last review date where no record says earlier."""
    known = [day for day in (model.earliest_outcome_on, model.last_review_date) if day is not None]
    return min(known) if known else None


def check_rules(model: AIModel, *, today: dt.date, errors: dict[str, list[str]] | None = None) -> None:
    """Rules that need today's date, the model's reviews or the rest of the inventory (the name);
    field rules live on the model.

    ``errors`` are problems already found while parsing; those fields are not checked again.
    """
    errors = dict(errors or {})
    first_review = first_review_on(model)
    if isinstance(model.deployment_date, dt.date) and "deployment_date" not in errors:
        if model.deployment_date > today:
            errors["deployment_date"] = [FUTURE_DEPLOYMENT_MESSAGE.format(today=today.isoformat())]
        elif first_review is not None and model.deployment_date > first_review:
            errors["deployment_date"] = [DEPLOYED_AFTER_REVIEW_MESSAGE.format(first_review=first_review.isoformat())]
    if "model_name" not in errors:
        taken = name_errors(model)
        if taken:
            errors["model_name"] = taken
    try:
        # The name's uniqueness was checked above, with a message naming the model that has it.
        model.full_clean(exclude=["review_policy", "next_review_date", "name_key", *errors])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(m for m in messages if m not in errors.get(field, []))
    if errors:
        raise ValidationError(errors)


def check_transition(old: str, new: str) -> None:
    if old == new:
        return
    if old == Status.DECOMMISSIONED:
        raise ValidationError({"status": [FINAL_STATUS_MESSAGE]})
    allowed = ALLOWED_TRANSITIONS[Status(old)]
    if new not in allowed:
        raise ValidationError(
            {
                "status": [
                    BAD_TRANSITION_MESSAGE.format(
                        old=old, new=new, allowed=", ".join(sorted(allowed)) or "nothing"
                    )
                ]
            }
        )
