"""/api/v1/compliance/: the evaluation (validate --json's shape, a page at a time), the gate's verdict
and its SARIF log (what mltrack check prints), the ruleset."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

import pytest

from compliance.rules import RULESET
from mltrack_site.cli import main
from tests.api.conftest import Api, make_token
from tests.factories import decommission, make_model, record_review

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
RECENT = dt.date(2026, 10, 1)


@pytest.fixture
def inventory():
    """claude-3-opus passes; gpt-4-turbo (critical) and two unclassified high models fail; one retired."""
    make_model(model_name="claude-3-opus", deployment_date=RECENT, with_current_card=True)
    make_model(model_name="gpt-4-turbo", risk_tier="critical", deployment_date=dt.date(2026, 6, 1), with_current_card=True)
    make_model(model_name="chat-a", deployment_date=RECENT, data_classification="", with_current_card=True)
    make_model(model_name="chat-b", deployment_date=RECENT, data_classification="", with_current_card=True)
    decommission(make_model(model_name="retired", deployment_date=RECENT, deployment_environment="staging"))


@pytest.fixture
def run(capsys, monkeypatch, settings):
    """mltrack in-process, as the local operator: what the API must agree with."""
    for name in ("MLTRACK_USER", "MLTRACK_URL", "MLTRACK_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    settings.MLTRACK_CLI_REQUIRE_ACCOUNT = False

    def mltrack(*argv: str):
        code = main(list(argv))
        captured = capsys.readouterr()
        return SimpleNamespace(code=code, out=captured.out, err=captured.err)

    return mltrack


@pytest.fixture
def erins(erin) -> Api:
    return Api(make_token(erin, read_only=True))


def cli_json(run, *argv: str) -> dict:
    result = run(*argv, "--json")
    return json.loads(result.out)


# The evaluation -------------------------------------------------------------------------------


def test_the_evaluation_is_validate_json_a_page_at_a_time(erins, inventory, run):
    body = erins.get("/api/v1/compliance/evaluation/", {"page_size": 2}).json()
    local = cli_json(run, "validate", "--all")

    assert list(body) == ["as_of", "ruleset", "summary", "models", "count", "page", "pages", "next", "previous"]
    assert {key: body[key] for key in ("as_of", "ruleset", "summary")} == {
        key: local[key] for key in ("as_of", "ruleset", "summary")}
    # Failing models only, most severe first: the start of validate's listing.
    assert body["models"] == local["models"][:2]
    assert (body["count"], body["pages"]) == (3, 2)


def test_result_all_lists_passing_models_after_the_failures(erins, inventory, run):
    body = erins.get("/api/v1/compliance/evaluation/", {"result": "all", "page_size": 50}).json()

    assert body["models"] == cli_json(run, "validate", "--all")["models"]


def test_it_evaluates_a_filtered_part_and_one_rule(erins, inventory):
    critical = erins.get("/api/v1/compliance/evaluation/", {"risk_tier": "critical", "result": "all"}).json()
    unclassified = erins.get("/api/v1/compliance/evaluation/", {"rule": "prod-without-classification"}).json()

    assert [m["model"] for m in critical["models"]] == ["gpt-4-turbo"]
    assert critical["summary"]["evaluated"] == 1
    assert [m["model"] for m in unclassified["models"]] == ["chat-a", "chat-b"]


@pytest.mark.parametrize(
    ("query", "field"),
    [({"result": "some"}, "result"), ({"rule": "no-such-rule"}, "rule"), ({"risk_tier": "extreme"}, "risk_tier")],
)
def test_a_bad_evaluation_query_is_400(erins, inventory, query, field):
    response = erins.get("/api/v1/compliance/evaluation/", query)

    assert response.status_code == 400 and field in response.json()["error"]["fields"]


# The gate's verdict ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "argv", "code"),
    [
        ({"model": "GPT-4-Turbo"}, ("validate", "--model-id", "gpt-4-turbo"), 1),
        ({"model": "claude-3-opus"}, ("validate", "--model-id", "claude-3-opus"), 0),
        ({"model": "retired"}, ("validate", "--model-id", "retired"), 0),
        ({"risk_tier": "critical"}, ("validate", "--risk", "critical"), 1),
        ({"risk_tier": "low"}, ("validate", "--risk", "low"), 0),
        ({"all": "true"}, ("validate", "--all"), 1),
    ],
)
def test_the_verdict_is_what_mltrack_check_decides(erins, inventory, run, query, argv, code):
    body = erins.get("/api/v1/compliance/check/", query).json()

    assert (body["exit_code"], body["compliant"]) == (code, code == 0)
    assert body["evaluation"] == cli_json(run, *argv)
    assert run("check", *argv[1:] if argv[1] != "--model-id" else argv[2:]).code == code


def test_the_verdict_counts_retired_models_in_the_total(erins, inventory):
    assert erins.get("/api/v1/compliance/check/", {"all": "true"}).json()["total"] == 5


def test_detail_false_gives_the_verdict_without_each_models_result(erins, inventory):
    body = erins.get("/api/v1/compliance/check/", {"all": "true", "detail": "false"}).json()

    assert body["evaluation"]["models"] == [] and body["evaluation"]["summary"]["failed"] == 3


@pytest.mark.parametrize("query", [{}, {"model": "x", "all": "true"}, {"risk_tier": "high", "model": "x"},
                                   {"all": "false"}, {"risk_tier": "extreme"}, {"all": "maybe"}])
def test_a_selection_that_is_not_exactly_one_is_400(erins, inventory, query):
    response = erins.get("/api/v1/compliance/check/", query)

    assert response.status_code == 400


def test_an_unknown_model_is_404_with_close_names(erins, inventory):
    response = erins.get("/api/v1/compliance/check/", {"model": "gpt-4-turbbo"})

    assert response.status_code == 404
    assert response.json()["error"] == {
        "code": "unknown_model", "message": 'No model named "gpt-4-turbbo". Did you mean: gpt-4-turbo?',
        "suggestions": ["gpt-4-turbo"],
    }


def test_a_user_without_a_role_is_refused_in_the_clis_words(charlie, inventory):
    session = Api()
    session.client.force_login(charlie)

    response = session.get("/api/v1/compliance/check/", {"all": "true"})

    assert response.status_code == 403
    assert response.json()["error"]["message"] == "Permission denied: charlie (role: none) may not view the inventory."


def test_the_sarif_log_is_what_check_format_sarif_prints(erins, inventory, run):
    body = erins.get("/api/v1/compliance/check/sarif/", {"risk_tier": "high"}).json()
    local = json.loads(run("check", "--risk", "high", "--format", "sarif").out)

    assert body == local
    assert body["runs"][0]["invocations"][0]["exitCode"] == 1
    assert {result["locations"][0]["logicalLocations"][0]["name"] for result in body["runs"][0]["results"]} == {
        "chat-a", "chat-b"}


def test_the_rules_are_the_ruleset(erins):
    body = erins.get("/api/v1/compliance/rules/").json()

    assert body["ruleset"] == RULESET.describe()
    assert [rule["id"] for rule in body["rules"]] == [rule.id for rule in RULESET.rules]
    assert body["rules"][0]["citations"]["sr26_2"]


def test_a_reviewed_model_passes_after_its_review(erins, inventory):
    from inventory.models import AIModel

    record_review(AIModel.objects.get(model_name="gpt-4-turbo"), review_date=dt.date(2026, 11, 20))

    assert erins.get("/api/v1/compliance/check/", {"model": "gpt-4-turbo"}).json()["exit_code"] == 0
