"""Importing an inventory file: every row read, matched to its fields and checked by the inventory's
and the audit trail's batch services, then the good rows written, in one transaction.

Rows are worked through 2,000 at a time, so a file of 100,000 models is never held in memory as
models all at once: each batch is checked (a fixed number of queries), and, unless the import is
a dry run or already has a problem it must stop for, written (a few bulk statements). The whole
import is one transaction: a problem found later, in all-or-nothing mode, rolls back what the
earlier batches wrote, and a dry run rolls back whatever it read under lock.

Modes (Options): a model already in the inventory, by name as people read names, is skipped and
reported, or updated with ``update``; ``validate`` writes nothing; by default any problem leaves
the inventory as it was (all or nothing), and with ``continue_on_error`` the good rows are
imported and the rest reported. A file that cannot be read as a whole (malformed, empty, too
large, duplicate names) is refused: FileRefused, nothing written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.db import transaction

from cards import batch as card_batch
from common.actors import Actor
from common.authz import Refused
from common.db import read_snapshot
from common.text import escape_line, is_clean_line, name_key
from inventory import importing as inventory_import
from inventory.models import ReviewPolicy
from inventory.scheduling import bulk_save_after_reviews
from reviews.services import write_history
from transfers import history
from transfers.columns import CARD_FIELDS, MODEL_COLUMNS
from transfers.mapping import Resolution, check_mapping_used, column_notices, missing_message, resolve
from transfers.rows import CellProblem, reader
from transfers.tables import FileRefused, Problem, Source

CHUNK = 2000
DERIVED_FIELDS = ("last_review_date", "next_review_date", "review_policy_version")
SKIPPED_MESSAGE = "Skipped: {name} is already in the inventory{existing}; import with --update to update it."
DUPLICATE_MESSAGE = (
    "The name {name!r} is in the file more than once (names are compared as people read them: case, width and "
    "look-alike letters aside): rows {rows}."
)
NO_ROWS_MESSAGE = "The file has no rows under its header: nothing to import."
NOT_GIVEN_MESSAGE = "Required for a new model, and the file has no column for it."
RECORDS_REVIEWS_MESSAGE = (
    "The file records reviews (a review history, or last review dates): leave those columns out (map them to "
    "null) to import the models alone."
)
REVIEWS_OF_SKIPPED_MESSAGE = "Skipped with its model ({name}, already in the inventory)."
IMPORT_REASON = "imported from {file}"

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Options:
    update: bool = False
    validate: bool = False
    continue_on_error: bool = False


@dataclass
class Outcome:
    """What an import did (or, for a dry run or a refused import, would have done)."""

    file: str
    format: str
    options: Options
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed: int = 0
    reviews: int = 0
    reviews_skipped: int = 0
    written: bool = False
    problems: list[Problem] = field(default_factory=list)
    notices: list[Problem] = field(default_factory=list)
    # (row, name, action) of every model row: create, update, unchanged, skip or problem.
    actions: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file, "format": self.format, "written": self.written,
            "mode": {"update": self.options.update, "validate": self.options.validate,
                     "continue_on_error": self.options.continue_on_error},
            "rows": self.rows, "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
            "skipped": self.skipped, "failed": self.failed, "reviews": self.reviews,
            "reviews_skipped": self.reviews_skipped,
            "problems": [problem.as_dict() for problem in self.problems],
            "notices": [notice.as_dict() for notice in self.notices],
        }


@dataclass
class ModelRow:
    number: int
    values: dict[str, Any]
    given: dict[str, Any]
    problems: list[Problem]
    # The model card's sections the file has columns for (transfers.columns.CARD_FIELDS).
    card: dict[str, Any] = field(default_factory=dict)


@dataclass
class Unit:
    """One model row on its way in: its row, the checked model, and its problems."""

    row: ModelRow
    checked: inventory_import.Checked
    existing: bool
    key: str | None
    problems: list[Problem] = field(default_factory=list)
    # An existing model that the file's review history adds records to.
    reviewed: bool = False
    # The card's sections to write (those the file gives that differ from the stored ones).
    card_changes: dict[str, str] = field(default_factory=dict)


def _model_rows(source: Source, resolution: Resolution) -> Iterator[ModelRow]:
    table = source.models
    # Each imported column's place in the row, header, field, reader and part of the row, worked
    # out once for the file.
    plan = []
    for index, (name, header) in enumerate(zip(resolution.fields, resolution.headers)):
        column = next((c for c in MODEL_COLUMNS if c.field == name), None) if name else None
        if column is not None:
            part = 1 if column.field in DERIVED_FIELDS else 2 if column.field in CARD_FIELDS else 0
            plan.append((index, header, column.field, reader(column), part))
    for number, cells in table.rows:
        values: dict[str, Any] = {}
        given: dict[str, Any] = {}
        card: dict[str, Any] = {}
        targets = (values, given, card)
        problems: list[Problem] = []
        width = len(cells)
        for index, header, name, read, part in plan:
            if index >= width:
                break
            try:
                targets[part][name] = read(cells[index])
            except CellProblem as exc:
                problems.append(Problem(str(exc), row=number, column=header, field=name, json=table.json))
        yield ModelRow(number, values, given, problems, card)


class _Run:
    """One import: the state carried from batch to batch."""

    def __init__(self, source: Source, resolution: Resolution, review_resolution: Resolution | None, *,
                 options: Options, actor: Actor, today: dt.date, now: dt.datetime, outcome: Outcome) -> None:
        self.source, self.resolution, self.review_resolution = source, resolution, review_resolution
        self.options, self.actor, self.today, self.now, self.outcome = options, actor, today, now, outcome
        self.json = source.models.json
        self.seen: dict[str, tuple[int, str]] = {}
        self.duplicates: dict[str, list[int]] = {}
        self.reviews: dict[str, list[history.ReviewRow]] = {}
        self.policy_version = ReviewPolicy.objects.in_force(on=today).version
        self.reason = IMPORT_REASON.format(file=source.name)

    @property
    def writing(self) -> bool:
        return not self.options.validate and not self.duplicates and (
            self.options.continue_on_error or not self.outcome.problems)

    def _field_problems(self, unit: Unit) -> list[Problem]:
        given = self.resolution.given()
        # A cell that could not be read was left out of the row: its own problem says why.
        unread = {problem.field for problem in unit.row.problems}
        problems = []
        for key, messages in unit.checked.errors.items():
            if key in unread:
                continue
            if messages == [inventory_import.REQUIRED_MESSAGE] and key not in given:
                messages = [NOT_GIVEN_MESSAGE]
            problems.append(Problem(" ".join(messages), row=unit.row.number, column=self.resolution.header_of(key),
                                    field=key, json=self.json))
        return problems

    def _card_problems(self, unit: Unit, stored: Mapping[int, Mapping[str, str]]) -> list[Problem]:
        """The card sections' problems (by cards.services' text rules); sets the unit's changes."""
        if not unit.row.card:
            return []
        cleaned, errors = card_batch.check_card_sections(unit.row.card)
        if errors:
            return [Problem(" ".join(messages), row=unit.row.number, column=self.resolution.header_of(key),
                            field=key, json=self.json) for key, messages in errors.items()]
        before = stored.get(unit.checked.model.pk, {}) if unit.existing else {}
        unit.card_changes = {key: value for key, value in cleaned.items() if value != before.get(key, "")}
        return []

    def batch(self, rows: list[ModelRow]) -> None:
        outcome = self.outcome
        candidates: list[tuple[ModelRow, str | None]] = []
        for row in rows:
            outcome.rows += 1
            name = row.values.get("model_name")
            key = name_key(name) if isinstance(name, str) and name.strip() and is_clean_line(name) else None
            if key is not None:
                if key in self.seen:
                    self.duplicates.setdefault(key, [self.seen[key]]).append((row.number, name))
                    continue
                self.seen[key] = (row.number, name)
            candidates.append((row, key))
        existing = inventory_import.models_named(
            [row.values["model_name"] for row, key in candidates if key], lock=not self.options.validate)
        new, changes = [], []
        for row, key in candidates:
            model = existing.get(key) if key else None
            if model is None:
                new.append((row, key))
            elif self.options.update:
                changes.append((row, key, model))
            else:
                self._skip(row, key, model)
        units = []
        if new:
            # No row of ``new`` has an existing model's name: ``existing`` was read for them all.
            checked = inventory_import.check_new_models(rows=[row.values for row, _ in new], actor=self.actor,
                                                        today=self.today, taken=existing)
            units += [Unit(row, result, False, key) for (row, key), result in zip(new, checked)]
        if changes:
            checked = inventory_import.check_model_changes(
                pairs=[(model, row.values) for row, _, model in changes], actor=self.actor, today=self.today)
            units += [Unit(row, result, True, key) for (row, key, _), result in zip(changes, checked)]
        units.sort(key=lambda unit: unit.row.number)
        stored = card_batch.card_sections_of([unit.checked.model.pk for unit in units if unit.existing])
        for unit in units:
            unit.problems = unit.row.problems + self._field_problems(unit) + self._card_problems(unit, stored)
        planned, planned_units = self._plan(units)
        self._settle(units)
        if self.writing:
            self._write(units, planned, planned_units)

    def _skip(self, row: ModelRow, key: str, model) -> None:
        self.outcome.skipped += 1
        name = escape_line(str(row.values["model_name"]).strip())
        existing = "" if model.model_name == name else f" (as {escape_line(model.model_name)})"
        self.outcome.notices.append(Problem(SKIPPED_MESSAGE.format(name=name, existing=existing), row=row.number,
                                            json=self.json))
        self.outcome.actions.append((row.number, str(row.values["model_name"]), "skip"))
        for review in self.reviews.pop(key, []):
            self.outcome.reviews_skipped += 1
            self.outcome.notices.append(Problem(REVIEWS_OF_SKIPPED_MESSAGE.format(name=name), table="reviews",
                                                row=review.number, json=self.json))

    def _plan(self, units: list[Unit]):
        has_history = self.source.reviews is not None
        plan_units, plan_input = [], []
        for unit in units:
            rows = self.reviews.pop(unit.key, []) if has_history and unit.key else ([] if has_history else None)
            if unit.problems:
                for review in rows or []:
                    unit.problems.append(Problem(history.MODEL_PROBLEMS_MESSAGE.format(row=unit.row.number),
                                                 table="reviews", row=review.number, json=self.json))
                continue
            if rows is None:
                unit.checked.model._imported_last_review = unit.row.given.get("last_review_date")
            plan_units.append(unit)
            plan_input.append((unit.checked.model, rows, unit.existing))
        if not plan_input:
            return history.Planned(), []
        try:
            planned, bad = history.plan(
                plan_input, resolution=self.review_resolution, table_json=self.json, file_name=self.source.name,
                actor=self.actor, today=self.today, now=self.now)
        except Refused as exc:
            raise Refused(f"{exc} {RECORDS_REVIEWS_MESSAGE}") from None
        for index, unit in enumerate(plan_units):
            unit.reviewed = unit.existing and bool(planned.by_model.get(index))
            if index in bad:
                problems = bad[index]
                review_rows = sorted({p.row for p in problems if p.table == "reviews" and p.row is not None})
                own = [p for p in problems if p.table == "models"]
                unit.problems += [Problem(p.message, row=unit.row.number, column=self.resolution.header_of(p.field),
                                          field=p.field, json=self.json) for p in own]
                unit.problems += [p for p in problems if p.table == "reviews"]
                if review_rows:
                    unit.problems.append(Problem(history.HISTORY_PROBLEMS_MESSAGE.format(
                        rows=", ".join(map(str, review_rows))), row=unit.row.number, json=self.json))
                continue
            problems, notices = history.held_to_history(
                unit.checked.model, unit.row.given, had_history=has_history, existing=unit.existing,
                policy_version=self.policy_version)
            for key, message in problems:
                unit.problems.append(Problem(message, row=unit.row.number, column=self.resolution.header_of(key),
                                             field=key, json=self.json))
            for key, message in notices:
                self.outcome.notices.append(Problem(message, row=unit.row.number,
                                                    column=self.resolution.header_of(key), field=key, json=self.json))
            if not unit.problems:
                self.outcome.reviews += len(planned.by_model.get(index, []))
        self.outcome.reviews_skipped += planned.skipped
        return planned, plan_units

    def _settle(self, units: list[Unit]) -> None:
        outcome = self.outcome
        for unit in units:
            name = str(unit.row.values.get("model_name") or "")
            if unit.problems:
                outcome.failed += 1
                outcome.problems += unit.problems
                outcome.actions.append((unit.row.number, name, "problem"))
            elif not unit.existing:
                outcome.created += 1
                outcome.actions.append((unit.row.number, name, "create"))
            elif unit.checked.changed or getattr(unit, "reviewed", False) or unit.card_changes:
                outcome.updated += 1
                outcome.actions.append((unit.row.number, name, "update"))
            else:
                outcome.unchanged += 1
                outcome.actions.append((unit.row.number, name, "unchanged"))

    def _write(self, units: list[Unit], planned: history.Planned, plan_units: list[Unit]) -> None:
        good = {id(unit) for unit in units if not unit.problems}
        inventory_import.add_models(
            models=[unit.checked.model for unit in units if id(unit) in good and not unit.existing],
            actor=self.actor, reason=self.reason, now=self.now)
        records, reviewed = [], []
        for index, unit in enumerate(plan_units):
            if id(unit) in good and planned.by_model.get(index):
                records += planned.by_model[index]
                if unit.existing:
                    reviewed.append(unit.checked.model)
        write_history(records)
        changed = [unit.checked.model for unit in units if id(unit) in good and unit.existing and unit.checked.changed]
        inventory_import.save_model_changes(models=changed, actor=self.actor, now=self.now, reason=self.reason)
        if reviewed:
            bulk_save_after_reviews(models=reviewed, actor=self.actor, reason="historical reviews imported")
        card_batch.save_card_sections(
            changes=[(unit.checked.model, unit.card_changes) for unit in units if id(unit) in good and unit.card_changes],
            actor=self.actor, reason=self.reason)

    def finish(self) -> None:
        outcome = self.outcome
        problems = list(self.source.models.problems)
        if self.source.reviews is not None:
            problems += self.source.reviews.problems
        for rows in self.duplicates.values():
            numbers = ", ".join(str(number) for number, _ in rows)
            problems.append(Problem(DUPLICATE_MESSAGE.format(name=escape_line(rows[0][1].strip()), rows=numbers),
                                    row=rows[0][0], field="model_name", json=self.json))
        if not outcome.rows and not problems:
            problems.append(Problem(NO_ROWS_MESSAGE, table=""))
        if problems:
            raise FileRefused(problems)
        for rows in self.reviews.values():
            for review in rows:
                outcome.problems.append(Problem(history.MODEL_NOT_IN_FILE_MESSAGE.format(name=escape_line(review.name)),
                                                table="reviews", row=review.number, field="model_name",
                                                json=self.json))


def import_source(
    source: Source, *, mapping: Mapping[str, str | None], options: Options, actor: Actor, today: dt.date,
    now: dt.datetime, progress: Progress | None = None,
) -> Outcome:
    """Import ``source`` (transfers.reading.open_source) as ``actor``; see the module's docstring.

    Returns what was done, every problem by row and column, and what was noticed (skipped models,
    unmatched columns, a schedule the policy in force sets otherwise). FileRefused when the file as
    a whole cannot be imported; PermissionDenied when the actor may not add models (or record the
    reviews the file brings)."""
    outcome = Outcome(source.name, source.format, options, notices=list(source.notices))
    resolution = resolve(source.models, mapping)
    review_resolution = resolve(source.reviews, mapping) if source.reviews is not None else None
    check_mapping_used(mapping, [table for table in (source.models, source.reviews) if table is not None])
    outcome.notices += column_notices(resolution)
    missing = [] if options.update else resolution.missing_required()
    if review_resolution is not None:
        outcome.notices += column_notices(review_resolution)
        missing_reviews = review_resolution.missing_required()
        if missing_reviews:
            raise FileRefused([Problem(missing_message(review_resolution, name), table="reviews", field=name)
                               for name in missing_reviews])
    if missing:
        raise FileRefused([Problem(missing_message(resolution, name), field=name) for name in missing])
    # A dry run reads one snapshot and takes no write lock (on SQLite, the database's only one);
    # an import is one transaction.
    with read_snapshot() if options.validate else transaction.atomic():
        run = _Run(source, resolution, review_resolution, options=options, actor=actor, today=today, now=now,
                   outcome=outcome)
        if source.reviews is not None:
            run.reviews, unnamed = history.read_reviews(source.reviews, review_resolution)
            outcome.problems += unnamed
        rows = _model_rows(source, resolution)
        while batch := list(islice(rows, CHUNK)):
            run.batch(batch)
            if progress is not None:
                progress(outcome.rows, max(source.models.count, outcome.rows),
                         "Importing" if run.writing else "Checking")
        run.finish()
        outcome.written = run.writing and not (outcome.problems and not options.continue_on_error)
        if not outcome.written and not options.validate:
            transaction.set_rollback(True)
    return outcome
