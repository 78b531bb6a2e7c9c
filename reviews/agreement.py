"""Does each model agree with its audit trail? The per-model half of verification.

The chain proves the records were not altered; these checks prove the inventory was not altered
around them, by someone writing to the database directly:

- every record's model still exists (a reviewed model deleted with foreign keys off);
- each model's review state (last review, first record's date, latest outcome with its date and
  state hash) is what its records say;
- its next review date is what its last review (or deployment), risk tier and policy give;
- its row is what its latest change-history entry says (every change through MLTrack writes one,
  so a row changed behind MLTrack's back no longer matches).

A fixed number of queries whatever the size: models stream in one query, the trail's per-model
facts come from two grouped queries, and the latest history entries from one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, F, IntegerField, Max, Min, OuterRef, Q, Subquery, Value, When

from inventory.models import AIModel, RiskTier
from reviews.models import SATISFACTORY_OUTCOMES, ModelReview

CHUNK = 5000
# The columns a change through MLTrack always records in the history; updated_at is not kept there.
HISTORY_EXCLUDED = {"updated_at"}


@dataclass(frozen=True)
class ModelProblem:
    model_id: int
    model_name: str
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {"model_id": self.model_id, "model": self.model_name, "reason": self.reason}


def _text(value: object) -> str:
    if value is None or value == "":
        return "none"
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def orphaned_records() -> list[ModelProblem]:
    """Records whose model is gone: one problem per missing model."""
    rows = (
        ModelReview.objects.exclude(model_id__in=AIModel.objects.values("pk"))
        .values("model_id").annotate(name=Max("model_name"), records=Max("sequence")).order_by("model_id")
    )
    return [
        ModelProblem(row["model_id"], row["name"],
                     "its review records remain but the model is gone from the inventory (deleted behind MLTrack's back)")
        for row in rows
    ]


def _trail_facts() -> tuple[dict[int, tuple[dt.date | None, dt.date]], dict[int, tuple]]:
    """Per model: its latest satisfactory review date and its first record's date, and its latest
    record (date, outcome, state hash)."""
    satisfactory = {
        model_id: (last, first)
        for model_id, last, first in ModelReview.objects.order_by().values("model_id")
        .annotate(last=Max("review_date", filter=Q(outcome__in=SATISFACTORY_OUTCOMES)), first=Min("review_date"))
        .values_list("model_id", "last", "first")
    }
    # The latest record of each model, as the inventory counts it (by review date, then sequence):
    # one lookup per model on the (model, -review_date, -sequence) index.
    latest_pk = ModelReview.objects.filter(model_id=OuterRef("pk")).order_by("-review_date", "-sequence").values("pk")[:1]
    latest = {
        model_id: (on, outcome, state)
        for model_id, on, outcome, state in ModelReview.objects.filter(
            pk__in=AIModel.objects.order_by().annotate(latest=Subquery(latest_pk)).values("latest")
        ).values_list("model_id", "review_date", "outcome", "model_state_hash").iterator(chunk_size=CHUNK)
    }
    return satisfactory, latest


CYCLE = Case(
    *[When(risk_tier=tier, then=F(f"review_policy__{tier}_days")) for tier in RiskTier.values],
    default=Value(None), output_field=IntegerField(),
)


def disagreeing_models() -> list[ModelProblem]:
    """Models whose stored review state or schedule disagrees with their trail and policy."""
    satisfactory, latest = _trail_facts()
    problems = []
    rows = AIModel.objects.annotate(cycle=CYCLE).order_by("model_name", "pk").values_list(
        "pk", "model_name", "last_review_date", "earliest_outcome_on", "latest_outcome_on", "latest_outcome",
        "latest_outcome_state_hash", "deployment_date", "next_review_date", "cycle",
    )
    for pk, name, last, first, latest_on, outcome, state, deployed, due, cycle in rows.iterator(chunk_size=CHUNK):
        reasons = []
        expected_last, expected_first = satisfactory.get(pk, (None, None))
        if last != expected_last:
            reasons.append(f"its last review is recorded as {_text(last)}, but its trail says {_text(expected_last)}")
        if first != expected_first:
            reasons.append(
                f"its first review record is recorded as {_text(first)}, but its trail says {_text(expected_first)}"
            )
        expected = latest.get(pk, (None, "", ""))
        if (latest_on, outcome or "", state or "") != expected:
            reasons.append(
                f"its latest review outcome is recorded as {_text(outcome)} on {_text(latest_on)}, but its trail says "
                f"{_text(expected[1])} on {_text(expected[0])}"
            )
        if cycle is not None and deployed is not None:
            expected_due = (last or deployed) + dt.timedelta(days=cycle)
            if due != expected_due:
                reasons.append(f"its next review date is {_text(due)}, but its last review and policy give {_text(expected_due)}")
        problems += [ModelProblem(pk, name, reason) for reason in reasons]
    return problems


def models_changed_outside_mltrack() -> list[ModelProblem]:
    """Models whose row differs from their latest history entry."""
    history = AIModel.history.model
    fields = [f.attname for f in AIModel._meta.concrete_fields if f.attname not in HISTORY_EXCLUDED]
    latest_id = Subquery(
        history.objects.filter(id=OuterRef("pk")).order_by("-history_date", "-history_id").values("history_id")[:1]
    )
    snapshots = {
        row[0]: row[1:]
        for row in history.objects.filter(
            history_id__in=AIModel.objects.order_by().annotate(latest=latest_id).values("latest")
        ).values_list(*fields).iterator(chunk_size=CHUNK)
    }
    problems = []
    for row in AIModel.objects.order_by("model_name", "pk").values_list(*fields).iterator(chunk_size=CHUNK):
        snapshot = snapshots.get(row[0])
        if snapshot is None:
            problems.append(ModelProblem(row[0], row[fields.index("model_name")], "it has no change history at all"))
        elif snapshot != row[1:]:
            changed = [fields[i + 1] for i, (a, b) in enumerate(zip(snapshot, row[1:])) if a != b]
            problems.append(ModelProblem(
                row[0], row[fields.index("model_name")],
                f"its row differs from its change history in {', '.join(changed)} (changed behind MLTrack's back)",
            ))
    return problems


def check_models() -> list[ModelProblem]:
    """Every per-model problem, by model name."""
    problems = orphaned_records() + disagreeing_models() + models_changed_outside_mltrack()
    return sorted(problems, key=lambda problem: (problem.model_name, problem.model_id))
