"""The inventory filter flags of list, dashboard and report: one builder of the flags, and one
function that turns what was given into a checked, typed InventoryFilter.

``add_filter_options(parser, ...)`` adds the flags a verb offers (every verb gets --risk --vendor
--environment --status --business-line; switches add the rest); ``inventory_filter(args)`` gives
the frozen ``InventoryFilter`` (inventory/cli/inventory_filter.py), whose ``params()`` are
``AIModelFilterSet`` parameters. inventory/filters.py stays the single definition of the filters,
shared with the console: the allowed values are read from its filter set.

A value outside a flag's choices is a usage error naming the flag and the allowed values (exit 2,
or the JSON error object "invalid_value" with --json). This module is loaded to build the parser,
so it imports nothing from Django, nor ``dataclasses``: the values are checked when the verb runs.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, NamedTuple

from common.cli.errors import INVALID_VALUE, usage_error

if TYPE_CHECKING:
    from inventory.cli.inventory_filter import InventoryFilter


class FilterOption(NamedTuple):
    """One filter flag: the InventoryFilter field it sets (also its argparse dest), the
    AIModelFilterSet parameter it becomes, and whether its values are a fixed set of choices."""

    field: str
    flag: str
    param: str
    metavar: str
    help: str
    choices: bool = False


# Help texts name the allowed values; a test keeps them in step with the filter set's choices.
RISK = FilterOption("risk", "--risk", "risk_tier", "TIER", "critical, high, medium or low", choices=True)
VENDOR = FilterOption("vendor", "--vendor", "vendor", "NAME", "exact vendor name, any case")
ENVIRONMENT = FilterOption(
    "environment", "--environment", "deployment_environment", "ENV", "prod, staging or dev", choices=True
)
STATUS = FilterOption("status", "--status", "status", "STATUS", "active, deprecated or decommissioned", choices=True)
MODEL_TYPE = FilterOption(
    "model_type", "--model-type", "model_type", "TYPE", "statistical, ml, generative_ai, agentic_ai, rules or vendor",
    choices=True,
)
DATA_CLASSIFICATION = FilterOption(
    "data_classification", "--data-classification", "data_classification", "CLASS",
    "public, internal, confidential or restricted", choices=True,
)
BUSINESS_LINE = FilterOption(
    "business_line", "--business-line", "business_line", "NAME", "exact business line, any case"
)
REVIEW = FilterOption(
    "review", "--review", "review", "STATE",
    "overdue; overdue_1_30, overdue_31_90 or overdue_over_90 (days overdue); due_30 (due within 30 days); "
    "never (never reviewed); changed (changed since its last review)",
    choices=True,
)
SEARCH = FilterOption("search", "--search", "q", "TEXT", "text in the name, vendor, use case or owners")
SORT_HELP = (
    "name, vendor, risk, status, environment, deployed, next_review, last_review or added; "
    "prefix - to reverse (--sort=-name); comma-separate several"
)
# Every filter, in the order of the flags, of params() and of a command that gives them again.
OPTIONS = (RISK, VENDOR, ENVIRONMENT, STATUS, MODEL_TYPE, DATA_CLASSIFICATION, BUSINESS_LINE, REVIEW, SEARCH)


def add_filter_options(
    parser: argparse.ArgumentParser,
    *,
    classification: bool = False,
    review: bool = False,
    search: bool = False,
    sort: bool = False,
) -> None:
    """Add the inventory filter flags to a verb, in a "filters" group.

    Every verb gets --risk --vendor --environment --status --business-line. ``classification``
    adds --model-type and --data-classification, ``review`` the review state (--review), ``search``
    --search and ``sort`` --sort.
    """
    offered = {MODEL_TYPE: classification, DATA_CLASSIFICATION: classification, REVIEW: review, SEARCH: search}
    group = parser.add_argument_group("filters")
    for option in OPTIONS:
        if offered.get(option, True):
            group.add_argument(option.flag, dest=option.field, metavar=option.metavar, help=option.help)
    if sort:
        group.add_argument("--sort", metavar="KEY", help=SORT_HELP)


def inventory_filter(args: argparse.Namespace) -> InventoryFilter:
    """The filter the verb's flags give (see add_filter_options); flags a verb does not offer stay unset.

    Choices are matched in any case and text is trimmed; a blank text value filters nothing. A
    value outside its choices: usage error "invalid_value" naming the flag, with the allowed values
    as suggestions (exit 2).
    """
    from inventory.cli.inventory_filter import BadFilterValue, InventoryFilter

    values: dict[str, object] = {}
    for option in OPTIONS:
        given = getattr(args, option.field, None)
        if given is None:
            continue
        if option.choices:
            values[option.field] = given.strip().lower()
        elif given.strip():
            values[option.field] = given.strip()
    sort = getattr(args, "sort", None)
    if sort is not None:
        values["sort"] = tuple(key.strip().lower() for key in sort.split(",") if key.strip())
    try:
        return InventoryFilter(**values)
    except BadFilterValue as exc:
        usage_error(args, str(exc), code=INVALID_VALUE, suggestions=exc.allowed)
