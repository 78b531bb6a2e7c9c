"""Adding and changing many models at once (the import): the rules of create_model and update_model,
checked for a whole batch with a fixed number of queries per 500 names, and written in bulk with
one change-history entry per model.

The single-model services check a model with ``full_clean()`` and look its name up on its own;
both cost queries per model (Django checks each constraint with a query), which at 100,000 rows
is minutes. Here the same rules run in memory: each field's rule (inventory.validation.normalize_fields),
the model's field limits (lengths, the URL), the dates against today and the first review, the
name against every existing name key (read in slices) and against the other rows. The database's
constraints still hold the last line.

Roles are checked once per batch: adding needs the right to add models (or nothing is added); a
status other than active, or a changed risk tier or status, needs the right to govern models, and
changing a model the right to edit it; a row that asks for what its actor may not do is a problem
of that row.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from common import dates, text
from common.actors import Actor
from common.authz import allows, require
from inventory import permissions
from inventory.bulk import build_instance, insert_history, insert_objects, next_ids, update_rows
from inventory.models import DUPLICATE_NAME_MESSAGE, NAME_KEY_MAX_LENGTH, AIModel, ReviewPolicy, RiskTier, Status
from inventory.scheduling import schedule
from inventory.services import SCHEDULE_INPUTS, owner_errors
from inventory.validation import (
    DEPLOYED_AFTER_REVIEW_MESSAGE,
    EDITABLE_FIELDS,
    FUTURE_DEPLOYMENT_MESSAGE,
    NAME_KEY_TOO_LONG_MESSAGE,
    check_transition,
    first_review_on,
    normalize_fields,
)

BATCH_SIZE = 2000
# Name keys per look-up query: well under SQLite's parameter limit.
LOOKUP_SLICE = 500

REQUIRED_MESSAGE = "Required: it cannot be empty."
NO_ACCOUNT_MESSAGE = "No user account named {name!r}: give an existing username, or leave it empty."
STATUS_DATE_FUTURE_MESSAGE = "The status date cannot be in the future (today is {today})."
STATUS_DATE_EARLY_MESSAGE = "The status date cannot be before the deployment date ({deployed})."
GOVERN_ROW_MESSAGE = (
    "Only model risk officers and administrators set a risk tier or lifecycle status that differs from the "
    "model's (or a status other than active on a new model)."
)
EDIT_ROW_MESSAGE = "You may not change {name}: model owners change only the models they own."
SAME_NAME_IN_BATCH_MESSAGE = "Another row of this batch has the same name as people read it ({other})."
# Fields an import may set on a model, beyond the editable ones: the lifecycle and when it was entered.
IMPORTED_FIELDS: tuple[str, ...] = (*EDITABLE_FIELDS, "status", "status_changed_on")
# What a changed model's row is written with (the derived values follow the definition).
WRITTEN_FIELDS: tuple[str, ...] = (
    *(name for name in EDITABLE_FIELDS if name != "owner"), "owner", "status", "status_changed_on",
    "next_review_date", "review_policy", "state_hash", "name_key", "updated_at",
)
# The fields whose own limits (length, URL) are checked in memory; choices and dates are checked
# by normalize_fields already.
_LIMITED = [AIModel._meta.get_field(name) for name in EDITABLE_FIELDS if name != "owner"]
TIERS = frozenset(RiskTier.values)


@dataclass
class Checked:
    """One row's model as the import would write it, its problems by field, and for a change, the
    fields that differ from the model as it is."""

    model: AIModel
    errors: dict[str, list[str]] = field(default_factory=dict)
    changed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def models_named(names: Iterable[str], *, lock: bool = False) -> dict[str, AIModel]:
    """The models with these names, by name key (as people read names): one query per 500 names.
    Names no model can have (control characters) are left out. ``lock``: the rows are locked for
    the rest of the transaction (PostgreSQL; SQLite's transaction already holds the write lock)."""
    keys = sorted({text.name_key(name) for name in names if isinstance(name, str) and text.is_clean_line(name)})
    found: dict[str, AIModel] = {}
    # The models alone, on the unique name_key index, and their few policies apart: joined to the
    # policies in one query, PostgreSQL's planner can pick a scan of every model with the policy
    # when the table's statistics are older than an import's own batches.
    queryset = AIModel.objects.order_by("name_key")  # locked in one order by every import
    if lock:
        queryset = queryset.select_for_update()
    for start in range(0, len(keys), LOOKUP_SLICE):
        for model in queryset.filter(name_key__in=keys[start : start + LOOKUP_SLICE]):
            found[model.name_key] = model
    if found:
        policies = ReviewPolicy.objects.in_bulk({model.review_policy_id for model in found.values()})
        for model in found.values():
            model.review_policy = policies[model.review_policy_id]
    return found


def _accounts(rows: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The user accounts the rows name as owners, by username, in one query."""
    names = {row["owner"] for row in rows if isinstance(row.get("owner"), str) and row["owner"].strip()}
    names = {name.strip() for name in names}
    if not names:
        return {}
    return {user.get_username(): user for user in get_user_model().objects.filter(username__in=names)}


def _owner(data: dict[str, Any], accounts: Mapping[str, Any], errors: dict[str, list[str]]) -> None:
    """The owner given by username becomes the account (or None when empty)."""
    if "owner" not in data:
        return
    name = data["owner"]
    if name is None or (isinstance(name, str) and not name.strip()):
        data["owner"] = None
    elif isinstance(name, str):
        user = accounts.get(name.strip())
        if user is None:
            errors["owner"] = [NO_ACCOUNT_MESSAGE.format(name=text.escape_line(name.strip()))]
            del data["owner"]
        else:
            data["owner"] = user


def _status_date(value: Any, model: AIModel, *, today: dt.date, errors: dict[str, list[str]]) -> dt.date | None:
    """An imported status date: YYYY-MM-DD, not in the future, not before deployment."""
    if value is None or value == "":
        return None
    try:
        day = dates.parse_date(value, label="Status date")
    except ValidationError as exc:
        errors["status_changed_on"] = exc.messages
        return None
    if day > today:
        errors["status_changed_on"] = [STATUS_DATE_FUTURE_MESSAGE.format(today=today.isoformat())]
    elif isinstance(model.deployment_date, dt.date) and day < model.deployment_date:
        errors["status_changed_on"] = [STATUS_DATE_EARLY_MESSAGE.format(deployed=model.deployment_date.isoformat())]
    return day


def _check_model(model: AIModel, errors: dict[str, list[str]], *, today: dt.date,
                 taken: Mapping[str, AIModel], seen: dict[str, AIModel]) -> None:
    """The whole model's rules, in memory: dates against today and the first review, the name
    against existing models and the batch's other rows, each field's limits."""
    first_review = first_review_on(model)
    if isinstance(model.deployment_date, dt.date) and "deployment_date" not in errors:
        if model.deployment_date > today:
            errors["deployment_date"] = [FUTURE_DEPLOYMENT_MESSAGE.format(today=today.isoformat())]
        elif first_review is not None and model.deployment_date > first_review:
            errors["deployment_date"] = [DEPLOYED_AFTER_REVIEW_MESSAGE.format(first_review=first_review.isoformat())]
    if "model_name" not in errors and model.model_name:
        key = model.name_key = text.name_key(model.model_name)
        other = taken.get(key)
        if len(key) > NAME_KEY_MAX_LENGTH:
            errors["model_name"] = [NAME_KEY_TOO_LONG_MESSAGE.format(length=len(key), limit=NAME_KEY_MAX_LENGTH)]
        elif other is not None and other.pk != model.pk:
            errors["model_name"] = [DUPLICATE_NAME_MESSAGE.format(existing=text.escape_line(other.model_name))]
        elif key in seen and seen[key] is not model:
            errors["model_name"] = [SAME_NAME_IN_BATCH_MESSAGE.format(other=text.escape_line(seen[key].model_name))]
        else:
            seen[key] = model
    for limited in _LIMITED:
        if limited.name in errors:
            continue
        value = getattr(model, limited.attname)
        if value in limited.empty_values:
            if not limited.blank:
                errors[limited.name] = [REQUIRED_MESSAGE]
            continue
        messages = _limit_errors(limited.name, value)
        if messages:
            errors[limited.name] = list(messages)


@functools.lru_cache(maxsize=4096)
def _limit_errors(field: str, value: Any) -> tuple[str, ...]:
    """A field's own limits (length, URL) on a value, remembered: an inventory repeats its vendors,
    endpoints, owners and use cases across thousands of rows, and the URL check is costly."""
    try:
        AIModel._meta.get_field(field).run_validators(value)
    except ValidationError as exc:
        return tuple(exc.messages)
    return ()


def check_new_models(*, rows: Sequence[Mapping[str, Any]], actor: Actor, today: dt.date,
                     taken: Mapping[str, AIModel] | None = None) -> list[Checked]:
    """Build and check a new model for each row (fields of IMPORTED_FIELDS; ``owner`` a username),
    saving nothing. Every problem of every row is collected; a name taken by an existing model or
    by another row is a problem of that row. ``taken``: the existing models with the rows' names,
    by name key, when the caller has just read them in this transaction (models_named).

    Refuses (PermissionDenied) an actor who may not add models. A row with a status other than
    active needs the right to govern models; a model owner owns the models she adds."""
    require(actor, permissions.can_add, "add models")
    may_govern = allows(actor, permissions.can_govern)
    policy = ReviewPolicy.objects.in_force(on=today)
    accounts = _accounts(rows)
    if taken is None:
        taken = models_named(row.get("model_name") for row in rows)
    seen: dict[str, AIModel] = {}
    checked = []
    for row in rows:
        data = dict(row)
        status_date = data.pop("status_changed_on", None)
        errors: dict[str, list[str]] = {}
        _owner(data, accounts, errors)
        fields, field_errors = normalize_fields(data)
        errors.update(field_errors)
        status = fields.pop("status", "") or Status.ACTIVE
        if status != Status.ACTIVE and not may_govern:
            errors["status"] = [GOVERN_ROW_MESSAGE]
        errors.update(owner_errors(fields, actor, adding=True))
        values = {key: value for key, value in fields.items() if key not in errors}
        values["status"] = status
        model = build_instance(AIModel, values)
        model.status_changed_on = _status_date(status_date, model, today=today, errors=errors) or today
        if isinstance(model.deployment_date, dt.date) and model.risk_tier in TIERS:
            schedule(model, policy)
        _check_model(model, errors, today=today, taken=taken, seen=seen)
        model.state_hash = model.compute_state_hash()
        checked.append(Checked(model, errors))
    return checked


def check_model_changes(
    *, pairs: Sequence[tuple[AIModel, Mapping[str, Any]]], actor: Actor, today: dt.date
) -> list[Checked]:
    """Apply each row's values to a copy of its model and check it, saving nothing (the models
    given are left as they are). Unchanged models come back with no changed fields.

    Each model needs its actor's right to edit it, and a changed tier or status the right to
    govern models; the lifecycle moves forward only; changing the tier or deployment date
    reschedules the model under the policy in force today."""
    may_govern = allows(actor, permissions.can_govern)
    policy = ReviewPolicy.objects.in_force(on=today)
    accounts = _accounts(changes for _, changes in pairs)
    taken = models_named(model.model_name for model, _ in pairs)
    taken.update({model.name_key: model for model, _ in pairs})
    seen: dict[str, AIModel] = {}
    checked = []
    for current, changes in pairs:
        model = copy.copy(current)
        data = dict(changes)
        status_date = data.pop("status_changed_on", None)
        errors: dict[str, list[str]] = {}
        if not allows(actor, lambda user, model=current: permissions.can_edit(user, model)):
            errors["model_name"] = [EDIT_ROW_MESSAGE.format(name=text.escape_line(current.model_name))]
            checked.append(Checked(model, errors))
            continue
        _owner(data, accounts, errors)
        fields, field_errors = normalize_fields(data)
        errors.update(field_errors)
        errors.update(owner_errors(fields, actor, adding=False, current_owner_id=current.owner_id))
        if "status" in fields:
            fields["status"] = fields["status"] or current.status
            try:
                check_transition(current.status, fields["status"])
            except ValidationError as exc:
                errors.update(exc.message_dict)
        for governed in ("risk_tier", "status"):
            if governed in fields and fields[governed] != getattr(current, governed) and not may_govern:
                errors[governed] = [GOVERN_ROW_MESSAGE]
        for key, value in fields.items():
            if key not in errors:
                setattr(model, key, value)
        if model.status != current.status:
            model.status_changed_on = today
        given_date = _status_date(status_date, model, today=today, errors=errors)
        if given_date is not None:
            model.status_changed_on = given_date
        if SCHEDULE_INPUTS & fields.keys() and isinstance(model.deployment_date, dt.date) \
                and model.risk_tier in TIERS:
            schedule(model, policy)
        _check_model(model, errors, today=today, taken=taken, seen=seen)
        model.state_hash = model.compute_state_hash()
        changed = [name for name in WRITTEN_FIELDS[:-3] if _value(model, name) != _value(current, name)]
        checked.append(Checked(model, errors, changed))
    return checked


def _value(model: AIModel, name: str) -> Any:
    return getattr(model, AIModel._meta.get_field(name).attname)


def add_models(*, models: Sequence[AIModel], actor: Actor, reason: str, now: dt.datetime) -> list[AIModel]:
    """Insert models that check_new_models found without problems, 2,000 to a statement, each with
    a "created" history entry naming the actor; the models get their ids. Call it in a transaction."""
    require(actor, permissions.can_add, "add models")
    if not models:
        return []
    for model, pk in zip(models, next_ids(AIModel, len(models))):
        model.pk = pk
        model.created_at = model.updated_at = now
    insert_objects(models)
    insert_history(models, user=actor.user, actor_name=actor.name, reason=reason, when=now)
    return list(models)


def save_model_changes(*, models: Sequence[AIModel], actor: Actor, now: dt.datetime, reason: str) -> int:
    """Write changed models that check_model_changes found without problems, 2,000 to a statement,
    each with a history entry naming the actor. Call it in the transaction that read them."""
    for model in models:
        require(actor, lambda user, model=model: permissions.can_edit(user, model), f"change {model.model_name}")
        model.updated_at = now
    for start in range(0, len(models), BATCH_SIZE):
        batch = list(models[start : start + BATCH_SIZE])
        update_rows(batch, WRITTEN_FIELDS)
        insert_history(batch, user=actor.user, actor_name=actor.name, reason=reason, when=now, kind="~")
    return len(models)


__all__ = [
    "BATCH_SIZE", "Checked", "IMPORTED_FIELDS", "REQUIRED_MESSAGE", "NO_ACCOUNT_MESSAGE",
    "add_models", "check_model_changes", "check_new_models", "models_named", "save_model_changes",
]
