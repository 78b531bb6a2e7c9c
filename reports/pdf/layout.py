"""From a Report to the plain context the PDF templates render: no WeasyPrint, no queries.

Everything here works from the generic parts of a Report (metadata, highlights, charts, tables),
so a new kind of report prints without changes. Cells are formatted once, here, so the document
says every number the same way: thousands separators, one decimal for fractional figures
(percentages), ISO dates as the data already holds them, and an em dash for an empty value.

A landscape page holds about a dozen legible columns. A table with more keeps MAX_COLUMNS of them:
it gives up the columns named in SECONDARY_COLUMNS first, then its last ones. The table's note and
the "About this report" section name what was left out; the JSON export of the same report (same
data SHA-256) holds every column of every table, and the CSV every column of the main table.
Column widths are measured from the cells' text with the metrics of the font the PDF embeds.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from fontTools.ttLib import TTFont

from inventory.models import DataClassification, Environment, ModelType, RiskTier, Status
from reports.data import Cell, Column, Report, Table
from reports.formats import EMPTY, display

# Coded values a person reads as the console shows them ("High", "Production"), by column key.
LABELS = {
    key: dict(choices.choices)
    for key, choices in (("risk_tier", RiskTier), ("deployment_environment", Environment), ("environment", Environment),
                         ("status", Status), ("model_type", ModelType), ("data_classification", DataClassification))
}
ISO_DATE_LENGTH = len("2026-11-27")

MAX_COLUMNS = 12
# Columns that are bookkeeping rather than governance content, given up first (in this order)
# when a table is wider than MAX_COLUMNS. Keyed by column key so any report's table can use it.
SECONDARY_COLUMNS = (
    "state_hash", "created_at", "updated_at", "status_changed_on", "review_policy_version", "owner",
    "api_endpoint", "latest_outcome_on", "model_type", "deployment_date", "model_version", "technical_owner",
    "data_classification",
)
# A notes field may hold 10,000 characters: pages of one row. The PDF cuts such cells.
MAX_CELL_CHARS = 600
CUT_MARK = " … [cut]"
FILTER_LABELS = {"q": "Text search", "deployment_environment": "Environment"}


@dataclass(frozen=True)
class PrintColumn:
    label: str
    width: str  # percent of the table's width, as CSS wants it ("12.5")
    numeric: bool
    nowrap: bool = False


def _is_date(value: Cell) -> bool:
    return isinstance(value, str) and len(value) == ISO_DATE_LENGTH and value[4] == "-" and value[7] == "-"


def format_cell(value: Cell, key: str = "") -> str:
    """A cell as every format shows it to people (reports.formats.display), coded values as their
    labels, long text cut."""
    if isinstance(value, str) and key in LABELS:
        value = LABELS[key].get(value, value)
    text = display(value)
    if len(text) > MAX_CELL_CHARS:
        return text[:MAX_CELL_CHARS].rstrip() + CUT_MARK
    return text


def format_datetime(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return value.strftime("%Y-%m-%d %H:%M")


def describe_filters(filters: dict[str, str]) -> str:
    if not filters:
        return "Whole inventory (no filter)"
    return "; ".join(
        f"{FILTER_LABELS.get(key, key.replace('_', ' ').capitalize())}: {value}" for key, value in filters.items()
    )


def choose_columns(table: Table) -> list[int]:
    """Indexes of the columns the PDF shows, in the table's order."""
    keep = list(range(len(table.columns)))
    if len(keep) <= MAX_COLUMNS:
        return keep
    position = {column.key: index for index, column in enumerate(table.columns)}
    for key in SECONDARY_COLUMNS:
        if len(keep) <= MAX_COLUMNS:
            break
        if key in position:
            keep.remove(position[key])
    return keep[:MAX_COLUMNS]


# Column widths are planned in millimetres on the narrower paper (US Letter landscape less the
# margins of pdf.css) and given to the table as percentages, so A4 only gets roomier. Text is
# measured with the advances of the fonts the PDF embeds, at the tables' 7.5 pt.
TABLE_WIDTH_MM = 251.0
CELL_PADDING_MM = 2.6
EM_MM = 7.5 * 25.4 / 72
BOLD_FONT = "LiberationSans-Bold.ttf"
# Room for rounding and for kerning, so a word measured to fit does fit.
SLACK_MM = 0.8
# Names and codes wider than this may break (at a hyphen if they have one).
LONGEST_UNBROKEN_MM = 24.0
# A column asks for room for this much of its usual text at most.
LONGEST_TEXT_MM = 110.0
NARROW_TABLE_AIR = 1.6


def static_root() -> Path:
    """The app's static folder, where the PDF's style sheet and fonts are."""
    return Path(settings.STATICFILES_DIRS[0])


@functools.cache
def _advances(font_file: str) -> dict[int, float]:
    """Advance width in ems of each character of one of the app's fonts."""
    font = TTFont(static_root() / "fonts" / font_file, lazy=True)
    units = font["head"].unitsPerEm
    metrics = font["hmtx"]
    return {code: metrics[glyph][0] / units for code, glyph in font.getBestCmap().items()}


def _text_mm(text: str, *, font_file: str = "LiberationSans-Regular.ttf") -> float:
    advances = _advances(font_file)
    return sum(advances.get(ord(char), 1.0) for char in text) * EM_MM


def _percentile_90(values: list[float]) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.9 * len(ordered)) - 1)]


def _column_widths(columns: list[Column], rows: list[list[str]], *, unbroken: list[bool] | None = None
                   ) -> tuple[float, list[float]]:
    """The table's width (percent of the page's) and its columns' (percent of the table's).

    Each column needs room for its longest word (so dates, codes and single words don't break)
    and its header's (in bold); beyond that it wants its usual (90th percentile) text on one
    line. When that is too wide for the page, find the number of lines L at which each column's
    share of its usual text, max(least, wanted / L), fills the page exactly: every column then
    wraps its usual text into about the same number of lines, and no column is starved.
    """
    least, wanted = [], []
    for position, column in enumerate(columns):
        texts = [row[position] for row in rows]
        words = {word for text in texts for word in text.split()}
        longest_word = max((_text_mm(word) for word in words), default=0.0)
        header_word = max(_text_mm(word, font_file=BOLD_FONT) for word in column.label.split())
        cap = longest_word if unbroken and unbroken[position] else LONGEST_UNBROKEN_MM
        least.append(max(min(longest_word, cap), header_word) + SLACK_MM)
        usual = _percentile_90([_text_mm(text) for text in texts])
        wanted.append(max(least[-1], min(usual + SLACK_MM, LONGEST_TEXT_MM)))
    room = TABLE_WIDTH_MM - CELL_PADDING_MM * len(columns)

    def widths_at(lines: float) -> list[float]:
        return [max(floor, want / lines) for floor, want in zip(least, wanted, strict=True)]

    if sum(wanted) <= room:
        # A narrow table keeps its own width, with some air, rather than spreading over the page.
        widths = [width * NARROW_TABLE_AIR for width in wanted]
    elif sum(least) >= room:
        widths = least
    else:
        low, high = 1.0, 100.0
        for _ in range(40):
            middle = (low + high) / 2
            low, high = (low, middle) if sum(widths_at(middle)) <= room else (middle, high)
        widths = widths_at(high)
    padded = [width + CELL_PADDING_MM for width in widths]
    table_width = min(sum(padded), TABLE_WIDTH_MM)
    return 100 * table_width / TABLE_WIDTH_MM, [100 * width / sum(padded) for width in padded]


def layout_table(table: Table, number: str, *, main: bool) -> dict[str, Any]:
    """One table's section; ``main`` for the report's first table, the one its CSV holds."""
    indexes = choose_columns(table)
    columns = [table.columns[index] for index in indexes]
    rows = [[format_cell(row[index], column.key) for index, column in zip(indexes, columns, strict=True)]
            for row in table.rows]
    # A date never breaks across lines ("2027-02-0 / 7"): its column keeps it whole.
    dates = [all(_is_date(row[index]) for row in table.rows if row[index]) and any(row[index] for row in table.rows)
             for index in indexes]
    table_width, widths = _column_widths(columns, rows, unbroken=dates)
    numeric = [
        all(isinstance(row[index], (int, float)) for row in table.rows if row[index] is not None)
        and any(row[index] is not None for row in table.rows)
        for index in indexes
    ]
    print_columns = [
        PrintColumn(label=column.label, width=f"{width:.2f}", numeric=is_numeric, nowrap=is_date)
        for column, width, is_numeric, is_date in zip(columns, widths, numeric, dates, strict=True)
    ]
    omitted = [column.label for index, column in enumerate(table.columns) if index not in indexes]
    return {
        "anchor": f"table-{table.key}",
        "number": number,
        "title": table.title,
        "width": f"{table_width:.2f}",
        "columns": print_columns,
        # Each cell with its alignment, so the template needs no lookups.
        "rows": [list(zip(row, numeric, dates, strict=True)) for row in rows],
        "row_count": f"{len(rows):,}",
        "row_total": len(rows),
        "shown_count": len(columns),
        "column_count": len(table.columns),
        "omitted": omitted,
        "exports": "CSV and JSON exports hold" if main else "JSON export holds",
    }


def layout_chart(title: str, bars: list[tuple[str, int]]) -> dict[str, Any]:
    total = sum(value for _, value in bars)
    largest = max((value for _, value in bars), default=0)
    return {
        "title": title,
        "total": f"{total:,}",
        "bars": [
            {
                "label": label,
                "value": f"{value:,}",
                "share": f"{100 * value / total:.1f}%" if total else "0.0%",
                # Bar lengths relative to the largest bar, so small charts still read.
                "length": f"{100 * value / largest:.1f}" if largest else "0.0",
            }
            for label, value in bars
        ],
    }


def _highlight(label: str, value: Cell) -> dict[str, Any]:
    text = format_cell(value)
    # A figure is a number in large type; a longer value (a version and hash) gets smaller type.
    return {"label": label, "value": text, "long": len(text) > 12}


def _fact(label: str, value: str, *, code: bool = False) -> dict[str, Any]:
    return {"label": label, "value": value, "code": code}


def build_context(report: Report) -> dict[str, Any]:
    """The template context of the whole document."""
    meta = report.metadata
    digest = report.data_sha256
    tables = [
        layout_table(table, str(position), main=position == 2) for position, table in enumerate(report.tables, start=2)
    ]
    about_number = str(len(tables) + 2)
    sections = [
        {"anchor": "summary", "number": "1", "title": "Summary"},
        *({"anchor": table["anchor"], "number": table["number"], "title": table["title"],
           "detail": f"{table['row_count']} row{'' if table['row_total'] == 1 else 's'}"} for table in tables),
        {"anchor": "about", "number": about_number, "title": "About this report"},
    ]
    generated_at = format_datetime(meta.generated_at)
    scope = describe_filters(meta.filters)
    return {
        "title": meta.title,
        "kind": meta.kind,
        "institution": meta.institution,
        "as_of": meta.as_of.isoformat(),
        "generated_at": generated_at,
        "generated_at_iso": meta.generated_at.isoformat(timespec="seconds"),
        "generated_by": meta.generated_by,
        "scope": scope,
        "model_count": f"{meta.model_count:,}",
        "data_sha256": digest,
        "sections": sections,
        "highlights": [_highlight(label, value) for label, value in report.highlights],
        "charts": [layout_chart(chart.title, chart.bars) for chart in report.charts],
        "tables": tables,
        "about_number": about_number,
        "narrowed": [table for table in tables if table["omitted"]],
        "max_columns": MAX_COLUMNS,
        "empty_mark": EMPTY,
        "max_cell_chars": f"{MAX_CELL_CHARS:,}",
        "about": [
            _fact("Report", f"{meta.title} ({meta.kind})"),
            _fact("Institution", meta.institution),
            _fact("As of", meta.as_of.isoformat()),
            _fact("Generated at", generated_at),
            _fact("Generated by", meta.generated_by),
            _fact("Scope", scope),
            _fact("Models in scope", f"{meta.model_count:,}"),
            _fact("Compliance ruleset", f"version {meta.ruleset_version}"),
            _fact("Ruleset SHA-256", meta.ruleset_hash, code=True),
            _fact("Audit trail head sequence", f"{meta.chain_head_sequence:,}"
                  + (" (no review recorded yet)" if meta.chain_head_sequence == 0 else "")),
            _fact("Audit trail head hash", meta.chain_head_hash or EMPTY, code=True),
            _fact("Data SHA-256", digest, code=True),
        ],
    }
