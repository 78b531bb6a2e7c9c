"""Errors as JSON: every verb asked for JSON reports a failure as {"error": {"code", "message",
"suggestions"}} on stdout, with the exit code it has without JSON, and nothing on stderr; without
JSON the same message goes to stderr."""

from __future__ import annotations

import json

import pytest

from common.cli import EXIT_FAILED, EXIT_USAGE, CLIError
from tests.factories import make_model

pytestmark = pytest.mark.django_db

# Each verb, asked for JSON (report: -f json), about a model that exists.
AS_JSON = {
    "list": ["list", "--json"],
    "show": ["show", "gpt-4-turbo", "--json"],
    "reviews": ["reviews", "gpt-4-turbo", "--json"],
    "verify": ["verify", "--json"],
    "dashboard": ["dashboard", "--json"],
    "validate": ["validate", "--all", "--json"],
    "check": ["check", "--all", "--json"],
    "report": ["report", "risk", "-f", "json"],
}


@pytest.fixture
def model(db):
    return make_model(model_name="gpt-4-turbo")


def error_of(result, exit_code: int) -> dict:
    assert (result.code, result.err) == (exit_code, "")
    data = json.loads(result.out)
    assert list(data) == ["error"] and list(data["error"]) == ["code", "message", "suggestions"]
    return data["error"]


@pytest.mark.parametrize("verb", AS_JSON)
def test_an_unknown_account_is_an_error_object(run, model, verb):
    error = error_of(run("--user", "nobody", *AS_JSON[verb]), EXIT_FAILED)

    assert error == {"code": "account", "message": "No user account named nobody. Create it or drop --user.",
                     "suggestions": []}


@pytest.mark.parametrize("verb", AS_JSON)
def test_permission_denied_is_an_error_object(run, model, charlie, verb):
    error = error_of(run("--user", "charlie", *AS_JSON[verb]), EXIT_FAILED)

    assert error["code"] == "permission_denied"
    assert error["message"].startswith("Permission denied: charlie (role: none) may not ")
    assert error["suggestions"] == []


@pytest.mark.parametrize("verb", AS_JSON)
def test_without_json_the_same_refusal_goes_to_stderr(run, model, charlie, verb):
    argv = [word for word in AS_JSON[verb] if word != "--json"]
    if verb == "report":
        argv = ["report", "risk", "-f", "csv"]
    result = run("--user", "charlie", *argv)

    assert (result.code, result.out) == (EXIT_FAILED, "")
    assert result.err.startswith("Permission denied: charlie (role: none) may not ")


@pytest.mark.parametrize(
    ("argv", "exit_code"),
    [
        (["show", "gpt-4-turbbo", "--json"], EXIT_FAILED),
        (["reviews", "GPT-4-turbbo", "--json"], EXIT_FAILED),
        (["validate", "--model-id", "gpt-4-turbbo", "--json"], EXIT_USAGE),
        (["check", "gpt-4-turbbo", "--json"], EXIT_USAGE),
    ],
)
def test_an_unknown_model_suggests_close_names(run, model, argv, exit_code):
    error = error_of(run(*argv), exit_code)

    assert error["code"] == "unknown_model"
    assert error["message"].endswith("Did you mean: gpt-4-turbo?")
    assert error["suggestions"] == ["gpt-4-turbo"]


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["dashboard", "--json", "--status", "retired"], "invalid_value",
         "argument --status: 'retired' is not allowed. Allowed values: active, deprecated, decommissioned."),
        (["dashboard", "--json", "--interval", "10"], "usage_error", "argument --interval: only with --watch"),
        (["report", "risk", "-f", "json", "--risk", "extreme"], "invalid_value",
         "argument --risk: 'extreme' is not allowed. Allowed values: critical, high, medium, low."),
        (["validate", "--all", "--risk", "high", "--json"], "usage_error",
         "give exactly one of --all, --risk TIER or --model-id NAME (got --all and --risk)"),
        (["validate", "--risk", "extreme", "--json"], "unknown_tier",
         "argument --risk: 'extreme' is not a risk tier. Allowed values: critical, high, medium, low."),
    ],
)
def test_usage_errors_found_after_parsing_are_error_objects(run, model, argv, code, message):
    error = error_of(run(*argv), EXIT_USAGE)

    assert (error["code"], error["message"]) == (code, message)


def test_usage_errors_without_json_keep_the_usage_line(run, model):
    result = run("dashboard", "--status", "retired")

    assert (result.code, result.out) == (EXIT_USAGE, "")
    assert result.err.startswith("usage: mltrack dashboard ")
    assert result.err.endswith(
        "mltrack dashboard: error: argument --status: 'retired' is not allowed. "
        "Allowed values: active, deprecated, decommissioned.\n"
    )


def test_a_page_past_the_end_is_an_error_object(run, model):
    error = error_of(run("list", "--page", "3", "--json"), EXIT_FAILED)

    assert error == {"code": "no_such_page", "message": "Page 3 does not exist: 1 model(s) make 1 page(s) of 25.",
                     "suggestions": []}


def test_a_report_in_another_format_reports_errors_as_text(run, model):
    result = run("report", "risk", "-f", "csv", "--risk", "extreme")

    assert (result.code, result.out) == (EXIT_USAGE, "")
    assert "mltrack report: error: argument --risk: 'extreme' is not allowed." in result.err


def test_errors_argparse_finds_while_parsing_stay_text(run, model):
    result = run("list", "--json", "--per-page", "many")

    assert (result.code, result.out) == (EXIT_USAGE, "")
    assert "'many' is not a whole number" in result.err


def test_a_service_refusal_is_reported_like_any_permission_denied(run, model, monkeypatch):
    from django.core.exceptions import PermissionDenied

    from inventory.cli import browse

    def refuse(*args, **kwargs):
        raise PermissionDenied("Permission denied: ops-jane may not read this.")

    monkeypatch.setattr(browse, "resolve_actor", refuse)

    error = error_of(run("list", "--json"), EXIT_FAILED)

    assert error == {"code": "permission_denied", "message": "Permission denied: ops-jane may not read this.",
                     "suggestions": []}


def test_an_error_has_a_code_for_its_exit_code_unless_given_one():
    assert CLIError("refused").code == "failed"
    assert CLIError("bad", EXIT_USAGE).code == "usage_error"
    assert CLIError("gone", code="unknown_model", suggestions=("a", "b")).as_dict() == {
        "error": {"code": "unknown_model", "message": "gone", "suggestions": ["a", "b"]}
    }
