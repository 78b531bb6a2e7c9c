"""The model page's card section: where the card stands and the way to it."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest

from common import panels
from inventory import permissions
from inventory.models import AIModel


def card_panel(request: HttpRequest, model: AIModel, today: dt.date) -> panels.Panel | None:
    if not permissions.can_view(request.user):
        return None
    current = bool(model.card_state_hash) and model.card_state_hash == model.state_hash
    return panels.Panel("cards/includes/model_panel.html", {"model": model, "current": current})


def register() -> None:
    from inventory.views import MODEL_PAGE

    panels.register(MODEL_PAGE, card_panel, position=30)
