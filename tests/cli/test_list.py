"""mltrack list: filters, sorting, paging, JSON, usage errors, and a constant query budget."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory.cli import fields
from inventory.models import AIModel
from tests.factories import make_model

pytestmark = pytest.mark.django_db


def list_json(run, *args: str) -> dict:
    result = run("list", "--json", *args)
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_it_prints_a_table_with_a_footer(run):
    make_model(model_name="fraud-v2", vendor="OpenAI", risk_tier="critical")
    make_model(model_name="chat-v1", vendor="Anthropic", deployment_environment="staging")

    result = run("list")

    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].split() == ["Name", "Vendor", "Risk", "Env", "Status", "Next", "review"]
    assert lines[2].split()[:5] == ["chat-v1", "Anthropic", "HIGH", "staging", "active"]
    assert lines[3].split()[:5] == ["fraud-v2", "OpenAI", "CRITICAL", "prod", "active"]
    assert lines[-1] == "Page 1 of 1 · 2 models"


def test_it_flags_overdue_models(run):
    # Deployed 2026-06-01, critical: due 2026-07-01, overdue by 149 days on 2026-11-27.
    make_model(model_name="late", risk_tier="critical")

    result = run("list")

    assert "2026-07-01  OVERDUE 149d" in result.out


def test_it_pages_and_prints_the_next_command(run):
    for i in range(5):
        make_model(model_name=f"m-{i}", risk_tier="low")

    first = run("list", "--per-page", "2", "--risk", "LOW", "--sort=-name")
    last = run("list", "--per-page", "2", "--risk", "low", "--sort=-name", "--page", "3")

    assert "Page 1 of 3 · 5 models · next: mltrack list --risk low --sort=-name --per-page 2 --page 2" in first.out
    assert "m-4" in first.out and "m-2" not in first.out
    assert "m-0" in last.out and "next:" not in last.out


def test_it_prints_json_with_every_field_in_a_stable_order(run, bob, today):
    make_model(model_name="fraud-v2", owner=bob, api_endpoint="https://api.example.com/v1", notes="n")

    data = list_json(run)

    assert list(data) == ["count", "page", "pages", "per_page", "results"]
    assert (data["count"], data["page"], data["pages"], data["per_page"]) == (1, 1, 1, 25)
    row = data["results"][0]
    assert list(row) == [
        "id", "model_name", "vendor", "risk_tier", "use_case", "business_owner", "technical_owner",
        "deployment_date", "model_version", "deployment_environment", "api_endpoint", "data_classification",
        "status", "model_type", "business_line", "notes", "owner", "last_review_date", "next_review_date",
        "review_policy_version", "state_hash", "status_changed_on", "latest_outcome_on", "latest_outcome",
        "latest_outcome_state_hash", "earliest_outcome_on", "card_state_hash", "card_published_at", "registry_name",
        "registered_name", "registered_version", "registry_stage", "registry_run_id", "registry_digest",
        "reviewed_registry_version", "reviewed_registry_identity", "created_at", "updated_at", "overdue",
    ]
    assert row["model_name"] == "fraud-v2"
    assert row["owner"] == "bob"
    assert row["deployment_date"] == "2026-06-01"
    assert row["last_review_date"] is None
    assert row["next_review_date"] == "2026-08-30"
    assert row["review_policy_version"] == 1
    assert row["overdue"] is True
    assert dt.datetime.fromisoformat(row["created_at"]).date() == today


def test_it_prints_an_empty_page_as_json(run):
    assert list_json(run) == {"count": 0, "page": 1, "pages": 1, "per_page": 25, "results": []}


def test_it_filters_case_insensitively(run):
    make_model(model_name="a", vendor="OpenAI", risk_tier="high", deployment_environment="prod")
    make_model(model_name="b", vendor="Anthropic", risk_tier="high", deployment_environment="dev")
    make_model(model_name="c", vendor="OpenAI", risk_tier="low", deployment_environment="prod")

    def names(*args):
        return [row["model_name"] for row in list_json(run, *args)["results"]]

    assert names("--risk", "HIGH") == ["a", "b"]
    assert names("--vendor", "openai") == ["a", "c"]
    assert names("--environment", "Prod", "--risk", "high") == ["a"]
    assert names("--status", "ACTIVE") == ["a", "b", "c"]
    assert names("--status", "deprecated") == []


def test_it_searches_names_vendors_use_cases_and_owners(run):
    make_model(model_name="fraud-v2", use_case="Card fraud")
    make_model(model_name="chat", use_case="Chatbot", business_owner="Raj Patel", technical_owner="ML Platform")

    assert [r["model_name"] for r in list_json(run, "--search", "FRAUD")["results"]] == ["fraud-v2"]
    assert [r["model_name"] for r in list_json(run, "--search", "patel")["results"]] == ["chat"]


def test_it_sorts_by_any_sort_key_either_way(run):
    make_model(model_name="b", risk_tier="critical")  # due 2026-07-01
    make_model(model_name="a", risk_tier="low")  # due 2027-06-01
    make_model(model_name="c", risk_tier="medium")  # due 2026-11-28

    def names(sort):
        return [row["model_name"] for row in list_json(run, f"--sort={sort}")["results"]]

    assert names("name") == ["a", "b", "c"]
    assert names("-name") == ["c", "b", "a"]
    assert names("next_review") == ["b", "c", "a"]
    assert names("-next_review,name") == ["a", "c", "b"]
    assert names("risk") == ["b", "c", "a"]  # by severity: critical, medium, low


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--risk", "extreme"], "argument --risk: 'extreme' is not allowed. Allowed values: critical, high, medium,"),
        (["--environment", "qa"], "Allowed values: prod, staging, dev."),
        (["--status", "retired"], "Allowed values: active, deprecated, decommissioned."),
        (["--sort", "size"], "argument --sort: 'size' is not a sort key. Sort keys: name, vendor, risk,"),
        (["--per-page", "501"], "501 is more than the maximum of 500"),
        (["--per-page", "0"], "0 is less than 1"),
        (["--page", "two"], "'two' is not a whole number"),
    ],
)
def test_it_treats_bad_options_as_usage_errors(run, args, message):
    result = run("list", *args)

    assert result.code == 2
    assert message in result.err
    assert "usage: mltrack list" in result.err


def test_it_says_when_a_page_does_not_exist(run):
    make_model(model_name="only")

    result = run("list", "--page", "3")

    assert result.code == 1
    assert result.err.strip() == "Page 3 does not exist: 1 model(s) make 1 page(s) of 25."


def test_it_says_when_the_inventory_is_empty(run):
    result = run("list")

    assert result.code == 0
    assert "The inventory is empty" in result.out


def test_it_refuses_an_account_without_a_role(run, charlie):
    make_model()

    result = run("--user", "charlie", "list")

    assert result.code == 1
    assert "Permission denied: charlie (role: none) may not view the inventory." in result.err
    assert result.out == ""


def test_it_lets_an_examiner_read(run, erin):
    make_model(model_name="visible")

    assert "visible" in run("--user", "erin", "list").out


def queries_for(run, *args: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        result = run("list", *args)
    assert result.code == 0, result.err
    return len(ctx.captured_queries)


@pytest.mark.parametrize("args", [[], ["--json"], ["--user", "bob", "--risk", "high", "--sort=-next_review"]])
def test_it_uses_the_same_number_of_queries_for_3_and_30_models(run, bob, args):
    for i in range(3):
        make_model(model_name=f"small-{i}", owner=bob)
    small = queries_for(run, *args)
    for i in range(27):
        make_model(model_name=f"large-{i}", owner=bob)
    large = queries_for(run, *args, "--per-page", "50")

    assert AIModel.objects.count() == 30
    assert small == large
    # Budget: the acting account (1), its permissions when acting for one (2), COUNT (1), the page (1).
    assert small == (5 if "--user" in args else 3)


def test_it_documents_each_enum_value_in_the_field_help():
    from inventory.services import ENUM_FIELDS

    for field, choices in ENUM_FIELDS.items():
        for value in choices.values:
            assert value in fields.FIELD_HELP[field], (field, value)
