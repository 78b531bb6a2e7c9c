"""The OpenAPI schema and its browsable docs (Swagger UI, ReDoc), served from the app's own static
files (drf-spectacular-sidecar: no CDN, for air-gapped networks).

The schema answers a token or a session (401 otherwise); the docs pages are for people signed in to
the console, who are sent to the login page first.
"""

from __future__ import annotations

from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView


def _for_signed_in_people(view):
    """The page behind the console's login (LoginRequiredMiddleware redirects to it): DRF marks its
    views as needing no login, since they sign requests in themselves; this wrapper carries no mark."""

    def page(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    page.__name__ = page.__qualname__ = getattr(view, "__name__", "page")
    return page


schema = SpectacularAPIView.as_view()
# The split view serves Swagger UI's start-up script as a file of its own, not inline.
swagger_ui = _for_signed_in_people(SpectacularSwaggerSplitView.as_view(url_name="api:schema"))
redoc = _for_signed_in_people(SpectacularRedocView.as_view(url_name="api:schema"))
