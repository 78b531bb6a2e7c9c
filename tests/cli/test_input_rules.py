"""The CLI and other people's text: bad values refused by flag (or re-asked by ``add -i``), and
whatever is stored printed so that it can never drive the terminal or pose as console markup."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest

from inventory.models import AIModel
from tests.factories import make_model, record_review

pytestmark = pytest.mark.django_db

REQUIRED = [
    "--name", "claude-sonnet-4", "--vendor", "Anthropic", "--risk-tier", "high",
    "--use-case", "Customer service chatbot", "--business-owner", "Jane Smith (Product)",
    "--technical-owner", "ML Platform Team", "--deployment-date", "2025-01-15",
]
# A name that rewrites the screen and the window title, and one that reads backwards.
HOSTILE = "fraud\x1b[2J\x1b]0;all clear\x07-model"
REVERSED = "ledom-\u202efraud"
RAW = ("\x1b", "\x07", "\u202e", "\x9b")


def with_flag(flag: str, value: str) -> list[str]:
    args = list(REQUIRED)
    args[args.index(flag) + 1] = value
    return args


def stored_as_an_older_version_could(model: AIModel, **fields: str) -> None:
    """Text the services refuse today, written as an older version (or the database) could."""
    AIModel.objects.filter(pk=model.pk).update(**fields)


def assert_nothing_raw(*outputs: str) -> None:
    for output in outputs:
        assert not any(char in output for char in RAW), repr(output)


# Refused on the way in -----------------------------------------------------------------------


def test_add_names_a_deployment_date_near_year_9999_without_a_traceback(run):
    result = run("add", *with_flag("--deployment-date", "9999-12-30"))
    assert result.code == 1
    assert ("--deployment-date (deployment date): Deployment date must be between 1900-01-01 and 2999-12-31 "
            "(YYYY-MM-DD), got 9999-12-30.") in result.err
    assert "Traceback" not in result.err
    assert not AIModel.objects.exists()


def test_add_reads_only_yyyy_mm_dd(run):
    result = run("add", *with_flag("--deployment-date", "20250102"))
    assert result.code == 1
    assert 'Deployment date must be a date written YYYY-MM-DD, e.g. 2026-01-31, got "20250102".' in result.err


def test_update_names_a_deployment_date_near_year_9999_and_changes_nothing(run):
    make_model(model_name="fraud-v2")
    result = run("update", "fraud-v2", "--deployment-date", "9999-12-30")
    assert result.code == 1
    assert "got 9999-12-30" in result.err
    assert AIModel.objects.get().deployment_date == dt.date(2026, 6, 1)


@pytest.mark.parametrize(("flag", "label"), [("--name", "model name"), ("--vendor", "vendor"),
                                             ("--business-owner", "business owner")])
def test_add_refuses_control_characters_naming_the_flag_and_never_echoing_them(run, flag, label):
    result = run("add", *with_flag(flag, HOSTILE))
    assert result.code == 1
    assert f"{flag} ({label}): " in result.err
    assert "U+001B ESCAPE at position 6" in result.err
    assert_nothing_raw(result.out, result.err)
    assert not AIModel.objects.exists()


def test_add_refuses_a_name_mixing_alphabets(run):
    result = run("add", *with_flag("--name", "сlaude-sonnet-4"))
    assert result.code == 1
    assert "--name (model name): Model name mixes Latin letters with Cyrillic ones" in result.err
    assert "'с' (U+0441 CYRILLIC SMALL LETTER ES) at position 1" in result.err


def test_update_refuses_moving_the_deployment_date_after_the_first_review(run):
    model = make_model(model_name="fraud-v2", deployment_date=dt.date(2026, 6, 1))
    record_review(model, review_date=dt.date(2026, 7, 1), outcome="failed")
    result = run("update", "fraud-v2", "--deployment-date", "2026-08-01")
    assert result.code == 1
    assert "first review record, on 2026-07-01" in result.err
    assert AIModel.objects.get().deployment_date == dt.date(2026, 6, 1)


def test_add_interactively_re_asks_a_nul_or_a_date_out_of_range(run, monkeypatch):
    answers = ["fraud\x00model", "fraud-model", "OpenAI", "high", "Scores card payments", "Jane Smith",
               "ML Platform", "9999-12-30", "2025-01-15", "", "", "", "", "", "", "", ""]
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(f"{answer}\n" for answer in answers)))

    result = run("add", "-i")

    assert result.code == 0, result.err
    assert "U+0000 NUL at position 6" in result.out
    assert "Deployment date must be between 1900-01-01 and 2999-12-31 (YYYY-MM-DD), got 9999-12-30." in result.out
    assert "\x00" not in result.out
    assert AIModel.objects.get().model_name == "fraud-model"


def test_reviewed_refuses_a_reviewer_with_control_characters(run):
    make_model(model_name="fraud-v2")
    result = run("reviewed", "fraud-v2", "-d", "today", "--outcome", "passed", "--reviewer", "Jane\x1b[8mSmith")
    assert result.code == 1
    assert "--reviewer: Reviewer must be printable text on one line" in result.err
    assert_nothing_raw(result.err)


# Shown safely on the way out ----------------------------------------------------------------


@pytest.fixture
def hostile(today):
    model = make_model(model_name="hostile", vendor="Evil Corp")
    stored_as_an_older_version_could(model, model_name=HOSTILE, name_key="hostile", vendor="Open\x9b31mAI",
                                     business_owner=REVERSED, notes="line one\nline two\x1b[2J")
    return model


def test_list_escapes_control_characters_in_stored_text(run, hostile):
    result = run("list")
    assert result.code == 0
    assert "fraud\\x1b[2J\\x1b]0;all clear\\x07-model" in result.out
    assert "Open\\x9b31mAI" in result.out
    assert_nothing_raw(result.out)


def test_show_escapes_them_and_keeps_the_notes_line_breaks(run, hostile):
    result = run("show", "hostile")
    assert result.code == 0, result.err
    assert "ledom-\\u202efraud" in result.out
    assert "line one" in result.out and "line two\\x1b[2J" in result.out
    assert_nothing_raw(result.out)


def test_json_carries_the_same_values_with_nothing_raw(run, hostile):
    result = run("list", "--json")
    assert_nothing_raw(result.out)
    (row,) = json.loads(result.out)["results"]
    assert (row["model_name"], row["vendor"], row["business_owner"]) == (HOSTILE, "Open\x9b31mAI", REVERSED)
    assert "name_key" not in row


def test_stored_text_is_never_read_as_console_markup(run, today):
    model = make_model(model_name="markup", vendor="[bold red]Trusted[/]")
    stored_as_an_older_version_could(model, model_name="[/]", notes="[link=https://evil.example]click[/link]")
    for argv in (["list"], ["show", "markup"], ["report", "inventory"], ["dashboard"], ["reviews", "markup"]):
        result = run(*argv)
        assert result.code == 0, (argv, result.err)
        assert "Traceback" not in result.err
    assert "[bold red]Trusted[/]" in run("list").out
    assert "[link=https://evil.example]click[/link]" in run("show", "markup").out


def test_dashboard_and_validate_escape_stored_names(run, hostile):
    for argv in (["dashboard"], ["validate"], ["validate", "--json"], ["report", "inventory"], ["reviews", "hostile"]):
        result = run(*argv)
        assert_nothing_raw(result.out, result.err)


def test_an_unknown_name_with_control_characters_is_echoed_escaped(run, today):
    make_model(model_name="fraud-v2")
    result = run("show", "fraud\x1b[2J-v2")
    assert result.code == 1
    assert 'No model named "fraud\\x1b[2J-v2".' in result.err
    assert_nothing_raw(result.err)
    as_json = run("show", "fraud\x00\x9b-v2", "--json")
    assert json.loads(as_json.out)["error"]["code"] == "unknown_model"
    assert_nothing_raw(as_json.out)


@pytest.mark.parametrize(
    "argv",
    [["show", "fraud-\udcff"], ["list", "--vendor", "\udcff"], ["list", "--search", "x\udcff"],
     ["dashboard", "--vendor", "\udcff"], ["report", "inventory", "--vendor", "\udcff"], ["list", "--user", "\udcff"],
     ["--bogus\udcff"], ["add", "--name", "a\udcff\ud800"]],
)
def test_undecodable_bytes_on_the_command_line_are_a_usage_error(run, today, argv):
    # Python hands undecodable command-line bytes over as lone surrogates, which no database takes.
    result = run(*argv)
    assert result.code == 2
    assert result.err.startswith("The command line must be UTF-8 text: argument ")
    assert "\\xff" in result.err  # the byte that was not UTF-8
    assert "Traceback" not in result.err
