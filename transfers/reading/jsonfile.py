"""Reading a JSON file: a list of model objects, or an object with a "models" list and, optionally,
a "reviews" list (what the export writes). Each object's keys are its columns; a value is text, a
number, true/false or null. Anything else is the wrong shape, and every place it is wrong is named.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from transfers.reading.text import decode
from transfers.tables import FileRefused, Problem, Table

EMPTY_MESSAGE = "The file is empty: nothing to import."
NOT_JSON_MESSAGE = "The file is not valid JSON: {error} (line {line}, column {column})."
SHAPE_MESSAGE = (
    "The JSON is not in a shape the import reads: it must be a list of objects, one per model, or an object "
    "with a \"models\" list (and optionally a \"reviews\" list); this is {what}."
)
NOT_A_LIST_MESSAGE = "\"{key}\" must be a list of objects, one per {item}; it is {what}."
NOT_AN_OBJECT_MESSAGE = "Each item must be an object of column names and values; this one is {what}."
NESTED_MESSAGE = "The value of \"{key}\" is {what}: a value must be text, a number, true, false or null."
DUPLICATE_KEY_MESSAGE = "The key \"{key}\" appears twice in this object."
IGNORED_KEY_MESSAGE = (
    "The key \"{key}\" at the top of the file is not read (the import reads \"models\" and \"reviews\")."
)
NO_ROWS_MESSAGE = "The file has no models: nothing to import."
KNOWN_KEYS = {"models", "reviews", "columns"}


def _what(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true or false", type(None): "null"}.get(
        type(value), "a number")


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # A key written twice in one object would otherwise lose its first value without a word.
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            result.setdefault("\0duplicates", []).append(key)
        result[key] = value
    return result


def _table(name: str, items: list[Any], problems: list[Problem]) -> Table:
    headers: dict[str, None] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            problems.append(Problem(NOT_AN_OBJECT_MESSAGE.format(what=_what(item)), table=name, row=index, json=True))
            continue
        for key in item.pop("\0duplicates", []):
            problems.append(Problem(DUPLICATE_KEY_MESSAGE.format(key=key), table=name, row=index, json=True))
        for key, value in item.items():
            headers.setdefault(key, None)
            if isinstance(value, (dict, list)):
                problems.append(Problem(NESTED_MESSAGE.format(key=key, what=_what(value)), table=name, row=index,
                                        column=key, json=True))
    columns = list(headers)

    def rows() -> Iterator[tuple[int, list[Any]]]:
        for index, item in enumerate(items):
            if isinstance(item, dict):
                yield index, [item.get(column) for column in columns]

    return Table(name, columns, rows(), header_row=0, count=len(items), json=True)


def read_json(data: bytes, *, encoding: str | None = None) -> tuple[Table, Table | None, list[Problem]]:
    """The models table, the review-history table (or None) and what was noticed. FileRefused for an
    empty file, invalid JSON or the wrong shape, naming every place that is wrong."""
    text, notices = decode(data, encoding=encoding)
    if not text.strip():
        raise FileRefused(EMPTY_MESSAGE)
    try:
        document = json.loads(text, object_pairs_hook=_pairs)
    except json.JSONDecodeError as exc:
        raise FileRefused(NOT_JSON_MESSAGE.format(error=exc.msg, line=exc.lineno, column=exc.colno)) from None
    problems: list[Problem] = []
    if isinstance(document, list):
        models, reviews = document, None
    elif isinstance(document, dict) and "models" in document:
        models, reviews = document["models"], document.get("reviews")
        for key in document:
            if key not in KNOWN_KEYS:
                notices.append(Problem(IGNORED_KEY_MESSAGE.format(key=key), table=""))
        for key, value, item in (("models", models, "model"), ("reviews", reviews, "review")):
            if value is not None and not isinstance(value, list):
                problems.append(Problem(NOT_A_LIST_MESSAGE.format(key=key, item=item, what=_what(value)), table=key))
    else:
        raise FileRefused(SHAPE_MESSAGE.format(what=_what(document)))
    if problems:
        raise FileRefused(problems)
    if not models:
        raise FileRefused(NO_ROWS_MESSAGE)
    model_table = _table("models", models, problems)
    review_table = _table("reviews", reviews, problems) if reviews is not None else None
    if problems:
        raise FileRefused(problems)
    return model_table, review_table, notices
