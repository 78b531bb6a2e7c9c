"""The review history an import brings: its rows read and grouped by model, each model's reviews
checked and planned through the audit trail's batch service (reviews.services: check_history,
plan_history, write_history), corrections linked, and the models table's last review date held to
the history.

Without a review-history table, a new model's last review date becomes one review record
(outcome passed), said to be taken from the file; with one, the history decides the last review
date and the column must agree with it. Reviews of a model already in the inventory (with
--update) that the trail already holds (same day, outcome, reviewer and notes) are not recorded
again, so importing the same export twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model

from common.actors import Actor
from common.text import escape_line, is_clean_line, name_key
from inventory.models import AIModel
from reviews.models import ModelReview
from reviews.services import ReviewInput, check_history, plan_history
from transfers.columns import REVIEW_COLUMNS
from transfers.mapping import Resolution
from transfers.rows import CellProblem, read_cell
from transfers.tables import Problem, Table

FROM_FILE_REVIEWER = "Recorded before MLTrack"
FROM_FILE_NOTES = (
    "The last review date was taken from {file} when it was imported; the file named no reviewer, outcome "
    "or notes for it."
)
NO_ACCOUNT_MESSAGE = "No user account named {name!r}: give an existing username, or leave it empty."
CORRECTS_MESSAGE = (
    "Corrects must be the number of an earlier review of this model in this table (1 for its first); "
    "this is its review number {position}."
)
MODEL_NOT_IN_FILE_MESSAGE = "The models table has no model named {name!r}: a review is imported with its model."
HISTORY_PROBLEMS_MESSAGE = "Not imported: its review history has problems (review history rows {rows})."
MODEL_PROBLEMS_MESSAGE = "Not imported: its model's row ({row}) has problems, or was not imported."
LAST_REVIEW_MESSAGE = (
    "The last review date is {given}, but the review history's latest passed or warning review is {actual}."
)
KEPT_LAST_REVIEW_MESSAGE = (
    "The last review date {given} is not imported: {name}'s comes from its audit trail ({actual}). Record reviews "
    "to change it."
)
NEXT_REVIEW_MESSAGE = (
    "The file gives the next review as {given}; under review policy v{version}, in force today, it is {actual}."
)
POLICY_MESSAGE = (
    "The file names review policy v{given}; the policy in force today is v{actual}, and it sets the schedule."
)


@dataclass
class ReviewRow:
    """One row of the review-history table, read."""

    number: int
    name: str
    values: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)
    # Its place among its model's reviews in the table (1 for the first).
    position: int = 0


@dataclass
class Planned:
    """The records planned for one chunk's models, and each model's reviews that the trail holds."""

    records: list[ModelReview] = field(default_factory=list)
    by_model: dict[int, list[ModelReview]] = field(default_factory=dict)
    skipped: int = 0


def read_reviews(table: Table, resolution: Resolution) -> tuple[dict[str, list[ReviewRow]], list[Problem]]:
    """Every review row, grouped by its model's name key (in table order), and the problems of rows
    that name no model at all."""
    columns = [next((c for c in REVIEW_COLUMNS if c.field == name), None) if name else None
               for name in resolution.fields]
    grouped: dict[str, list[ReviewRow]] = defaultdict(list)
    problems: list[Problem] = []
    accounts_needed: set[str] = set()
    for number, cells in table.rows:
        values: dict[str, Any] = {}
        row = ReviewRow(number, "", values)
        for column, header, cell in zip(columns, resolution.headers, cells):
            if column is None:
                continue
            try:
                values[column.field] = read_cell(column, cell)
            except CellProblem as exc:
                row.problems.append(Problem(str(exc), table="reviews", row=number, column=header, field=column.field,
                                            json=table.json))
        row.name = str(values.get("model_name") or "").strip()
        if values.get("reviewer_account"):
            accounts_needed.add(values["reviewer_account"].strip())
        if not row.name or not is_clean_line(row.name):
            problems.append(Problem("Model name: give the name of the reviewed model.", table="reviews", row=number,
                                    column=resolution.header_of("model_name"), field="model_name", json=table.json))
            continue
        group = grouped[name_key(row.name)]
        row.position = len(group) + 1
        group.append(row)
    _link_accounts(grouped, accounts_needed, resolution, table)
    return grouped, problems


def _link_accounts(grouped: dict[str, list[ReviewRow]], names: set[str], resolution: Resolution,
                   table: Table) -> None:
    accounts = {user.get_username(): user for user in get_user_model().objects.filter(username__in=names)}
    for rows in grouped.values():
        for row in rows:
            name = (row.values.pop("reviewer_account", "") or "").strip()
            if not name:
                continue
            user = accounts.get(name)
            if user is None:
                row.problems.append(Problem(NO_ACCOUNT_MESSAGE.format(name=escape_line(name)), table="reviews",
                                            row=row.number, column=resolution.header_of("reviewer_account"),
                                            field="reviewer_account", json=table.json))
            row.values["reviewer_user"] = user


def _entry(row: ReviewRow) -> ReviewInput:
    values = row.values
    return ReviewInput(review_date=values.get("review_date"), outcome=values.get("outcome"),
                       reviewer=values.get("reviewer"), notes=values.get("notes", ""),
                       reviewer_user=values.get("reviewer_user"))


def _problems_of(row: ReviewRow, errors: dict[str, list[str]], resolution: Resolution, json: bool) -> list[Problem]:
    return [Problem(" ".join(messages), table="reviews", row=row.number, column=resolution.header_of(key),
                    field=key if key in resolution.given() else None, json=json)
            for key, messages in errors.items()]


def _trail_of(models: Iterable[AIModel]) -> dict[int, list[ModelReview]]:
    """The review records each (existing) model has, in chain order: one query per 500 models."""
    ids = sorted({model.pk for model in models})
    found: dict[int, list[ModelReview]] = defaultdict(list)
    for start in range(0, len(ids), 500):
        for record in ModelReview.objects.filter(model_id__in=ids[start : start + 500]).order_by("sequence").only(
            "id", "model_id", "review_date", "outcome", "reviewer", "notes"
        ):
            found[record.model_id].append(record)
    return found


def _same(record: ModelReview, row: ReviewRow) -> bool:
    values = row.values
    return (record.review_date == values.get("review_date") and record.outcome == str(values.get("outcome") or "")
            .strip().lower() and record.reviewer == str(values.get("reviewer") or "").strip()
            and record.notes == str(values.get("notes") or "").strip().replace("\r\n", "\n"))


def plan(
    models: Sequence[tuple[AIModel, list[ReviewRow] | None, bool]], *, resolution: Resolution | None,
    table_json: bool, file_name: str, actor: Actor, today: dt.date, now: dt.datetime,
) -> tuple[Planned, dict[int, list[Problem]]]:
    """Plan the review records of a chunk's models: (model, its review rows or None when the file
    has no history, whether the model is already in the inventory). Returns the plan and, by the
    position of a model in ``models``, the problems that keep it (and its reviews) out."""
    planned = Planned()
    bad: dict[int, list[Problem]] = {}
    pairs: list[tuple[AIModel, ReviewInput]] = []
    owners: list[tuple[int, ReviewRow | None]] = []
    trails = _trail_of(model for model, rows, existing in models if existing and rows)
    for index, (model, rows, existing) in enumerate(models):
        if rows is None:
            last = getattr(model, "_imported_last_review", None)
            if last is not None and not existing:
                pairs.append((model, ReviewInput(review_date=last, outcome="passed", reviewer=FROM_FILE_REVIEWER,
                                                 notes=FROM_FILE_NOTES.format(file=file_name))))
                owners.append((index, None))
            continue
        problems = [problem for row in rows for problem in row.problems]
        if problems:
            bad[index] = problems
            continue
        trail = trails.get(model.pk, []) if existing else []
        for row in rows:
            if any(_same(record, row) for record in trail):
                planned.skipped += 1
                continue
            pairs.append((model, _entry(row)))
            owners.append((index, row))
    cleaned, errors = check_history(pairs, today=today)
    for position, problems in errors.items():
        index, row = owners[position]
        if row is None:
            bad.setdefault(index, []).append(Problem(" ".join(m for ms in problems.values() for m in ms),
                                                     field="last_review_date"))
        else:
            bad.setdefault(index, []).extend(_problems_of(row, problems, resolution, table_json))
    keep = [position for position in range(len(pairs)) if owners[position][0] not in bad and position not in errors]
    records = plan_history([cleaned_pair for cleaned_pair in _select(cleaned, errors, keep, len(pairs))],
                           actor=actor, today=today, now=now) if keep else []
    for position, record in zip(keep, records):
        index, row = owners[position]
        planned.by_model.setdefault(index, []).append(record)
        record._import_row = row  # for corrections, below
    _link_corrections(models, planned, trails, bad, resolution, table_json)
    planned.records = [record for index, records_of in sorted(planned.by_model.items()) if index not in bad
                       for record in records_of]
    return planned, bad


def _select(cleaned, errors, keep, total):
    """The cleaned reviews (which come without the bad ones) at the positions kept."""
    by_position = {}
    iterator = iter(cleaned)
    for position in range(total):
        if position not in errors:
            by_position[position] = next(iterator)
    return [by_position[position] for position in keep]


def _link_corrections(models, planned: Planned, trails, bad, resolution, table_json) -> None:
    for index, records in planned.by_model.items():
        model, rows, existing = models[index]
        if not rows:
            continue
        by_position: dict[int, ModelReview] = {}
        trail = trails.get(model.pk, []) if existing else []
        records_iter = {id(record._import_row): record for record in records if record._import_row is not None}
        for row in rows:
            record = records_iter.get(id(row)) or next((r for r in trail if _same(r, row)), None)
            if record is not None:
                by_position[row.position] = record
            target = row.values.get("corrects")
            if target is None or id(row) not in records_iter:
                continue
            if not 1 <= target < row.position or target not in by_position:
                bad.setdefault(index, []).append(Problem(
                    CORRECTS_MESSAGE.format(position=row.position), table="reviews", row=row.number,
                    column=resolution.header_of("corrects") if resolution else None, field="corrects",
                    json=table_json))
                continue
            records_iter[id(row)].corrects = by_position[target]


def held_to_history(model: AIModel, given: dict[str, Any], *, had_history: bool, existing: bool,
                    policy_version: int) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The model's derived columns against what the import makes of it: (problems, notices), each
    as (field, message). A last review date that disagrees with the file's own history is a problem;
    a next review or policy version that the policy in force sets otherwise is a notice."""
    problems, notices = [], []
    last = given.get("last_review_date")
    if "last_review_date" in given and last != model.last_review_date:
        actual = model.last_review_date.isoformat() if model.last_review_date else "none"
        text = last.isoformat() if last else "empty"
        if existing and not had_history:
            notices.append(("last_review_date", KEPT_LAST_REVIEW_MESSAGE.format(
                given=text, name=escape_line(model.model_name), actual=actual)))
        else:
            problems.append(("last_review_date", LAST_REVIEW_MESSAGE.format(given=text, actual=actual)))
    next_date = given.get("next_review_date")
    if next_date is not None and model.next_review_date is not None and next_date != model.next_review_date:
        notices.append(("next_review_date", NEXT_REVIEW_MESSAGE.format(
            given=next_date.isoformat(), version=policy_version, actual=model.next_review_date.isoformat())))
    version = given.get("review_policy_version")
    if version is not None and version != policy_version:
        notices.append(("review_policy_version", POLICY_MESSAGE.format(given=version, actual=policy_version)))
    return problems, notices
