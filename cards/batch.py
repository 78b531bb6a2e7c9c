"""A model card's sections for many models at once, as an import brings them (transfers): read in
one query, checked by the same text rules as cards.services.update_card_content, written with
bulk statements and a history entry per card, never a query per model."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.utils import timezone

from cards import permissions
from cards.models import ModelCardContent
from cards.services import CONTENT_FIELDS, _clean_text
from common.actors import Actor
from common.authz import require
from inventory.models import AIModel

BATCH_SIZE = 500


def card_sections_of(model_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """The stored sections of these models' cards, by model id (a model without any is absent)."""
    ids = list(model_ids)
    if not ids:
        return {}
    rows = ModelCardContent.objects.filter(model_id__in=ids).values_list("model_id", *CONTENT_FIELDS)
    return {row[0]: dict(zip(CONTENT_FIELDS, row[1:])) for row in rows}


def check_card_sections(values: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The sections cleaned as the console's edit would store them, and each bad one's messages."""
    errors: dict[str, list[str]] = {}
    # An empty section (most of an inventory's) is clean as it is.
    cleaned = {name: "" if type(value) is str and not value else _clean_text(name, value, errors)
               for name, value in values.items() if name in CONTENT_FIELDS}
    return cleaned, errors


def save_card_sections(*, changes: Sequence[tuple[AIModel, Mapping[str, str]]], actor: Actor, reason: str) -> int:
    """Write checked section changes (check_card_sections) of saved models: new card content rows
    inserted, existing ones updated, each with its history entry naming the actor. Refused, with
    nothing written, unless the actor may edit every one of these cards. Call it in a transaction."""
    changes = [(model, sections) for model, sections in changes if sections]
    for model, _ in changes:
        require(actor, lambda user, model=model: permissions.can_edit_model_card(user, model),
                f"edit the card of {model.model_name}")
    if not changes:
        return 0
    now = timezone.now()
    existing = {content.model_id: content for content in ModelCardContent.objects.select_for_update().filter(
        model_id__in=[model.pk for model, _ in changes])}
    added, updated = [], []
    for model, sections in changes:
        content = existing.get(model.pk)
        if content is None:
            content = ModelCardContent(model_id=model.pk)
            added.append(content)
        else:
            updated.append(content)
        for name, value in sections.items():
            setattr(content, name, value)
        content.updated_at = now
    history = {"default_user": actor.user, "default_change_reason": reason,
               "custom_historical_attrs": {"history_actor": actor.name}}
    if added:
        ModelCardContent.objects.bulk_create(added, batch_size=BATCH_SIZE)
        ModelCardContent.history.bulk_history_create(added, batch_size=BATCH_SIZE, **history)
    if updated:
        ModelCardContent.objects.bulk_update(updated, [*CONTENT_FIELDS, "updated_at"], batch_size=BATCH_SIZE)
        ModelCardContent.history.bulk_history_create(updated, batch_size=BATCH_SIZE, update=True, **history)
    return len(changes)
