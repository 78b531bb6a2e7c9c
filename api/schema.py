"""The OpenAPI 3 schema, generated from the code by drf-spectacular: the two ways to sign in, the
error body every operation may answer with, and query parameters read from a FilterSet.

Loaded by api.apps.ApiConfig.ready(), so that the generator knows the token and session schemes.
"""

from __future__ import annotations

from typing import Any

import django_filters
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "suggestions"],
            "properties": {
                "code": {"type": "string", "description": "Machine-readable: invalid, not_authenticated, "
                         "authentication_failed, permission_denied, not_found, unknown_model, conflict, throttled, ..."},
                "message": {"type": "string", "description": "For people: what is wrong and, where it helps, what to do."},
                "suggestions": {"type": "array", "items": {"type": "string"},
                                "description": "What may have been meant (close model names)."},
                "fields": {"type": "object", "additionalProperties": True,
                           "description": "400 only: each field's messages (nested for nested fields)."},
            },
        }
    },
}
# Every operation may answer these; each with the error body.
ERROR_RESPONSES = {
    "400": "Bad input: the message and each field's errors.",
    "401": "Not signed in, or the token is unknown, revoked or expired (the message says which).",
    "403": "The role (or a read-only token) does not allow this (the message says who and what).",
    "404": "No such object, or a page past the end.",
    "405": "The method is not offered here (review records are never changed or deleted).",
    "406": "Only JSON is offered.",
    "409": "The object's state does not allow it (a reviewed model, a final status, a report not ready).",
    "415": "Send JSON (Content-Type: application/json).",
    "429": "Too many requests for this token: see Retry-After.",
}


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema) -> dict[str, Any]:
        return {"type": "http", "scheme": "bearer",
                "description": "An API token (Authorization: Bearer mlt_...), made on the console's API tokens page "
                "or with `mltrack token create`. It acts with its account's role."}


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.SessionAuthentication"
    name = "sessionAuth"

    def get_security_definition(self, auto_schema) -> dict[str, Any]:
        from django.conf import settings

        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME,
                "description": "The console's session (unsafe methods need the X-CSRFToken header)."}


def add_error_responses(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    """A drf-spectacular post-processing hook: the error body as a component, and as each operation's
    documented answer for every error status it does not document itself."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_RESPONSES.items():
                responses.setdefault(code, {"description": description, "content": reference})
    return result


_TYPES = {
    django_filters.NumberFilter: OpenApiTypes.NUMBER,
    django_filters.DateFilter: OpenApiTypes.DATE,
}


def filter_parameters(filterset_class: type[django_filters.FilterSet]) -> list[OpenApiParameter]:
    """A FilterSet's filters as documented query parameters (for views that filter by hand)."""
    parameters = []
    for name, filter_ in filterset_class.base_filters.items():
        enum = [value for value, _ in filter_.extra["choices"]] if isinstance(filter_, django_filters.ChoiceFilter) else None
        parameters.append(OpenApiParameter(
            name, _TYPES.get(type(filter_), OpenApiTypes.STR), OpenApiParameter.QUERY, required=False,
            enum=enum, description=str(filter_.label or ""),
        ))
    return parameters
