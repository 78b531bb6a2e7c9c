"""The card rule (prod-without-current-card): a high or critical production model needs a model card
published for its definition as it stands."""

from __future__ import annotations

import datetime as dt

import pytest

from compliance.engine import evaluate, evaluate_model, summarize
from inventory import services as inventory_services
from inventory.models import AIModel
from tests.conftest import TODAY
from tests.factories import decommission, make_model, publish_current_card, record_review

pytestmark = pytest.mark.django_db

ACTOR = inventory_services.Actor(name="tests", trusted=True)
RULE = "prod-without-current-card"
# Deployed on this day, a model is first due 2026-12-01 (critical) or 2027-01-30 (high): no review
# rule is broken on TODAY.
RECENT = dt.date(2026, 11, 1)


def card_rule(model: AIModel) -> list[str]:
    """The card rule's messages for the model, the same alone and within a whole evaluation."""
    alone = [v.message for v in evaluate_model(model, today=TODAY).violations if v.rule.id == RULE]
    within = evaluate(today=TODAY, queryset=AIModel.objects.filter(pk=model.pk))
    listed = [v.message for result in within.failures for v in result.violations if v.rule.id == RULE]
    assert alone == listed
    return alone


@pytest.mark.parametrize("tier", ["high", "critical"])
def test_a_production_model_never_published_is_flagged(tier):
    model = make_model(risk_tier=tier, deployment_date=RECENT)

    assert card_rule(model) == ["No current model card: never published"]
    result = evaluate_model(model, today=TODAY)
    assert (result.rule_ids, result.worst_severity) == ([RULE], "medium")


def test_a_card_published_for_an_earlier_definition_is_flagged_with_its_date():
    model = make_model(deployment_date=RECENT, with_current_card=True)
    assert card_rule(model) == []

    model = inventory_services.update_model(model=model, changes={"use_case": "Card-not-present fraud"}, actor=ACTOR,
                                            today=TODAY)

    assert card_rule(model) == [
        "No current model card: the latest was published on 2026-11-27 for an earlier definition"
    ]


def test_publishing_again_after_the_change_makes_the_card_current():
    model = make_model(deployment_date=RECENT, with_current_card=True)
    model = inventory_services.update_model(model=model, changes={"vendor": "FICO"}, actor=ACTOR, today=TODAY)

    publish_current_card(model, now=dt.datetime(2026, 11, 27, 16, 0, tzinfo=dt.UTC))

    assert card_rule(model) == []
    assert evaluate_model(model, today=TODAY).passed


def test_a_current_card_survives_a_review_and_a_notes_edit():
    model = make_model(deployment_date=RECENT, with_current_card=True)
    record_review(model, review_date=dt.date(2026, 11, 20))
    model = inventory_services.update_model(model=model, changes={"notes": "Re-trained monthly"}, actor=ACTOR,
                                            today=TODAY)

    assert card_rule(model) == []


@pytest.mark.parametrize("overrides", [
    {"risk_tier": "medium"},
    {"risk_tier": "low"},
    {"deployment_environment": "staging"},
    {"deployment_environment": "dev"},
], ids=["medium", "low", "staging", "dev"])
def test_medium_and_low_tiers_and_models_outside_production_are_out_of_scope(overrides):
    model = make_model(deployment_date=RECENT, **overrides)

    assert card_rule(model) == []
    assert evaluate_model(model, today=TODAY).passed


def test_decommissioned_models_are_out_of_scope():
    retired = decommission(make_model(deployment_date=RECENT, deployment_environment="staging"))
    still_prod = decommission(make_model(deployment_date=RECENT))

    assert evaluate_model(retired, today=TODAY).evaluated is False
    # Evaluated (it is still marked as production), but for the retirement rule, not for its card.
    assert evaluate_model(still_prod, today=TODAY).rule_ids == ["decommissioned-in-production"]


def test_the_rule_counts_the_inventorys_models_without_a_current_card():
    make_model(model_name="never", deployment_date=RECENT)
    stale = make_model(model_name="stale", deployment_date=RECENT, with_current_card=True)
    inventory_services.update_model(model=stale, changes={"vendor": "FICO"}, actor=ACTOR, today=TODAY)
    make_model(model_name="current", deployment_date=RECENT, with_current_card=True)
    make_model(model_name="medium", risk_tier="medium", deployment_date=RECENT)

    summary = summarize(today=TODAY)

    assert summary.violations_by_rule[RULE] == 2
    assert (summary.evaluated, summary.passed) == (4, 2)
    # The inventory's own selection, which the rule reads, agrees (it ignores tier and environment).
    in_scope = AIModel.objects.filter(risk_tier__in=["high", "critical"], deployment_environment="prod")
    assert sorted(in_scope.without_current_card().values_list("model_name", flat=True)) == ["never", "stale"]
