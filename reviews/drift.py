"""Has a model's definition changed since its last review, and how?"""

from __future__ import annotations

from dataclasses import dataclass

from inventory.history import FieldChange
from inventory.models import DEFINITION_FIELDS, AIModel
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


def drift_since_last_review(model: AIModel) -> Drift:
    """Compare the model's definition now with the state its latest review vouched for (two queries)."""
    current_hash = hashing.model_state_hash(model.definition())
    last = model.reviews.newest_first().first()
    if last is None:
        return Drift(last_review=None, current_hash=current_hash, changed=False, changes=[])
    changed = last.model_state_hash != current_hash
    changes: list[FieldChange] = []
    if changed:
        # The history snapshot in force when the review was written says which fields moved.
        snapshot = model.history.filter(history_date__lte=last.created_at).order_by("-history_date", "-history_id").first()
        if snapshot is not None:
            for field in DEFINITION_FIELDS:
                old, new = getattr(snapshot, field), getattr(model, field)
                if old != new:
                    label = str(AIModel._meta.get_field(field).verbose_name)
                    changes.append(FieldChange(field, label, old, new))
    return Drift(last_review=last, current_hash=current_hash, changed=changed, changes=changes)
