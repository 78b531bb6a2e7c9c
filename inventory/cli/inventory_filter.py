"""InventoryFilter: which models a verb works on, and in which order, every value checked against
the console's filter set (inventory/filters.py). Made from a verb's flags by
``inventory.cli.filters.inventory_filter(args)``; imported when a verb runs, not to build the parser.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from common.cli.errors import EXIT_USAGE, INVALID_VALUE, CLIError
from inventory.cli.filters import OPTIONS, FilterOption
from inventory.filters import SORTS, AIModelFilterSet

if TYPE_CHECKING:
    import datetime as dt

    from inventory.models import AIModelQuerySet

BAD_CHOICE_USAGE_MESSAGE = "argument {flag}: {value!r} is not allowed. Allowed values: {allowed}."
BAD_SORT_USAGE_MESSAGE = "argument --sort: {value!r} is not a sort key. Sort keys: {allowed} (prefix - to reverse)."


class BadFilterValue(ValueError):
    """A filter value outside its flag's choices; ``allowed`` lists them."""

    def __init__(self, message: str, *, allowed: Sequence[str]) -> None:
        super().__init__(message)
        self.allowed = list(allowed)


def allowed_values(option: FilterOption) -> list[str]:
    """The values a choice flag accepts: its filter's choices in inventory/filters.py."""
    return [value for value, _ in AIModelFilterSet.base_filters[option.param].extra["choices"]]


def _words(flag: str, value: str) -> list[str]:
    # "--sort=-name": a separate "-name" would read as an option.
    return [f"{flag}={value}"] if value.startswith("-") else [flag, value]


@dataclass(frozen=True)
class InventoryFilter:
    """Which models a verb works on, and in which order.

    Choice values are the inventory's codes ("high", "prod", "due_30"), text values are trimmed, and
    ``sort`` holds sort keys ("-next_review"). An InventoryFilter with a value outside its choices
    cannot be made: BadFilterValue. Fields a verb does not offer stay None.
    """

    risk: str | None = None
    vendor: str | None = None
    environment: str | None = None
    status: str | None = None
    model_type: str | None = None
    data_classification: str | None = None
    business_line: str | None = None
    review: str | None = None
    search: str | None = None
    sort: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for option in OPTIONS:
            value = getattr(self, option.field)
            if option.choices and value is not None:
                allowed = allowed_values(option)
                if value not in allowed:
                    message = BAD_CHOICE_USAGE_MESSAGE.format(flag=option.flag, value=value, allowed=", ".join(allowed))
                    raise BadFilterValue(message, allowed=allowed)
        for key in self.sort:
            if key.removeprefix("-") not in SORTS:
                message = BAD_SORT_USAGE_MESSAGE.format(value=key, allowed=", ".join(SORTS))
                raise BadFilterValue(message, allowed=list(SORTS))

    @property
    def narrows(self) -> bool:
        """Whether any filter is set (a sort order alone leaves every model in)."""
        return any(getattr(self, option.field) is not None for option in OPTIONS)

    def params(self) -> dict[str, str]:
        """The AIModelFilterSet parameters, as the console's inventory list takes them in its URL."""
        params = {option.param: getattr(self, option.field) for option in OPTIONS}
        params = {param: value for param, value in params.items() if value is not None}
        if self.sort:
            params["sort"] = ",".join(self.sort)
        return params

    def flags(self) -> list[str]:
        """The command-line words that give this filter again, e.g. ["--risk", "high", "--sort=-name"]."""
        words: list[str] = []
        for option in OPTIONS:
            value = getattr(self, option.field)
            if value is not None:
                words += _words(option.flag, value)
        if self.sort:
            words += _words("--sort", ",".join(self.sort))
        return words

    def apply(self, queryset: AIModelQuerySet, *, today: dt.date) -> AIModelQuerySet:
        """``queryset`` narrowed and ordered by this filter, through the console's filter set
        (review states are as of ``today``)."""
        filterset = AIModelFilterSet(self.params(), queryset=queryset, today=today)
        if not filterset.is_valid():
            # Every value was checked against the filter set's own choices, so this means the two
            # disagree; refuse rather than let the filter set drop the value and list every model.
            errors = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in filterset.errors.items())
            raise CLIError(errors, EXIT_USAGE, code=INVALID_VALUE)
        return filterset.qs
