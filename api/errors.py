"""One error body for every API failure, shaped like the CLI's JSON errors:

    {"error": {"code": "invalid", "message": "...", "suggestions": [], "fields": {"model_name": ["..."]}}}

``fields`` comes with 400 only: each field's messages, from the input serializer or from the
service's ValidationError (the same messages the console shows beside its fields). A service's
refusal of a role is 403 with its message; a missing object 404; a state that forbids the request
(deleting a reviewed model, a lifecycle step back) 409. Bad input never reaches a 500.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler, set_rollback

from api.permissions import NOT_SIGNED_IN_MESSAGE
from compliance.rules import UnknownRule

logger = logging.getLogger(__name__)

SERVER_ERROR_MESSAGE = "The server failed to answer this request; the error is in its log."
INVALID_MESSAGE = "Invalid input: {problems}"


class ApiError(exceptions.APIException):
    """An expected failure with its status, a machine-readable code and, maybe, suggestions."""

    def __init__(self, message: str, *, status_code: int, code: str, suggestions: Iterable[str] = ()) -> None:
        super().__init__(message, code)
        self.status_code = status_code
        self.suggestions = list(suggestions)


def conflict(message: str) -> ApiError:
    return ApiError(message, status_code=status.HTTP_409_CONFLICT, code="conflict")


def field_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    """A service's ValidationError as {field: [messages]}, whole-object errors under non_field_errors."""
    if not hasattr(exc, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
    return {
        api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field: messages
        for field, messages in exc.message_dict.items()
    }


def _translated(exc: Exception) -> Exception:
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(field_errors(exc))
    if isinstance(exc, UnknownRule):
        return exceptions.ValidationError({"rule": [str(exc)]})
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, Http404):
        return exceptions.NotFound(str(exc) or None)
    return exc


def _plain(detail: Any) -> Any:
    """DRF's ErrorDetail strings (and nested errors) as plain JSON."""
    if isinstance(detail, dict):
        return {str(key): _plain(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_plain(item) for item in detail]
    return str(detail)


def _flatten(fields: dict[str, Any], prefix: str = "") -> list[str]:
    problems = []
    for field, messages in fields.items():
        name = f"{prefix}{field}"
        if isinstance(messages, dict):
            problems += _flatten(messages, prefix=f"{name}.")
            continue
        label = "" if field == api_settings.NON_FIELD_ERRORS_KEY else f"{name}: "
        problems += [f"{label}{message}" for message in (messages if isinstance(messages, list) else [messages])]
    return problems


def error_body(exc: exceptions.APIException) -> dict[str, Any]:
    detail = _plain(exc.detail)
    error: dict[str, Any] = {"code": "", "message": "", "suggestions": getattr(exc, "suggestions", [])}
    if isinstance(exc, exceptions.ValidationError):
        fields = detail if isinstance(detail, dict) else {api_settings.NON_FIELD_ERRORS_KEY: detail}
        error.update(code="invalid", message=INVALID_MESSAGE.format(problems="; ".join(_flatten(fields))),
                     fields=fields)
    elif isinstance(exc, exceptions.NotAuthenticated):
        # DRF raises it without the permission's message; say how to sign in.
        error.update(code=exc.default_code, message=NOT_SIGNED_IN_MESSAGE)
    else:
        codes = exc.get_codes()
        error.update(code=codes if isinstance(codes, str) else exc.default_code, message=str(detail))
    return {"error": error}


def handle_exception(exc: Exception, context: dict[str, Any]) -> Response:
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: every failure as the error body, with DRF's headers
    (WWW-Authenticate on 401, Retry-After on 429, Allow on 405)."""
    exc = _translated(exc)
    response = exception_handler(exc, context)
    if response is None:
        # Not an expected failure: a fault of the server's, never of the input. Logged with its
        # traceback; the client gets the same body shape as any other error.
        logger.error("API request failed", exc_info=exc)
        set_rollback()
        body = {"error": {"code": "server_error", "message": SERVER_ERROR_MESSAGE, "suggestions": []}}
        return Response(body, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    response.data = error_body(exc)
    return response
