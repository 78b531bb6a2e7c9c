"""mltrack validate: the PASS/FAIL listing, the summary, exit codes, JSON, bad input, permissions, queries."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import json
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.cli import print_json
from compliance.cli import output as cli_compliance_output
from compliance.engine import evaluate
from compliance.rules import RULESET
from inventory import services as inventory_services
from inventory.models import AIModel, Status
from tests import factories
from tests.conftest import TODAY
from tests.factories import decommission, record_review

# Every model made here has a current model card (published at once), so that the card rule
# (prod-without-current-card, tested in test_card_rule.py) stays out of the other rules' cases.
make_model = functools.partial(factories.make_model, with_current_card=True)

pytestmark = pytest.mark.django_db

ACTOR = inventory_services.Actor(name="tests", trusted=True)
# High tier: a review every 90 days. Deployed on this day a model is first due 2026-12-30, so it
# breaks no rule on TODAY (2026-11-27) unless a test makes it.
RECENT = dt.date(2026, 10, 1)
SHORT_HASH = RULESET.content_hash[:12]


def fresh(**overrides) -> AIModel:
    return make_model(**{"deployment_date": RECENT, **overrides})


def set_fields(model: AIModel, **fields) -> AIModel:
    # Straight to the database: the services would refuse these values.
    AIModel.objects.filter(pk=model.pk).update(**fields)
    return AIModel.objects.get(pk=model.pk)


# One model breaking each rule, and the message validate prints for it.


def _review_overdue() -> AIModel:
    model = make_model(model_name="overdue", deployment_date=dt.date(2026, 1, 5))
    record_review(model, review_date=dt.date(2026, 5, 1))  # next review due 2026-07-30
    return model


def _never_reviewed() -> AIModel:
    return make_model(model_name="never", deployment_date=dt.date(2026, 6, 1))  # first due 2026-08-30


def _last_review_failed() -> AIModel:
    model = fresh(model_name="failed-review")
    record_review(model, review_date=dt.date(2026, 11, 1), outcome="failed")
    return model


def _changed_since_review() -> AIModel:
    model = fresh(model_name="changed", vendor="In-house")
    record_review(model, review_date=dt.date(2026, 11, 20))
    model.refresh_from_db()
    model = inventory_services.update_model(model=model, changes={"vendor": "Anthropic"}, actor=ACTOR, today=TODAY)
    # The owner brings the card up to date; the review still describes the old definition.
    return factories.publish_current_card(model)


def _registry_version_changed() -> AIModel:
    # The columns the rule compares, set directly so that this rule alone breaks (a reconciliation that
    # moves the version also changes the state hash: tests/registries/test_reconcile.py has both).
    model = fresh(model_name="registered")
    record_review(model, review_date=dt.date(2026, 11, 20))
    return set_fields(AIModel.objects.get(pk=model.pk), registry_name="mlflow-prod", registered_name="scorer",
                      registered_version="4", reviewed_registry_version="3")


def _unclassified() -> AIModel:
    return fresh(model_name="unclassified", data_classification="")


def _missing_fields() -> AIModel:
    return set_fields(fresh(model_name="incomplete"), use_case="", business_owner="")


def _deprecated_in_prod() -> AIModel:
    return set_fields(fresh(model_name="deprecated"), status=Status.DEPRECATED, status_changed_on=dt.date(2026, 8, 1))


def _decommissioned_in_prod() -> AIModel:
    return decommission(fresh(model_name="decommissioned"))


def _sensitive_to_vendor() -> AIModel:
    return fresh(model_name="vendor-llm", vendor="OpenAI", api_endpoint="https://api.openai.example/v1",
                 data_classification="restricted")


def _without_card() -> AIModel:
    return factories.make_model(model_name="uncarded", deployment_date=RECENT)


RULE_CASES = {
    "review-overdue": (_review_overdue, "Review overdue by 120 days (HIGH requires 90 days)"),
    "never-reviewed": (_never_reviewed, "Never reviewed: the first review was due 2026-08-30 (89 days ago)"),
    "last-review-failed": (
        _last_review_failed,
        "The latest review (2026-11-01) failed; the model stays non-compliant until a review passes",
    ),
    "changed-since-review": (
        _changed_since_review,
        "The model's definition changed since its review of 2026-11-20 (state hash no longer matches)",
    ),
    "registry-version-changed": (
        _registry_version_changed,
        "The registry now serves version 4 of scorer; the review of 2026-11-20 covered version 3",
    ),
    "prod-without-classification": (_unclassified, "Production model missing data classification"),
    "missing-required-fields": (_missing_fields, "Missing required fields: use case, business owner"),
    "deprecated-in-production": (
        _deprecated_in_prod, "Deprecated since 2026-08-01 and still in production (grace period 90 days)"
    ),
    "decommissioned-in-production": (_decommissioned_in_prod, "Decommissioned but still marked as production"),
    "sensitive-data-unreviewed-vendor": (
        _sensitive_to_vendor, "Restricted data goes to OpenAI at an external endpoint, and no review is recorded"
    ),
    "prod-without-current-card": (_without_card, "No current model card: never published"),
}


def test_every_rule_has_a_case():
    assert set(RULE_CASES) == {rule.id for rule in RULESET.rules}


@pytest.mark.parametrize("rule_id", list(RULE_CASES))
def test_it_prints_each_rules_message(run, rule_id):
    make, message = RULE_CASES[rule_id]
    model = make()

    result = run("validate", "--model-id", model.model_name)
    as_json = json.loads(run("validate", "--model-id", model.model_name, "--json").out)

    assert result.code == 1, result.err
    assert f"✗ FAIL {model.model_name} HIGH\n  • {message}  [{rule_id}]\n" in result.out
    assert [(v["rule"], v["message"]) for v in as_json["models"][0]["violations"]] == [(rule_id, message)]


# The listing and the summary


@pytest.fixture
def inventory(db):
    """gpt-4-turbo fails twice (one critical), credit-risk-model once; claude-3-opus and fraud-detector pass."""
    make_model(model_name="gpt-4-turbo", risk_tier="critical", deployment_date=dt.date(2026, 6, 1),
               vendor="OpenAI", api_endpoint="https://api.openai.example/v1")
    make_model(model_name="credit-risk-model", deployment_date=dt.date(2026, 6, 1))
    fresh(model_name="claude-3-opus")
    fresh(model_name="fraud-detector", risk_tier="critical", deployment_date=dt.date(2026, 11, 20))


def test_it_lists_failures_with_their_violations_then_passes_then_a_summary(run, inventory):
    result = run("validate", "--all")

    assert result.code == 1
    assert result.err == ""
    expected_listing = (
        "Validating 4 models\n\n"
        "✗ FAIL gpt-4-turbo CRITICAL\n"
        "  • Never reviewed: the first review was due 2026-07-01 (149 days ago)  [never-reviewed]\n"
        "  • Confidential data goes to OpenAI at an external endpoint, and no review is recorded"
        "  [sensitive-data-unreviewed-vendor]\n\n"
        "✗ FAIL credit-risk-model HIGH\n"
        "  • Never reviewed: the first review was due 2026-08-30 (89 days ago)  [never-reviewed]\n\n"
        "✓ PASS claude-3-opus HIGH\n"
        "✓ PASS fraud-detector CRITICAL\n\n"
    )
    assert result.out.startswith(expected_listing)
    summary = result.out[len(expected_listing):]
    assert "NEEDS ATTENTION" in summary
    for label, value in [("Total Models", "4"), ("Evaluated", "4"), ("Passed", "2"), ("Failed", "2"),
                         ("Compliance Rate", "50.0%"), ("never-reviewed", "2"),
                         ("sensitive-data-unreviewed-vendor", "1"),
                         ("Ruleset", f"{RULESET.version} ({SHORT_HASH})"), ("As of", "2026-11-27")]:
        assert _row(summary, label) == value, label
    assert "Retired" not in summary


def _row(panel: str, label: str) -> str:
    """The value on a summary panel's row: the text after the label, up to the border."""
    for line in panel.splitlines():
        cells = line.strip("│ ").split(label, 1)
        if len(cells) == 2 and cells[0].strip() == "":
            return cells[1].strip(" │")
    raise AssertionError(f"no row {label!r} in\n{panel}")


def test_it_exits_0_when_every_model_passes(run):
    fresh(model_name="claude-3-opus")

    result = run("validate", "--all")

    assert result.code == 0
    assert "✓ PASS claude-3-opus HIGH" in result.out
    assert "ALL COMPLIANT" in result.out
    assert _row(result.out, "Compliance Rate") == "100.0%"


def test_an_empty_inventory_passes_with_no_rate(run):
    result = run("validate", "--all")
    as_json = json.loads(run("validate", "--all", "--json").out)

    assert result.code == 0
    assert "NOTHING EVALUATED" in result.out
    assert _row(result.out, "Compliance Rate") == "n/a (nothing evaluated)"
    assert as_json["summary"]["compliance_rate"] is None and as_json["models"] == []


def test_risk_narrows_to_one_tier_in_any_case(run, inventory):
    result = run("validate", "--risk", "CRITICAL")

    assert result.code == 1
    assert "Validating 2 critical models" in result.out
    assert "gpt-4-turbo" in result.out and "fraud-detector" in result.out
    assert "credit-risk-model" not in result.out and "claude-3-opus" not in result.out
    assert _row(result.out, "Compliance Rate") == "50.0%"


def test_one_model_by_name_in_any_case(run, inventory):
    assert run("validate", "--model-id", "CLAUDE-3-opus").code == 0
    failing = run("validate", "--model-id", "gpt-4-turbo")
    assert failing.code == 1
    assert "Validating 1 model\n" in failing.out and "claude-3-opus" not in failing.out


def test_retired_models_are_counted_apart_and_a_retired_model_is_not_evaluated(run):
    fresh(model_name="claude-3-opus")
    decommission(fresh(model_name="retired", deployment_environment="staging"))

    whole = run("validate", "--all")
    alone = run("validate", "--model-id", "retired")
    alone_json = json.loads(run("validate", "--model-id", "retired", "--json").out)

    assert whole.code == 0
    assert "retired" not in whole.out.split("╭")[0]  # not listed
    assert (_row(whole.out, "Total Models"), _row(whole.out, "Retired (not counted)"),
            _row(whole.out, "Evaluated")) == ("2", "1", "1")
    assert alone.code == 0
    assert "– NOT EVALUATED retired HIGH  (decommissioned and not in production: retired, not counted)" in alone.out
    assert alone_json["summary"]["evaluated"] == 0
    assert alone_json["models"] == [
        {"model": "retired", "risk_tier": "high", "status": "decommissioned", "result": "not evaluated",
         "violations": []}
    ]


def test_names_and_messages_are_printed_as_plain_text(run):
    set_fields(fresh(model_name="placeholder"), model_name="[red]evil\x1b[2J", data_classification="")

    result = run("validate", "--all")

    assert "✗ FAIL [red]evil\\x1b[2J HIGH" in result.out
    assert "\x1b" not in result.out


# JSON


def test_json_has_the_documented_shape_in_a_stable_order(run, inventory):
    result = run("validate", "--all", "--json")
    data = json.loads(result.out)

    assert result.code == 1
    assert list(data) == ["as_of", "ruleset", "summary", "models"]
    assert data["as_of"] == "2026-11-27"
    assert data["ruleset"] == {"version": RULESET.version, "hash": RULESET.content_hash,
                               "parameters": RULESET.parameters}
    assert list(data["summary"]) == ["evaluated", "passed", "failed", "compliance_rate", "violations_by_rule"]
    assert (data["summary"]["evaluated"], data["summary"]["passed"], data["summary"]["compliance_rate"]) == (4, 2, 50.0)
    assert list(data["summary"]["violations_by_rule"]) == [rule.id for rule in RULESET.rules]
    assert [(m["model"], m["result"]) for m in data["models"]] == [
        ("gpt-4-turbo", "fail"), ("credit-risk-model", "fail"), ("claude-3-opus", "pass"), ("fraud-detector", "pass")
    ]
    first = data["models"][0]
    assert list(first) == ["model", "risk_tier", "status", "result", "violations"]
    assert list(first["violations"][0]) == ["rule", "severity", "message", "citations"]
    assert list(first["violations"][0]["citations"]) == ["control", "sr26_2", "sr11_7", "nist_ai_rmf", "iso42001"]
    assert data == evaluate(today=TODAY).as_dict()


def _engine_json(results=None) -> str:
    evaluation = evaluate(today=TODAY)
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        print_json(evaluation.as_dict(results))
    return buffer.getvalue()


@pytest.mark.parametrize("chunk", [2, 2000])
def test_json_is_byte_for_byte_what_print_json_writes(run, monkeypatch, chunk):
    # The streaming writer must never drift from the engine's as_dict() written by print_json.
    monkeypatch.setattr(cli_compliance_output, "CHUNK", chunk)
    for make, _ in RULE_CASES.values():
        make()
    fresh(model_name='quote"and\\backslash-é-模型')
    set_fields(fresh(model_name="tab"), model_name="tab\tname\x01", data_classification="")
    fresh(model_name="claude-3-opus")

    assert run("validate", "--all", "--json").out == _engine_json()


def test_json_of_an_empty_selection_is_what_print_json_writes(run):
    assert run("validate", "--all", "--json").out == _engine_json()


def _queries(run, *argv: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        result = run(*argv)
    assert result.code in (0, 1), result.err
    return len(captured)


@pytest.mark.parametrize(
    ("argv", "budget"), [(("validate", "--all", "--json"), 2), (("validate", "--all"), 3)], ids=["json", "text"]
)
def test_queries_do_not_grow_with_the_inventory(run, argv, budget):
    # Budget: the acting account (1), every evaluated model with its violation mask and the facts
    # behind its messages (1); the text report also counts the selection.
    def inventory_of(count: int) -> None:
        for i in range(count):
            [fresh, lambda: make_model(deployment_date=dt.date(2026, 1, 5)), _unclassified_vendor][i % 3]()

    inventory_of(3)
    with_three = _queries(run, *argv)
    inventory_of(27)
    with_thirty = _queries(run, *argv)

    assert with_three == with_thirty == budget


def _unclassified_vendor() -> AIModel:
    return fresh(vendor="OpenAI", api_endpoint="https://api.openai.example/v1", data_classification="")


# Bad input: exit 2, a clear message, no traceback


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ((), "give exactly one of --all, --risk TIER or --model-id NAME"),
        (("--all", "--risk", "high"),
         "give exactly one of --all, --risk TIER or --model-id NAME (got --all and --risk)"),
        (("--risk", "high", "--model-id", "x"), "(got --risk and --model-id)"),
        (("--risk", "extreme"),
         "argument --risk: 'extreme' is not a risk tier. Allowed values: critical, high, medium, low."),
    ],
)
def test_bad_selections_are_usage_errors(run, argv, message):
    result = run("validate", *argv)

    assert result.code == 2
    assert "usage: mltrack validate" in result.err
    assert message in result.err
    assert result.out == "" and "Traceback" not in result.err


def test_an_unknown_model_exits_2_with_suggestions(run, inventory):
    result = run("validate", "--model-id", "gpt-4-turbbo")

    assert result.code == 2
    assert result.err == 'No model named "gpt-4-turbbo". Did you mean: gpt-4-turbo?\n'
    assert result.out == ""


def test_with_json_bad_input_is_an_error_object_on_stdout(run, inventory):
    unknown = run("validate", "--model-id", "gpt-4-turbbo", "--json")
    tier = run("validate", "--risk", "extreme", "--json")

    assert unknown.code == tier.code == 2
    assert json.loads(unknown.out) == {"error": {
        "code": "unknown_model", "message": 'No model named "gpt-4-turbbo". Did you mean: gpt-4-turbo?',
        "suggestions": ["gpt-4-turbo"],
    }}
    assert json.loads(tier.out)["error"]["code"] == "unknown_tier"
    assert json.loads(tier.out)["error"]["suggestions"] == ["critical", "high", "medium", "low"]


# Permissions


def test_an_account_without_a_role_is_refused(run, charlie, inventory):
    result = run("validate", "--all", "--user", "charlie")
    as_json = run("validate", "--all", "--json", "--user", "charlie")

    assert result.code == 1
    assert result.err == "Permission denied: charlie (role: none) may not view the inventory.\n"
    assert result.out == ""
    assert as_json.code == 1
    assert json.loads(as_json.out)["error"]["code"] == "permission_denied"


def test_an_examiner_may_validate(run, erin, inventory):
    assert run("validate", "--all", "--user", "erin").code == 1


# The rules as documented


def test_docs_compliance_md_matches_the_ruleset():
    # docs/compliance.md is written by hand; this keeps it exact when a rule changes.
    text = (Path(__file__).resolve().parents[2] / "docs" / "compliance.md").read_text()
    lines = set(text.splitlines())
    assert f"**`{RULESET.version}`**" in text
    assert RULESET.content_hash in lines
    for rule in RULESET.rules:
        c = rule.citations
        row = f"| `{rule.id}` | {rule.title} | {rule.severity} | {rule.applies_to} | `{rule.message}` |"
        assert row in lines, rule.id
        assert (f"| `{rule.id}` | `{c.control}` | {c.sr26_2} | {c.sr11_7} | {', '.join(c.nist_ai_rmf)} | "
                f"{', '.join(c.iso42001)} |") in lines, rule.id


def test_on_a_terminal_lines_are_styled_as_rich_would():
    from rich.console import Console

    paint = cli_compliance_output.Painter(Console(file=io.StringIO(), force_terminal=True, color_system="standard"))

    assert paint("✗ FAIL", "bold red") == "\x1b[1;31m✗ FAIL\x1b[0m"
    assert cli_compliance_output.Painter(Console(file=io.StringIO()))("✗ FAIL", "bold red") == "✗ FAIL"


@pytest.mark.parametrize("chunk", [1, 2, 3])
def test_the_report_is_the_same_whatever_the_chunk_size(run, monkeypatch, inventory, chunk):
    expected = run("validate", "--all").out
    monkeypatch.setattr(cli_compliance_output, "CHUNK", chunk)

    assert run("validate", "--all").out == expected
