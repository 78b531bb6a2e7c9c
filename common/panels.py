"""Sections that apps built on another app add to its object pages.

The inventory knows nothing about compliance or reviews; those apps register a provider for the
model page here (in their AppConfig.ready) and the page renders whatever panels the providers
return, in the order of their ``position`` (not the order apps happen to load in).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)


Provider = Callable[[HttpRequest, Any, dt.date], Panel | None]
# page name -> [(position, provider)]
_providers: dict[str, list[tuple[int, Provider]]] = {}


def register(page: str, provider: Provider, *, position: int) -> Provider:
    """Add ``provider``'s panel to ``page`` (e.g. "inventory.model"); lower positions come first."""
    entries = _providers.setdefault(page, [])
    if all(existing is not provider for _, existing in entries):
        entries.append((position, provider))
        entries.sort(key=lambda entry: entry[0])
    return provider


def panels_for(page: str, request: HttpRequest, obj: Any, today: dt.date) -> list[Panel]:
    return [panel for _, provider in _providers.get(page, []) if (panel := provider(request, obj, today)) is not None]
