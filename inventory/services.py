"""Writes to the inventory's models. The web console, admin, CLI and (later) API all call these.

Review policies and schedules are in inventory.scheduling; what a valid model is, in
inventory.validation.

Every service takes the acting person and ``today`` explicitly, validates everything before it
writes, and writes in one transaction, so bad input changes nothing.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.deletion import ProtectedError
from django.utils import timezone

from common import text
from common.actors import Actor, stamp
from common.authz import require
from inventory import permissions
from inventory.bulk import insert_history, update_rows
from inventory.models import DEFINITION_FIELDS, AIModel, ReviewPolicy, RiskTier, Status
from inventory.scheduling import schedule
from inventory.validation import (
    BAD_CHOICE_MESSAGE,
    BAD_TRANSITION_MESSAGE,
    DEPLOYED_AFTER_REVIEW_MESSAGE,
    EDITABLE_FIELDS,
    ENUM_FIELDS,
    FINAL_STATUS_MESSAGE,
    FUTURE_DEPLOYMENT_MESSAGE,
    UNKNOWN_FIELD_MESSAGE,
    check_rules,
    check_transition,
    name_errors,
    normalize,
    normalize_fields,
)

# Re-exported: every interface names the acting person as services.Actor, and reads the editable
# fields, the field rules and their messages here, beside the services that apply them.
__all__ = [
    "Actor", "EDITABLE_FIELDS", "ENUM_FIELDS", "normalize", "BAD_CHOICE_MESSAGE", "BAD_TRANSITION_MESSAGE",
    "DEPLOYED_AFTER_REVIEW_MESSAGE", "FINAL_STATUS_MESSAGE", "FUTURE_DEPLOYMENT_MESSAGE", "UNKNOWN_FIELD_MESSAGE",
]

SCHEDULE_INPUTS = frozenset({"risk_tier", "deployment_date"})

HAS_REVIEWS_MESSAGE = (
    "{name} has been reviewed, and a reviewed model is never deleted: its review history must keep "
    "pointing at it. Decommission it instead (status: decommissioned)."
)
OWNER_IS_YOURSELF_MESSAGE = (
    "You own the models you register: the owner account can only be you ({username}). Model risk officers "
    "and administrators assign other owners."
)
OWNER_ASSIGNMENT_MESSAGE = "Only model risk officers and administrators change a model's owner account."


def owner_errors(fields: dict[str, Any], actor: Actor, *, adding: bool, current_owner_id: int | None = None
                  ) -> dict[str, list[str]]:
    """Who owns a model: model risk officers and administrators assign anyone (or no one); a model
    owner owns what they register and cannot hand a model over. Fills in the owner of a new model
    registered by someone who may not assign one. The local operator (no account) is not limited.
    (inventory.importing applies it to every row of an import.)"""
    user = actor.user
    if user is None or permissions.can_assign_owner(user):
        return {}
    if adding:
        requested = fields.get("owner")
        if requested is not None and getattr(requested, "pk", requested) != user.pk:
            return {"owner": [OWNER_IS_YOURSELF_MESSAGE.format(username=user.get_username())]}
        fields["owner"] = user
        return {}
    if "owner" in fields and getattr(fields["owner"], "pk", fields["owner"]) != current_owner_id:
        return {"owner": [OWNER_ASSIGNMENT_MESSAGE]}
    return {}


GOVERN_ACTION = "change a model's risk tier or lifecycle status (model risk officers and administrators do)"


def _authorize_changes(model: AIModel, changes: Mapping[str, Any], actor: Actor) -> None:
    """Who may change what: a model's owner (or anyone who edits every model) its description;
    only those who govern models its risk tier and lifecycle."""
    require(actor, lambda user: permissions.can_edit(user, model), f"change {model.model_name}")
    governed = {"risk_tier": model.risk_tier, "status": model.status}
    for field, current in governed.items():
        if field in changes and str(changes[field] or "").strip().lower() != current:
            require(actor, permissions.can_govern, GOVERN_ACTION)


def prepare_new_model(*, data: Mapping[str, Any], actor: Actor, today: dt.date) -> AIModel:
    """Build and validate a new model without saving it: every problem at once, as a
    ValidationError by field. The import and every form use it to check before they write.
    Refuses (PermissionDenied) an actor who may not add models, or set a status other than active."""
    require(actor, permissions.can_add, "add models")
    if str(data.get("status") or Status.ACTIVE).strip().lower() != Status.ACTIVE:
        require(actor, permissions.can_govern, GOVERN_ACTION)
    fields, errors = normalize_fields(data)
    errors.update(owner_errors(fields, actor, adding=True))
    status = fields.pop("status", Status.ACTIVE) or Status.ACTIVE
    model = AIModel(**fields, status=status, status_changed_on=today)
    if isinstance(model.deployment_date, dt.date) and model.risk_tier in RiskTier.values:
        schedule(model, ReviewPolicy.objects.in_force(on=today))
    check_rules(model, today=today, errors=errors)
    return model


DECOMMISSION_REASON_MESSAGE = (
    "Say why {name} is decommissioned: decommissioning is final, and the reason goes into its history."
)


def prepare_changes(*, model: AIModel, changes: Mapping[str, Any], actor: Actor, today: dt.date,
                    reason: str = "") -> AIModel:
    """Apply and validate changes to ``model`` in memory: every problem at once, as a
    ValidationError by field (a refused status change and bad field values together). Decommissioning
    needs a ``reason``."""
    fields, errors = normalize_fields(changes)
    if fields.get("status") == Status.DECOMMISSIONED and model.status != Status.DECOMMISSIONED:
        try:
            if not text.clean_text(reason or "", label="Reason").strip():
                errors["reason"] = [DECOMMISSION_REASON_MESSAGE.format(name=model.model_name)]
        except ValidationError as exc:
            errors["reason"] = exc.messages
    errors.update(owner_errors(fields, actor, adding=False, current_owner_id=model.owner_id))
    if "status" in fields:
        try:
            check_transition(model.status, fields["status"])
        except ValidationError as exc:
            errors.update(exc.message_dict)
            del fields["status"]
        else:
            if fields["status"] != model.status:
                model.status_changed_on = today
    for key, value in fields.items():
        if key not in errors:
            setattr(model, key, value)
    if SCHEDULE_INPUTS & fields.keys() and isinstance(model.deployment_date, dt.date) and model.risk_tier in RiskTier.values:
        schedule(model, ReviewPolicy.objects.in_force(on=today))
    check_rules(model, today=today, errors=errors)
    return model


def check_changes(*, model: AIModel, changes: Mapping[str, Any], actor: Actor, today: dt.date,
                  reason: str = "") -> AIModel:
    """Validate everything, save nothing: the model as the changes would leave it, checked on a copy
    (``model`` is left as it was). Raises ValidationError with every problem, or PermissionDenied."""
    _authorize_changes(model, changes, actor)
    return prepare_changes(model=copy.copy(model), changes=changes, actor=actor, today=today, reason=reason)


@transaction.atomic
def create_model(*, data: Mapping[str, Any], actor: Actor, today: dt.date) -> AIModel:
    """Add a model to the inventory.

    Conditions: every required field present and valid (dates YYYY-MM-DD within range, text
    without control or invisible characters, a name in one alphabet); the name unique as people
    read it (case, width, invisible characters and look-alike letters aside); deployment date not
    in the future; a model owner who registers a model owns it (and cannot name another owner).
    The schedule comes from the policy in force today.
    """
    model = prepare_new_model(data=data, actor=actor, today=today)
    stamp(model, actor, "created")
    _save_checking_name(model)
    return model


def _save_checking_name(model: AIModel) -> None:
    """Save; a name another writer took since it was checked is the duplicate-name error, not a crash."""
    try:
        with transaction.atomic():
            model.save()
    except IntegrityError:
        errors = name_errors(model)
        if errors:
            raise ValidationError({"model_name": errors}) from None
        raise


@transaction.atomic
def update_model(*, model: AIModel, changes: Mapping[str, Any], actor: Actor, today: dt.date,
                 reason: str = "") -> AIModel:
    """Change a model's fields. Status changes follow the lifecycle (forward only, decommissioned
    is final); the next review date is recomputed when the tier or deployment date changes; the
    deployment date never moves after the first review record; only model risk officers and
    administrators change the owner account.

    The changes are applied to the row as it is now (locked), not to the caller's copy, so a
    review recorded since the caller read the model is never overwritten. The caller's object is
    brought up to date.
    """
    current = _locked(model)
    _authorize_changes(current, changes, actor)
    was = current.status
    prepare_changes(model=current, changes=changes, actor=actor, today=today, reason=reason)
    stamp(current, actor, _history_reason(was, current.status, reason))
    _save_checking_name(current)
    _copy_into(model, current)
    return model


def _locked(model: AIModel) -> AIModel:
    return AIModel.objects.select_for_update(of=("self",)).get(pk=model.pk)


def _copy_into(target: AIModel, source: AIModel) -> None:
    for field in AIModel._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    # History read before the change is stale now.
    target.__dict__.pop("_history_snapshots", None)
    # Cached related objects (policy, owner) may be stale now; Django reloads them on access.
    for name in ("review_policy", "owner"):
        field = AIModel._meta.get_field(name)
        if field.is_cached(target):
            field.delete_cached_value(target)


def change_status(*, model: AIModel, status: str, actor: Actor, today: dt.date, reason: str = "") -> AIModel:
    """Move a model along its lifecycle; decommissioning (final) needs the reason, which its history keeps."""
    return update_model(model=model, changes={"status": status}, actor=actor, today=today, reason=reason)


def _history_reason(was: str, now: str, reason: str) -> str:
    reason = " ".join((reason or "").split())
    if now != was and now == Status.DECOMMISSIONED:
        return f"decommissioned: {reason}"
    return f"updated: {reason}" if reason else "updated"


@transaction.atomic
def delete_model(*, model: AIModel, actor: Actor) -> None:
    """Hard-delete a model that was never reviewed.

    A model with a last review date or any review record is refused: the audit trail (and the
    database's PROTECT foreign key from review records) must keep pointing at it. Only roles that
    delete models may.
    """
    require(actor, permissions.can_delete, "delete models")
    model = _locked(model)
    if model.last_review_date is not None:
        raise ValidationError(HAS_REVIEWS_MESSAGE.format(name=model.model_name), code="has_reviews")
    stamp(model, actor, "deleted")
    try:
        model.delete()
    except ProtectedError:
        raise ValidationError(HAS_REVIEWS_MESSAGE.format(name=model.model_name), code="has_reviews") from None


def review_invalidated_by(model: AIModel, changes: Mapping[str, Any]) -> list[str]:
    """The definition fields among ``changes`` that would make a model whose definition matches its
    last review "changed since review" (non-compliant until it is reviewed again); [] when none would.
    Interfaces say so before saving (the console asks to confirm; mltrack update warns)."""
    if not model.latest_outcome_state_hash or model.state_hash != model.latest_outcome_state_hash:
        return []
    return [name for name in DEFINITION_FIELDS if name in changes and changes[name] != getattr(model, name)]


def note_card_published(*, model: AIModel, state_hash: str, at: dt.datetime, actor: Actor, reason: str) -> None:
    """Remember that a card was published for the model as it stood at ``state_hash``, with a
    history entry (verification holds every row to its latest entry). The cards app calls it inside
    its publishing transaction, after its own role check."""
    current = _locked(model)
    current.card_state_hash = state_hash
    current.card_published_at = at
    stamp(current, actor, reason)
    current.save(update_fields=["card_state_hash", "card_published_at", "updated_at"])
    _copy_into(model, current)


def note_cards_published(*, models: Sequence[AIModel], at: dt.datetime, actor: Actor, reason: str) -> None:
    """note_card_published for many models at once (the cards app's bulk publishing, for sample
    data): each model's ``card_state_hash`` is set by the caller to the state hash its card was
    published at. Batched UPDATEs and history inserts, never a query per model, and each model gets
    its history entry. Call it in the cards app's transaction, after its role check."""
    if not models:
        return
    # Written now, as a single save's history entry is: the entries of the same transaction's earlier
    # writes (the sample's reviews) are dated by the clock too, and this one must read as the latest.
    written = timezone.now()
    for model in models:
        model.card_published_at = at
        model.updated_at = written
    update_rows(models, ["card_state_hash", "card_published_at", "updated_at"])
    insert_history(models, user=actor.user, actor_name=actor.name, reason=reason, when=written, kind="~")
