"""mltrack check: the silent CI/CD gate, its exit codes, --verbose, JSON shared with validate, bad input."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from inventory import services as inventory_services
from inventory.models import Status
from tests.conftest import TODAY
from tests.factories import make_model

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
RECENT = dt.date(2026, 10, 1)  # high tier, first review due 2026-12-30: compliant on TODAY


def triple(result) -> tuple[int, str, str]:
    return result.code, result.out, result.err


@pytest.fixture
def inventory(db):
    """claude-3-opus passes; gpt-4-turbo (critical) fails: never reviewed, first due 2026-07-01."""
    make_model(model_name="claude-3-opus", deployment_date=RECENT, with_current_card=True)
    make_model(model_name="gpt-4-turbo", risk_tier="critical", deployment_date=dt.date(2026, 6, 1))


def test_a_compliant_model_exits_0_silently(run, inventory):
    assert triple(run("check", "claude-3-opus")) == (0, "", "")


def test_a_non_compliant_model_exits_1_silently(run, inventory):
    assert triple(run("check", "gpt-4-turbo")) == (1, "", "")


def test_the_name_is_matched_in_any_case(run, inventory):
    assert run("check", "GPT-4-Turbo").code == 1


@pytest.mark.parametrize(("argv", "code"), [(("--all",), 1), (("--risk", "high"), 0), (("--risk", "Critical"), 1)])
def test_all_and_risk_gate_a_selection(run, inventory, argv, code):
    assert triple(run("check", *argv)) == (code, "", "")


def test_an_empty_selection_passes(run, inventory):
    assert triple(run("check", "--risk", "low")) == (0, "", "")


def test_a_retired_model_is_not_evaluated_and_passes(run):
    model = make_model(model_name="retired", deployment_date=RECENT, deployment_environment="staging")
    inventory_services.change_status(model=model, status=Status.DECOMMISSIONED,
                                     actor=inventory_services.Actor(name="tests", trusted=True), today=TODAY,
                                         reason="retired in tests")

    assert run("check", "retired").code == 0
    assert json.loads(run("check", "retired", "--json").out)["models"][0]["result"] == "not evaluated"


def test_verbose_prints_the_report(run, inventory):
    failing = run("check", "gpt-4-turbo", "--verbose")
    everything = run("check", "--all", "-v")

    assert failing.code == 1
    assert failing.out.startswith(
        "Validating 1 model\n\n✗ FAIL gpt-4-turbo CRITICAL\n"
        "  • Never reviewed: the first review was due 2026-07-01 (149 days ago)  [never-reviewed]\n"
    )
    assert "NEEDS ATTENTION" in failing.out
    assert everything.out == run("validate", "--all").out


# JSON: the shape validate --json prints, for the same selection


@pytest.mark.parametrize(
    ("check", "validate"),
    [
        (("gpt-4-turbo",), ("--model-id", "gpt-4-turbo")),
        (("claude-3-opus",), ("--model-id", "claude-3-opus")),
        (("--all",), ("--all",)),
        (("--risk", "critical"), ("--risk", "critical")),
    ],
    ids=["failing-model", "passing-model", "all", "risk"],
)
def test_json_is_identical_to_validate_json(run, inventory, check, validate):
    checked = run("check", *check, "--json")
    validated = run("validate", *validate, "--json")

    assert checked.code == validated.code
    assert checked.out == validated.out
    assert list(json.loads(checked.out)) == ["as_of", "ruleset", "summary", "models"]


def test_format_json_is_the_same_as_json(run, inventory):
    assert run("check", "--all", "--format", "json") == run("check", "--all", "--json")


def test_json_ignores_verbose(run, inventory):
    assert run("check", "--all", "--json", "--verbose").out == run("check", "--all", "--json").out


# Unknown models and usage errors: exit 2, with an error object when --json


def test_an_unknown_model_exits_2_and_suggests_close_names(run, inventory):
    result = run("check", "gpt-4-turbbo")

    assert triple(result) == (2, "", 'No model named "gpt-4-turbbo". Did you mean: gpt-4-turbo?\n')


def test_an_unknown_model_with_json_prints_an_error_object(run, inventory):
    result = run("check", "gpt-4-turbbo", "--json")

    assert result.code == 2
    assert result.err == ""
    assert json.loads(result.out) == {"error": {
        "code": "unknown_model",
        "message": 'No model named "gpt-4-turbbo". Did you mean: gpt-4-turbo?',
        "suggestions": ["gpt-4-turbo"],
    }}


def test_an_unknown_model_without_close_names_has_no_suggestions(run, inventory):
    result = run("check", "zzz", "--json")

    assert json.loads(result.out)["error"] == {"code": "unknown_model", "message": 'No model named "zzz".',
                                               "suggestions": []}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ((), "give exactly one of NAME, --all or --risk TIER"),
        (("claude-3-opus", "--all"), "give exactly one of NAME, --all or --risk TIER (got NAME and --all)"),
        (("--all", "--risk", "high"), "(got --all and --risk)"),
        (("claude-3-opus", "--risk", "high"), "(got NAME and --risk)"),
        (("--risk", "extreme"),
         "argument --risk: 'extreme' is not a risk tier. Allowed values: critical, high, medium, low."),
        (("--all", "--json", "--format", "sarif"), "argument --json: not allowed with --format sarif"),
    ],
)
def test_usage_errors_exit_2_with_a_clear_message(run, inventory, argv, message):
    result = run("check", *argv)

    assert result.code == 2
    assert "usage: mltrack check" in result.err and message in result.err
    assert result.out == "" and "Traceback" not in result.err


@pytest.mark.parametrize(
    ("argv", "code"),
    [(("claude-3-opus", "--all"), "usage_error"), (("--risk", "extreme"), "unknown_tier"), ((), "usage_error")],
)
def test_usage_errors_with_json_are_error_objects(run, inventory, argv, code):
    result = run("check", *argv, "--json")

    assert result.code == 2
    assert json.loads(result.out)["error"]["code"] == code


def test_an_unknown_format_is_refused_by_the_parser(run, inventory):
    result = run("check", "--all", "--format", "xml")

    assert result.code == 2 and "invalid choice: 'xml'" in result.err


# Permissions


def test_an_account_without_a_role_is_refused(run, charlie, inventory):
    result = run("check", "claude-3-opus", "--user", "charlie")
    as_json = run("check", "claude-3-opus", "--user", "charlie", "--json")

    assert triple(result) == (1, "", "Permission denied: charlie (role: none) may not view the inventory.\n")
    assert as_json.code == 1
    assert json.loads(as_json.out) == {"error": {
        "code": "permission_denied",
        "message": "Permission denied: charlie (role: none) may not view the inventory.",
        "suggestions": [],
    }}


def test_an_unknown_account_is_refused(run, inventory):
    result = run("check", "claude-3-opus", "--user", "nobody", "--json")

    assert result.code == 1
    assert json.loads(result.out)["error"]["code"] == "account"


def test_a_model_owner_may_check(run, alice, inventory):
    assert run("check", "claude-3-opus", "--user", "alice").code == 0


# As a real process: what a CI job sees


def test_it_gates_as_a_process(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"MLTRACK_USER", "DJANGO_SETTINGS_MODULE", "MLTRACK_ENV"}}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'gate.sqlite3'}", MLTRACK_CLI_REQUIRE_ACCOUNT="false")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)

    def mltrack(*argv: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "mltrack_site.cli", *argv], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)

    empty = mltrack("check", "--all")
    missing = mltrack("check", "no-such-model")
    missing_json = mltrack("check", "no-such-model", "--json")
    conflict = mltrack("check", "x", "--all")
    piped = subprocess.run(f"{sys.executable} -m mltrack_site.cli validate --all | head -c 1", shell=True,
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)

    assert (empty.returncode, empty.stdout, empty.stderr) == (0, "", "")
    assert (missing.returncode, missing.stdout, missing.stderr) == (2, "", 'No model named "no-such-model".\n')
    assert (missing_json.returncode, json.loads(missing_json.stdout)["error"]["code"]) == (2, "unknown_model")
    assert conflict.returncode == 2 and "Traceback" not in conflict.stderr
    assert "Traceback" not in piped.stderr
