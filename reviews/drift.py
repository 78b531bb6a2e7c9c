"""Has a model's definition changed since its last review, and how?"""

from __future__ import annotations

from dataclasses import dataclass

from inventory.history import FieldChange, snapshots_of
from inventory.models import DEFINITION_FIELDS, REGISTRY_FIELDS, AIModel, definition_of
from reviews import hashing
from reviews.models import ModelReview


@dataclass(frozen=True)
class Drift:
    last_review: ModelReview | None
    current_hash: str
    changed: bool
    # The definition fields that differ from the model as it was when last reviewed.
    changes: list[FieldChange]

    @property
    def reviewed(self) -> bool:
        return self.last_review is not None


def drift_against(model: AIModel, last: ModelReview | None) -> Drift:
    """Compare the model's definition now with the state ``last`` (its latest review) vouched for.

    Reads the history only when the model has changed, and not at all if the caller (the model
    page) already read it.
    """
    current_hash = hashing.model_state_hash(model.definition())
    if last is None:
        return Drift(last_review=None, current_hash=current_hash, changed=False, changes=[])
    changed = last.model_state_hash != current_hash
    changes: list[FieldChange] = []
    if changed:
        # The newest history snapshot whose definition hashes to what the review vouched for is
        # the model as reviewed; diffing it with today's model names the fields that moved.
        for snapshot in reversed(snapshots_of(model)):
            reviewed = definition_of(snapshot)
            if hashing.model_state_hash(reviewed) == last.model_state_hash:
                for field in DEFINITION_FIELDS + REGISTRY_FIELDS:
                    old, new = reviewed.get(field, ""), getattr(model, field)
                    if old != new:
                        label = str(AIModel._meta.get_field(field).verbose_name)
                        changes.append(FieldChange(field, label, old, new))
                break
    return Drift(last_review=last, current_hash=current_hash, changed=changed, changes=changes)
