"""The evidence behind a report's findings: each model's row, which rules apply to it, which it
breaks and why, and its latest review record. OSCAL documents are written from it (and exam
packages will be); it is read with the rest of the report, in the same snapshot (reports.data).

Three queries whatever the number of models: the compliance engine's evaluation (one read of
every evaluated model with its violation mask and the facts its messages need), the models with a
bit mask of the rules that apply to each, and their latest review records.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import NamedTuple, TypeVar

from django.db.models import BooleanField, Case, OuterRef, QuerySet, Subquery, Value, When

from compliance.engine import Summary, evaluate, rule_mask
from compliance.rules import EVALUATED, EXTERNAL_VENDOR_SERVICE, RULESET, Rule
from inventory.models import AIModel
from reviews.models import ModelReview

CHUNK = 5000
Row = TypeVar("Row", bound=tuple)


class ModelRow(NamedTuple):
    pk: int
    model_name: str
    vendor: str
    risk_tier: str
    use_case: str
    business_owner: str
    technical_owner: str
    deployment_date: dt.date
    model_version: str
    deployment_environment: str
    api_endpoint: str
    data_classification: str
    status: str
    model_type: str
    business_line: str
    last_review_date: dt.date | None
    next_review_date: dt.date
    state_hash: str
    status_changed_on: dt.date | None
    # Called at an outside vendor's endpoint (compliance.rules.EXTERNAL_VENDOR_SERVICE).
    external_service: bool
    # Bit i is set when rule i of the ruleset applies to the model (0 for a retired model).
    applicable: int


class ReviewRow(NamedTuple):
    id: uuid.UUID
    sequence: int
    model_id: int
    model_name: str
    review_date: dt.date
    reviewer: str
    outcome: str
    notes: str
    model_state_hash: str
    chain_hash: str


# Columns that repeat a few values across an inventory (tiers, vendors, owners, dates, ...): each
# distinct value is kept once rather than once per row, which makes 100,000 models' evidence about
# a third of the size (docs/oscal.md, "Size, time and memory").
REPEATING_COLUMNS = frozenset((
    "vendor", "risk_tier", "use_case", "business_owner", "technical_owner", "deployment_date", "model_version",
    "deployment_environment", "api_endpoint", "data_classification", "status", "model_type", "business_line",
    "last_review_date", "next_review_date", "status_changed_on",
))
MODEL_COLUMNS = tuple(name for name in ModelRow._fields if name not in {"pk", "external_service", "applicable"})
REVIEW_COLUMNS = ReviewRow._fields
# A model's latest review: by review date, and on the same date the one recorded last (the
# order of AIModel.latest_review_*; served by the review_model_idx index).
LATEST_FIRST = ("-review_date", "-sequence")


@dataclass
class Scope:
    """The models of a report, each one's failures (rule id -> message) and its review records."""

    models: list[ModelRow]
    failures: dict[int, dict[str, str]]
    # In model order, each model's latest review first.
    reviews: list[ReviewRow]
    latest_review: dict[int, ReviewRow]
    summary: Summary

    def rules_for(self, model: ModelRow) -> list[Rule]:
        """The rules that apply to a model, in ruleset order. A rule the engine found broken is
        included even if the applicability mask disagreed, so that no failure is ever dropped."""
        failed = self.failures.get(model.pk, ())
        return [
            rule for i, rule in enumerate(RULESET.rules) if model.applicable & (1 << i) or rule.id in failed
        ]


def _applicability_mask():
    """One integer per model: bit i is set when rule i applies to it (the engine's population and
    the rule's own scope), so that not-applicable pairs get no observation and no finding."""
    return rule_mask(lambda rule: EVALUATED & rule.scope)


def read_evidence(models: QuerySet[AIModel], *, today: dt.date) -> Scope:
    """Read the models of ``models`` (in its order), their compliance as of ``today`` and each
    one's latest review record."""
    evaluation = evaluate(today=today, queryset=models.order_by(), every_result=True)
    # The first message read loads the facts of every failing model, in one query.
    failures = {
        result.model_id: {violation.rule.id: violation.message for violation in result.violations}
        for result in evaluation.failures
    }
    rows = models.annotate(
        external_service=Case(When(EXTERNAL_VENDOR_SERVICE, then=Value(True)), default=Value(False),
                              output_field=BooleanField()),
        applicable=_applicability_mask(),
    ).values_list("pk", *MODEL_COLUMNS, "external_service", "applicable")
    model_rows = list(_once_each(ModelRow, rows.iterator(chunk_size=CHUNK), REPEATING_COLUMNS))
    reviews = _latest_reviews(models)
    latest = {review.model_id: review for review in reviews}
    order = {row.pk: index for index, row in enumerate(model_rows)}
    reviews.sort(key=lambda review: order[review.model_id])
    return Scope(models=model_rows, failures=failures, reviews=reviews, latest_review=latest,
                 summary=evaluation.summary)


def _latest_reviews(models: QuerySet[AIModel]) -> list[ReviewRow]:
    # One correlated lookup per model on the (model, -review_date, -sequence) index.
    latest = ModelReview.objects.filter(model=OuterRef("pk")).order_by(*LATEST_FIRST).values("pk")[:1]
    records = ModelReview.objects.filter(pk__in=models.order_by().annotate(latest=Subquery(latest)).values("latest"))
    rows = records.values_list(*REVIEW_COLUMNS).iterator(chunk_size=CHUNK)
    return list(_once_each(ReviewRow, rows, {"review_date", "reviewer", "outcome", "notes"}))


def _once_each(row_type: type[Row], rows: Iterator[tuple], columns: Collection[str]) -> Iterator[Row]:
    """The rows as ``row_type``, with one object for each distinct value of ``columns``."""
    indexes = [index for index, name in enumerate(row_type._fields) if name in columns]
    kept: dict[object, object] = {}
    for row in rows:
        values = list(row)
        for index in indexes:
            values[index] = kept.setdefault(values[index], values[index])
        yield row_type(*values)
