"""Throttling per token: each token (or each console session's user) has its own request budget,
MLTRACK_API_THROTTLE_RATE, so one busy pipeline cannot starve the others.

Counts are kept in Django's cache: per process with the default local-memory cache, so with N web
workers a token may make up to N times the rate; a shared cache (Redis) makes it exact. Requests
that fail to sign in are answered 401 before any budget is counted.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    scope = "token"

    def get_rate(self) -> str:
        # Read when each request is checked (not when the class loads), so a changed setting applies.
        return settings.MLTRACK_API_THROTTLE_RATE

    def get_cache_key(self, request, view) -> str | None:
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            return None  # refused anyway (401)
        return self.cache_format % {"scope": self.scope, "ident": ident}
