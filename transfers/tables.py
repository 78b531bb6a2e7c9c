"""What a file read for import is made of: its tables (models, and the review history when it has
one), each with its headers and rows numbered as the user sees them, and the problems found in it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from common.text import escape_line

FORMATS = ("csv", "json", "xlsx")
FORMAT_LABELS = {"csv": "CSV", "json": "JSON", "xlsx": "Excel"}
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth saying) about a file, a table, a row or a cell.

    ``row`` is the row as the user sees it: the spreadsheet's row number (the header of a plain
    file is row 1), or for JSON the item's index in its list (``models[3]``). ``column`` is the
    header as written in the file; ``field`` the MLTrack field it fills."""

    message: str
    table: str = "models"
    row: int | None = None
    column: str | None = None
    field: str | None = None
    json: bool = False

    def where(self, file_name: str = "") -> str:
        """"inventory.csv, row 7, column "Provider" (vendor)", or for JSON "inventory.json, models[6], "vendor"". """
        parts = [escape_line(file_name)] if file_name else []
        if self.row is not None:
            if self.json:
                parts.append(f"{self.table}[{self.row}]")
            else:
                parts.append(("review history, " if self.table == "reviews" else "") + f"row {self.row}")
        elif self.table == "reviews":
            parts.append("review history")
        if self.column is not None and self.column != self.field:
            parts.append(f'column "{escape_line(self.column)}"' + (f" ({self.field})" if self.field else ""))
        elif self.field is not None:
            parts.append(f'"{self.field}"' if self.json else f"column {self.field}")
        return ", ".join(parts)

    def describe(self, file_name: str = "") -> str:
        where = self.where(file_name)
        return f"{where}: {self.message}" if where else self.message

    def as_dict(self) -> dict[str, Any]:
        return {"table": self.table, "row": self.row, "column": self.column, "field": self.field,
                "message": self.message}

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, json: bool = False) -> Problem:
        return cls(message=data["message"], table=data["table"], row=data["row"], column=data["column"],
                   field=data["field"], json=json)


class FileRefused(Exception):
    """The file as a whole cannot be imported (unreadable, malformed, empty, too large, duplicate
    names): every reason found, and nothing was written."""

    def __init__(self, problems: list[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems, table="")]
        elif isinstance(problems, Problem):
            problems = [problems]
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = problems


@dataclass
class Table:
    """One table of a file: its header (and the row it was found on) and its rows.

    ``rows`` is an iterator of (row number, cells), read as it is consumed, so that a large file is
    not held in memory twice; ``count`` is how many rows it holds, or an estimate for progress."""

    name: str
    headers: list[str]
    rows: Iterator[tuple[int, list[Any]]]
    header_row: int = 1
    count: int = 0
    sheet: str | None = None
    json: bool = False
    # Problems of the file itself found while its rows are read (a ragged row, a broken quote):
    # any of them refuses the whole file.
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Source:
    """A file opened for import: its name and format, its tables, and what was noticed reading it
    (an encoding other than UTF-8, say)."""

    name: str
    format: str
    models: Table
    reviews: Table | None = None
    notices: list[Problem] = field(default_factory=list)
