"""Field-level change history of inventory models.

django-simple-history stores a full snapshot of the model on every write. This module adds the
actor's name as text next to the nullable user link (so "who" survives the account being removed,
and changes made from the CLI by an operating-system user are attributed too), and turns
consecutive snapshots into "field: old -> new" rows for the model page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record


class HistoricalActor(models.Model):
    """Mixed into every historical table: the name of whoever made the change."""

    history_actor = models.CharField(max_length=150, blank=True, default="")

    class Meta:
        abstract = True


@receiver(pre_create_historical_record)
def copy_actor_to_history(sender, instance, history_instance, **kwargs) -> None:
    # Services set instance._history_actor; simple-history only knows the user object.
    actor = getattr(instance, "_history_actor", "")
    if not actor and history_instance.history_user is not None:
        actor = history_instance.history_user.get_username()
    history_instance.history_actor = actor


# Bookkeeping and derived columns that are not part of what a user changed: the state hash
# follows the definition fields, the name key the name, the status date follows the status, and
# the first and latest reviews' dates and hash are in the audit trail (the latest outcome is shown).
IGNORED_FIELDS = frozenset(
    {"id", "created_at", "updated_at", "state_hash", "name_key", "status_changed_on", "latest_outcome_on",
     "latest_outcome_state_hash", "earliest_outcome_on", "card_state_hash", "card_published_at",
     "reviewed_registry_version", "reviewed_registry_identity"}
)

CHANGE_TYPES = {"+": "created", "~": "changed", "-": "deleted"}


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: Any
    new: Any


@dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime
    actor: str
    kind: str
    reason: str
    changes: list[FieldChange]


def field_changes(snapshots: list[Any], model: type[models.Model], *, labels: bool = True) -> list[HistoryEntry]:
    """Turn a model's snapshots (oldest first) into entries, newest first.

    A creation lists every non-empty value as new; a change lists only the fields that differ
    from the previous snapshot. With ``labels``, choices read as people see them ("Production");
    without, as stored ("prod"), for machine-readable output.
    """
    fields = [f for f in model._meta.concrete_fields if f.attname not in IGNORED_FIELDS]
    entries: list[HistoryEntry] = []
    previous = None
    for snap in snapshots:
        changes = []
        for field in fields:
            new = getattr(snap, field.attname)
            old = getattr(previous, field.attname) if previous is not None else None
            if previous is None and new in (None, ""):
                continue
            if previous is not None and old == new:
                continue
            if labels and field.choices:
                names = dict(field.flatchoices)
                old, new = names.get(old, old), names.get(new, new)
            changes.append(FieldChange(field.attname, str(field.verbose_name), old, new))
        entries.append(
            HistoryEntry(
                at=snap.history_date,
                actor=snap.history_actor or "unknown",
                kind=CHANGE_TYPES.get(snap.history_type, snap.history_type),
                reason=snap.history_change_reason or "",
                changes=changes,
            )
        )
        previous = snap
    entries.reverse()
    return entries


def snapshots_of(model: models.Model) -> list[Any]:
    """The model's history snapshots, oldest first, read once per model object.

    The model page shows the history and its panels (drift since the last review) look into the
    same snapshots; keeping them on the instance saves the second read.
    """
    cached = getattr(model, "_history_snapshots", None)
    if cached is None:
        cached = model._history_snapshots = list(model.history.order_by("history_date", "history_id"))
    return cached


def model_history(model: models.Model, *, labels: bool = True) -> list[HistoryEntry]:
    """The whole change history of one inventory model, newest first, in three queries.

    Linked rows (owner account, review policy version) are shown by name, not by id.
    """
    from django.contrib.auth import get_user_model

    from inventory.models import ReviewPolicy

    snapshots = snapshots_of(model)
    owner_ids = {s.owner_id for s in snapshots if s.owner_id is not None}
    policy_ids = {s.review_policy_id for s in snapshots}
    owners = dict(get_user_model().objects.filter(pk__in=owner_ids).values_list("pk", "username")) if owner_ids else {}
    policies = {pk: f"v{version}" for pk, version in ReviewPolicy.objects.filter(pk__in=policy_ids).values_list("pk", "version")}
    names = {"owner_id": owners, "review_policy_id": policies}
    entries = field_changes(snapshots, type(model), labels=labels)
    for entry in entries:
        for i, change in enumerate(entry.changes):
            lookup = names.get(change.field)
            if lookup is not None:
                entry.changes[i] = FieldChange(
                    change.field,
                    change.label,
                    lookup.get(change.old, change.old),
                    lookup.get(change.new, change.new),
                )
    return entries


def latest_change_id() -> int:
    """The id of the inventory's most recent change-history entry: every change made through MLTrack
    (an edit, a review moving a schedule, a policy applied, an import, a deletion) writes one, so
    this number moves whenever any figure about the inventory may have. One read of an index."""
    from inventory.models import AIModel

    return AIModel.history.order_by("-history_id").values_list("history_id", flat=True).first() or 0
