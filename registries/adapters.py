"""What MLTrack reads from a model registry, whatever its kind: every registered model's versions.

An adapter returns the whole catalogue or raises RegistryUnavailable: a registry that cannot be
read is a failed run, never an empty registry (which would make every linked model "orphaned").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol


class RegistryUnavailable(Exception):
    """The registry could not be read: unreachable, timed out, refused, or answered nonsense."""


@dataclass(frozen=True)
class RegisteredVersion:
    name: str
    version: str
    stage: str = ""
    aliases: tuple[str, ...] = ()
    run_id: str = ""
    source: str = ""
    digest: str = ""
    description: str = ""
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def number(self) -> tuple[int, str]:
        # Versions sort as numbers where they are (MLflow's are), else as text.
        return (int(self.version), "") if self.version.isdigit() else (-1, self.version)

    @property
    def stage_text(self) -> str:
        """Stage and aliases as one line: "Production @champion @blue"."""
        parts = [self.stage] if self.stage and self.stage != "None" else []
        return " ".join(parts + [f"@{alias}" for alias in sorted(self.aliases)])


class Adapter(Protocol):
    def versions(self) -> Iterable[RegisteredVersion]:
        """Every version of every registered model (raises RegistryUnavailable)."""


def current_versions(versions: Iterable[RegisteredVersion]) -> dict[str, RegisteredVersion]:
    """Each registered model's current version: the newest in the Production stage or with an
    alias, else its newest version."""
    best: dict[str, RegisteredVersion] = {}
    for version in versions:
        held = best.get(version.name)
        if held is None or _rank(version) > _rank(held):
            best[version.name] = version
    return best


def _rank(version: RegisteredVersion) -> tuple[bool, tuple[int, str]]:
    serving = version.stage == "Production" or bool(version.aliases)
    return (serving, version.number)
