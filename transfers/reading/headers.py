"""Finding the header row: real inventories have a title, a date or a logo's caption above it.

The header is the row, among the first ones, with the most cells that name a column (a field, a
label or a common variant, or a header the mapping names); at least two must. Failing that, the
first row with anything in it. ``--header-row N`` says which row it is instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from transfers.columns import column_for, plain_header
from transfers.tables import FileRefused

# How far down the header is looked for.
SEARCH_ROWS = 30
NO_HEADER_MESSAGE = "The file has no rows{sheet}: nothing to import."
HEADER_ROW_MISSING_MESSAGE = "--header-row {row}: the {what} has no row {row} with anything in it."


def is_empty(cells: Sequence[Any]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _score(table: str, cells: Sequence[Any], mapped: frozenset[str]) -> int:
    return sum(1 for cell in cells if cell is not None and (column_for(table, cell) or plain_header(cell) in mapped))


def find_header(
    table: str, first_rows: Iterable[tuple[int, list[Any]]], *, mapped: Iterable[str] = (),
    header_row: int | None = None, what: str = "file",
) -> tuple[int, list[Any]]:
    """(row number, cells) of the header among ``first_rows`` (at least SEARCH_ROWS of them, when the
    file has so many). FileRefused when there is no such row."""
    mapped_plain = frozenset(plain_header(header) for header in mapped)
    rows = [(number, cells) for number, cells in first_rows if not is_empty(cells)]
    if header_row is not None:
        for number, cells in rows:
            if number == header_row:
                return number, cells
        raise FileRefused(HEADER_ROW_MISSING_MESSAGE.format(row=header_row, what=what))
    if not rows:
        raise FileRefused(NO_HEADER_MESSAGE.format(sheet="" if what == "file" else f" in the {what}"))
    best = max(rows, key=lambda row: (_score(table, row[1], mapped_plain), -row[0]))
    if _score(table, best[1], mapped_plain) >= 2:
        return best
    return rows[0]
