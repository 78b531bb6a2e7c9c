from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory import sample_data, services
from inventory.models import AIModel, RiskTier, Status
from tests.factories import make_model

pytestmark = pytest.mark.django_db
ACTOR = services.Actor(name="tests", trusted=True)


def snapshot():
    return list(
        AIModel.objects.order_by("model_name").values_list(
            "model_name", "vendor", "risk_tier", "deployment_date", "last_review_date", "next_review_date", "status"
        )
    )


def test_the_same_seed_gives_the_same_inventory(today):
    sample_data.generate(count=60, seed=7, actor=ACTOR, today=today)
    first = snapshot()
    sample_data.generate(count=60, seed=7, actor=ACTOR, today=today, clear_first=True)
    assert snapshot() == first
    sample_data.generate(count=60, seed=8, actor=ACTOR, today=today, clear_first=True)
    assert snapshot() != first


def test_it_makes_a_realistic_mix(today):
    sample_data.generate(count=400, seed=1, actor=ACTOR, today=today)
    models = AIModel.objects.all()
    assert models.count() == 400
    assert {m.risk_tier for m in models} == set(RiskTier.values)
    assert {m.status for m in models} == set(Status.values)
    assert models.overdue(today=today).exists()
    assert models.due_within(today=today, days=30).exists()
    assert models.filter(next_review_date__gt=today + dt.timedelta(days=30), last_review_date__isnull=False).exists()
    assert models.filter(last_review_date__isnull=True).exists()
    assert models.filter(vendor="OpenAI").exists() and models.filter(vendor="In-house").exists()
    for model in models:
        services.check_changes(model=model, changes={}, actor=services.Actor(name="tests", trusted=True), today=today)  # every generated model is valid


def test_it_writes_in_batches_whatever_the_count(today):
    def queries(count):
        with CaptureQueriesContext(connection) as ctx:
            sample_data.generate(count=count, seed=1, actor=ACTOR, today=today)
        return len(ctx)

    # Bulk inserts: SQLite caps the parameters of one statement, so rows go ~30 to an INSERT
    # (thousands on PostgreSQL); never one statement per model.
    assert queries(10) <= 8
    assert queries(300) <= 8 + 2 * (300 // 25)


def test_it_records_the_creation_in_history(today):
    sample_data.generate(count=3, seed=1, actor=ACTOR, today=today)
    assert AIModel.history.filter(history_type="+", history_actor="tests").count() == 3


def test_it_never_reuses_an_existing_name(today):
    sample_data.generate(count=50, seed=3, actor=ACTOR, today=today)
    sample_data.generate(count=50, seed=3, actor=ACTOR, today=today)
    assert AIModel.objects.count() == 100


def test_clear_deletes_models_and_keeps_their_history(today):
    make_model(model_name="real-one")
    sample_data.generate(count=5, seed=1, actor=ACTOR, today=today, clear_first=True)
    assert not AIModel.objects.filter(model_name="real-one").exists()
    assert AIModel.history.filter(model_name="real-one", history_type="-").exists()


def test_clear_refuses_when_review_records_exist(today, monkeypatch):
    make_model(model_name="reviewed")
    monkeypatch.setattr(sample_data, "_reviewed_model_count", lambda: 2)
    with pytest.raises(sample_data.ClearRefused, match="2 model\\(s\\) have review records"):
        sample_data.generate(count=5, seed=1, actor=ACTOR, today=today, clear_first=True)
    assert list(AIModel.objects.values_list("model_name", flat=True)) == ["reviewed"]


@pytest.mark.parametrize("count", [0, -1, sample_data.MAX_COUNT + 1])
def test_it_rejects_a_count_out_of_range(today, count):
    with pytest.raises(ValueError, match="count must be between"):
        sample_data.generate(count=count, seed=1, actor=ACTOR, today=today)
