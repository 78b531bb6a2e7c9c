"""Making exam packages: who may, and what they get.

Building a package is a governance act (administrators and model risk officers, who may change
tiers and lifecycle: ``inventory.permissions.can_govern``); anyone who may read the inventory may
verify one. Every interface (CLI, console, API) calls make_package with the acting user.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from common.actors import Actor
from common.authz import require
from inventory import permissions
from inventory.models import AIModel, RiskTier
from packages.content import Scope
from packages.frameworks import framework
from reports.jobs import BackgroundKind, queue_job
from reports.models import ReportJob

if TYPE_CHECKING:
    # The bundle brings WeasyPrint (about 1.5 s to import): loaded when a package is built, not by
    # every process that starts Django (this module is imported from the app's ready()).
    from packages.bundle import Built, Progress

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


def require_builder(actor: Actor) -> None:
    """Refuse (common.authz.Refused) an actor who may not build exam packages."""
    require(actor, permissions.can_govern, "build an exam package")


def make_package(actor: Actor, framework_id: str, scope: Scope, *, today: dt.date, now: dt.datetime,
                 progress: Progress | None = None) -> Built:
    """Build one exam package of ``scope`` for ``framework_id`` as of ``today`` (refused unless the
    actor may govern models). Raises packages.frameworks.UnknownFramework for an unknown framework."""
    require_builder(actor)
    from packages.bundle import build_package

    return build_package(framework(framework_id), scope, today=today, now=now, generated_by=actor.name,
                         progress=progress)


def request_package(actor: Actor, framework_id: str, scope: Scope, *, now: dt.datetime, today: dt.date) -> ReportJob:
    """Queue a package for the background worker (the console's way: a whole inventory takes longer
    than a web request). The same role check as make_package, before anything is queued."""
    require_builder(actor)
    framework(framework_id)
    return queue_job(PACKAGE, fmt=ZIP, filters={"framework": framework_id, "scope": scope.kind, "value": scope.value},
                     actor=actor, now=now, today=today)


def _render_job(job: ReportJob, progress: Progress) -> tuple[bytes, str, int]:
    """What the worker runs for a package job: as of the day asked for, by whom it was asked for."""
    from packages.bundle import build_package

    filters = job.filters
    built = build_package(framework(filters["framework"]), Scope(filters["scope"], filters.get("value", "")),
                          today=job.as_of, now=job.requested_at, generated_by=job.requested_by_name, progress=progress)
    return built.content, built.file_name, built.manifest["counts"]["models"]


PACKAGE, ZIP = "package", "zip"
PACKAGE_JOBS = BackgroundKind(kind=PACKAGE, title="Exam package", formats={ZIP: ("signed zip", "application/zip")},
                              render=_render_job, index_url_name="packages:index", index_label="Exam packages")
