"""mltrack show: every field, the schedule, the change history; did-you-mean for unknown names."""

from __future__ import annotations

import json

import pytest

from inventory import services
from inventory.cli import lookup
from inventory.models import AIModel
from tests.factories import make_model

pytestmark = pytest.mark.django_db


def test_it_shows_every_field_the_schedule_and_the_history(run, bob, today):
    model = make_model(model_name="Fraud-V2", model_version="2.1", business_line="Cards", notes="Watch drift.")
    services.update_model(
        model=model, changes={"status": "deprecated"}, actor=services.Actor.for_user(bob), today=today
    )

    result = run("show", "fraud-v2")  # any case

    assert result.code == 0, result.err
    words = " ".join(result.out.split())
    for text in (
        "Fraud-V2", "In-house", "HIGH", "deprecated", "Real-time card fraud detection", "Jane Smith (Cards)",
        "Fraud Data Science", "2026-06-01", "prod", "confidential", "2.1", "Cards", "Watch drift.",
        "Last review never", "Next review 2026-08-30 OVERDUE 89d", "every 90 days (high, review policy v1)",
    ):
        assert text in words, text
    history = result.out[result.out.index("Change history (newest first)") :]
    assert history.index("status: Active → Deprecated") < history.index("created")
    assert "bob" in history and "tests" in history


def test_it_prints_json_with_the_schedule_and_history(run, bob, today):
    model = make_model(model_name="fraud-v2")
    services.update_model(
        model=model, changes={"risk_tier": "critical"}, actor=services.Actor.for_user(bob), today=today
    )

    result = run("show", "FRAUD-V2", "--json")

    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert list(data) == ["model", "schedule", "history"]
    assert data["model"]["risk_tier"] == "critical"
    assert data["schedule"] == {
        "review_cycle_days": 30,
        "review_policy_version": 1,
        "review_policy_effective_date": "1900-01-01",
        "days_until_due": -149,
        "overdue": True,
    }
    newest, oldest = data["history"]
    assert list(newest) == ["at", "actor", "kind", "reason", "changes"]
    assert (newest["actor"], newest["kind"]) == ("bob", "changed")
    # Stored codes, like the model's fields, not the labels the terminal view shows.
    assert {"field": "risk_tier", "label": "risk tier", "old": "high", "new": "critical"} in newest["changes"]
    rescheduled = {"field": "next_review_date", "label": "next review date", "old": "2026-08-30", "new": "2026-07-01"}
    assert rescheduled in newest["changes"]
    assert (oldest["actor"], oldest["kind"]) == ("tests", "created")
    created = {change["field"]: change["new"] for change in oldest["changes"]}
    assert (created["risk_tier"], created["deployment_environment"], created["status"]) == ("high", "prod", "active")
    assert created["deployment_date"] == "2026-06-01"


def test_it_suggests_close_names_for_an_unknown_one(run):
    for name in ("fraud-detector", "fraud-detection-v2", "credit-risk", "chatbot"):
        make_model(model_name=name)

    result = run("show", "fraud-detecter")

    assert result.code == 1
    assert result.err.strip() == 'No model named "fraud-detecter". Did you mean: fraud-detector, fraud-detection-v2?'
    assert result.out == ""


def test_it_says_plainly_when_nothing_is_close(run):
    make_model(model_name="chatbot")

    result = run("show", "zzz-unrelated")

    assert result.code == 1
    assert result.err.strip() == 'No model named "zzz-unrelated".'


def test_it_keeps_suggestions_bounded_in_a_large_inventory(run, monkeypatch, django_assert_max_num_queries):
    # With a pool of 2, the inventory counts as large: candidates are names sharing the first or
    # last three characters, at most 2 of each, instead of every name.
    monkeypatch.setattr(lookup, "SUGGESTION_POOL", 2)
    for name in ("fraud-aaa-001", "fraud-bbb-002", "credit-ccc-007", "chat-ddd-007", "zeta-eee-007"):
        make_model(model_name=name)

    with django_assert_max_num_queries(6):
        result = run("show", "frud-ccc-007")

    assert result.code == 1
    assert "Did you mean: credit-ccc-007" in result.err
    assert "zeta" not in result.err  # beyond the bounded pool for the suffix "007"


def test_it_shows_names_with_markup_characters_as_written(run):
    make_model(model_name="[bold]odd[/bold]")

    result = run("show", "[bold]odd[/bold]")

    assert result.code == 0, result.err
    assert "[bold]odd[/bold]" in result.out


def test_it_refuses_an_account_without_a_role(run, charlie):
    make_model(model_name="secret")

    result = run("--user", "charlie", "show", "secret")

    assert result.code == 1
    assert "may not view the inventory" in result.err
    assert AIModel.objects.count() == 1
