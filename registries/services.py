"""Every write of the registries app: configuring a registry (administrators), reconciling it, and
adopting or linking a registered model (model risk officers and administrators). Each service
checks the actor's role itself, validates before it writes, and writes in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction

from common import text
from common.actors import Actor, stamp
from common.authz import require
from inventory import permissions as inventory_permissions
from inventory import services as inventory_services
from inventory.bulk import update_rows
from inventory.models import AIModel, Status
from registries import permissions
from registries.adapters import Adapter, RegistryUnavailable
from registries.mlflow import MLflowAdapter
from registries.models import Finding, Reconciliation, Registry
from registries.reconcile import IDENTITY_FIELDS, Plan, plan
from registries.secrets import UnreadableToken, seal, unseal

BAD_URL_MESSAGE = "Enter the registry's full http:// or https:// URL, for example https://mlflow.bank.example."
DUPLICATE_MESSAGE = 'A registry named "{name}" already exists.'
ALREADY_LINKED_MESSAGE = "{model} is already linked to {registered} in {registry}; it is linked to one registered model."
TAKEN_MESSAGE = "{registered} in {registry} is already linked to {model}."
NOT_FOUND_MESSAGE = "{registered} is not among the registered models that the last reconciliation of {registry} found."
NOT_RECONCILED_MESSAGE = "{registry} has not been reconciled yet: reconcile it first, then link."
FINAL_MESSAGE = "{model} is decommissioned: a retired model is not linked to a registry."
RENAME_MESSAGE = ("Models are linked to {name} under this name, which is part of their state hash: "
                  "it keeps its name. Add a new registry instead.")
BATCH = 2000
MANAGE_ACTION = "configure model registries (administrators do)"
RECONCILE_ACTION = "reconcile registries or adopt and link registered models (model risk officers and administrators do)"


def _validate_url(url: str) -> str:
    url = (url or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError({"url": [BAD_URL_MESSAGE]}) from None
    return url


def check_registry(*, data: Mapping[str, Any], registry: Registry | None = None) -> Registry:
    """Apply ``data`` to a registry in memory and check it (ValidationError by field); saves nothing."""
    registry = registry or Registry()
    errors: dict[str, list[str]] = {}
    try:
        registry.name = text.clean_name(str(data.get("name") or "").strip(), label="Name")
        if not registry.name:
            errors["name"] = ["Name the registry, e.g. mlflow-prod."]
    except ValidationError as exc:
        errors["name"] = exc.messages
    kind = str(data.get("kind") or Registry.Kind.MLFLOW)
    if kind not in Registry.Kind.values:
        errors["kind"] = [f"Choose one of: {', '.join(Registry.Kind.values)}."]
    registry.kind = kind
    try:
        registry.url = _validate_url(str(data.get("url") or ""))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    registry.enabled = bool(data.get("enabled", True))
    if "name" not in errors and Registry.objects.filter(name__iexact=registry.name).exclude(pk=registry.pk).exists():
        errors["name"] = [DUPLICATE_MESSAGE.format(name=registry.name)]
    if errors:
        raise ValidationError(errors)
    return registry


@transaction.atomic
def save_registry(*, actor: Actor, data: Mapping[str, Any], registry: Registry | None = None) -> Registry:
    """Add or change a registry. ``token``: a new token replaces the stored one; blank keeps it;
    ``clear_token`` removes it. The token is stored encrypted and never given back. A renamed
    registry keeps its linked models (their registry name follows)."""
    require(actor, permissions.can_manage, MANAGE_ACTION)
    was = Registry.objects.filter(pk=registry.pk).values_list("name", flat=True).first() if registry and registry.pk else None
    registry = check_registry(data=data, registry=registry)
    if data.get("clear_token"):
        registry.token_encrypted = ""
    elif data.get("token"):
        registry.token_encrypted = seal(str(data["token"]).strip())
    if was and was != registry.name and AIModel.objects.filter(registry_name=was).exists():
        raise ValidationError({"name": [RENAME_MESSAGE.format(name=was)]})
    registry.save()
    return registry


@transaction.atomic
def delete_registry(*, actor: Actor, registry: Registry) -> None:
    """Remove a registry and its runs; models linked to it keep their registry identity (and history)."""
    require(actor, permissions.can_manage, MANAGE_ACTION)
    registry.delete()


def adapter_for(registry: Registry) -> Adapter:
    try:
        token = unseal(registry.token_encrypted, name=registry.name)
    except UnreadableToken as exc:
        raise RegistryUnavailable(str(exc)) from None
    return MLflowAdapter(registry.url, token=token)


def reconcile_registry(*, registry: Registry, actor: Actor, now: dt.datetime, adapter: Adapter | None = None,
                       day: dt.date | None = None) -> Reconciliation | None:
    """Read the registry and compare it with the inventory: the run, its counts and its findings are
    recorded; linked models whose registry version, stage or digest moved are updated (with history),
    so their state hash shows the change. An unreadable registry is recorded as unreachable, and
    nothing else changes. ``day``: the scheduled run's claim; None if another run claimed it."""
    require(actor, permissions.can_reconcile, RECONCILE_ACTION)
    try:
        with transaction.atomic():
            run = Reconciliation.objects.create(registry=registry, day=day, started_at=now, started_by=actor.name)
    except IntegrityError:
        return None  # the day's run was claimed by another worker
    try:
        versions = list((adapter or adapter_for(registry)).versions())
    except RegistryUnavailable as exc:
        run.outcome, run.error, run.finished_at = Reconciliation.Outcome.UNREACHABLE, str(exc), now
        run.save(update_fields=["outcome", "error", "finished_at"])
        return run
    with transaction.atomic():
        linked = list(AIModel.objects.filter(registry_name=registry.name).order_by("pk"))
        result = plan(versions, linked)
        _save_moved(result, actor, now, registry)
        for finding in result.findings:
            finding.reconciliation = run
        Finding.objects.bulk_create(result.findings, batch_size=BATCH)
        run.versions_read = len(versions)
        for kind in Finding.Kind.values:
            setattr(run, kind, result.count(kind))
        run.updated_models = len(result.moved)
        run.outcome, run.finished_at = Reconciliation.Outcome.OK, now
        run.save()
    return run


def _save_moved(result: Plan, actor: Actor, now: dt.datetime, registry: Registry) -> None:
    for start in range(0, len(result.moved), BATCH):
        batch = result.moved[start:start + BATCH]
        for model in batch:
            model.state_hash = model.compute_state_hash()
            model.updated_at = now
        update_rows(batch, [*IDENTITY_FIELDS, "state_hash", "updated_at"])
        AIModel.history.bulk_history_create(
            batch, update=True, default_user=actor.user, default_change_reason=f"registry {registry.name} reconciled",
            custom_historical_attrs={"history_actor": actor.name},
        )


def registry_choices(registry: Registry) -> list[Finding]:
    """The registered models a model may be linked to by hand: the untracked ones of the last run."""
    run = Reconciliation.objects.latest_per_registry().filter(registry=registry, outcome="ok").first()
    if run is None:
        return []
    return list(run.findings.filter(kind=Finding.Kind.UNTRACKED).order_by("registered_name"))


def _untracked(registry: Registry, registered_name: str) -> Finding:
    run = Reconciliation.objects.latest_per_registry().filter(registry=registry, outcome="ok").first()
    if run is None:
        raise ValidationError({"registered_name": [NOT_RECONCILED_MESSAGE.format(registry=registry.name)]})
    finding = run.findings.filter(kind=Finding.Kind.UNTRACKED, registered_name=registered_name).first()
    if finding is None:
        taken = AIModel.objects.filter(registry_name=registry.name, registered_name=registered_name).first()
        message = (TAKEN_MESSAGE.format(registered=registered_name, registry=registry.name, model=taken) if taken
                   else NOT_FOUND_MESSAGE.format(registered=registered_name, registry=registry.name))
        raise ValidationError({"registered_name": [message]})
    return finding


def _link(model: AIModel, registry: Registry, finding: Finding, actor: Actor) -> AIModel:
    if model.registered_name:
        raise ValidationError({"registered_name": [ALREADY_LINKED_MESSAGE.format(
            model=model.model_name, registered=model.registered_name, registry=model.registry_name)]})
    if model.status == Status.DECOMMISSIONED:
        raise ValidationError({"registered_name": [FINAL_MESSAGE.format(model=model.model_name)]})
    model.registry_name, model.registered_name = registry.name, finding.registered_name
    version = finding
    for name, value in {"registered_version": version.version, "registry_stage": version.stage,
                        "registry_run_id": version.run_id, "registry_digest": version.digest}.items():
        setattr(model, name, value)
    stamp(model, actor, f"linked to {finding.registered_name} in registry {registry.name}")
    try:
        with transaction.atomic():
            model.save()
    except IntegrityError:
        raise ValidationError({"registered_name": [TAKEN_MESSAGE.format(
            registered=finding.registered_name, registry=registry.name, model="another model")]}) from None
    Finding.objects.filter(pk=finding.pk).update(kind=Finding.Kind.LINKED, model=model)
    return model


@transaction.atomic
def link_model(*, model: AIModel, registry: Registry, registered_name: str, actor: Actor) -> AIModel:
    """Link an inventory model by hand to a registered model the last reconciliation found untracked."""
    require(actor, permissions.can_reconcile, RECONCILE_ACTION)
    require(actor, lambda user: inventory_permissions.can_edit(user, model), f"change {model.model_name}")
    locked = AIModel.objects.select_for_update(of=("self",)).get(pk=model.pk)
    return _link(locked, registry, _untracked(registry, registered_name), actor)


@transaction.atomic
def adopt_model(*, finding: Finding, data: Mapping[str, Any], actor: Actor, today: dt.date) -> AIModel:
    """Add an untracked registered model to the inventory (the add form's fields) and link the two."""
    require(actor, permissions.can_reconcile, RECONCILE_ACTION)
    registry = finding.reconciliation.registry
    finding = _untracked(registry, finding.registered_name)
    model = inventory_services.create_model(data=data, actor=actor, today=today)
    return _link(model, registry, finding, actor)


def adoption_initial(finding: Finding) -> dict[str, Any]:
    """The add form prefilled from the registry: name, version, owners and endpoint from the tags."""
    tags = finding.tags or {}

    def tag(*names: str) -> str:
        return next((str(tags[name]) for name in names if tags.get(name)), "")

    return {
        "model_name": finding.registered_name, "model_version": finding.version,
        "use_case": finding.description or tag("use_case", "description"),
        "business_owner": tag("business_owner", "owner"), "technical_owner": tag("technical_owner", "team"),
        "vendor": tag("vendor") or "In-house", "api_endpoint": tag("api_endpoint", "endpoint"),
        "risk_tier": tag("risk_tier"), "business_line": tag("business_line"),
    }


def survey(*, url: str, actor: Actor, adapter: Adapter | None = None) -> Plan:
    """An ad hoc look at an MLflow server (mltrack discover --mlflow): the same comparison, written
    nowhere. Models count as linked when they are linked to a configured registry at that URL."""
    require(actor, permissions.can_reconcile, RECONCILE_ACTION)
    url = _validate_url(url)
    names = [r.name for r in Registry.objects.all() if r.url.rstrip("/") == url.rstrip("/")]
    versions = list((adapter or MLflowAdapter(url)).versions())
    return plan(versions, list(AIModel.objects.filter(registry_name__in=names).order_by("pk")))


def reconcile_enabled(*, now: dt.datetime, today: dt.date) -> list[Reconciliation]:
    """The daily job: each enabled registry reconciled once on ``today`` (the run claims the day, so
    a retry or the next hourly run does nothing). Returns the runs made now."""
    actor = Actor.system("registry reconciliation")
    runs = []
    for registry in Registry.objects.filter(enabled=True).order_by("name"):
        if Reconciliation.objects.filter(registry=registry, day=today).exists():
            continue
        run = reconcile_registry(registry=registry, actor=actor, now=now, day=today)
        if run is not None:
            runs.append(run)
    return runs


def summary(runs: list[Reconciliation]) -> str:
    if not runs:
        return "no registry to reconcile (each enabled one was reconciled today)"
    return "; ".join(
        f"{run.registry.name}: {run.error}" if run.outcome != Reconciliation.Outcome.OK else
        f"{run.registry.name}: {run.untracked} untracked, {run.orphaned} orphaned, {run.changed} changed, "
        f"{run.linked} linked" for run in runs)
