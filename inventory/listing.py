"""The inventory list's rows as the page shows them, worked out once in Python.

A Django template spends far more per row on looking up attributes, choice labels, date filters
and URL reversal than Python does: with 50 rows a page, that was most of the list's rendering.
Each row here carries the words its cells show, computed the way the template did (a choice's
label, a date as YYYY-MM-DD), so the page reads the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse

from inventory.models import AIModel, DueState, Environment, RiskTier, Status

TIER_LABELS = {value: str(label) for value, label in RiskTier.choices}
ENVIRONMENT_LABELS = {value: str(label) for value, label in Environment.choices}
STATUS_LABELS = {value: str(label) for value, label in Status.choices}
# Any primary key works: reverse() runs once per page, and each row's link puts its own key in.
_URL_MARKER = 987654321


@dataclass(frozen=True)
class ListRow:
    model: AIModel
    due: DueState
    url: str
    tier: str
    environment: str
    status: str
    last_review: str
    next_review: str


def _day(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def list_rows(models: Iterable[AIModel], *, today: dt.date) -> list[ListRow]:
    head, tail = reverse("inventory:detail", args=[_URL_MARKER]).split(str(_URL_MARKER))
    return [
        ListRow(
            model=model,
            due=model.due_state(today=today),
            url=f"{head}{model.pk}{tail}",
            tier=TIER_LABELS.get(model.risk_tier, model.risk_tier),
            environment=ENVIRONMENT_LABELS.get(model.deployment_environment, model.deployment_environment) or "—",
            status=STATUS_LABELS.get(model.status, model.status),
            last_review=_day(model.last_review_date) or "Never",
            next_review=_day(model.next_review_date),
        )
        for model in models
    ]
