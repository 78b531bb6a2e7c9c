from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory import bulk
from inventory.models import AIModel
from tests.factories import make_model

pytestmark = pytest.mark.django_db


def test_it_writes_each_rows_own_values_including_nulls_and_quotes(today):
    models = [make_model() for _ in range(4)]
    values = [
        (dt.date(2026, 1, 1), "passed", "it's \"quoted\""),
        (None, "", ""),
        (dt.date(2026, 3, 3), "failed", "ü"),
        (None, "warning", "x" * 64),
    ]
    for model, (on, outcome, text) in zip(models, values):
        model.latest_outcome_on, model.latest_outcome, model.latest_outcome_state_hash = on, outcome, text[:64]
    assert bulk.update_rows(models, ["latest_outcome_on", "latest_outcome", "latest_outcome_state_hash"]) == 4
    stored = {m.pk: (m.latest_outcome_on, m.latest_outcome, m.latest_outcome_state_hash) for m in AIModel.objects.all()}
    assert [stored[m.pk] for m in models] == [(on, outcome, text[:64]) for on, outcome, text in values]


def test_an_all_null_column_is_fine(today):
    models = [make_model() for _ in range(2)]
    assert bulk.update_rows(models, ["latest_outcome_on"]) == 2


def test_it_uses_one_statement_per_batch_and_on_postgresql_one_for_all(today, monkeypatch):
    models = [make_model() for _ in range(7)]
    monkeypatch.setattr(bulk, "MAX_PARAMS", 9)  # SQLite: 3 values a row, 3 rows a statement
    for model in models:
        model.latest_outcome = "passed"
    with CaptureQueriesContext(connection) as ctx:
        assert bulk.update_rows(models, ["latest_outcome", "latest_outcome_on"]) == 7
    updates = [query for query in ctx.captured_queries if query["sql"].startswith("UPDATE")]
    # PostgreSQL: the values COPYed into a temporary table (created and dropped), one UPDATE joined to it.
    assert len(updates) == (1 if connection.vendor == "postgresql" else 3)
    assert len(ctx) == (4 if connection.vendor == "postgresql" else 3)
    assert set(AIModel.objects.values_list("latest_outcome", flat=True)) == {"passed"}
