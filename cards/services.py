"""Writes to cards: card content, AI systems, agents, and publishing a card version.

Every service takes the acting person, checks their role itself (common.authz.require), validates
everything before it writes and writes in one transaction, so bad input changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet

from cards import document, permissions
from cards.models import (
    MODEL_CARD_SECTIONS,
    TEXT_LIMIT,
    Agent,
    AISystem,
    AutonomyLevel,
    CardKind,
    CardVersion,
    ModelCardContent,
)
from common import text
from common.actors import Actor, stamp
from common.authz import require
from inventory import services as inventory_services
from inventory.models import AIModel

CONTENT_FIELDS = tuple(key for key, _ in MODEL_CARD_SECTIONS)
SYSTEM_FIELDS = ("name", "purpose", "components", "deployment_context", "safeguards", "ai_models", "owner")
AGENT_FIELDS = ("name", "purpose", "autonomy_level", "tools_and_permissions", "decision_boundaries",
                "human_oversight", "stop_procedure", "ai_models", "owner")

# Card versions inserted per statement by the bulk publishing (each holds a whole card).
BULK_BATCH = 500

UNKNOWN_FIELD_MESSAGE = "Unknown field {field!r}: the fields are {fields}."
TOO_LONG_MESSAGE = "At most {limit:,} characters (this has {length:,})."
NOT_TEXT_MESSAGE = "Expected text."
NAME_REQUIRED_MESSAGE = "Give it a name."
NAME_TAKEN_MESSAGE = "Another {kind} is already named {name!r}."
BAD_AUTONOMY_MESSAGE = "Choose one of: {choices}."
UNKNOWN_MODELS_MESSAGE = "No model is named {names}."
OWNER_MESSAGE = "Only model risk officers and administrators assign another owner."
UNKNOWN_OWNER_MESSAGE = "No user account is named {name!r}."


def _clean_text(name: str, value: Any, errors: dict[str, list[str]]) -> str:
    """A text field's value (names single-line, the rest multi-line), or its error under its name."""
    if value is None:
        return ""
    if not isinstance(value, str):
        errors.setdefault(name, []).append(NOT_TEXT_MESSAGE)
        return ""
    label = name.replace("_", " ")
    try:
        value = text.clean_name(value, label=label) if name == "name" else text.clean_text(value, label=label)
    except ValidationError as exc:
        errors.setdefault(name, []).extend(exc.messages)
        return ""
    limit = 200 if name == "name" else TEXT_LIMIT
    if len(value) > limit:
        errors.setdefault(name, []).append(TOO_LONG_MESSAGE.format(limit=limit, length=len(value)))
    return value


def _refuse_unknown(data: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ValidationError({name: [UNKNOWN_FIELD_MESSAGE.format(field=name, fields=", ".join(allowed))]
                               for name in unknown})


@transaction.atomic
def update_card_content(*, model: AIModel, changes: Mapping[str, Any], actor: Actor) -> ModelCardContent:
    """Change the sections of a model's card that owners write (see MODEL_CARD_SECTIONS)."""
    require(actor, lambda user: permissions.can_edit_model_card(user, model), f"edit the card of {model.model_name}")
    _refuse_unknown(changes, CONTENT_FIELDS)
    errors: dict[str, list[str]] = {}
    cleaned = {name: _clean_text(name, value, errors) for name, value in changes.items()}
    if errors:
        raise ValidationError(errors)
    content = ModelCardContent.objects.select_for_update().filter(model=model).first() or ModelCardContent(model=model)
    for name, value in cleaned.items():
        setattr(content, name, value)
    stamp(content, actor, "card content")
    content.save()
    return content


def _resolve_models(names: Any, errors: dict[str, list[str]]) -> list[AIModel]:
    if isinstance(names, str):
        names = [line for line in names.replace(",", "\n").splitlines()]
    if not isinstance(names, list | tuple):
        errors["ai_models"] = ["Expected a list of model names."]
        return []
    wanted = [str(getattr(name, "model_name", name)).strip() for name in names]
    wanted = [name for name in wanted if name]
    found = {model.model_name: model for model in AIModel.objects.filter(model_name__in=wanted)}
    missing = [name for name in wanted if name not in found]
    if missing:
        errors["ai_models"] = [UNKNOWN_MODELS_MESSAGE.format(names=", ".join(repr(name) for name in missing))]
    return list(found.values())


def _resolve_owner(value: Any, actor: Actor, current_id: int | None, adding: bool,
                   errors: dict[str, list[str]]):
    user_model = get_user_model()
    if value in (None, ""):
        owner = None
    elif isinstance(value, user_model):
        owner = value
    else:
        owner = user_model.objects.filter(username=str(value)).first()
        if owner is None:
            errors["owner"] = [UNKNOWN_OWNER_MESSAGE.format(name=str(value))]
            return None
    user = actor.user
    if user is not None and not permissions.can_assign_owner(user):
        expected = user.pk if adding else current_id
        if (owner.pk if owner else None) != expected:
            errors["owner"] = [OWNER_MESSAGE]
    return owner


def _save_subject(subject: AISystem | Agent, data: Mapping[str, Any], actor: Actor, fields: tuple[str, ...],
                  kind: str) -> AISystem | Agent:
    _refuse_unknown(data, fields)
    errors: dict[str, list[str]] = {}
    adding = subject.pk is None
    values: dict[str, Any] = {}
    for name in fields:
        if name not in data:
            continue
        if name == "ai_models":
            values[name] = _resolve_models(data[name], errors)
        elif name == "owner":
            values[name] = _resolve_owner(data[name], actor, subject.owner_id, adding, errors)
        elif name == "autonomy_level":
            values[name] = str(data[name] or "").strip().lower()
        else:
            values[name] = _clean_text(name, data[name], errors)
    if adding and "owner" not in data and actor.user is not None:
        values["owner"] = actor.user
    name = values.get("name", subject.name)
    if not name:
        errors.setdefault("name", []).append(NAME_REQUIRED_MESSAGE)
    elif type(subject).objects.filter(name=name).exclude(pk=subject.pk).exists():
        errors.setdefault("name", []).append(NAME_TAKEN_MESSAGE.format(kind=kind, name=name))
    if "autonomy_level" in values and values["autonomy_level"] not in AutonomyLevel.values:
        errors["autonomy_level"] = [BAD_AUTONOMY_MESSAGE.format(choices=", ".join(AutonomyLevel.values))]
    if errors:
        raise ValidationError(errors)
    members = values.pop("ai_models", None)
    if not adding:
        # A change that changes nothing writes nothing, and so leaves no empty history entry.
        values = {field: value for field, value in values.items() if getattr(subject, field) != value}
        if members is not None and {model.pk for model in members} == set(subject.ai_models.values_list("pk", flat=True)):
            members = None
        if not values and members is None:
            return subject
    for field, value in values.items():
        setattr(subject, field, value)
    stamp(subject, actor, f"{kind} saved")
    subject.save()
    if members is not None:
        subject.ai_models.set(members)
    return subject


@transaction.atomic
def save_system(*, data: Mapping[str, Any], actor: Actor, system: AISystem | None = None) -> AISystem:
    """Register an AI system (``system`` None) or change one: name, purpose, member models (by
    name), components, deployment context, safeguards, owner account."""
    if system is None:
        require(actor, permissions.can_add_subject, "register AI systems")
        system = AISystem()
    else:
        require(actor, lambda user: permissions.can_edit_subject(user, system), f"change the AI system {system.name}")
    return _save_subject(system, data, actor, SYSTEM_FIELDS, "AI system")


@transaction.atomic
def save_agent(*, data: Mapping[str, Any], actor: Actor, agent: Agent | None = None) -> Agent:
    """Register an agent (``agent`` None) or change one."""
    if agent is None:
        require(actor, permissions.can_add_subject, "register agents")
        agent = Agent()
    else:
        require(actor, lambda user: permissions.can_edit_subject(user, agent), f"change the agent {agent.name}")
    return _save_subject(agent, data, actor, AGENT_FIELDS, "agent")


def build_card(kind: str, subject: AIModel | AISystem | Agent, *, today: dt.date) -> dict[str, Any]:
    if kind == CardKind.MODEL:
        return document.model_card(subject, today=today)
    if kind == CardKind.SYSTEM:
        return document.system_card(subject, today=today)
    return document.agent_card(subject, today=today)


def _may_publish(kind: str, subject: Any):
    if kind == CardKind.MODEL:
        return lambda user: permissions.can_edit_model_card(user, subject)
    return lambda user: permissions.can_edit_subject(user, subject)


@transaction.atomic
def publish_card(*, kind: str, subject: AIModel | AISystem | Agent, actor: Actor, now: dt.datetime,
                 today: dt.date) -> CardVersion:
    """Publish the card as it reads now: a new immutable version with its SHA-256 and the state hash
    it describes. A model's publication is noted on the model (compliance's "current card")."""
    name = getattr(subject, "model_name", None) or subject.name
    require(actor, _may_publish(kind, subject), f"publish the card of {name}")
    latest = CardVersion.objects.of(kind, subject.pk).aggregate(latest=Max("version"))["latest"] or 0
    if kind == CardKind.MODEL:
        # Noted before the card is built, the row locked until the version is saved: the card's
        # compliance section then reads the model with this very card current, the state the
        # publication brings about (not the card rule's breach that the publication ends).
        state_hash = AIModel.objects.select_for_update().filter(pk=subject.pk).values_list(
            "state_hash", flat=True).get()
        inventory_services.note_card_published(model=subject, state_hash=state_hash, at=now, actor=actor,
                                               reason=f"model card version {latest + 1} published")
    card = build_card(kind, subject, today=today)
    version = CardVersion(
        kind=kind, subject_id=subject.pk, subject_name=name, version=latest + 1, document=card,
        sha256=document.card_sha256(card), state_hash=document.subject_state_hash(card),
        published_by=actor.name, published_at=now,
    )
    version.save()
    return version


@transaction.atomic
def publish_model_cards(*, models: QuerySet[AIModel], actor: Actor, now: dt.datetime, today: dt.date,
                        reason: str = "model card published") -> int:
    """Publish the model card of every model in ``models`` as it reads now, as publish_card would one
    by one, in a fixed number of queries whatever their number (sample data publishes thousands):
    the cards are built together (document.model_cards), the versions inserted in batches, and the
    models noted with a history entry each. Refused, with nothing written, unless the actor may
    publish every one. Returns how many were published."""
    subjects = list(models.order_by("model_name", "pk"))
    for model in subjects:
        require(actor, lambda user, model=model: permissions.can_edit_model_card(user, model),
                f"publish the card of {model.model_name}")
    if not subjects:
        return 0
    # Noted first, as publish_card does, so that each card's compliance reads its model with this card
    # current.
    for model in subjects:
        model.card_state_hash = model.state_hash
    inventory_services.note_cards_published(models=subjects, at=now, actor=actor, reason=reason)
    cards = document.model_cards(AIModel.objects.filter(pk__in=[model.pk for model in subjects]), today=today)
    latest = dict(CardVersion.objects.filter(kind=CardKind.MODEL, subject_id__in=[model.pk for model in subjects])
                  .values("subject_id").annotate(latest=Max("version")).values_list("subject_id", "latest"))
    versions = [
        CardVersion(
            kind=CardKind.MODEL, subject_id=model.pk, subject_name=model.model_name,
            version=latest.get(model.pk, 0) + 1, document=card, sha256=document.card_sha256(card),
            state_hash=document.subject_state_hash(card), published_by=actor.name, published_at=now,
        )
        for model, card in zip(subjects, cards, strict=True)
    ]
    CardVersion.objects.bulk_create(versions, batch_size=BULK_BATCH)
    return len(versions)
