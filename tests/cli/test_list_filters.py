"""mltrack list with every filter of the console's inventory list: each filter, the same models as
the console for the same filter, bad values, and the next-page command that carries them."""

from __future__ import annotations

import datetime as dt
import json
import shlex

import pytest
from django.urls import reverse

from inventory import services
from inventory.models import AIModel
from tests.factories import make_model, record_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def inventory(today):
    """On 2026-11-27: critical deployed 06-01 is due 07-01 (149 days overdue), high deployed 06-01 due
    08-30 (89 days), critical deployed 10-15 due 11-14 (13 days), medium deployed 06-01 due 11-28
    (tomorrow); the low model was reviewed today and changed since."""
    make_model(model_name="fraud-gbm", risk_tier="critical", model_type="ml", business_line="Cards")
    make_model(
        model_name="advisor-llm", risk_tier="high", model_type="generative_ai", data_classification="restricted",
        business_line="Wealth Management", vendor="OpenAI",
    )
    make_model(
        model_name="aml-agent", risk_tier="critical", model_type="agentic_ai", deployment_date=dt.date(2026, 10, 15),
        business_line="Retail Banking",
    )
    make_model(model_name="churn-glm", risk_tier="medium", model_type="statistical", data_classification="public",
               business_line="retail banking")
    ledger = make_model(model_name="ledger-rules", risk_tier="low", model_type="rules", data_classification="internal",
                        deployment_environment="dev")
    record_review(ledger, review_date=today)
    services.update_model(model=AIModel.objects.get(pk=ledger.pk), changes={"use_case": "Ledger checks"},
                          actor=services.Actor(name="tests", trusted=True), today=today)


def names(run, *args: str) -> list[str]:
    result = run("list", "--json", "--per-page", "500", *args)
    assert result.code == 0, result.err
    return [row["model_name"] for row in json.loads(result.out)["results"]]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--model-type", "generative_ai"], ["advisor-llm"]),
        (["--model-type", "ML"], ["fraud-gbm"]),
        (["--data-classification", "Restricted"], ["advisor-llm"]),
        (["--data-classification", "confidential"], ["aml-agent", "fraud-gbm"]),
        (["--business-line", "RETAIL BANKING"], ["aml-agent", "churn-glm"]),
        (["--business-line", " cards "], ["fraud-gbm"]),
        (["--review", "overdue"], ["advisor-llm", "aml-agent", "fraud-gbm"]),
        (["--review", "overdue_1_30"], ["aml-agent"]),
        (["--review", "overdue_31_90"], ["advisor-llm"]),
        (["--review", "overdue_over_90"], ["fraud-gbm"]),
        (["--review", "due_30"], ["churn-glm"]),
        (["--review", "never"], ["advisor-llm", "aml-agent", "churn-glm", "fraud-gbm"]),
        (["--review", "Changed"], ["ledger-rules"]),
        (["--review", "overdue", "--risk", "critical", "--sort=-next_review"], ["aml-agent", "fraud-gbm"]),
        (["--model-type", "rules", "--review", "never"], []),
    ],
)
def test_it_filters_like_the_console(run, inventory, args, expected):
    assert names(run, *args) == expected


# The console and the CLI give the same models, in the same order, for the same filter.
CONSOLE_AND_CLI = [
    ({"model_type": "agentic_ai"}, ["--model-type", "agentic_ai"]),
    ({"data_classification": "public"}, ["--data-classification", "public"]),
    ({"business_line": "retail banking"}, ["--business-line", "retail banking"]),
    *[({"review": state}, ["--review", state]) for state in
      ("overdue", "overdue_1_30", "overdue_31_90", "overdue_over_90", "due_30", "never", "changed")],
    ({"risk_tier": "critical", "review": "overdue", "sort": "-next_review"},
     ["--risk", "critical", "--review", "overdue", "--sort=-next_review"]),
    ({"q": "retail", "deployment_environment": "prod", "sort": "risk"},
     ["--search", "retail", "--environment", "prod", "--sort", "risk"]),
]


@pytest.mark.parametrize(("query", "args"), CONSOLE_AND_CLI, ids=[" ".join(args) for _, args in CONSOLE_AND_CLI])
def test_the_console_list_and_the_cli_give_the_same_models(run, client, bob, inventory, query, args):
    client.force_login(bob)
    response = client.get(reverse("inventory:list"), query)
    assert response.status_code == 200
    console = [model.model_name for model in response.context["models"]]

    assert names(run, *args) == console


@pytest.mark.parametrize(
    ("args", "flag", "allowed"),
    [
        (["--model-type", "llm"], "--model-type",
         ["statistical", "ml", "generative_ai", "agentic_ai", "rules", "vendor"]),
        (["--data-classification", "secret"], "--data-classification",
         ["public", "internal", "confidential", "restricted"]),
        (["--review", "late"], "--review", ["overdue", "overdue_1_30", "overdue_31_90", "overdue_over_90", "due_30",
                                           "never", "changed"]),
        (["--review", ""], "--review", ["overdue", "overdue_1_30", "overdue_31_90", "overdue_over_90", "due_30",
                                        "never", "changed"]),
    ],
)
def test_a_bad_value_is_a_usage_error_naming_the_flag_and_the_allowed_values(run, inventory, args, flag, allowed):
    value = args[1].strip().lower()
    message = f"argument {flag}: {value!r} is not allowed. Allowed values: {', '.join(allowed)}."

    text = run("list", *args)
    as_json = run("list", *args, "--json")

    assert (text.code, text.out) == (2, "")
    assert text.err.startswith("usage: mltrack list")
    assert text.err.endswith(f"mltrack list: error: {message}\n")
    assert (as_json.code, as_json.err) == (2, "")
    assert json.loads(as_json.out) == {"error": {"code": "invalid_value", "message": message, "suggestions": allowed}}


def test_a_bad_sort_key_suggests_the_sort_keys(run, inventory):
    result = run("list", "--sort=-size", "--json")

    assert result.code == 2
    error = json.loads(result.out)["error"]
    assert error["code"] == "invalid_value"
    assert error["message"].startswith("argument --sort: '-size' is not a sort key. Sort keys: name, vendor, risk,")
    assert error["suggestions"] == ["name", "vendor", "risk", "status", "environment", "deployed", "next_review",
                                    "last_review", "added"]


def test_the_next_page_command_carries_every_filter(run, inventory):
    make_model(model_name="fraud-gbm-2", risk_tier="critical", model_type="ml", business_line="Cards")
    args = ["--model-type", "ML", "--data-classification", "Confidential", "--business-line", " Cards ",
            "--review", "OVERDUE", "--search", "jane smith", "--risk", "critical", "--vendor", "in-house",
            "--environment", "prod", "--status", "active", "--sort=-next_review,name", "--per-page", "1"]

    first = run("list", *args)

    assert first.code == 0, first.err
    command = first.out.strip().splitlines()[-1].split(" · next: ")[1]
    assert command == (
        "mltrack list --risk critical --vendor in-house --environment prod --status active --model-type ml "
        "--data-classification confidential --business-line Cards --review overdue --search 'jane smith' "
        "--sort=-next_review,name --per-page 1 --page 2"
    )
    second = run(*shlex.split(command)[1:], "--json")
    assert second.code == 0, second.err
    page = json.loads(second.out)
    assert (page["count"], page["page"], page["pages"]) == (2, 2, 2)
    assert [row["model_name"] for row in page["results"]] == ["fraud-gbm-2"]


def test_a_sort_alone_is_not_a_filter(run):
    assert "The inventory is empty" in run("list", "--sort", "risk").out
    assert "No models match." in run("list", "--review", "never").out


def test_the_new_filters_keep_the_query_budget(run, bob, inventory):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        result = run("list", "--review", "changed", "--model-type", "rules", "--environment", "dev", "--json")

    assert result.code == 0, result.err
    assert [row["model_name"] for row in json.loads(result.out)["results"]] == ["ledger-rules"]
    # Budget, as for any list: the acting account (1), COUNT (1), the page (1).
    assert len(ctx.captured_queries) == 3
