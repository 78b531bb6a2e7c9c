"""The OpenAPI schema and its browsable docs (Swagger UI, ReDoc), served from the app's own static
files (drf-spectacular-sidecar: no CDN, for air-gapped networks).

The schema answers a token or a session (401 otherwise); the docs pages are for people signed in to
the console, who are sent to the login page first.
"""

from __future__ import annotations

from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView


class SchemaView(SpectacularAPIView):
    """The schema in YAML (default) or JSON (Accept: application/json); its errors in JSON, as every
    endpoint's are, whatever format was asked for."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code >= 400:
            response.accepted_renderer, response.accepted_media_type = JSONRenderer(), "application/json"
        return response


# The docs pages load everything from this server and nothing else: ReDoc's bundle would otherwise
# fetch its vendor's logo from a CDN. Styles may be inline (both UIs set them as they render), scripts
# may not; ReDoc's search runs in a worker made from a blob.
DOCS_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'"
)


def _for_signed_in_people(view):
    """The page behind the console's login (LoginRequiredMiddleware redirects to it): DRF marks its
    views as needing no login, since they sign requests in themselves; this wrapper carries no mark.
    The page may load nothing from another server (DOCS_CONTENT_SECURITY_POLICY)."""

    def page(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Content-Security-Policy"] = DOCS_CONTENT_SECURITY_POLICY
        return response

    page.__name__ = page.__qualname__ = getattr(view, "__name__", "page")
    return page


schema = SchemaView.as_view()
# The split view serves Swagger UI's start-up script as a file of its own, not inline; the pages' own
# templates leave out the stock ones' inline styles (and ReDoc's web-font links).
swagger_ui = _for_signed_in_people(
    SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html")
)
redoc = _for_signed_in_people(SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html"))


UNKNOWN_PATH_MESSAGE = "There is no API endpoint at {path} (endpoints end with a slash). They are listed at /api/v1/docs/."


class NotFound(APIView):
    """Any other path under /api/: a JSON 404 pointing at the docs, not the console's HTML page."""

    schema = None  # not an endpoint of the schema

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise exceptions.NotFound(UNKNOWN_PATH_MESSAGE.format(path=request.path))

    get = post = put = patch = delete = head = options = http_method_not_allowed


not_found = NotFound.as_view()
