"""The shared inventory filter options: which verb offers which flag, the typed InventoryFilter,
and help texts in step with the console's filter set."""

from __future__ import annotations

import argparse

import pytest

from common.cli import CLIError, add_verb
from inventory.cli import filters
from inventory.cli.filters import add_filter_options, inventory_filter
from inventory.cli.inventory_filter import BadFilterValue, InventoryFilter, allowed_values
from inventory.filters import SORTS, AIModelFilterSet
from mltrack_site.cli import build_parser

ALWAYS = ["--risk", "--vendor", "--environment", "--status", "--business-line"]
EXTRA = ["--model-type", "--data-classification", "--review", "--search", "--sort"]


def filter_flags(verb: str) -> list[str]:
    subparsers = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    group = next(g for g in subparsers.choices[verb]._action_groups if g.title == "filters")
    return [action.option_strings[0] for action in group._group_actions]


@pytest.mark.parametrize(
    ("verb", "flags"),
    [
        ("list", ALWAYS[:4] + ["--model-type", "--data-classification", "--business-line", "--review", "--search",
                               "--sort"]),
        ("dashboard", ALWAYS),
        ("report", [*ALWAYS, "--search"]),
    ],
)
def test_each_verb_offers_its_filters_in_one_order(verb, flags):
    assert filter_flags(verb) == flags


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="mltrack")
    verb = add_verb(parser.add_subparsers(dest="verb"), "list", lambda args: 0)
    add_filter_options(verb, classification=True, review=True, search=True, sort=True)
    return parser.parse_args(["list", *argv])


def test_it_turns_flags_into_checked_codes_and_filter_set_parameters():
    selection = inventory_filter(parse(
        "--risk", " HIGH ", "--environment", "Prod", "--vendor", " OpenAI ", "--review", "Due_30",
        "--business-line", "  ", "--search", " chat ", "--sort", "Risk, -next_review,,",
    ))

    assert selection == InventoryFilter(risk="high", environment="prod", vendor="OpenAI", review="due_30",
                                        search="chat", sort=("risk", "-next_review"))
    assert selection.params() == {"risk_tier": "high", "vendor": "OpenAI", "deployment_environment": "prod",
                                  "review": "due_30", "q": "chat", "sort": "risk,-next_review"}
    assert selection.flags() == ["--risk", "high", "--vendor", "OpenAI", "--environment", "prod", "--review",
                                 "due_30", "--search", "chat", "--sort", "risk,-next_review"]
    assert selection.narrows


def test_no_flags_filter_nothing():
    selection = inventory_filter(parse("--sort=-name"))

    assert selection.params() == {"sort": "-name"}
    assert selection.flags() == ["--sort=-name"]
    assert not selection.narrows
    assert InventoryFilter().params() == {}


def test_a_value_outside_the_choices_cannot_be_made():
    with pytest.raises(BadFilterValue) as bad:
        InventoryFilter(status="retired")

    assert str(bad.value) == (
        "argument --status: 'retired' is not allowed. Allowed values: active, deprecated, decommissioned."
    )
    assert bad.value.allowed == ["active", "deprecated", "decommissioned"]
    with pytest.raises(BadFilterValue):
        InventoryFilter(sort=("--name",))


def test_a_bad_flag_value_is_a_usage_error_with_the_allowed_values():
    with pytest.raises(CLIError) as error:
        inventory_filter(parse("--environment", "qa"))

    assert (error.value.exit_code, error.value.code) == (2, "invalid_value")
    assert error.value.suggestions == ["prod", "staging", "dev"]
    assert error.value.usage is not None and error.value.usage.prog == "mltrack list"


@pytest.mark.parametrize("option", [option for option in filters.OPTIONS if option.choices], ids=lambda o: o.flag)
def test_the_help_names_every_value_the_console_filter_allows(option):
    allowed = [value for value, _ in AIModelFilterSet.base_filters[option.param].extra["choices"]]

    assert allowed_values(option) == allowed
    for value in allowed:
        assert value in option.help, (option.flag, value)


def test_the_sort_help_names_every_sort_key():
    for key in SORTS:
        assert key in filters.SORT_HELP


@pytest.mark.parametrize("option", filters.OPTIONS, ids=lambda o: o.flag)
def test_every_flag_is_a_filter_of_the_console(option):
    assert option.param in AIModelFilterSet.base_filters
