"""A row's cells as the values MLTrack's services take: text as text (the export's formula mark
taken off), dates as dates, choices by their code or their label, numbers as whole numbers.

Dates must say which day they are: YYYY-MM-DD text, or an Excel date cell (read as the day it
shows). "03/04/2025" could be either of two days and is refused with a hint, never guessed; so
is a bare number, which is what a date cell formatted as a number looks like.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError

from common import dates
from common.text import escape_line
from transfers.cells import restore
from transfers.columns import CHOICE, DATE, NUMBER, Column

AMBIGUOUS_DATE = re.compile(r"\s*\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}\s*")
AMBIGUOUS_MESSAGE = (
    "{label} {value!r} is not a date written YYYY-MM-DD, and it could be read more than one way (day and "
    "month either way round): write it as YYYY-MM-DD, e.g. 2025-04-03 for 3 April 2025."
)
NUMBER_AS_DATE_MESSAGE = (
    "{label} is the number {value}, not a date: format the cell as a date, or write the date as YYYY-MM-DD."
)
TIME_OF_DAY_MESSAGE = "{label} has a time of day ({value}): give the date alone, YYYY-MM-DD."
NOT_A_NUMBER_MESSAGE = "{label} must be a whole number, got {value!r}."


class CellProblem(ValueError):
    """A cell that cannot be read as its column's kind of value."""


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, str):
        return restore(cell)
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat(sep=" ")
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell)


def _date(cell: Any, label: str) -> dt.date | None:
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, dt.datetime):
        if cell.time() != dt.time():
            raise CellProblem(TIME_OF_DAY_MESSAGE.format(label=label, value=cell.isoformat(sep=" ")))
        cell = cell.date()
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        raise CellProblem(NUMBER_AS_DATE_MESSAGE.format(label=label, value=_text(cell)))
    if not isinstance(cell, (str, dt.date)):
        cell = _text(cell)
    try:
        return dates.parse_date(cell, label=label)
    except ValidationError as exc:
        if isinstance(cell, str) and AMBIGUOUS_DATE.fullmatch(cell) and not dates.ISO_DATE.fullmatch(cell.strip()):
            raise CellProblem(AMBIGUOUS_MESSAGE.format(label=label, value=escape_line(cell.strip()))) from None
        raise CellProblem(exc.messages[0]) from None


def _number(cell: Any, label: str) -> int | None:
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, int) and not isinstance(cell, bool):
        return cell
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    if isinstance(cell, str) and cell.strip().isdigit() and cell.strip().isascii():
        return int(cell.strip())
    raise CellProblem(NOT_A_NUMBER_MESSAGE.format(label=label, value=escape_line(_text(cell))))


def read_cell(column: Column, cell: Any) -> Any:
    """The value of one cell for ``column``; CellProblem saying what was expected."""
    return reader(column)(cell)


@functools.cache
def reader(column: Column) -> Callable[[Any], Any]:
    """read_cell for one column, chosen once for the column rather than once per cell (an import
    reads millions of cells). A text cell of a CSV file is always a string, so that case comes first."""
    if column.kind == DATE:
        label = column.label
        return lambda cell: _date(cell, label)
    if column.kind == CHOICE:
        # Each way of writing a choice (its code or its label, in any case) to its code.
        codes = {}
        for code, label in reversed(column.choices):
            codes[label.casefold()] = code
            codes[code] = code

        def choice(cell: Any) -> str:
            value = _text(cell).strip()
            return codes.get(value.casefold(), value)

        return choice
    if column.kind == NUMBER:
        label = column.label
        return lambda cell: _number(cell, label)
    return lambda cell: restore(cell) if type(cell) is str else _text(cell)
