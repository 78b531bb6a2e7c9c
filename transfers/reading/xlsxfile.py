"""Reading an Excel workbook (.xlsx, openpyxl in read-only mode, rows streamed as they are used).

The models are on the sheet named by ``--sheet``, else on a sheet named "Models", else on the
first sheet; the review history on a sheet named "Reviews" when there is one. A cell is read as
Excel shows it: a date cell as its date, text as text, a number as a number (what the number means
is the column's business: transfers.rows).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from itertools import chain, islice
from typing import Any

from transfers.reading.headers import SEARCH_ROWS, find_header, is_empty
from transfers.tables import FileRefused, Problem, Table

MODELS_SHEET = "Models"
REVIEWS_SHEET = "Reviews"
NOT_XLSX_MESSAGE = (
    "The file is not an Excel workbook (.xlsx) that can be read: {why}. Save it from the spreadsheet "
    "program as \"Excel Workbook (.xlsx)\"."
)
NO_SHEET_MESSAGE = "The workbook has no sheet named {name!r}. Its sheets: {sheets}."
NO_HEADER_CELL_MESSAGE = (
    "Row {row} has a value in column {column}, which has no header (row {header}): name the column, or "
    "clear the cell."
)


def column_letter(index: int) -> str:
    """The spreadsheet's name for a 0-based column index: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _sheet(workbook, name: str | None, default: str):
    names = workbook.sheetnames
    if name is not None:
        for sheet in names:
            if sheet == name or sheet.casefold() == name.strip().casefold():
                return workbook[sheet]
        raise FileRefused(NO_SHEET_MESSAGE.format(name=name, sheets=", ".join(names)))
    for sheet in names:
        if sheet.casefold() == default.casefold():
            return workbook[sheet]
    return None


def _rows(sheet) -> Iterator[tuple[int, list[Any]]]:
    for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield number, list(cells)


def _checked(rows: Iterable[tuple[int, list[Any]]], width: int, header_row: int, table: str,
             problems: list[Problem]) -> Iterator[tuple[int, list[Any]]]:
    for number, cells in rows:
        if is_empty(cells):
            continue
        for index in range(width, len(cells)):
            if not is_empty(cells[index : index + 1]):
                problems.append(Problem(NO_HEADER_CELL_MESSAGE.format(row=number, column=column_letter(index),
                                                                      header=header_row), table=table, row=number))
                break
        cells = cells[:width]
        yield number, cells + [None] * (width - len(cells))


def _table(sheet, name: str, *, header_row: int | None, mapped: Iterable[str]) -> Table:
    count = sheet.max_row or 0
    # Some programs write a wrong size into the sheet; read it to its real end.
    sheet.reset_dimensions()
    rows = _rows(sheet)
    first = list(islice(rows, SEARCH_ROWS))
    number, header_cells = find_header(name, first, mapped=mapped, header_row=header_row,
                                       what=f"sheet {sheet.title!r}")
    header_cells = list(header_cells)
    while header_cells and (header_cells[-1] is None or not str(header_cells[-1]).strip()):
        header_cells.pop()
    headers = ["" if cell is None else str(cell) for cell in header_cells]
    problems: list[Problem] = []
    after = [(row, cells) for row, cells in first if row > number]
    checked = _checked(chain(after, rows), len(headers), number, name, problems)
    return Table(name, headers, checked, header_row=number, count=max(count - number, 1), sheet=sheet.title,
                 problems=problems)


def read_xlsx(data: bytes, *, sheet: str | None = None, header_row: int | None = None,
              mapped: Iterable[str] = ()) -> tuple[Table, Table | None, list[Problem]]:
    """The models table, the review-history table (or None) and what was noticed. FileRefused for a
    file that is not a workbook, or a sheet that is not there."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        why = "it is not a zip archive" if isinstance(exc, zipfile.BadZipFile) else str(exc) or type(exc).__name__
        raise FileRefused(NOT_XLSX_MESSAGE.format(why=why)) from None
    models_sheet = _sheet(workbook, sheet, MODELS_SHEET) or workbook.worksheets[0]
    models = _table(models_sheet, "models", header_row=header_row, mapped=mapped)
    reviews_sheet = _sheet(workbook, None, REVIEWS_SHEET)
    reviews = None
    if reviews_sheet is not None and reviews_sheet.title != models_sheet.title:
        try:
            reviews = _table(reviews_sheet, "reviews", header_row=None, mapped=())
        except FileRefused:
            reviews = None  # an empty Reviews sheet holds no history
    return models, reviews, []
