"""A registry in memory for the unit tests (the MLflow adapter is proven against a real server in
test_mlflow_live.py)."""

from __future__ import annotations

import datetime as dt

from common.actors import Actor
from registries import services
from registries.adapters import RegisteredVersion, RegistryUnavailable
from registries.models import Registry

NOW = dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 27)
SYSTEM = Actor.system("tests")


class FakeRegistry:
    def __init__(self, *versions: RegisteredVersion, down: bool = False) -> None:
        self.catalogue = list(versions)
        self.down = down

    def versions(self) -> list[RegisteredVersion]:
        if self.down:
            raise RegistryUnavailable("MLflow at http://registry.test/ could not be reached: connection refused")
        return list(self.catalogue)


def version(name: str, number: int = 1, **fields) -> RegisteredVersion:
    return RegisteredVersion(name=name, version=str(number), **fields)


def make_registry(name: str = "mlflow-prod", url: str = "http://registry.test/", token: str = "") -> Registry:
    return services.save_registry(actor=SYSTEM, data={"name": name, "url": url, "token": token})


def reconcile(registry: Registry, feed: FakeRegistry, *, actor: Actor = SYSTEM, now: dt.datetime = NOW, day=None):
    return services.reconcile_registry(registry=registry, actor=actor, now=now, adapter=feed, day=day)
