"""Making exam packages: who may, and what they get.

Building a package is a governance act (administrators and model risk officers, who may change
tiers and lifecycle: ``inventory.permissions.can_govern``); anyone who may read the inventory may
verify one. Every interface (CLI, console, API) calls make_package with the acting user.
"""

from __future__ import annotations

import datetime as dt

from common.actors import Actor
from common.authz import require
from inventory import permissions
from inventory.models import AIModel, RiskTier
from packages.bundle import Built, Progress, build_package
from packages.content import Scope
from packages.frameworks import framework

SCOPE_KINDS = ("model", "risk_tier", "business_line", "all")


class BadScope(ValueError):
    """A scope that selects nothing MLTrack knows (the message says what was expected)."""


def scope_of(kind: str, value: str = "") -> Scope:
    """The scope ``kind`` (model, risk_tier, business_line, all) with its value, checked."""
    value = (value or "").strip()
    if kind not in SCOPE_KINDS:
        raise BadScope(f"Unknown scope {kind!r}: choose {', '.join(SCOPE_KINDS)}.")
    if kind == "all":
        return Scope("all")
    if not value:
        raise BadScope(f"A {kind.replace('_', ' ')} scope needs a value.")
    if kind == "risk_tier" and value.lower() not in RiskTier.values:
        raise BadScope(f"Unknown risk tier {value!r}: choose {', '.join(RiskTier.values)}.")
    if kind == "model":
        model = AIModel.objects.named(value).first()
        if model is None:
            raise BadScope(f"No model is named {value!r}.")
        return Scope("model", model.model_name)
    if kind == "business_line" and not AIModel.objects.filter(business_line__iexact=value).exists():
        raise BadScope(f"No model belongs to the business line {value!r}.")
    return Scope(kind, value.lower() if kind == "risk_tier" else value)


def make_package(actor: Actor, framework_id: str, scope: Scope, *, today: dt.date, now: dt.datetime,
                 progress: Progress | None = None) -> Built:
    """Build one exam package of ``scope`` for ``framework_id`` as of ``today`` (refused unless the
    actor may govern models). Raises packages.frameworks.UnknownFramework for an unknown framework."""
    require(actor, permissions.can_govern, "build an exam package")
    return build_package(framework(framework_id), scope, today=today, now=now, generated_by=actor.name,
                         progress=progress)
