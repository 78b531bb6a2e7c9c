"""What an export holds, read from one snapshot of the database (common.db.read_snapshot): the
models the inventory filter selects, in its order, with every column of transfers.columns, and on
request their review history, model by model in that order, each model's records in chain order.

Values are plain Python (text, dates, whole numbers, None for empty); transfers.writing lays them
out as CSV, JSON or Excel.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from common.db import read_snapshot
from inventory.models import AIModel
from reviews.models import ModelReview
from transfers.columns import CARD_FIELDS, MODEL_FIELDS, REVIEW_FIELDS

# The inventory's columns as stored, then the two read through a link, then the card's sections
# (joined: a model without card content has none).
_STORED = [name for name in MODEL_FIELDS if name not in {"owner", "review_policy_version", *CARD_FIELDS}]
_READ = ["pk", *_STORED, "owner__username", "review_policy__version", *(f"card_content__{name}" for name in CARD_FIELDS)]
_ORDER = {name: index for index, name in enumerate(_READ)}
CHUNK = 5000

Progress = Callable[[int, int, str], None]


@dataclass
class Export:
    """The tables of one export: rows in the order of MODEL_FIELDS and REVIEW_FIELDS."""

    models: list[list[Any]] = field(default_factory=list)
    reviews: list[list[Any]] | None = None


def _model_row(values: tuple) -> list[Any]:
    row = []
    for name in MODEL_FIELDS:
        if name == "owner":
            row.append(values[_ORDER["owner__username"]] or "")
        elif name == "review_policy_version":
            row.append(values[_ORDER["review_policy__version"]])
        elif name in CARD_FIELDS:
            row.append(values[_ORDER[f"card_content__{name}"]] or "")
        else:
            row.append(values[_ORDER[name]])
    return row


def read_export(queryset: QuerySet[AIModel], *, reviews: bool = False, progress: Progress | None = None) -> Export:
    """The export of the models of ``queryset`` (filtered and ordered by the inventory filter),
    and their review history when ``reviews``. Two queries, or three with the history."""
    export = Export()
    with read_snapshot():
        total = queryset.count() if progress is not None else 0
        positions: dict[int, int] = {}
        for values in queryset.values_list(*_READ).iterator(chunk_size=CHUNK):
            positions[values[0]] = len(export.models)
            export.models.append(_model_row(values))
            if progress is not None and len(export.models) % CHUNK == 0:
                progress(len(export.models), total, "Reading the inventory")
        if reviews:
            export.reviews = _history(queryset, positions)
    return export


def _history(queryset: QuerySet[AIModel], positions: dict[int, int]) -> list[list[Any]]:
    """The review records of the exported models, model by model in the export's order, each in
    chain order; a correction names the corrected record by its place among its model's records."""
    records = ModelReview.objects.filter(model__in=queryset.order_by().values("pk")).order_by("sequence").values_list(
        "id", "model_id", "model__model_name", "review_date", "outcome", "reviewer", "reviewer_user__username",
        "notes", "corrects_id",
    )
    by_model: dict[int, list[tuple]] = {}
    for record in records.iterator(chunk_size=CHUNK):
        by_model.setdefault(record[1], []).append(record)
    rows = []
    for model_id in sorted(by_model, key=positions.__getitem__):
        place = {record[0]: number for number, record in enumerate(by_model[model_id], start=1)}
        for record in by_model[model_id]:
            values = {
                "model_name": record[2], "review_date": record[3], "outcome": record[4], "reviewer": record[5],
                "reviewer_account": record[6] or "", "notes": record[7], "corrects": place.get(record[8]),
            }
            rows.append([values[name] for name in REVIEW_FIELDS])
    return rows
