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
  properties', its zip entries') are fixed, so the same data gives the same bytes.

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
FIXED_STAMP = b"2000-01-01T00:00:00Z"
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


def _sheet(workbook, title: str, columns: Sequence[Column], rows: Sequence[Sequence[Any]]) -> None:
    from openpyxl.cell import WriteOnlyCell

    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    sheet.append([column.field for column in columns])
    dates = [index for index, column in enumerate(columns) if column.kind == "date"]

    def date_cell(value: dt.date) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell

    for row in rows:
        cells = [neutralise(value) if isinstance(value, str) else value for value in row]
        for index in dates:
            if cells[index] is not None:
                cells[index] = date_cell(cells[index])
        sheet.append([None if value == "" else value for value in cells])


def render_xlsx(models: Sequence[Sequence[Any]], reviews: Sequence[Sequence[Any]] | None, *,
                documentation: bool = False) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    workbook.properties.created = workbook.properties.modified = WORKBOOK_TIME
    workbook.properties.creator = "MLTrack"
    _sheet(workbook, MODELS_SHEET, MODEL_COLUMNS, models)
    if reviews is not None:
        _sheet(workbook, REVIEWS_SHEET, REVIEW_COLUMNS, reviews)
    if documentation:
        sheet = workbook.create_sheet(COLUMNS_SHEET)
        sheet.append(DOC_HEADERS)
        for row in documentation_rows():
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _fixed_times(buffer.getvalue())


def _fixed_times(data: bytes) -> bytes:
    """The workbook's zip with every entry dated WORKBOOK_TIME, and its "modified" property too
    (openpyxl sets it to the time of saving): either would make two exports of the same data differ."""
    import re
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + FIXED_STAMP, content)
            info = zipfile.ZipInfo(entry.filename, date_time=WORKBOOK_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, content)
    return out.getvalue()


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
