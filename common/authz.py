"""The one role check every service makes before it writes, whatever interface called it.

A service says what it is about to do and which permission check allows it; ``require`` refuses
(django's PermissionDenied, so a page answers 403 and the CLI exits 1) anyone whose role does not
allow it, a deactivated account, and an actor that is neither an account nor trusted.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied

from common.actors import Actor
from common.roles import role_of

REFUSED_MESSAGE = "Permission denied: {who} (role: {role}) may not {action}."
NOBODY_MESSAGE = "Permission denied: {who} is neither a user account nor a trusted operator, so may not {action}."


class Refused(PermissionDenied):
    """A service refused an actor: the message says who, their role and what they may not do."""


def allows(actor: Actor, allowed: Callable[[AbstractBaseUser], bool]) -> bool:
    if actor.user is None:
        return actor.trusted
    return actor.user.is_active and allowed(actor.user)


def require(actor: Actor, allowed: Callable[[AbstractBaseUser], bool], action: str) -> None:
    """Refuse unless ``allowed(user)`` holds for the actor's active account, or the actor is trusted."""
    if allows(actor, allowed):
        return
    if actor.user is None:
        raise Refused(NOBODY_MESSAGE.format(who=actor.name, action=action))
    raise Refused(REFUSED_MESSAGE.format(who=actor.name, role=role_of(actor.user) or "none", action=action))
