"""What every request and response gets, whichever view answers: requests carrying NUL are refused,
and responses get the Content-Security-Policy header Django 5.2 does not set by itself.

NUL is never part of text anyone means (common.text refuses it in every field), and PostgreSQL
refuses it in any query; Django's forms refuse it, but the admin's search and list filters and the
URL itself reach the database without a form. So a request with NUL in its path or query string is
answered 400 before any view runs.

Every script and style of the console is a file served by the app itself (no inline script, no
inline style attribute, no CDN), so the policy allows only the app's own origin: an injected
``<script>`` or ``style=`` would not run, and nothing is fetched from elsewhere. Charts are inline
SVG, whose presentation attributes are not styles. Django's debug error pages (DEBUG only) are
inline-styled, so they go without the header.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

NUL_MESSAGE = "Bad request: NUL characters are not allowed in an address or its query string."

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


class RefuseNulMiddleware:
    """Answers 400 to a request with NUL in its path or its query string's names or values."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in name or any("\x00" in value for value in values) for name, values in request.GET.lists()
        ):
            if request.path.startswith("/api/"):
                # The API's one error body (docs/api.md), which its clients parse.
                return JsonResponse({"error": {"code": "bad_request", "message": NUL_MESSAGE, "suggestions": []}},
                                    status=400)
            return HttpResponseBadRequest(NUL_MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Adds CONTENT_SECURITY_POLICY to every response that does not set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.DEBUG and response.status_code >= 400:
            return response
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
