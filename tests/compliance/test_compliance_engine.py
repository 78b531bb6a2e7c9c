"""The compliance rules engine: each rule, the evaluated population, ordering, the ruleset hash, queries."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compliance.engine import evaluate, evaluate_model
from compliance.rules import RULESET, Ruleset, UnknownRule
from inventory import services as inventory_services
from inventory.models import AIModel, Status
from tests import factories
from tests.conftest import TODAY
from tests.factories import record_review

# Every model made here has a current model card (published at once), so that the card rule
# (prod-without-current-card, tested in test_card_rule.py) stays out of the other rules' cases.
make_model = functools.partial(factories.make_model, with_current_card=True)

pytestmark = pytest.mark.django_db

ACTOR = inventory_services.Actor(name="tests", trusted=True)
# High tier, policy v1: a review every 90 days. Deployed on this day, a model is first due on
# 2026-12-30, so it breaks no rule on TODAY (2026-11-27) unless a test makes it.
RECENT = dt.date(2026, 10, 1)
VENDOR = {"vendor": "OpenAI", "api_endpoint": "https://api.openai.example/v1", "data_classification": "restricted"}


def fresh_model(**overrides) -> AIModel:
    return make_model(**{"deployment_date": RECENT, **overrides})


def broken(model: AIModel, *, today: dt.date = TODAY) -> list[str]:
    """The rules the model breaks, checked two ways: alone, and within a whole evaluation."""
    alone = evaluate_model(model, today=today)
    within = evaluate(today=today, queryset=AIModel.objects.filter(pk=model.pk))
    listed = within.failures[0].rule_ids if within.failures else []
    assert alone.rule_ids == listed
    listed_messages = [v.message for v in within.failures[0].violations] if listed else []
    assert [v.message for v in alone.violations] == listed_messages
    return alone.rule_ids


def messages(model: AIModel, *, today: dt.date = TODAY) -> list[str]:
    return [violation.message for violation in evaluate_model(model, today=today).violations]


def set_fields(model: AIModel, **fields) -> AIModel:
    # Straight to the database: the services would refuse these values.
    AIModel.objects.filter(pk=model.pk).update(**fields)
    return AIModel.objects.get(pk=model.pk)


def test_a_model_that_breaks_no_rule_is_compliant():
    model = fresh_model()

    result = evaluate_model(model, today=TODAY)

    assert (result.passed, result.evaluated, result.violations, result.worst_severity) == (True, True, (), None)


# Periodic review overdue


def test_it_flags_an_overdue_review_with_the_tier_cycle():
    model = make_model(deployment_date=dt.date(2026, 1, 5))
    record_review(model, review_date=dt.date(2026, 5, 1))  # next review due 2026-07-30
    model.refresh_from_db()

    assert broken(model) == ["review-overdue"]
    assert messages(model) == ["Review overdue by 120 days (HIGH requires 90 days)"]
    assert evaluate_model(model, today=TODAY).worst_severity == "high"


def test_a_review_due_today_is_not_overdue():
    model = make_model(deployment_date=dt.date(2026, 1, 5))
    record_review(model, review_date=dt.date(2026, 5, 1))
    model.refresh_from_db()
    due = model.next_review_date

    assert broken(model, today=due) == []
    assert broken(model, today=due + dt.timedelta(days=1)) == ["review-overdue"]


# Never reviewed


def test_it_flags_a_model_never_reviewed_past_its_first_due_date():
    model = make_model(deployment_date=dt.date(2026, 6, 1))  # first review due 2026-08-30

    assert broken(model) == ["never-reviewed"]
    assert messages(model) == ["Never reviewed: the first review was due 2026-08-30 (89 days ago)"]
    assert broken(model, today=dt.date(2026, 8, 30)) == []


# Last review failed


@pytest.mark.parametrize("outcome", ["passed", "warning"])
def test_a_failed_review_stands_until_a_passing_or_warning_review(outcome):
    model = fresh_model()
    record_review(model, review_date=dt.date(2026, 11, 1), outcome="failed")
    model.refresh_from_db()

    assert broken(model) == ["last-review-failed"]
    assert messages(model) == [
        "The latest review (2026-11-01) failed; the model stays non-compliant until a review passes"
    ]
    assert evaluate_model(model, today=TODAY).worst_severity == "critical"

    record_review(model, review_date=dt.date(2026, 11, 20), outcome=outcome)
    model.refresh_from_db()
    assert broken(model) == []


# Changed since the last review


def test_editing_a_definition_field_after_a_review_is_flagged():
    model = fresh_model(vendor="In-house")
    record_review(model, review_date=dt.date(2026, 11, 20))
    model.refresh_from_db()
    assert broken(model) == []

    model = inventory_services.update_model(model=model, changes={"vendor": "Anthropic"}, actor=ACTOR, today=TODAY)

    # The card published before the edit is no longer current either, until it is published again.
    assert broken(model) == ["changed-since-review", "prod-without-current-card"]
    factories.publish_current_card(model)
    assert broken(model) == ["changed-since-review"]
    assert messages(model) == [
        "The model's definition changed since its review of 2026-11-20 (state hash no longer matches)"
    ]


def test_editing_the_notes_after_a_review_is_not_a_change():
    model = fresh_model()
    record_review(model, review_date=dt.date(2026, 11, 20))
    model.refresh_from_db()

    inventory_services.update_model(model=model, changes={"notes": "Owner moved to Cards"}, actor=ACTOR, today=TODAY)

    assert broken(model) == []


# Production without data classification


def test_it_flags_a_production_model_without_data_classification():
    in_prod = fresh_model(data_classification="")
    in_staging = fresh_model(data_classification="", deployment_environment="staging")

    assert broken(in_prod) == ["prod-without-classification"]
    assert messages(in_prod) == ["Production model missing data classification"]
    assert broken(in_staging) == []


# Required fields


def test_missing_required_fields_are_one_violation_listing_every_blank_field():
    model = set_fields(fresh_model(), vendor="", business_owner="", technical_owner="")

    assert broken(model) == ["missing-required-fields"]
    assert messages(model) == ["Missing required fields: vendor, business owner, technical owner"]


def test_one_missing_field_is_named_alone():
    model = set_fields(fresh_model(), use_case="")

    assert messages(model) == ["Missing required fields: use case"]


# Deprecated in production


def test_a_deprecated_model_in_production_is_flagged_after_the_grace_period():
    model = set_fields(fresh_model(), status=Status.DEPRECATED, status_changed_on=dt.date(2026, 8, 1))

    assert broken(model) == ["deprecated-in-production"]
    assert messages(model) == ["Deprecated since 2026-08-01 and still in production (grace period 90 days)"]


@pytest.mark.parametrize(
    ("changed_on", "flagged"),
    [(dt.date(2026, 10, 1), False), (dt.date(2026, 8, 29), False), (dt.date(2026, 8, 28), True)],
)
def test_a_deprecated_model_in_production_is_not_flagged_within_the_grace_period(changed_on, flagged):
    # TODAY - 90 days = 2026-08-29: deprecated that day is still within the grace period.
    model = set_fields(fresh_model(), status=Status.DEPRECATED, status_changed_on=changed_on)

    assert (broken(model) == ["deprecated-in-production"]) is flagged


def test_a_deprecated_model_outside_production_is_not_flagged():
    model = set_fields(
        fresh_model(deployment_environment="staging"), status=Status.DEPRECATED, status_changed_on=dt.date(2026, 1, 1)
    )

    assert broken(model) == []


# Decommissioned still in production


def test_a_decommissioned_model_still_marked_production_fails():
    model = fresh_model()
    inventory_services.change_status(model=model, status=Status.DECOMMISSIONED, actor=ACTOR, today=TODAY,
        reason="retired in tests")

    result = evaluate_model(model, today=TODAY)

    assert broken(model) == ["decommissioned-in-production"]
    assert (result.evaluated, result.passed) == (True, False)
    assert messages(model) == ["Decommissioned but still marked as production"]


# Sensitive data to an external vendor without a review


def test_sensitive_data_to_an_external_vendor_endpoint_without_a_review_is_flagged():
    model = fresh_model(**VENDOR)

    assert broken(model) == ["sensitive-data-unreviewed-vendor"]
    assert messages(model) == [
        "Restricted data goes to OpenAI at an external endpoint, and no review is recorded"
    ]
    assert evaluate_model(model, today=TODAY).worst_severity == "critical"


@pytest.mark.parametrize(
    "overrides",
    [
        {"vendor": "In-house"},
        {"vendor": "INTERNAL"},
        {"data_classification": "internal"},
        {"api_endpoint": ""},
    ],
    ids=["in-house", "internal-any-case", "not-sensitive", "no-endpoint"],
)
def test_in_house_vendors_public_data_and_no_endpoint_are_not_flagged(overrides):
    model = fresh_model(**{**VENDOR, "data_classification": "confidential", **overrides})

    assert broken(model) == []


def test_recording_a_review_clears_the_vendor_flag():
    model = fresh_model(**{**VENDOR, "data_classification": "confidential"})
    assert broken(model) == ["sensitive-data-unreviewed-vendor"]

    record_review(model, review_date=dt.date(2026, 11, 20))
    model.refresh_from_db()

    assert broken(model) == []


# The evaluated population and the compliance rate


def test_retired_models_are_not_evaluated_and_decommissioned_production_models_count_as_failing():
    passing = fresh_model(model_name="passing")
    failing = make_model(model_name="failing", deployment_date=dt.date(2026, 1, 5))  # never reviewed, overdue
    deprecated = set_fields(fresh_model(model_name="deprecated"), status=Status.DEPRECATED, status_changed_on=TODAY)
    retired = fresh_model(model_name="retired", deployment_environment="staging")
    inventory_services.change_status(model=retired, status=Status.DECOMMISSIONED, actor=ACTOR, today=TODAY,
        reason="retired in tests")
    still_prod = fresh_model(model_name="still-prod")
    inventory_services.change_status(model=still_prod, status=Status.DECOMMISSIONED, actor=ACTOR, today=TODAY,
        reason="retired in tests")

    evaluation = evaluate(today=TODAY)

    summary = evaluation.summary
    assert (summary.evaluated, summary.passed, summary.failed) == (4, 2, 2)
    assert summary.compliance_rate == 50.0
    assert sorted(r.model_name for r in evaluation.failures) == ["failing", "still-prod"]
    assert [r.model_name for r in evaluation.passing()] == ["deprecated", "passing"]
    not_evaluated = evaluate_model(retired, today=TODAY)
    assert (not_evaluated.evaluated, not_evaluated.passed, not_evaluated.violations) == (False, True, ())
    assert evaluate_model(passing, today=TODAY).evaluated is True
    assert evaluate_model(deprecated, today=TODAY).passed is True
    assert evaluate_model(failing, today=TODAY).passed is False


def test_the_compliance_rate_has_one_decimal_and_is_none_when_nothing_is_evaluated():
    assert evaluate(today=TODAY).summary.compliance_rate is None

    fresh_model()
    fresh_model()
    make_model(deployment_date=dt.date(2026, 1, 5))

    summary = evaluate(today=TODAY).summary
    assert summary.compliance_rate == 66.7
    assert summary.violations_by_rule["never-reviewed"] == 1
    assert set(summary.violations_by_rule) == {rule.id for rule in RULESET.rules}


def test_a_queryset_narrows_the_evaluated_population():
    fresh_model(risk_tier="critical", deployment_date=dt.date(2026, 11, 1))
    make_model(risk_tier="low", deployment_date=dt.date(2025, 1, 5))  # never reviewed, overdue

    summary = evaluate(today=TODAY, queryset=AIModel.objects.filter(risk_tier="critical")).summary

    assert (summary.evaluated, summary.passed, summary.failed) == (1, 1, 0)


# Ordering


def test_failures_come_most_severe_first_then_by_name():
    make_model(model_name="b-high", deployment_date=dt.date(2026, 1, 5))
    fresh_model(model_name="c-medium", data_classification="")
    fresh_model(model_name="z-critical", **VENDOR)
    make_model(model_name="a-high", deployment_date=dt.date(2026, 1, 5))
    fresh_model(model_name="m-critical", **VENDOR)
    fresh_model(model_name="passing")

    failures = evaluate(today=TODAY).failures

    assert [r.model_name for r in failures] == ["m-critical", "z-critical", "a-high", "b-high", "c-medium"]
    assert [r.worst_severity for r in failures] == ["critical", "critical", "high", "high", "medium"]


def test_a_model_with_several_violations_is_ranked_by_its_worst():
    model = make_model(model_name="a-many", deployment_date=dt.date(2026, 1, 5), data_classification="")
    record_review(model, review_date=dt.date(2026, 2, 1), outcome="failed")
    make_model(model_name="b-high", deployment_date=dt.date(2026, 1, 5))

    failures = evaluate(today=TODAY).failures

    assert [r.model_name for r in failures] == ["a-many", "b-high"]
    assert failures[0].rule_ids == ["review-overdue", "last-review-failed", "prod-without-classification"]
    assert failures[0].worst_severity == "critical"


# The ruleset hash


def test_the_ruleset_hash_changes_when_a_rule_text_changes():
    rules = list(RULESET.rules)
    same = Ruleset(version=RULESET.version, rules=tuple(rules), parameters=dict(RULESET.parameters))
    reworded = Ruleset(
        version=RULESET.version,
        rules=(dataclasses.replace(rules[0], message=rules[0].message + "."), *rules[1:]),
        parameters=RULESET.parameters,
    )
    recited = Ruleset(
        version=RULESET.version,
        rules=(dataclasses.replace(rules[0], citations=dataclasses.replace(rules[0].citations, sr11_7="V.")),
               *rules[1:]),
        parameters=RULESET.parameters,
    )

    assert len(RULESET.content_hash) == 64
    assert same.content_hash == RULESET.content_hash
    assert reworded.content_hash != RULESET.content_hash
    assert recited.content_hash not in (RULESET.content_hash, reworded.content_hash)
    assert evaluate(today=TODAY).metadata()["ruleset"] == {
        "version": RULESET.version, "hash": RULESET.content_hash, "parameters": RULESET.parameters,
    }


# Queries


def _inventory_of(count: int) -> None:
    """A mixed inventory: a third passing, a third never reviewed, a third failing several rules."""
    for i in range(count):
        kind = i % 3
        if kind == 0:
            fresh_model()
        elif kind == 1:
            make_model(deployment_date=dt.date(2026, 1, 5))
        else:
            fresh_model(**{**VENDOR, "data_classification": ""})


def _evaluation_queries(*, read_messages: bool) -> int:
    with CaptureQueriesContext(connection) as captured:
        evaluation = evaluate(today=TODAY)
        for result in evaluation.failures:
            if read_messages:
                [violation.message for violation in result.violations]
        list(evaluation.passing())
    return len(captured)


@pytest.mark.parametrize(("read_messages", "budget"), [(False, 3), (True, 4)])
def test_evaluation_queries_do_not_grow_with_the_inventory(read_messages, budget):
    # Budget: the evaluated count and the failing models (2), the passing models (1), and the
    # failing models' message facts when any message is read (1).
    _inventory_of(3)
    with_three = _evaluation_queries(read_messages=read_messages)
    _inventory_of(27)
    with_thirty = _evaluation_queries(read_messages=read_messages)

    assert with_three == with_thirty == budget


def test_evaluating_one_model_is_one_query_messages_included():
    model = make_model(deployment_date=dt.date(2026, 1, 5), data_classification="")

    with CaptureQueriesContext(connection) as captured:
        result = evaluate_model(model, today=TODAY)
        texts = [violation.message for violation in result.violations]

    assert len(captured) == 1
    assert texts == [
        "Never reviewed: the first review was due 2026-04-05 (236 days ago)",
        "Production model missing data classification",
    ]


def test_loading_a_page_of_messages_reads_only_that_page():
    _inventory_of(9)
    evaluation = evaluate(today=TODAY)
    expected = {r.model_id: [v.message for v in r.violations] for r in evaluate(today=TODAY).failures}
    page = evaluation.failures[:2]

    with CaptureQueriesContext(connection) as captured:
        evaluation.load_messages(page)
        texts = {r.model_id: [v.message for v in r.violations] for r in page}

    assert len(captured) == 1
    assert "IN (" in captured[0]["sql"]
    assert texts == {pk: expected[pk] for pk in texts}
    rest = evaluation.failures[2:]
    assert {r.model_id: [v.message for v in r.violations] for r in rest} == {r.model_id: expected[r.model_id]
                                                                          for r in rest}


def test_passing_models_can_be_read_a_slice_at_a_time():
    for name in ("d", "a", "c", "b"):
        fresh_model(model_name=name)

    evaluation = evaluate(today=TODAY)

    assert [r.model_name for r in evaluation.passing(start=1, stop=3)] == ["b", "c"]
    assert [r.model_name for r in evaluation.passing(start=3)] == ["d"]


def test_a_listing_pages_the_failures_first_then_the_passing_models_by_name():
    for name in ("d", "a", "c"):
        fresh_model(model_name=name)
    for name in ("z-overdue", "y-overdue"):
        make_model(model_name=name, deployment_date=TODAY - dt.timedelta(days=730))
    evaluation = evaluate(today=TODAY)

    everything = evaluation.listing(show_all=True)
    failures = evaluation.listing()
    never_reviewed = evaluation.listing(rule_id="never-reviewed")

    assert len(everything) == 5
    assert [r.model_name for r in everything[1:4]] == ["z-overdue", "a", "c"]
    assert [r.model_name for r in everything[:]] == ["y-overdue", "z-overdue", "a", "c", "d"]
    assert everything[-1].model_name == "d"
    with pytest.raises(IndexError):
        everything[5]
    assert [r.model_name for r in failures] == ["y-overdue", "z-overdue"]
    assert [r.model_name for r in never_reviewed] == ["y-overdue", "z-overdue"]


def test_a_listing_of_an_unknown_rule_names_the_rules_there_are():
    evaluation = evaluate(today=TODAY)

    with pytest.raises(UnknownRule, match="no rule 'no-such-rule'; the rules are .*review-overdue"):
        evaluation.listing(rule_id="no-such-rule")
