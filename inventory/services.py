"""Writes to the inventory's models. The web console, admin, CLI and (later) API all call these.

Review policies and schedules are in inventory.scheduling.

Every service takes the acting person and ``today`` explicitly, validates everything before it
writes, and writes in one transaction, so bad input changes nothing.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.deletion import ProtectedError

from common.actors import Actor, stamp
from common.authz import require
from inventory import permissions
from inventory.models import (
    ALLOWED_TRANSITIONS,
    AIModel,
    DataClassification,
    Environment,
    ModelType,
    ReviewPolicy,
    RiskTier,
    Status,
)
from inventory.scheduling import schedule

__all__ = ["Actor"]  # re-exported: every interface names the acting person as services.Actor

# Fields a person may set when adding or editing a model. Review dates, the schedule and the
# policy link are derived; status changes go through change_status().
EDITABLE_FIELDS: tuple[str, ...] = (
    "model_name",
    "vendor",
    "risk_tier",
    "use_case",
    "business_owner",
    "technical_owner",
    "deployment_date",
    "model_version",
    "deployment_environment",
    "api_endpoint",
    "data_classification",
    "model_type",
    "business_line",
    "notes",
    "owner",
)
ENUM_FIELDS: dict[str, type[models.TextChoices]] = {
    "risk_tier": RiskTier,
    "deployment_environment": Environment,
    "data_classification": DataClassification,
    "model_type": ModelType,
    "status": Status,
}
DATE_FIELDS = frozenset({"deployment_date"})
SCHEDULE_INPUTS = frozenset({"risk_tier", "deployment_date"})

FUTURE_DEPLOYMENT_MESSAGE = "The deployment date cannot be in the future (today is {today})."
DEPLOYED_AFTER_REVIEW_MESSAGE = "The deployment date cannot be after the model's last review on {last_review}."
BAD_CHOICE_MESSAGE = "{value!r} is not allowed here. Allowed values: {allowed}."
UNKNOWN_FIELD_MESSAGE = "Unknown field. Fields that can be set: {fields}."
FINAL_STATUS_MESSAGE = "A decommissioned model is final: its status cannot change."
BAD_TRANSITION_MESSAGE = "A model cannot go from {old} to {new}. Allowed from {old}: {allowed}."
HAS_REVIEWS_MESSAGE = (
    "{name} has been reviewed, and a reviewed model is never deleted: its review history must keep "
    "pointing at it. Decommission it instead (status: decommissioned)."
)


def normalize(data: Mapping[str, Any]) -> dict[str, Any]:
    """Trim text, lower-case enum values ("HIGH" means high) and parse ISO dates.

    Raises ValidationError naming every unknown field, unknown enum value and bad date at once.
    """
    clean, errors = _normalize(data)
    if errors:
        raise ValidationError(errors)
    return clean


def _normalize(data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Like normalize(), but returns the well-formed values and the errors of the rest."""
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(data) - set(EDITABLE_FIELDS) - {"status"})
    for name in unknown:
        errors[name] = [UNKNOWN_FIELD_MESSAGE.format(fields=", ".join(EDITABLE_FIELDS))]
    clean: dict[str, Any] = {}
    for key, value in data.items():
        if key in unknown:
            continue
        if isinstance(value, str):
            value = value.strip()
            if key in ENUM_FIELDS:
                value = value.lower()
                if value and value not in ENUM_FIELDS[key].values:
                    errors[key] = [
                        BAD_CHOICE_MESSAGE.format(value=value, allowed=", ".join(ENUM_FIELDS[key].values))
                    ]
                    continue
            elif key in DATE_FIELDS and value:
                try:
                    value = AIModel._meta.get_field(key).to_python(value)
                except ValidationError as exc:
                    errors[key] = exc.messages
                    continue
        elif value is None and key != "owner":
            value = ""
        clean[key] = value
    return clean, errors


def _check_rules(model: AIModel, *, today: dt.date, errors: dict[str, list[str]] | None = None) -> None:
    """Rules that need today's date or the model's history; field rules live on the model.

    ``errors`` are problems already found while parsing; those fields are not checked again.
    """
    errors = dict(errors or {})
    if isinstance(model.deployment_date, dt.date):
        if model.deployment_date > today:
            errors["deployment_date"] = [FUTURE_DEPLOYMENT_MESSAGE.format(today=today.isoformat())]
        elif model.last_review_date and model.deployment_date > model.last_review_date:
            errors["deployment_date"] = [
                DEPLOYED_AFTER_REVIEW_MESSAGE.format(last_review=model.last_review_date.isoformat())
            ]
    try:
        model.full_clean(exclude=["review_policy", "next_review_date", *errors])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(m for m in messages if m not in errors.get(field, []))
    if errors:
        raise ValidationError(errors)


def _check_transition(old: str, new: str) -> None:
    if old == new:
        return
    if old == Status.DECOMMISSIONED:
        raise ValidationError({"status": [FINAL_STATUS_MESSAGE]})
    allowed = ALLOWED_TRANSITIONS[Status(old)]
    if new not in allowed:
        raise ValidationError(
            {
                "status": [
                    BAD_TRANSITION_MESSAGE.format(
                        old=old, new=new, allowed=", ".join(sorted(allowed)) or "nothing"
                    )
                ]
            }
        )


OWNER_IS_YOURSELF_MESSAGE = (
    "You own the models you register: the owner account can only be you ({username}). Model risk officers "
    "and administrators assign other owners."
)
OWNER_ASSIGNMENT_MESSAGE = "Only model risk officers and administrators change a model's owner account."


def _owner_errors(fields: dict[str, Any], actor: Actor, *, adding: bool, current_owner_id: int | None = None
                  ) -> dict[str, list[str]]:
    """Who owns a model: model risk officers and administrators assign anyone (or no one); a model
    owner owns what they register and cannot hand a model over. Fills in the owner of a new model
    registered by someone who may not assign one. The local operator (no account) is not limited."""
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
    fields, errors = _normalize(data)
    errors.update(_owner_errors(fields, actor, adding=True))
    status = fields.pop("status", Status.ACTIVE) or Status.ACTIVE
    model = AIModel(**fields, status=status, status_changed_on=today)
    if isinstance(model.deployment_date, dt.date) and model.risk_tier in RiskTier.values:
        schedule(model, ReviewPolicy.objects.in_force(on=today))
    _check_rules(model, today=today, errors=errors)
    return model


def prepare_changes(*, model: AIModel, changes: Mapping[str, Any], actor: Actor, today: dt.date) -> AIModel:
    """Apply and validate changes to ``model`` in memory: every problem at once, as a
    ValidationError by field (a refused status change and bad field values together)."""
    fields, errors = _normalize(changes)
    errors.update(_owner_errors(fields, actor, adding=False, current_owner_id=model.owner_id))
    if "status" in fields:
        try:
            _check_transition(model.status, fields["status"])
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
    _check_rules(model, today=today, errors=errors)
    return model


def check_changes(*, model: AIModel, changes: Mapping[str, Any], actor: Actor, today: dt.date) -> AIModel:
    """Validate everything, save nothing: the model as the changes would leave it, checked on a copy
    (``model`` is left as it was). Raises ValidationError with every problem, or PermissionDenied."""
    _authorize_changes(model, changes, actor)
    return prepare_changes(model=copy.copy(model), changes=changes, actor=actor, today=today)


@transaction.atomic
def create_model(*, data: Mapping[str, Any], actor: Actor, today: dt.date) -> AIModel:
    """Add a model to the inventory.

    Conditions: every required field present and valid; name unique without regard to case;
    deployment date not in the future; a model owner who registers a model owns it (and cannot
    name another owner). The schedule comes from the policy in force today.
    """
    model = prepare_new_model(data=data, actor=actor, today=today)
    stamp(model, actor, "created")
    model.save()
    return model


@transaction.atomic
def update_model(*, model: AIModel, changes: Mapping[str, Any], actor: Actor, today: dt.date) -> AIModel:
    """Change a model's fields. Status changes follow the lifecycle (forward only, decommissioned
    is final); the next review date is recomputed when the tier or deployment date changes; only
    model risk officers and administrators change the owner account.

    The changes are applied to the row as it is now (locked), not to the caller's copy, so a
    review recorded since the caller read the model is never overwritten. The caller's object is
    brought up to date.
    """
    current = _locked(model)
    _authorize_changes(current, changes, actor)
    prepare_changes(model=current, changes=changes, actor=actor, today=today)
    stamp(current, actor, "updated")
    current.save()
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


def change_status(*, model: AIModel, status: str, actor: Actor, today: dt.date) -> AIModel:
    return update_model(model=model, changes={"status": status}, actor=actor, today=today)


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
