"""Who may use the API, and how far a token reaches.

What each role may do is decided by the services (common.authz.require) and the apps' permission
helpers, exactly as for the console; the two classes here only say that a request must be signed
in, and that a read-only token reads.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from rest_framework.permissions import SAFE_METHODS, BasePermission

from api.models import ApiToken

HAVE_TOKENS = "api.add_apitoken"
MANAGE_ALL_TOKENS = "api.manage_all_tokens"

READ_ONLY_TOKEN_MESSAGE = "This token is read-only: it may only read (GET, HEAD, OPTIONS)."
NOT_SIGNED_IN_MESSAGE = "Sign in: send a token (Authorization: Bearer <token>) or use a console session."


def can_have_tokens(user: AbstractBaseUser) -> bool:
    """Anyone with a role: a token acts with its account's role, so without one it could do nothing."""
    return user.has_perm(HAVE_TOKENS)


def can_manage_all_tokens(user: AbstractBaseUser) -> bool:
    return user.has_perm(MANAGE_ALL_TOKENS)


class SignedIn(BasePermission):
    """A token or a console session; anonymous requests are answered 401."""

    message = NOT_SIGNED_IN_MESSAGE

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated)


class TokenScope(BasePermission):
    """A read-only token is refused anything but reading."""

    message = READ_ONLY_TOKEN_MESSAGE

    def has_permission(self, request, view) -> bool:
        token = request.auth
        return not (isinstance(token, ApiToken) and token.read_only and request.method not in SAFE_METHODS)
