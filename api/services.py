"""Machine tokens: create (shown once), find by the token a request presents, record use, revoke.

The console's tokens page, ``mltrack token`` and the API's /tokens/ call these. Who may: anyone
with a role creates and revokes their own tokens; administrators also list and revoke anyone's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction

from api import permissions
from api.models import ApiToken
from common.actors import Actor
from common.authz import require

# "mlt_" marks an MLTrack token (secret scanners can look for it), then 256 random bits.
TOKEN_PREFIX = "mlt_"
SHOWN_PREFIX_LENGTH = 12
# A token's last use is written when it is older than this: a busy CI gate costs no write per request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
MAX_EXPIRY_DAYS = 3650
NAME_MAX = 100

NO_ACCOUNT_MESSAGE = "A token acts for a user account, with its role: act as an account (--user NAME) to make one."
BLANK_NAME_MESSAGE = "Name the token after what uses it, e.g. 'fraud-detector CI gate'."
LONG_NAME_MESSAGE = "At most {limit} characters (this has {length})."
EXPIRY_MESSAGE = "Give the number of days the token lasts, from 1 to {limit}, or none for no expiry."
ALREADY_REVOKED_MESSAGE = "This token was already revoked on {when} by {who}."
CREATE_ACTION = "create API tokens (a role is needed: a token acts with its account's role)"
REVOKE_ACTION = "revoke another account's API token (administrators do)"
LIST_ALL_ACTION = "list other accounts' API tokens (administrators do)"


class NewToken(NamedTuple):
    token: ApiToken
    # The token itself: shown to its owner now and never again (only its digest is kept).
    secret: str


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@transaction.atomic
def create_token(
    *, actor: Actor, name: str, read_only: bool, expires_in_days: int | None, now: dt.datetime
) -> NewToken:
    """Make a token for the actor's own account.

    Conditions: the actor is an account with a role (a token acts with its account's role, so the
    local operator, who has none, cannot make one); a name of at most 100 characters; an expiry,
    if any, of 1 to 3650 days.
    """
    require(actor, permissions.can_have_tokens, CREATE_ACTION)
    if actor.user is None:
        raise ValidationError({"user": [NO_ACCOUNT_MESSAGE]})
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [BLANK_NAME_MESSAGE]
    elif len(name) > NAME_MAX:
        errors["name"] = [LONG_NAME_MESSAGE.format(limit=NAME_MAX, length=len(name))]
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_EXPIRY_DAYS:
        errors["expires_in_days"] = [EXPIRY_MESSAGE.format(limit=MAX_EXPIRY_DAYS)]
    if errors:
        raise ValidationError(errors)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor.user, name=name, prefix=secret[:SHOWN_PREFIX_LENGTH], digest=digest_of(secret),
        read_only=read_only, created_at=now, created_by=actor.name,
        expires_at=now + dt.timedelta(days=expires_in_days) if expires_in_days else None,
    )
    return NewToken(token, secret)


def find_token(secret: str) -> ApiToken | None:
    """The token a request presents, with its account, in one indexed query (None: no such token)."""
    return ApiToken.objects.select_related("user").filter(digest=digest_of(secret)).first()


def note_use(token: ApiToken, *, now: dt.datetime) -> None:
    """Record that the token was used now, unless that was recorded less than a minute ago.

    A conditional UPDATE, so that concurrent requests write once and none waits for another.
    """
    last = token.last_used_at
    if last is not None and now - last < LAST_USED_RESOLUTION:
        return
    stale = ApiToken.objects.filter(pk=token.pk)
    stale = stale.filter(last_used_at__isnull=True) if last is None else stale.filter(last_used_at=last)
    stale.update(last_used_at=now)
    token.last_used_at = now


def visible_tokens(*, actor: Actor, everyone: bool = False):
    """The actor's own tokens, or with ``everyone`` every account's (administrators and the local
    operator), newest first."""
    tokens = ApiToken.objects.for_listing()
    if everyone:
        require(actor, permissions.can_manage_all_tokens, LIST_ALL_ACTION)
        return tokens
    if actor.user is None:
        return tokens.none()
    return tokens.of_user(actor.user)


@transaction.atomic
def revoke_token(*, token: ApiToken, actor: Actor, now: dt.datetime) -> ApiToken:
    """Revoke a token: it is refused from now on, and kept with who revoked it and when.

    Conditions: the token is the actor's own, or the actor may manage every token; it is not
    revoked already (a second revocation would rewrite who revoked it).
    """
    if actor.user is None or token.user_id != actor.user.pk:
        require(actor, permissions.can_manage_all_tokens, REVOKE_ACTION)
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise ValidationError(
            ALREADY_REVOKED_MESSAGE.format(when=token.revoked_at.isoformat(timespec="seconds"), who=token.revoked_by),
            code="already_revoked",
        )
    token.revoked_at, token.revoked_by = now, actor.name
    token.save(update_fields=["revoked_at", "revoked_by"])
    return token
