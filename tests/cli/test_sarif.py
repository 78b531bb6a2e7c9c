"""mltrack check --format sarif: a SARIF 2.1.0 log with the essentials code-scanning tools need."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from common.cli import installed_version
from compliance.engine import evaluate
from compliance.rules import RULESET
from compliance.sarif import LEVELS, SARIF_SCHEMA, sarif_log
from tests.conftest import TODAY
from tests.factories import make_model

pytestmark = pytest.mark.django_db

RECENT = dt.date(2026, 10, 1)  # high tier, first review due 2026-12-30: compliant on TODAY
EXPECTED_LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}


@pytest.fixture
def inventory(db):
    """gpt-4-turbo breaks two rules (one critical), "odd{name}" one; claude-3-opus passes."""
    make_model(model_name="gpt-4-turbo", risk_tier="critical", deployment_date=dt.date(2026, 6, 1),
               vendor="OpenAI", api_endpoint="https://api.openai.example/v1", with_current_card=True)
    make_model(model_name="odd{name}", deployment_date=RECENT, data_classification="", with_current_card=True)
    make_model(model_name="claude-3-opus", deployment_date=RECENT, with_current_card=True)


def sarif(run, *argv: str) -> tuple[int, dict]:
    result = run("check", *argv, "--format", "sarif")
    assert result.err == ""
    return result.code, json.loads(result.out)


def assert_essentials(log: dict) -> None:
    """What a SARIF 2.1.0 consumer relies on, checked by hand (no schema validator in the test deps)."""
    assert log["version"] == "2.1.0"
    assert isinstance(log["$schema"], str) and re.match(r"^https://\S+sarif-schema-2\.1\.0\.json$", log["$schema"])
    assert len(log["runs"]) == 1
    run_ = log["runs"][0]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "mltrack" and isinstance(driver["version"], str)
    assert "informationUri" not in driver
    ids = [rule["id"] for rule in driver["rules"]]
    assert len(ids) == len(set(ids)), "rule ids must be unique"
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"] and rule["help"]["text"]
        assert rule["defaultConfiguration"]["level"] in {"error", "warning", "note"}
    for result in run_["results"]:
        assert result["ruleId"] in ids
        assert ids[result["ruleIndex"]] == result["ruleId"]
        assert result["level"] in {"error", "warning", "note"}
        assert isinstance(result["message"]["text"], str) and result["message"]["text"]
        for location in result["locations"]:
            assert "physicalLocation" not in location
            assert all(logical["name"] and logical["kind"] == "module" for logical in location["logicalLocations"])
    invocation = run_["invocations"][0]
    assert isinstance(invocation["executionSuccessful"], bool)


def test_it_has_the_sarif_essentials(run, inventory):
    code, log = sarif(run, "--all")

    assert code == 1
    assert_essentials(log)
    assert log["$schema"] == SARIF_SCHEMA
    assert log["runs"][0]["tool"]["driver"]["version"] == installed_version()
    assert log["runs"][0]["invocations"] == [{"executionSuccessful": True, "exitCode": 1}]


def test_it_has_a_rule_for_every_ruleset_rule_with_its_citations(run, inventory):
    _, log = sarif(run, "--all")
    rules = log["runs"][0]["tool"]["driver"]["rules"]

    assert [rule["id"] for rule in rules] == [rule.id for rule in RULESET.rules]
    for described, rule in zip(rules, RULESET.rules, strict=True):
        assert described["name"] == "".join(part.capitalize() for part in rule.id.split("-"))
        assert described["shortDescription"]["text"] == rule.title
        assert rule.applies_to in described["fullDescription"]["text"]
        assert described["defaultConfiguration"]["level"] == EXPECTED_LEVELS[rule.severity]
        assert rule.severity in described["properties"]["tags"]
        assert 0 < float(described["properties"]["security-severity"]) <= 10
        cited = rule.citations
        nist, iso = ", ".join(cited.nist_ai_rmf), ", ".join(cited.iso42001)
        for text in (cited.control, cited.sr26_2, cited.sr11_7, nist, iso):
            assert text in described["help"]["text"], text
            assert text in described["help"]["markdown"], text


def test_security_severity_ranks_as_the_severity_does(run, inventory):
    _, log = sarif(run, "--all")
    scores = {rule["properties"]["severity"]: float(rule["properties"]["security-severity"])
              for rule in log["runs"][0]["tool"]["driver"]["rules"]}

    assert scores["critical"] > scores["high"] > scores["medium"]
    assert LEVELS == EXPECTED_LEVELS


def test_it_has_one_result_per_violation_located_at_the_model(run, inventory):
    _, log = sarif(run, "--all")
    results = log["runs"][0]["results"]

    assert [(r["ruleId"], r["level"], r["locations"][0]["logicalLocations"][0]["name"]) for r in results] == [
        ("never-reviewed", "error", "gpt-4-turbo"),
        ("sensitive-data-unreviewed-vendor", "error", "gpt-4-turbo"),
        ("prod-without-classification", "warning", "odd{name}"),
    ]
    assert results[0]["message"]["text"] == "Never reviewed: the first review was due 2026-07-01 (149 days ago)"
    assert results[0]["properties"] == {"riskTier": "critical", "status": "active"}
    # Stable across runs, distinct per model and rule: what lets a tool track a finding over time.
    def fingerprints(results: list[dict]) -> list[str]:
        return [result["partialFingerprints"]["mltrackModelRule/v1"] for result in results]

    assert len(set(fingerprints(results))) == 3
    assert fingerprints(results) == fingerprints(sarif(run, "--all")[1]["runs"][0]["results"])


def test_literal_braces_in_messages_are_doubled(run, db):
    make_model(model_name="vendor-llm", deployment_date=RECENT, vendor="Acme {beta}",
               api_endpoint="https://api.acme.example/v1")

    _, log = sarif(run, "vendor-llm")

    assert log["runs"][0]["results"][0]["message"]["text"] == (
        "Confidential data goes to Acme {{beta}} at an external endpoint, and no review is recorded"
    )
    # The location is a name, not a message string: as it is.
    location = log["runs"][0]["results"][0]["locations"][0]["logicalLocations"][0]
    assert location == {"name": "vendor-llm", "kind": "module"}


def test_a_compliant_selection_has_no_results_and_exits_0(run, inventory):
    code, log = sarif(run, "claude-3-opus")

    assert code == 0
    assert_essentials(log)
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["invocations"] == [{"executionSuccessful": True, "exitCode": 0}]


def test_the_run_carries_the_evaluation_summary(run, inventory):
    _, log = sarif(run, "--risk", "critical")
    properties = log["runs"][0]["properties"]

    assert properties["as_of"] == "2026-11-27"
    assert properties["ruleset"]["hash"] == RULESET.content_hash
    assert (properties["summary"]["evaluated"], properties["summary"]["failed"]) == (1, 1)


def test_an_unknown_model_is_an_unsuccessful_run(run, inventory):
    code, log = sarif(run, "gpt-4-turbbo")

    assert code == 2
    assert_essentials(log)
    invocation = log["runs"][0]["invocations"][0]
    assert (invocation["executionSuccessful"], invocation["exitCode"]) == (False, 2)
    assert invocation["toolExecutionNotifications"][0]["message"]["text"].startswith('No model named "gpt-4-turbbo".')
    assert invocation["toolExecutionNotifications"][0]["descriptor"] == {"id": "unknown_model"}
    assert log["runs"][0]["results"] == []


def test_the_builder_is_a_pure_function_of_the_evaluation(run, inventory):
    evaluation = evaluate(today=TODAY)

    built = sarif_log(evaluation, evaluation.failures, tool_version=installed_version(), exit_code=1)

    assert json.loads(json.dumps(built)) == sarif(run, "--all")[1]
