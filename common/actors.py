"""Who makes a change: recorded in every history entry and review record, and checked by every
service before it writes (common.authz)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import models


@dataclass(frozen=True)
class Actor:
    """Who is making a change: a user account, whose role decides what it may do, or a trusted
    operator without one.

    Trusted operators are MLTrack's own processes (the scheduler, a management command) and a person
    running the CLI on the database's own machine without an account, where the installation allows
    it: each can write to the database directly anyway. An actor with neither an account nor trust
    may do nothing, so an interface that forgets to say who acts is refused, never let through.
    """

    name: str
    user: AbstractBaseUser | None = None
    trusted: bool = False

    @classmethod
    def for_user(cls, user: AbstractBaseUser) -> Actor:
        return cls(name=user.get_username(), user=user)

    @classmethod
    def system(cls, what: str) -> Actor:
        return cls(name=f"system:{what}", trusted=True)

    @classmethod
    def os_user(cls, login: str) -> Actor:
        """An operator without an account, named by their operating-system login."""
        return cls(name=f"os:{login}", trusted=True)


def stamp(model: models.Model, actor: Actor, reason: str = "") -> None:
    # Read by simple-history (user, reason) and by inventory.history (actor name).
    model._history_user = actor.user
    model._history_actor = actor.name
    model._change_reason = reason
