"""Reconciling a registry's catalogue with the inventory, set-based: one query for the models
linked to the registry, bulk writes for the findings and for the linked models whose registry
identity moved (each with its history entry). No query per model or per version."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from inventory.models import AIModel, registry_identity
from registries.adapters import RegisteredVersion, current_versions
from registries.models import Finding

IDENTITY_FIELDS = ("registered_version", "registry_stage", "registry_run_id", "registry_digest")


@dataclass
class Plan:
    findings: list[Finding] = field(default_factory=list)
    # Linked models whose registry identity moved: saved with a history entry.
    moved: list[AIModel] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for finding in self.findings if finding.kind == kind)


def identity_of(version: RegisteredVersion) -> dict[str, str]:
    return {"registered_version": version.version, "registry_stage": version.stage_text,
            "registry_run_id": version.run_id, "registry_digest": version.digest}


def finding_for(kind: str, version: RegisteredVersion, model: AIModel | None = None) -> Finding:
    return Finding(kind=kind, registered_name=version.name, version=version.version, stage=version.stage_text,
                   run_id=version.run_id, source=version.source[:1000], digest=version.digest,
                   description=version.description, tags=version.tags, model=model)


def plan(versions: Iterable[RegisteredVersion], linked: Iterable[AIModel]) -> Plan:
    """What a run finds: ``linked`` are the inventory models linked to the registry."""
    current = current_versions(versions)
    result = Plan()
    seen: set[str] = set()
    for model in linked:
        seen.add(model.registered_name)
        version = current.get(model.registered_name)
        if version is None:
            result.findings.append(Finding(
                kind=Finding.Kind.ORPHANED, registered_name=model.registered_name, version=model.registered_version,
                stage=model.registry_stage, run_id=model.registry_run_id, digest=model.registry_digest, model=model))
            continue
        identity = identity_of(version)
        if any(getattr(model, name) != value for name, value in identity.items()):
            for name, value in identity.items():
                setattr(model, name, value)
            result.moved.append(model)
        reviewed = model.latest_outcome_on is not None
        changed = reviewed and model.reviewed_registry_identity != registry_identity(
            version.version, version.stage_text, version.digest)
        result.findings.append(finding_for(Finding.Kind.CHANGED if changed else Finding.Kind.LINKED, version, model))
    for name in sorted(current.keys() - seen):
        result.findings.append(finding_for(Finding.Kind.UNTRACKED, current[name]))
    return result
