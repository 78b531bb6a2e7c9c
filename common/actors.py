"""Who makes a change: recorded in every history entry and review record."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import models


@dataclass(frozen=True)
class Actor:
    """Who is making a change: a user account, or a named operator without one (CLI)."""

    name: str
    user: AbstractBaseUser | None = None

    @classmethod
    def for_user(cls, user: AbstractBaseUser) -> Actor:
        return cls(name=user.get_username(), user=user)

    @classmethod
    def system(cls, what: str) -> Actor:
        return cls(name=f"system:{what}")

    @classmethod
    def os_user(cls, login: str) -> Actor:
        """An operator without an account, named by their operating-system login."""
        return cls(name=f"os:{login}")


def stamp(model: models.Model, actor: Actor, reason: str = "") -> None:
    # Read by simple-history (user, reason) and by inventory.history (actor name).
    model._history_user = actor.user
    model._history_actor = actor.name
    model._change_reason = reason
