"""Model cards in the demo inventory, and the bulk publishing behind them (cards.services.publish_model_cards)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cards import sample as card_sample
from cards.models import CardVersion
from cards.services import publish_model_cards
from common.actors import Actor
from compliance.engine import summarize
from inventory.models import AIModel
from reviews import sample
from reviews.verify import verify_chain
from tests.conftest import NOW, TODAY
from tests.factories import make_model

pytestmark = pytest.mark.django_db

ACTOR = Actor(name="tests", trusted=True)
IN_SCOPE = {"risk_tier__in": ["critical", "high"], "deployment_environment": "prod",
            "status__in": ["active", "deprecated"]}


def test_the_sample_publishes_current_cards_for_most_high_and_critical_production_models(carol):
    actor = Actor.for_user(carol)
    sample.generate(count=300, seed=3, actor=actor, today=TODAY, now=NOW)

    in_scope = AIModel.objects.filter(**IN_SCOPE)
    carded = in_scope.exclude(card_state_hash="")
    # A realistic share, not all: the card rule still fails for some.
    assert 0.6 * in_scope.count() <= carded.count() < in_scope.count()
    assert not carded.without_current_card().exists()
    assert not AIModel.objects.exclude(**IN_SCOPE).exclude(card_state_hash="").exists()
    # Each card is a version 1 of a model that has it, published by the actor, with the model's history entry.
    versions = CardVersion.objects.filter(kind="model")
    assert sorted(versions.values_list("subject_id", flat=True)) == sorted(carded.values_list("pk", flat=True))
    assert set(versions.values_list("version", "published_by", "published_at")) == {(1, "carol", NOW)}
    model = carded.first()
    latest = model.history.order_by("-history_date", "-history_id").first()
    assert (latest.card_state_hash, latest.history_actor, latest.history_change_reason) == (
        model.state_hash, "carol", card_sample.REASON)
    # The rule counts exactly the models left without a card; the trail and the inventory still agree.
    assert summarize(today=TODAY).violations_by_rule["prod-without-current-card"] == in_scope.count() - carded.count()
    assert verify_chain(now=NOW).ok


def test_the_same_models_and_seed_choose_the_same_cards():
    models = [AIModel(pk=pk, model_name=f"m{pk}", risk_tier=("critical", "high", "medium", "low")[pk % 4],
                      deployment_environment=("prod", "prod", "staging")[pk % 3], status="active")
              for pk in range(1, 400)]

    chosen = card_sample.models_to_card(models, 5)

    assert chosen == card_sample.models_to_card(models, 5) != card_sample.models_to_card(models, 6)
    assert {(m.risk_tier, m.deployment_environment) for m in chosen} == {("critical", "prod"), ("high", "prod")}


def test_bulk_publishing_takes_the_same_queries_for_3_models_as_for_30():
    small = [make_model(deployment_date=TODAY).pk for _ in range(3)]
    large = [make_model(deployment_date=TODAY).pk for _ in range(30)]

    with CaptureQueriesContext(connection) as three:
        publish_model_cards(models=AIModel.objects.filter(pk__in=small), actor=ACTOR, now=NOW, today=TODAY)
    with CaptureQueriesContext(connection) as thirty:
        publish_model_cards(models=AIModel.objects.filter(pk__in=large), actor=ACTOR, now=NOW, today=TODAY)

    assert len(thirty) == len(three)
    assert not AIModel.objects.filter(pk__in=small + large).without_current_card().exists()


def test_bulk_publishing_numbers_each_models_next_version():
    model = make_model(deployment_date=TODAY, with_current_card=True)

    publish_model_cards(models=AIModel.objects.filter(pk=model.pk), actor=ACTOR, now=NOW, today=TODAY)

    assert list(CardVersion.objects.of("model", model.pk).values_list("version", flat=True)) == [2, 1]


@pytest.mark.parametrize("persona", ["alice", "erin", "charlie"])
def test_bulk_publishing_is_refused_without_the_right_to_edit_every_model_and_writes_nothing(request, persona, alice):
    user = request.getfixturevalue(persona)
    own = make_model(deployment_date=TODAY, owner=alice)
    other = make_model(deployment_date=TODAY)

    with pytest.raises(PermissionDenied):
        publish_model_cards(models=AIModel.objects.filter(pk__in=[own.pk, other.pk]), actor=Actor.for_user(user),
                            now=NOW, today=TODAY)

    assert not CardVersion.objects.exists()
    assert AIModel.objects.filter(pk__in=[own.pk, other.pk]).without_current_card().count() == 2
