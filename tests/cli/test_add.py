"""mltrack add: flags and interactive prompts, every bad input reported by field, nothing saved."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from inventory import services
from inventory.cli import add, fields
from inventory.models import BAD_URL_MESSAGE, DUPLICATE_NAME_MESSAGE, AIModel
from tests.factories import make_model

pytestmark = pytest.mark.django_db

REQUIRED = [
    "--name", "claude-sonnet-4",
    "--vendor", "Anthropic",
    "--risk-tier", "high",
    "--use-case", "Customer service chatbot for financial advice",
    "--business-owner", "Jane Smith (Product)",
    "--technical-owner", "ML Platform Team",
    "--deployment-date", "2025-01-15",
]


def with_flag(flag: str, value: str) -> list[str]:
    args = list(REQUIRED)
    if flag in args:
        args[args.index(flag) + 1] = value
    else:
        args += [flag, value]
    return args


def without_flags(*flags: str) -> list[str]:
    args = list(REQUIRED)
    for flag in flags:
        i = args.index(flag)
        del args[i : i + 2]
    return args


def test_it_adds_a_model_from_flags_and_shows_its_schedule(run):
    result = run("add", *REQUIRED, "--environment", "PROD", "--version", "4.0", "--model-type", "generative_ai")

    assert result.code == 0, result.err
    model = AIModel.objects.get(model_name="claude-sonnet-4")
    assert model.deployment_environment == "prod"
    assert model.model_version == "4.0"
    assert model.next_review_date == dt.date(2025, 4, 15)  # high: 90 days after deployment
    assert "Added claude-sonnet-4" in result.out
    assert "2025-04-15" in result.out
    assert "every 90 days (high, review policy v1)" in result.out


def test_it_accepts_today_as_the_deployment_date(run, today):
    result = run("add", *with_flag("--deployment-date", "today"))

    assert result.code == 0, result.err
    assert AIModel.objects.get().deployment_date == today


def test_it_names_every_missing_required_field_and_saves_nothing(run):
    result = run("add", "--name", "lonely")

    assert result.code == 1
    for flag in ("--vendor", "--risk-tier", "--use-case", "--business-owner", "--technical-owner", "--deployment-date"):
        assert add.MISSING_FIELD_MESSAGE.format(flag=flag) in result.err
    assert "6 problems" in result.err
    assert not AIModel.objects.exists()


def test_it_reports_all_bad_values_at_once(run):
    result = run(
        "add",
        *with_flag("--risk-tier", "extreme"),
        "--environment", "production",
        "--api-endpoint", "not a url",
        "--data-classification", "secret",
    )

    assert result.code == 1
    assert (
        "--risk-tier (risk tier): 'extreme' is not allowed here. Allowed values: critical, high, medium, low."
    ) in result.err
    assert (
        "--environment (environment): 'production' is not allowed here. Allowed values: prod, staging, dev."
    ) in result.err
    assert f"--api-endpoint (API endpoint): {BAD_URL_MESSAGE}" in result.err
    assert "Allowed values: public, internal, confidential, restricted." in result.err
    assert result.out == ""
    assert not AIModel.objects.exists()


@pytest.mark.parametrize("value", ["15/01/2025", "Jan 15 2025", "2025-13-01"])
def test_it_rejects_a_date_that_is_not_iso(run, value):
    result = run("add", *with_flag("--deployment-date", value))

    assert result.code == 1
    assert "--deployment-date (deployment date):" in result.err
    assert "YYYY-MM-DD" in result.err or "invalid date" in result.err
    assert not AIModel.objects.exists()


def test_it_rejects_a_future_deployment_date(run, today):
    result = run("add", *with_flag("--deployment-date", (today + dt.timedelta(days=1)).isoformat()))

    assert result.code == 1
    assert services.FUTURE_DEPLOYMENT_MESSAGE.format(today=today.isoformat()) in result.err
    assert not AIModel.objects.exists()


def test_it_rejects_a_name_that_differs_only_by_case(run):
    make_model(model_name="Claude-Sonnet-4")

    result = run("add", *REQUIRED)

    assert result.code == 1
    assert f"--name (model name): {DUPLICATE_NAME_MESSAGE.format(existing='Claude-Sonnet-4')}" in result.err
    assert AIModel.objects.count() == 1


def test_it_rejects_whitespace_only_values(run):
    result = run("add", *with_flag("--vendor", "   "), "--use-case", "  ")

    assert result.code == 1
    assert "--vendor (vendor): This field cannot be blank." in result.err
    assert "--use-case (use case): This field cannot be blank." in result.err
    assert not AIModel.objects.exists()


def test_it_rejects_an_over_long_name(run):
    result = run("add", *with_flag("--name", "m" * 201))

    assert result.code == 1
    assert "--name (model name): Ensure this value has at most 200 characters (it has 201)." in result.err
    assert not AIModel.objects.exists()


def test_it_trims_values_and_lower_cases_choices(run):
    result = run("add", *with_flag("--name", "  padded  "), "--risk-tier", "CRITICAL")

    assert result.code == 0, result.err
    model = AIModel.objects.get()
    assert (model.model_name, model.risk_tier) == ("padded", "critical")


def test_it_reports_an_unknown_owner_account_as_a_field_error(run):
    result = run("add", *REQUIRED, "--owner", "nobody")

    assert result.code == 1
    assert "--owner (owner): " + fields.UNKNOWN_OWNER_MESSAGE.format(name="nobody") in result.err
    assert not AIModel.objects.exists()


def test_it_lets_a_model_risk_officer_assign_the_owner(run, bob, alice):
    result = run("--user", "bob", "add", *REQUIRED, "--owner", "alice")

    assert result.code == 0, result.err
    assert AIModel.objects.get().owner == alice


def test_it_makes_a_model_owner_the_owner_of_what_they_add(run, alice):
    result = run("--user", "alice", "add", *REQUIRED)

    assert result.code == 0, result.err
    assert AIModel.objects.get().owner == alice


def test_it_refuses_a_model_owner_assigning_someone_else(run, alice, bob):
    result = run("--user", "alice", "add", *REQUIRED, "--owner", "bob")

    assert result.code == 1
    # The service's rule, worded as it is in the console: a model owner owns what they register.
    assert services.OWNER_IS_YOURSELF_MESSAGE.format(username="alice") in result.err
    assert "--owner (owner)" in result.err
    assert not AIModel.objects.exists()


def test_it_refuses_an_examiner(run, erin):
    result = run("--user", "erin", "add", *REQUIRED)

    assert result.code == 1
    assert result.err.strip() == "Permission denied: erin (role: examiner) may not add models."
    assert not AIModel.objects.exists()


def test_it_refuses_a_user_without_a_role(run, charlie):
    result = run("--user", "charlie", "add", *REQUIRED)

    assert result.code == 1
    assert "Permission denied: charlie (role: none) may not add models." in result.err


def test_it_keeps_field_flags_off_add_that_belong_to_update(run):
    result = run("add", *REQUIRED, "--status", "deprecated")

    assert result.code == 2
    assert "unrecognized arguments: --status" in result.err


# Interactive --------------------------------------------------------------------------------


def feed(monkeypatch, *answers: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(f"{a}\n" for a in answers)))


GOOD_ANSWERS = {
    "model_name": "chat-assistant",
    "vendor": "OpenAI",
    "risk_tier": "high",
    "use_case": "Answers account questions",
    "business_owner": "Jane Smith",
    "technical_owner": "ML Platform Team",
    "deployment_date": "2025-01-15",
    "model_version": "",
    "deployment_environment": "",
    "api_endpoint": "",
    "data_classification": "",
    "model_type": "",
    "business_line": "",
    "notes": "",
    "owner": "",
}


def test_it_asks_for_each_field_and_marks_the_required_ones(run, monkeypatch):
    feed(monkeypatch, *GOOD_ANSWERS.values())

    result = run("add", "-i")

    assert result.code == 0, result.err
    assert "* Model name" in result.out
    assert "  Model version" in result.out
    assert "* Risk tier (critical/high/medium/low)" in result.out
    assert "Environment (prod/staging/dev)" in result.out
    assert "Added chat-assistant" in result.out
    assert AIModel.objects.get().vendor == "OpenAI"


def test_it_re_asks_a_field_until_its_value_is_valid(run, monkeypatch):
    answers = dict(GOOD_ANSWERS)
    answers["risk_tier"] = "extreme\nHIGH"
    answers["vendor"] = "   \nOpenAI"
    answers["deployment_date"] = "15/01/2025\ntoday"
    answers["api_endpoint"] = "ftp://files.example.com\nhttps://api.example.com/v1"
    feed(monkeypatch, *answers.values())

    result = run("add", "--interactive")

    assert result.code == 0, result.err
    assert "✗ 'extreme' is not allowed here. Allowed values: critical, high, medium, low." in result.out
    assert f"✗ {add.REQUIRED_ANSWER_MESSAGE}" in result.out
    assert "YYYY-MM-DD" in result.out
    assert f"✗ {BAD_URL_MESSAGE}" in result.out
    model = AIModel.objects.get()
    assert (model.risk_tier, model.vendor, model.api_endpoint) == ("high", "OpenAI", "https://api.example.com/v1")


def test_it_re_asks_a_taken_name_at_once(run, monkeypatch):
    make_model(model_name="Chat-Assistant")
    answers = dict(GOOD_ANSWERS)
    answers["model_name"] = "chat-assistant\nchat-assistant-2"
    feed(monkeypatch, *answers.values())

    result = run("add", "-i")

    assert result.code == 0, result.err
    assert DUPLICATE_NAME_MESSAGE.format(existing="Chat-Assistant") in result.out
    assert AIModel.objects.filter(model_name="chat-assistant-2").exists()


def test_it_re_asks_the_field_the_final_save_rejects(run, monkeypatch, today):
    answers = dict(GOOD_ANSWERS)
    future = (today + dt.timedelta(days=30)).isoformat()
    answers["deployment_date"] = future
    feed(monkeypatch, *answers.values(), "2025-02-01")  # the last answer is the re-asked date

    result = run("add", "-i")

    assert result.code == 0, result.err
    assert services.FUTURE_DEPLOYMENT_MESSAGE.format(today=today.isoformat()) in result.out
    assert AIModel.objects.get().deployment_date == dt.date(2025, 2, 1)


def test_it_offers_given_flags_as_defaults(run, monkeypatch):
    answers = dict(GOOD_ANSWERS)
    answers["vendor"] = ""  # Enter keeps the default from --vendor
    feed(monkeypatch, *answers.values())

    result = run("add", "-i", "--vendor", "Cohere")

    assert result.code == 0, result.err
    assert "(Cohere)" in result.out
    assert AIModel.objects.get().vendor == "Cohere"


def test_it_saves_nothing_when_input_ends_early(run, monkeypatch):
    feed(monkeypatch, "half-done", "OpenAI")

    result = run("add", "-i")

    assert result.code == 1
    assert "Cancelled: nothing was saved." in result.err
    assert not AIModel.objects.exists()


def test_it_does_not_ask_a_model_owner_for_the_owner_account(run, monkeypatch, alice):
    answers = dict(GOOD_ANSWERS)
    del answers["owner"]
    feed(monkeypatch, *answers.values())

    result = run("--user", "alice", "add", "-i")

    assert result.code == 0, result.err
    assert "Owner account" not in result.out.split("Added")[0]
    assert AIModel.objects.get().owner == alice
