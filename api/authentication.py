"""How an API request says who it is: a machine token, or the browser's console session (with CSRF).

A token is sent as ``Authorization: Bearer <token>`` (``Token <token>`` is accepted too). A revoked
or expired token, or one whose account is deactivated, is refused with 401 and a message saying
which, so a CI job's log tells its owner what to fix.
"""

from __future__ import annotations

from django.utils import timezone
from rest_framework import authentication, exceptions

from api import services

SCHEMES = ("bearer", "token")
MALFORMED_MESSAGE = "Malformed Authorization header: send 'Authorization: Bearer <token>'."
UNKNOWN_MESSAGE = "Unknown API token: it was mistyped, or never issued here."
REVOKED_MESSAGE = "This API token was revoked on {when} by {who}."
EXPIRED_MESSAGE = "This API token expired on {when}."
INACTIVE_MESSAGE = "This API token's account ({username}) is deactivated."


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M %Z")


class TokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <token>``: the token's account, with its role; ``request.auth`` is the token."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode("latin-1").lower() not in SCHEMES:
            return None  # not ours: another scheme, or no header (the session may sign the request in)
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(MALFORMED_MESSAGE)
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(MALFORMED_MESSAGE) from None
        token = services.find_token(secret)
        if token is None:
            raise exceptions.AuthenticationFailed(UNKNOWN_MESSAGE)
        now = timezone.now()
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(REVOKED_MESSAGE.format(when=_when(token.revoked_at),
                                                                         who=token.revoked_by))
        if token.expired(now=now):
            raise exceptions.AuthenticationFailed(EXPIRED_MESSAGE.format(when=_when(token.expires_at)))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(INACTIVE_MESSAGE.format(username=token.user.get_username()))
        services.note_use(token, now=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        # Makes an unauthenticated request a 401 (with this challenge) rather than a 403.
        return 'Bearer realm="mltrack"'


class SessionAuthentication(authentication.SessionAuthentication):
    """The console's session, for the browser (the API docs, scripts in the console); unsafe methods
    need the CSRF token, as the console's forms do."""
