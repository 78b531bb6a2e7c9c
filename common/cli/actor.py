"""Who the CLI acts for: a user account (its role decides what is allowed) or a local operator."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from common.cli.errors import ACCOUNT, PERMISSION_DENIED, CLIError

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from common.actors import Actor

NO_ACCOUNT_MESSAGE = "No user account named {name}. Create it or drop --user."
NO_ACCOUNT_ENV_MESSAGE = "No user account named {name} (from MLTRACK_USER). Create it or unset MLTRACK_USER."
INACTIVE_ACCOUNT_MESSAGE = "The user account {name} is deactivated, so the CLI cannot act for it."
ACCOUNT_REQUIRED_MESSAGE = (
    "This installation requires a user account for the CLI (MLTRACK_CLI_REQUIRE_ACCOUNT is on), and the "
    "operating-system user {login!r} has none. Pass --user NAME or set MLTRACK_USER."
)
PERMISSION_DENIED_MESSAGE = "Permission denied: {who} (role: {role}) may not {action}."


class CLIActor(NamedTuple):
    """Who the CLI acts for: a user account (permissions apply) or a local operator (they do not).

    ``actor`` is what the services record in the history; ``user`` is the account, or None. A
    NamedTuple rather than a frozen dataclass: this module is loaded to build the parser, and
    importing ``dataclasses`` there would slow the start-up of every verb, ``--help`` included.
    """

    actor: Actor
    user: AbstractBaseUser | None

    def require(self, allowed: Callable[[AbstractBaseUser], bool], action: str) -> None:
        """Refuse (CLIError "permission_denied", exit 1) unless ``allowed(user)``: "Permission denied:
        ... may not <action>."."""
        if self.user is None or allowed(self.user):
            return
        from common.roles import role_of

        raise CLIError(
            PERMISSION_DENIED_MESSAGE.format(who=self.actor.name, role=role_of(self.user) or "none", action=action),
            code=PERMISSION_DENIED,
        )

    def may(self, allowed: Callable[[AbstractBaseUser], bool]) -> bool:
        """Whether ``allowed(user)`` holds; always True for the local operator."""
        return self.user is None or allowed(self.user)


def os_login() -> str:
    """The operating-system login, or "unknown"."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def resolve_actor(args: argparse.Namespace) -> CLIActor:
    """--user / MLTRACK_USER names an account; otherwise the operating-system login's account if it
    has one; otherwise a local operator with direct database access, unless accounts are required.

    An unknown or deactivated account, or none where one is required: CLIError "account", exit 1."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from common.actors import Actor

    users = get_user_model().objects
    named = getattr(args, "user", None)
    from_env = False
    if not named:
        named = os.environ.get("MLTRACK_USER", "").strip()
        from_env = bool(named)
    if named:
        user = users.filter(username=named).first()
        if user is None:
            message = NO_ACCOUNT_ENV_MESSAGE if from_env else NO_ACCOUNT_MESSAGE
            raise CLIError(message.format(name=named), code=ACCOUNT)
        if not user.is_active:
            raise CLIError(INACTIVE_ACCOUNT_MESSAGE.format(name=named), code=ACCOUNT)
        return CLIActor(Actor.for_user(user), user)
    login = os_login()
    user = users.filter(username=login).first()
    if user is not None:
        # A deactivated account must not fall back to the unrestricted local operator.
        if not user.is_active:
            raise CLIError(INACTIVE_ACCOUNT_MESSAGE.format(name=login), code=ACCOUNT)
        return CLIActor(Actor.for_user(user), user)
    if settings.MLTRACK_CLI_REQUIRE_ACCOUNT:
        raise CLIError(ACCOUNT_REQUIRED_MESSAGE.format(login=login), code=ACCOUNT)
    return CLIActor(Actor.os_user(login), None)
