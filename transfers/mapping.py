"""Which column of a file fills which field: a mapping file's word first, then the header itself
(a field name, a label or a common variant, transfers.columns). Every column left unmatched is
reported with the field it most likely means; none is dropped without a word.

A mapping file is a JSON object from the file's header to a field name, or to null to leave the
column out on purpose: ``{"Model Name": "model_name", "Provider": "vendor", "Internal ref": null}``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from common.text import escape_line
from transfers.columns import TABLES, column_for, columns_of, plain_header, suggest
from transfers.reading.xlsxfile import column_letter
from transfers.tables import FileRefused, Problem, Table

MAPPING_NOT_JSON_MESSAGE = "The mapping file is not valid JSON: {error} (line {line}, column {column})."
MAPPING_SHAPE_MESSAGE = (
    "The mapping file must be a JSON object from a column header to a field name (or null to leave the column "
    "out), for example {{\"Model Name\": \"model_name\", \"Provider\": \"vendor\"}}."
)
MAPPING_FIELD_MESSAGE = "The mapping sends {header!r} to {target!r}, which is no field. Fields: {fields}."
MAPPING_UNUSED_MESSAGE = (
    "The mapping names the column {header!r}, which the file does not have. Its columns: {headers}."
)
TWO_COLUMNS_MESSAGE = (
    "Columns {first} and {second} both fill {field}: map one of them to another field, or to null to leave it "
    "out."
)
UNMATCHED_MESSAGE = "Column {column} is not imported: it matches no field.{hint}"
UNMATCHED_HINT = (
    " Did you mean {field}? Map it with {{\"{header}\": \"{field}\"}}, or leave it out with {{\"{header}\": null}}."
)
UNMATCHED_NO_HINT = " Map it to a field, or leave it out with {{\"{header}\": null}}."
IGNORED_MESSAGE = "Column {column} is left out, as the mapping says."
MISSING_MESSAGE = "No column gives {field} ({label}), which every new {item} needs{hint}."


@dataclass
class Resolution:
    """The field each column of a table fills (None: not imported), and what to say about the rest."""

    table: str
    headers: list[str]
    fields: list[str | None]
    unmatched: list[int] = field(default_factory=list)
    ignored: list[int] = field(default_factory=list)

    def given(self) -> set[str]:
        return {name for name in self.fields if name}

    def header_of(self, name: str) -> str | None:
        for header, target in zip(self.headers, self.fields):
            if target == name:
                return header
        return None

    def missing_required(self) -> list[str]:
        return [column.field for column in TABLES[self.table] if column.required and column.field not in self.given()]


def load_mapping(data: bytes | str) -> dict[str, str | None]:
    """A mapping file's content, checked: FileRefused naming what is wrong with it."""
    try:
        mapping = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        if isinstance(exc, UnicodeDecodeError):
            raise FileRefused("The mapping file is not UTF-8 text.") from None
        raise FileRefused(MAPPING_NOT_JSON_MESSAGE.format(error=exc.msg, line=exc.lineno, column=exc.colno)) from None
    if not isinstance(mapping, dict):
        raise FileRefused(MAPPING_SHAPE_MESSAGE)
    problems = []
    known = {name for columns in TABLES.values() for name in (column.field for column in columns)}
    for header, target in mapping.items():
        if target == "":
            mapping[header] = None
        elif target is not None and (not isinstance(target, str) or target not in known):
            problems.append(Problem(MAPPING_FIELD_MESSAGE.format(
                header=header, target=target, fields=", ".join(sorted(known))), table=""))
    if problems:
        raise FileRefused(problems)
    return mapping


def _label(headers: list[str], index: int) -> str:
    header = headers[index]
    return f'"{escape_line(header)}"' if header.strip() else f"{column_letter(index)} (no header)"


def resolve(table: Table, mapping: Mapping[str, str | None]) -> Resolution:
    """Match each column of ``table``; FileRefused when two columns would fill one field."""
    plain_mapping = {plain_header(header): target for header, target in mapping.items()}
    fields: list[str | None] = []
    explicit: list[bool] = []
    ignored = []
    own = columns_of(table.name)
    for index, header in enumerate(table.headers):
        if header in mapping or plain_header(header) in plain_mapping:
            target = mapping[header] if header in mapping else plain_mapping[plain_header(header)]
            if target is None:
                ignored.append(index)
            fields.append(target if target in own else None)
            explicit.append(True)
        else:
            fields.append(column_for(table.name, header) if header.strip() else None)
            explicit.append(False)
    problems = []
    for name in {name for name in fields if name}:
        indexes = [index for index, target in enumerate(fields) if target == name]
        if len(indexes) < 2:
            continue
        chosen = [index for index in indexes if explicit[index]]
        if len(chosen) == 1:  # the mapping's choice wins over a header that only looks like the field
            for index in indexes:
                if index != chosen[0]:
                    fields[index] = None
            continue
        problems.append(Problem(TWO_COLUMNS_MESSAGE.format(
            first=_label(table.headers, indexes[0]), second=_label(table.headers, indexes[1]), field=name),
            table=table.name, field=name, json=table.json))
    if problems:
        raise FileRefused(problems)
    unmatched = [index for index, name in enumerate(fields) if name is None and index not in ignored]
    return Resolution(table.name, list(table.headers), fields, unmatched, ignored)


def check_mapping_used(mapping: Mapping[str, str | None], tables: list[Table]) -> None:
    """FileRefused when the mapping names a column no table of the file has (a wrong mapping file,
    or the wrong sheet)."""
    present = {plain_header(header) for table in tables for header in table.headers}
    problems = [
        Problem(MAPPING_UNUSED_MESSAGE.format(header=header, headers=", ".join(
            repr(h) for table in tables for h in table.headers if h.strip())), table="")
        for header in mapping if plain_header(header) not in present
    ]
    if problems:
        raise FileRefused(problems)


def column_notices(resolution: Resolution, *, data_columns: set[int] | None = None) -> list[Problem]:
    """What to say about columns that are not imported: each unmatched one (with the field it most
    likely means), and each one the mapping leaves out."""
    notices = []
    given = frozenset(resolution.given())
    json_table = False
    for index in resolution.unmatched:
        header = resolution.headers[index]
        if not header.strip() and data_columns is not None and index not in data_columns:
            continue
        guess = suggest(resolution.table, header, exclude=given) if header.strip() else None
        hint = (UNMATCHED_HINT.format(field=guess, header=escape_line(header)) if guess
                else UNMATCHED_NO_HINT.format(header=escape_line(header)))
        notices.append(Problem(UNMATCHED_MESSAGE.format(column=_label(resolution.headers, index), hint=hint),
                               table=resolution.table, column=header or None, json=json_table))
    for index in resolution.ignored:
        notices.append(Problem(IGNORED_MESSAGE.format(column=_label(resolution.headers, index)),
                               table=resolution.table, column=resolution.headers[index]))
    return notices


def missing_message(resolution: Resolution, name: str) -> str:
    column = columns_of(resolution.table)[name]
    guesses = [resolution.headers[index] for index in resolution.unmatched
               if suggest(resolution.table, resolution.headers[index]) == name]
    hint = f' (did you mean column "{escape_line(guesses[0])}"? map it to {name})' if guesses else ""
    return MISSING_MESSAGE.format(field=name, label=column.label.lower(), item="model" if resolution.table ==
                                  "models" else "review", hint=hint)
