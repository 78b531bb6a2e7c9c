from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.actors import Actor
from inventory.models import AIModel
from reviews.models import ModelReview
from reviews.services import BatchError, BatchRow, ReviewInput, append_reviews
from reviews.verify import verify_chain
from tests.factories import make_model
from tests.factories import record_review as record

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)


def rows_for(models, dates, outcome="passed"):
    return [
        BatchRow(model_name=m.model_name, entry=ReviewInput(review_date=d, outcome=outcome, reviewer="Historic MRM"))
        for m in models for d in dates
    ]


def test_it_appends_a_batch_that_continues_the_chain(today):
    models = [make_model(deployment_date=dt.date(2025, 1, 1)) for _ in range(3)]
    record(models[0], review_date=dt.date(2025, 2, 1))
    rows = rows_for(models, [dt.date(2025, 6, 1), dt.date(2026, 3, 1)])
    records = append_reviews(rows=rows, actor=Actor(name="import", trusted=True), today=today, now=NOW)
    assert [r.sequence for r in records] == list(range(2, 8))
    result = verify_chain(now=NOW)
    assert result.ok and result.count == 7
    for model in AIModel.objects.all():
        assert model.last_review_date == dt.date(2026, 3, 1)
        assert model.next_review_date == dt.date(2026, 3, 1) + dt.timedelta(days=90)
    second = ModelReview.objects.get(sequence=3)
    assert (second.last_review_before, second.next_review_before) == (dt.date(2025, 6, 1), dt.date(2025, 8, 30))


def test_each_bad_row_is_named_and_nothing_is_written(today):
    model = make_model(deployment_date=dt.date(2026, 1, 1))
    rows = [
        BatchRow(model_name=model.model_name, entry=ReviewInput(review_date="2026-02-01", outcome="passed", reviewer="A")),
        BatchRow(model_name="no-such-model", entry=ReviewInput(review_date="2026-02-01", outcome="passed", reviewer="A")),
        BatchRow(model_name=model.model_name, entry=ReviewInput(review_date="2030-01-01", outcome="great", reviewer="")),
    ]
    with pytest.raises(BatchError) as exc_info:
        append_reviews(rows=rows, actor=Actor(name="import", trusted=True), today=today, now=NOW)
    errors = exc_info.value.message_dict
    assert set(errors) == {"row 2", "row 3"}
    assert "no model named 'no-such-model'" in errors["row 2"][0]
    assert any(m.startswith("review_date:") for m in errors["row 3"])
    assert any(m.startswith("outcome:") for m in errors["row 3"])
    assert any(m.startswith("reviewer:") for m in errors["row 3"])
    assert not ModelReview.objects.exists()
    assert AIModel.objects.get().last_review_date is None


def test_a_batch_writes_in_batches_not_per_row(today):
    models = [make_model(deployment_date=dt.date(2025, 1, 1)) for _ in range(30)]

    def queries(dates):
        with CaptureQueriesContext(connection) as ctx:
            append_reviews(rows=rows_for(models, dates), actor=Actor(name="i", trusted=True), today=today, now=NOW)
        return len(ctx)

    few, many = queries([dt.date(2025, 2, 1)]), queries([dt.date(2025, 3, d) for d in range(1, 11)])
    # 30 vs 300 records: SQLite caps parameters per INSERT, so a few more statements, never one per row.
    assert many <= few + 2 * (300 // 40)


def test_past_reviews_of_a_since_decommissioned_model_are_history(today):
    from inventory import services as inventory_services

    model = make_model(deployment_date=dt.date(2025, 1, 1))
    inventory_services.change_status(model=model, status="decommissioned", actor=Actor(name="t", trusted=True), today=today,
        reason="retired in tests")
    append_reviews(rows=rows_for([model], [dt.date(2025, 6, 1)]), actor=Actor(name="i", trusted=True), today=today, now=NOW)
    assert ModelReview.objects.get().model == model
