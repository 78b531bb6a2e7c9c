"""The model page's verdict, evaluated once per state of the model.

``engine.model_row`` reads only the model's own row and its review policy's (the card rule's
publication date is a column of the model), so its values stay right for as long as those rows, the
day and the ruleset do. The key holds all of them: every column of the model as the page loaded it,
every column of its policy, the day and the ruleset's hash. Any change to the model, however it is
made (a form, a review recorded, a bulk update, an import), changes a column and so the key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.core.cache import cache

from compliance.engine import ModelResult, model_row, result_from_row
from compliance.rules import RULESET
from inventory.models import AIModel

# At most this long (seconds): a copy cannot outlive its inputs, so this only bounds memory.
CACHE_SECONDS = 300
_MISSING = object()


def _columns(instance) -> list[Any]:
    return [getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields]


def state_key(model: AIModel, *, today: dt.date) -> str | None:
    """The cache key of this model's verdict today, or None when the page did not load every column
    (a deferred column would not be in the key, and reading it would cost a query)."""
    if model.get_deferred_fields() or model.review_policy.get_deferred_fields():
        return None
    state = [_columns(model), _columns(model.review_policy), today.isoformat(), RULESET.content_hash]
    return "compliance:model:" + hashlib.sha256(json.dumps(state, default=str).encode()).hexdigest()


def evaluate_model_cached(model: AIModel, *, today: dt.date) -> ModelResult:
    """engine.evaluate_model(), its query made once per state of the model (see the module's note)."""
    key = state_key(model, today=today)
    row = _MISSING if key is None else cache.get(key, _MISSING)
    if row is _MISSING:
        row = model_row(model, today=today)
        if key is not None:
            cache.set(key, row, CACHE_SECONDS)
    return result_from_row(model, row, today=today)
