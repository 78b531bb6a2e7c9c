"""Laying an export out as CSV, JSON or Excel: plain tables, deterministic (the same inventory
gives the same bytes), with formula injection made inert in CSV and Excel (transfers.cells) in a
way the import undoes, so that an export imported into an empty inventory exports the same file.

- CSV: UTF-8 without a byte-order mark, a header row of field names, CRLF line ends (RFC 4180);
  dates YYYY-MM-DD, empty values as empty cells. The review history, when exported, is a second
  CSV file.
- JSON: ``{"models": [...], "reviews": [...]}``, an object per row with keys in the columns' order;
  empty text as "", empty dates and numbers as null; two-space indents and a final line break.
- Excel: a "Models" sheet and, with the history, a "Reviews" sheet: a header row, dates as date
  cells shown YYYY-MM-DD, numbers as numbers, text as text. The workbook's own timestamps (its
  properties', its zip entries') are fixed, so the same data gives the same bytes. XlsxWriter
  writes it (openpyxl, which reads workbooks, took twice as long to write 100,000 rows).

``template`` files hold every column and no rows, with each column documented: a "Columns" sheet
in Excel, a "columns" list in JSON, and a companion CSV file for CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

import orjson

from transfers.cells import neutralise
from transfers.columns import MODEL_COLUMNS, REVIEW_COLUMNS, TABLES, Column

MODELS_SHEET, REVIEWS_SHEET, COLUMNS_SHEET = "Models", "Reviews", "Columns"
DATE_FORMAT = "yyyy-mm-dd"
# The workbook's properties say when it was made; a fixed time keeps exports of the same data identical.
WORKBOOK_TIME = dt.datetime(2000, 1, 1)
DOC_HEADERS = ["table", "column", "label", "required", "allowed values", "description"]


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def render_csv(columns: Sequence[Column], rows: Sequence[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.field for column in columns])
    writer.writerows([_csv_cell(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _objects(columns: Sequence[Column], rows: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
    names = [column.field for column in columns]
    return [{name: _json_value(value) for name, value in zip(names, row)} for row in rows]


def render_json(models: Sequence[Sequence[Any]], reviews: Sequence[Sequence[Any]] | None, *,
                documentation: bool = False) -> bytes:
    document: dict[str, Any] = {"models": _objects(MODEL_COLUMNS, models)}
    if reviews is not None:
        document["reviews"] = _objects(REVIEW_COLUMNS, reviews)
    if documentation:
        document["columns"] = [dict(zip(DOC_HEADERS, row)) for row in documentation_rows()]
    return orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def documentation_rows() -> list[list[str]]:
    """One row per column of each table: what it holds and what it allows."""
    return [
        [table, column.field, column.label, "yes" if column.required else ("derived" if column.derived else "no"),
         column.allowed(), column.help]
        for table, columns in TABLES.items() for column in columns
    ]


def _sheet(workbook, formats: dict[str, Any], title: str, columns: Sequence[Column],
           rows: Sequence[Sequence[Any]]) -> None:
    """One sheet: a frozen header row of field names, then a row per item. Every cell is written by
    its type (never with XlsxWriter's guessing ``write``, which would make "=1+1" a formula): text
    neutralised as in CSV, dates as date cells, numbers as numbers, empty values as no cell."""
    sheet = workbook.add_worksheet(title)
    sheet.freeze_panes(1, 0)
    write_string, write_number, write_date = sheet.write_string, sheet.write_number, sheet.write_datetime
    date_format = formats["date"]
    for index, column in enumerate(columns):
        write_string(0, index, column.field)
    for number, row in enumerate(rows, start=1):
        for index, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                write_string(number, index, neutralise(value))
            elif isinstance(value, dt.date):
                write_date(number, index, value, date_format)
            else:
                write_number(number, index, value)


def render_xlsx(models: Sequence[Sequence[Any]], reviews: Sequence[Sequence[Any]] | None, *,
                documentation: bool = False) -> bytes:
    """The workbook, written by XlsxWriter a row at a time (its constant-memory mode). Its
    properties are dated WORKBOOK_TIME and it dates its zip entries 1980-01-31, so the same data
    gives the same bytes."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True})
    workbook.set_properties({"created": WORKBOOK_TIME, "author": "MLTrack"})
    formats = {"date": workbook.add_format({"num_format": DATE_FORMAT})}
    _sheet(workbook, formats, MODELS_SHEET, MODEL_COLUMNS, models)
    if reviews is not None:
        _sheet(workbook, formats, REVIEWS_SHEET, REVIEW_COLUMNS, reviews)
    if documentation:
        sheet = workbook.add_worksheet(COLUMNS_SHEET)
        for number, row in enumerate([DOC_HEADERS, *documentation_rows()]):
            for index, value in enumerate(row):
                if value != "":
                    sheet.write_string(number, index, value)
    workbook.close()
    return buffer.getvalue()


def render(fmt: str, models: Sequence[Sequence[Any]], reviews: Sequence[Sequence[Any]] | None, *,
           documentation: bool = False) -> dict[str, bytes]:
    """The files of an export, by the name's part that tells them apart: "" for the main file,
    "reviews" and "columns" for a CSV export's companions."""
    if fmt == "json":
        return {"": render_json(models, reviews, documentation=documentation)}
    if fmt == "xlsx":
        return {"": render_xlsx(models, reviews, documentation=documentation)}
    files = {"": render_csv(MODEL_COLUMNS, models)}
    if reviews is not None:
        files["reviews"] = render_csv(REVIEW_COLUMNS, reviews)
    if documentation:
        files["columns"] = render_csv([Column(name, name, "line") for name in DOC_HEADERS], documentation_rows())
    return files
