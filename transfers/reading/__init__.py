"""Opening a file for import: its format (from its name's extension, or given), its size against
the configured limit, then the reader of that format. Every reader gives the same Source: tables
of headers and rows numbered as the user sees them (transfers.tables)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePath

from django.conf import settings

from transfers.tables import FORMATS, FileRefused, Source

TOO_LARGE_MESSAGE = (
    "The file is {size:,.1f} MB, over the limit of {limit:,} MB (MLTRACK_IMPORT_MAX_MB): split it, or ask an "
    "administrator to raise the limit."
)
UNKNOWN_FORMAT_MESSAGE = (
    "Cannot tell the file's format from its name {name!r}: name it .csv, .json or .xlsx, or give the format "
    "(csv, json or xlsx)."
)
REVIEWS_FILE_MESSAGE = "A separate review-history file goes with a CSV file only; {fmt} files carry their own."
EXTENSIONS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".json": "json", ".xlsx": "xlsx", ".xlsm": "xlsx"}


def format_of(name: str, given: str | None = None) -> str:
    """The format given, or the one the file's extension says; FileRefused when neither says."""
    if given:
        if given.lower() not in FORMATS:
            raise FileRefused(UNKNOWN_FORMAT_MESSAGE.format(name=name))
        return given.lower()
    fmt = EXTENSIONS.get(PurePath(name).suffix.lower())
    if fmt is None:
        raise FileRefused(UNKNOWN_FORMAT_MESSAGE.format(name=name))
    return fmt


def max_bytes() -> int:
    return settings.MLTRACK_IMPORT_MAX_MB * 1024 * 1024


def check_size(size: int) -> None:
    if size > max_bytes():
        raise FileRefused(TOO_LARGE_MESSAGE.format(size=size / 1024 / 1024, limit=settings.MLTRACK_IMPORT_MAX_MB))


def open_source(
    data: bytes, *, name: str, fmt: str | None = None, sheet: str | None = None, header_row: int | None = None,
    mapped: Iterable[str] = (), encoding: str | None = None, reviews: bytes | None = None,
) -> Source:
    """The file's tables, ready to be read row by row. ``reviews`` is a CSV file's review history,
    a separate file. FileRefused for anything that stops the file being read at all."""
    from transfers.reading.csvfile import read_csv
    from transfers.reading.jsonfile import read_json
    from transfers.reading.xlsxfile import read_xlsx

    fmt = format_of(name, fmt)
    check_size(len(data) + len(reviews or b""))
    mapped = list(mapped)
    if reviews is not None and fmt != "csv":
        raise FileRefused(REVIEWS_FILE_MESSAGE.format(fmt=fmt.upper()))
    if fmt == "csv":
        models, notices = read_csv(data, header_row=header_row, mapped=mapped, encoding=encoding)
        review_table = None
        if reviews is not None:
            review_table, more = read_csv(reviews, encoding=encoding, table="reviews")
            notices += more
        return Source(name, fmt, models, review_table, notices)
    if fmt == "json":
        models, review_table, notices = read_json(data, encoding=encoding)
        return Source(name, fmt, models, review_table, notices)
    models, review_table, notices = read_xlsx(data, sheet=sheet, header_row=header_row, mapped=mapped)
    return Source(name, fmt, models, review_table, notices)
