"""Sections that apps built on the inventory add to a model's page.

The inventory knows nothing about reviews or compliance; those apps register a provider here
(in their AppConfig.ready) and the model page renders whatever panels the providers return.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

from inventory.models import AIModel


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)


Provider = Callable[[HttpRequest, AIModel, dt.date], Panel | None]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def panels_for(request: HttpRequest, model: AIModel, today: dt.date) -> list[Panel]:
    return [panel for provider in _providers if (panel := provider(request, model, today)) is not None]
