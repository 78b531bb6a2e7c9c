"""Reports as CSV, JSON and terminal output (OSCAL: reports.oscal; PDF: reports.pdf).

CSV and JSON are deterministic: the same data gives the same bytes, except the two lines that
say when and by whom the report was generated. CSV cells that a spreadsheet would run as a
formula (starting with = + - @, a tab or a carriage return) are neutralised with a leading
apostrophe; numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any, BinaryIO

import orjson

from reports.data import Cell, Report

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "oscal": "application/json",
    "pdf": "application/pdf",
}
EXTENSIONS = {"csv": "csv", "json": "json", "oscal": "oscal.json", "pdf": "pdf"}
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


class InvalidOutput(Exception):
    """A rendered document failed its validation: it is never written or offered for download."""


def neutralise(value: Cell) -> Cell:
    """A text cell a spreadsheet would read as a formula, made inert; other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _csv_cell(value: Cell) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}"
    return neutralise(value)


def render_csv(report: Report) -> bytes:
    """The report's main table: the header row first, so that a spreadsheet opens it as a clean
    table. The metadata (scope, filters, as-of date, the data's SHA-256) travels in the other formats
    and the report's page, never as rows of the table. Every cell is quoted when it needs to be;
    lines end with CRLF (RFC 4180)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    table = report.tables[0]
    writer.writerow([column.key for column in table.columns])
    for row in table.rows:
        writer.writerow([_csv_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8")


def render_json(report: Report) -> bytes:
    """The metadata (with the data's SHA-256) and the report's body, keys in a fixed order."""
    return orjson.dumps(report.as_dict(), option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def render_oscal(report: Report) -> bytes:
    """OSCAL 1.1.2 assessment results, validated before they are returned (reports.oscal)."""
    from reports.oscal import OscalInvalid
    from reports.oscal import render_oscal as oscal

    try:
        return oscal(report)
    except OscalInvalid as exc:
        raise InvalidOutput(f"the OSCAL document failed validation: {exc}") from exc


def write_oscal(report: Report, out: BinaryIO, progress: Callable[[int, int], None] | None = None) -> None:
    """OSCAL 1.1.2 assessment results written to ``out`` part by part (their memory does not grow
    with the report), after every part has been validated: nothing is written if one fails."""
    from reports.oscal import OscalInvalid
    from reports.oscal import write_oscal as oscal

    try:
        oscal(report, out, progress=progress)
    except OscalInvalid as exc:
        raise InvalidOutput(f"the OSCAL document failed validation: {exc}") from exc


def render_pdf(report: Report, progress: Callable[[int, str], None] | None = None) -> bytes:
    from reports.pdf import render_pdf as pdf

    return pdf(report, progress=progress)


# Formats that cite each model's evidence: build their report with build_report(evidence=True).
EVIDENCE_FORMATS = frozenset({"oscal"})

RENDERERS: dict[str, Callable[[Report], bytes]] = {
    "csv": render_csv,
    "json": render_json,
    "oscal": render_oscal,
    "pdf": render_pdf,
}


def render(report: Report, fmt: str) -> bytes:
    """The report as bytes in a file format (csv, json, oscal, pdf)."""
    return RENDERERS[fmt](report)


def write(report: Report, fmt: str, out: BinaryIO) -> None:
    """The report in a file format, written to a binary file: OSCAL as it is validated, part by
    part, so that a bank-size export is never whole in memory; the others as rendered."""
    if fmt == "oscal":
        write_oscal(report, out)
    else:
        out.write(render(report, fmt))


def file_name(report: Report, fmt: str) -> str:
    metadata = report.metadata
    return f"mltrack-{metadata.kind}-report-{metadata.as_of.isoformat()}.{EXTENSIONS[fmt]}"


# How an empty cell reads in the terminal, on the console and in the PDF.
EMPTY = "—"


def display(value: Any) -> str:
    """A cell as people read it: thousands separators, one decimal, a dash for nothing."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return str(value)
