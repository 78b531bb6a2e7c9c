"""The model fields on the command line: their flags and help, and turning given values into clean
ones, reporting every bad value at once (used by add and update)."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from common.cli import fail_validation

if TYPE_CHECKING:
    import datetime as dt

    from django.contrib.auth.models import AbstractBaseUser
    from rich.console import Console

UNKNOWN_OWNER_MESSAGE = "No user account named {name}. Give the username of an existing account."

# Model field -> command-line flag, for add and update (update also takes --status).
FIELD_FLAGS: dict[str, str] = {
    "model_name": "--name",
    "vendor": "--vendor",
    "risk_tier": "--risk-tier",
    "use_case": "--use-case",
    "business_owner": "--business-owner",
    "technical_owner": "--technical-owner",
    "deployment_date": "--deployment-date",
    "model_version": "--version",
    "deployment_environment": "--environment",
    "api_endpoint": "--api-endpoint",
    "data_classification": "--data-classification",
    "model_type": "--model-type",
    "business_line": "--business-line",
    "notes": "--notes",
    "owner": "--owner",
    "status": "--status",
}
# Help texts name the allowed values; a test keeps them in step with the models' choices.
FIELD_HELP: dict[str, str] = {
    "model_name": "unique name, e.g. fraud-detection-v2 (compared in any case, width or look-alike letters)",
    "vendor": "provider: Anthropic, OpenAI, AWS, In-house, ...",
    "risk_tier": "critical, high, medium or low (decides the review cycle)",
    "use_case": "the business use the model serves",
    "business_owner": "accountable business stakeholder",
    "technical_owner": "team or person maintaining the model",
    "deployment_date": "YYYY-MM-DD or 'today'; not in the future",
    "model_version": "the model's version identifier",
    "deployment_environment": "prod, staging or dev",
    "api_endpoint": "http(s) URL the model is served or called at",
    "data_classification": "public, internal, confidential or restricted",
    "model_type": "statistical, ml, generative_ai, agentic_ai, rules or vendor",
    "business_line": "business unit using the model, e.g. Retail Banking",
    "notes": "free text",
    "owner": "the user account that owns the model ('' for none)",
    "status": "active, deprecated or decommissioned (forward only)",
}
FIELD_METAVARS: dict[str, str] = {
    "model_name": "NAME",
    "risk_tier": "TIER",
    "deployment_date": "DATE",
    "deployment_environment": "ENV",
    "api_endpoint": "URL",
    "data_classification": "CLASS",
    "model_type": "TYPE",
    "owner": "USERNAME",
    "status": "STATUS",
}  # every other field: TEXT


def add_field_flags(parser: argparse.ArgumentParser, *, with_status: bool) -> None:
    """One option per field of FIELD_FLAGS, in a "model fields" group; --status only for update."""
    group = parser.add_argument_group("model fields")
    for field, flag in FIELD_FLAGS.items():
        if field == "status" and not with_status:
            continue
        group.add_argument(flag, dest=field, metavar=FIELD_METAVARS.get(field, "TEXT"), help=FIELD_HELP[field])


def given_fields(args: argparse.Namespace, names: Mapping[str, str]) -> dict[str, str]:
    """The field flags the user passed (an empty string counts: it clears an optional field)."""
    return {field: getattr(args, field) for field in names if getattr(args, field, None) is not None}


def field_label(field: str) -> str:
    """How an error names a field: "--risk-tier (risk tier)"; "" for whole-model errors."""
    from django.core.exceptions import FieldDoesNotExist

    from inventory.models import AIModel

    if field == "__all__":
        return ""
    flag = FIELD_FLAGS.get(field)
    try:
        label = str(AIModel._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:
        label = field
    return f"{flag} ({label})" if flag else label


def required_fields() -> list[str]:
    """The editable fields a new model must have."""
    from inventory.models import AIModel
    from inventory.services import EDITABLE_FIELDS

    return [name for name in EDITABLE_FIELDS if name != "owner" and not AIModel._meta.get_field(name).blank]


def resolve_owner(username: str) -> AbstractBaseUser | None:
    """The active account named ``username``; None for ""; a field error on ``owner`` otherwise."""
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError

    username = username.strip()
    if not username:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ValidationError({"owner": [UNKNOWN_OWNER_MESSAGE.format(name=username)]})
    return user


def parse_fields(raw: Mapping[str, Any], *, today: dt.date) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Normalize each given field on its own, so every bad value is reported, not just the first."""
    from django.core.exceptions import ValidationError

    from inventory import services

    clean: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, value in raw.items():
        if name == "deployment_date" and isinstance(value, str) and value.strip().lower() == "today":
            value = today
        try:
            if name == "owner":
                clean[name] = resolve_owner(value) if isinstance(value, str) else value
            else:
                clean.update(services.normalize({name: value}))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    return clean, errors


def collect_errors(errors: dict[str, list[str]], check: Callable[[], object]) -> None:
    """Run a service check; add its field errors for fields that do not already have one."""
    from django.core.exceptions import ValidationError

    try:
        check()
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, messages)


def fail_fields(console: Console, title: str, errors: Mapping[str, list[str]]) -> int:
    """Report model field errors in the order of the flags, each named by its flag; exit 1."""
    return fail_validation(console, title, errors, order=FIELD_FLAGS, label=field_label)
