"""mltrack sample-data: deterministic demo inventory, clearing, and who may generate it."""

from __future__ import annotations

import json

import pytest

from inventory import sample_data
from inventory.models import AIModel, ReviewPolicy
from reviews.models import ModelReview
from tests.factories import make_model

pytestmark = pytest.mark.django_db


def test_it_creates_models_with_their_reviews_in_the_trail(run):
    result = run("sample-data", "-n", "12", "--seed", "7")

    assert result.code == 0, result.err
    reviewed = AIModel.objects.filter(last_review_date__isnull=False).count()
    assert reviewed and ModelReview.objects.count() == reviewed
    assert f"Created 12 sample models (seed 7) and {reviewed} review records in " in result.out
    assert "--seed 7" in result.out.splitlines()[-1]
    assert AIModel.objects.count() == 12
    assert set(AIModel.history.values_list("history_actor", flat=True)) == {"os:ops-jane"}
    # The demo never claims a review its audit trail does not hold.
    assert run("verify").code == 0


def test_it_gives_the_same_models_for_the_same_seed(run, today):
    run("sample-data", "--count", "5", "--seed", "3")
    made = [m["model_name"] for m in json.loads(run("list", "--json").out)["results"]]
    planned = sample_data.build_models(count=5, seed=3, today=today, policy=ReviewPolicy.objects.get(), taken=set())
    assert made == sorted(model.model_name for model in planned)


def test_it_clears_an_inventory_without_reviews_first(run):
    for n in range(5):
        make_model(model_name=f"old-{n}")
    result = run("sample-data", "-n", "3", "--clear")

    assert "Cleared 5 models." in result.out
    assert not AIModel.objects.filter(model_name__startswith="old-").exists()
    assert AIModel.objects.count() == 3


def test_it_refuses_to_clear_when_reviews_exist(run, monkeypatch):
    make_model(model_name="keep-me")
    monkeypatch.setattr(sample_data, "_reviewed_model_count", lambda: 2)

    result = run("sample-data", "-n", "3", "--clear")

    assert result.code == 1
    assert result.err.strip() == sample_data.CLEAR_REFUSED_MESSAGE.format(count=2)
    assert list(AIModel.objects.values_list("model_name", flat=True)) == ["keep-me"]


@pytest.mark.parametrize("count", ["0", "-3", str(sample_data.MAX_COUNT + 1)])
def test_it_treats_a_count_out_of_range_as_a_usage_error(run, count):
    result = run("sample-data", "--count", count)

    assert result.code == 2
    assert "give a whole number from 1 to 1,000,000" in result.err


def test_it_lets_an_administrator_generate(run, carol):
    result = run("--user", "carol", "sample-data", "-n", "2")

    assert result.code == 0, result.err
    assert set(AIModel.history.values_list("history_user__username", flat=True)) == {"carol"}


@pytest.mark.parametrize("persona", ["erin", "bob", "alice"])
def test_it_refuses_accounts_without_the_sample_data_permission(run, request, persona):
    request.getfixturevalue(persona)

    result = run("--user", persona, "sample-data", "-n", "2")

    assert result.code == 1
    assert f"Permission denied: {persona} (role: " in result.err
    assert "may not generate sample data." in result.err
    assert not AIModel.objects.exists()
