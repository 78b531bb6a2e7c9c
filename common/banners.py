"""Notices shown at the top of every console page (an audit-trail alarm), from the apps that raise
them: an app registers a provider in its AppConfig.ready, as with common.panels, and base.html
shows what the providers return for the signed-in user."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class Banner:
    title: str
    text: str
    link: str = ""
    link_label: str = ""


Provider = Callable[[HttpRequest], Banner | None]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    if all(existing is not provider for existing in _providers):
        _providers.append(provider)
    return provider


def banners_for(request: HttpRequest) -> list[Banner]:
    """Every provider's banner for this request (none for an anonymous visitor)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    return [banner for provider in _providers if (banner := provider(request)) is not None]
