"""Reading a CSV file: its encoding (transfers.reading.text), its delimiter (comma; semicolon or tab
when those are what its first lines use), its header row (transfers.reading.headers), and every
row, numbered as a spreadsheet numbers it (a cell with line breaks in it is still one row).

Broken quoting stops the reading with the row where it happened; a row with more or fewer cells
than the header is a problem of the file, and every one is collected.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from itertools import chain, islice
from typing import Any

from transfers.reading.headers import SEARCH_ROWS, find_header, is_empty
from transfers.reading.text import decode
from transfers.tables import FileRefused, Problem, Table

EMPTY_MESSAGE = "The file is empty: nothing to import."
QUOTES_MESSAGE = (
    "Row {row} (line {line} of the file) cannot be read: {why}. Check the quotes around that row: a cell that "
    "contains a comma, a quote or a line break must be quoted, and a quote inside it written twice (\"\")."
)
WHY = {
    "unexpected end of data": "a quoted cell is never closed (unbalanced quotes)",
    "expected after": "a closing quote is followed by more text in the same cell",
}
RAGGED_MESSAGE = "Row {row} has {cells} cells, but the header (row {header}) has {columns}{hint}."
DELIMITERS = (",", ";", "\t")


def _delimiter(text: str) -> str:
    lines = [line for line in islice(text.splitlines(), 0, 10) if line.strip()][:5]
    counts = {delimiter: sum(line.count(delimiter) for line in lines) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] > counts[","] else ","


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            why = next((words for key, words in WHY.items() if key in str(exc)), str(exc))
            raise FileRefused(QUOTES_MESSAGE.format(row=number + 1, line=reader.line_num, why=why)) from None
        number += 1
        yield number, cells


def _checked(rows: Iterable[tuple[int, list[str]]], width: int, header_row: int, problems: list[Problem]
             ) -> Iterator[tuple[int, list[Any]]]:
    """Rows with something in them, each the header's width; ragged ones are problems of the file."""
    for number, cells in rows:
        if is_empty(cells):
            continue
        if len(cells) != width and not (len(cells) > width and is_empty(cells[width:])):
            hint = (": the cells after the last column have no header" if len(cells) > width
                    else ": a cell is missing, or a quoted line break split the row")
            problems.append(Problem(RAGGED_MESSAGE.format(row=number, cells=len(cells), header=header_row,
                                                          columns=width, hint=hint), row=number))
            continue
        yield number, cells[:width]


def read_csv(data: bytes, *, header_row: int | None = None, mapped: Iterable[str] = (),
             encoding: str | None = None, table: str = "models") -> tuple[Table, list[Problem]]:
    """The file's table and what was noticed reading it. FileRefused for an empty or unreadable file."""
    text, notices = decode(data, encoding=encoding)
    if not text.strip():
        raise FileRefused(EMPTY_MESSAGE)
    records = _records(text, _delimiter(text))
    first = list(islice(records, SEARCH_ROWS))
    number, header_cells = find_header(table, first, mapped=mapped, header_row=header_row)
    while header_cells and not str(header_cells[-1]).strip():
        header_cells = header_cells[:-1]
    after = [(row, cells) for row, cells in first if row > number]
    problems: list[Problem] = []
    rows = _checked(chain(after, records), len(header_cells), number, problems)
    count = max(text.count("\n") - number, 1)
    return Table(table, [str(cell) for cell in header_cells], rows, header_row=number, count=count,
                 problems=problems), notices
