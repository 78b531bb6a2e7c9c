"""Recording reviews: one transaction per review (or per batch), the chain head locked throughout."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from common import dates, text
from common.actors import Actor
from common.authz import require
from inventory import scheduling
from inventory.bulk import build_instance, insert_objects
from inventory.models import AIModel, ReviewPolicy, Status
from reviews import hashing, permissions
from reviews.models import SATISFACTORY_OUTCOMES, ModelReview, Outcome

# Any constant works; it only has to be the same for every writer of the chain.
CHAIN_LOCK_KEY = 0x4D4C_5452  # "MLTR"

FUTURE_REVIEW_MESSAGE = "A review cannot be dated in the future (today is {today})."
BEFORE_DEPLOYMENT_MESSAGE = "A review cannot be dated before the model's deployment on {deployed}."
DECOMMISSIONED_MESSAGE = "{name} is decommissioned: decommissioned models are no longer reviewed."
BAD_OUTCOME_MESSAGE = "{value!r} is not an outcome. Allowed values: passed, warning, failed."
MISSING_DATE_MESSAGE = "Give the date of the review as YYYY-MM-DD (or 'today')."
BLANK_REVIEWER_MESSAGE = "Say who performed the review: the reviewer's name is required."
LONG_TEXT_MESSAGE = "At most {limit} characters (this has {length})."
WRONG_CORRECTION_MESSAGE = "A correction must reference a review of the same model ({name})."
RECORD_ACTION = "record reviews (model risk officers and administrators do: reviews are independent of owners)"
REVIEWER_MAX = 200
OUTCOMES = frozenset(Outcome.values)
NOTES_MAX = 10000


@dataclass(frozen=True)
class RecordedReview:
    review: ModelReview
    schedule_moved: bool


@dataclass(frozen=True)
class ReviewInput:
    """One review to append, as parsed from a form, the CLI or an import row."""

    review_date: Any
    outcome: Any
    reviewer: Any
    notes: Any = ""
    reviewer_user: AbstractBaseUser | None = None
    corrects: ModelReview | None = None


def accepts_new_reviews(model: AIModel) -> bool:
    """Whether a new review (not a correction) may be recorded: decommissioned models are no longer reviewed."""
    return model.status != Status.DECOMMISSIONED


def lock_chain() -> None:
    """Serialise writers of the chain for the rest of the transaction.

    PostgreSQL: a transaction-level advisory lock. SQLite: MLTrack opens every transaction with
    BEGIN IMMEDIATE (settings), which already holds the database's single write lock.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


def chain_head() -> tuple[int, str]:
    """(sequence, chain hash) of the last record, or (0, the genesis hash) for an empty chain."""
    head = ModelReview.objects.order_by("-sequence").values_list("sequence", "chain_hash").first()
    return head or (0, hashing.GENESIS_HASH)


def _clean_input(
    entry: ReviewInput, *, model: AIModel, today: dt.date, historical: bool = False
) -> dict[str, Any]:
    """Parse and check one review; raise ValidationError naming each bad field.

    ``historical`` rows (an import of past reviews) may be of a model decommissioned since.
    """
    errors: dict[str, list[str]] = {}
    review_date = entry.review_date
    if isinstance(review_date, str) and review_date.strip().lower() == "today":
        review_date = today
    if isinstance(review_date, (str, dt.date)) and review_date != "":
        try:
            review_date = dates.parse_date(review_date, label="Review date")
        except ValidationError as exc:
            errors["review_date"] = exc.messages
    if not isinstance(review_date, dt.date) and "review_date" not in errors:
        errors["review_date"] = [MISSING_DATE_MESSAGE]
    elif isinstance(review_date, dt.date) and "review_date" not in errors:
        if review_date > today:
            errors["review_date"] = [FUTURE_REVIEW_MESSAGE.format(today=today.isoformat())]
        elif review_date < model.deployment_date:
            errors["review_date"] = [BEFORE_DEPLOYMENT_MESSAGE.format(deployed=model.deployment_date.isoformat())]
    outcome = str(entry.outcome or "").strip().lower()
    if outcome not in OUTCOMES:
        errors["outcome"] = [BAD_OUTCOME_MESSAGE.format(value=outcome)]
    reviewer = str(entry.reviewer or "").strip()
    if not reviewer and entry.reviewer_user is not None:
        reviewer = entry.reviewer_user.get_full_name() or entry.reviewer_user.get_username()
    try:
        reviewer = text.clean_line(reviewer, label="Reviewer")
    except ValidationError as exc:
        errors["reviewer"] = exc.messages
    else:
        if not reviewer:
            errors["reviewer"] = [BLANK_REVIEWER_MESSAGE]
        elif len(reviewer) > REVIEWER_MAX:
            errors["reviewer"] = [LONG_TEXT_MESSAGE.format(limit=REVIEWER_MAX, length=len(reviewer))]
    try:
        notes = text.clean_text(str(entry.notes or ""), label="Notes")
    except ValidationError as exc:
        notes, errors["notes"] = "", exc.messages
    if len(notes) > NOTES_MAX:
        errors["notes"] = [LONG_TEXT_MESSAGE.format(limit=NOTES_MAX, length=len(notes))]
    if entry.corrects is not None and entry.corrects.model_id != model.pk:
        errors["corrects"] = [WRONG_CORRECTION_MESSAGE.format(name=model.model_name)]
    if not accepts_new_reviews(model) and entry.corrects is None and not historical:
        errors.setdefault("model", []).append(DECOMMISSIONED_MESSAGE.format(name=model.model_name))
    if errors:
        raise ValidationError(errors)
    return {
        "review_date": review_date,
        "outcome": outcome,
        "reviewer": reviewer,
        "reviewer_user": entry.reviewer_user,
        "notes": notes,
        "corrects": entry.corrects,
    }


def _moves_schedule(model: AIModel, review_date: dt.date, outcome: str) -> bool:
    # A failed review never makes a model compliant, and a back-dated review older than the last
    # one is history: neither moves the schedule.
    if outcome not in SATISFACTORY_OUTCOMES:
        return False
    return model.last_review_date is None or review_date >= model.last_review_date


def _unchained_record(
    *, model: AIModel, fields: Mapping[str, Any], policy: ReviewPolicy, next_review_date: dt.date,
    actor: Actor, now: dt.datetime,
) -> ModelReview:
    """A record of one review as it finds its model, not yet placed in the chain."""
    return build_instance(ModelReview, {
        "id": uuid.uuid4(),
        "model": model,
        "model_name": model.model_name,
        "review_date": fields["review_date"],
        "reviewer": fields["reviewer"],
        "reviewer_user": fields["reviewer_user"],
        "outcome": fields["outcome"],
        "notes": fields["notes"],
        "model_state_hash": model.compute_state_hash(),
        "policy_version": policy.version,
        "last_review_before": model.last_review_date,
        "next_review_before": model.next_review_date,
        "next_review_date": next_review_date,
        "corrects": fields["corrects"],
        "recorded_by": actor.name,
        "created_at": now,
    })


def _new_record(
    *, model: AIModel, fields: Mapping[str, Any], policy: ReviewPolicy, next_review_date: dt.date,
    sequence: int, previous_hash: str, actor: Actor, now: dt.datetime,
) -> ModelReview:
    review = _unchained_record(model=model, fields=fields, policy=policy, next_review_date=next_review_date,
                               actor=actor, now=now)
    review.sequence, review.previous_hash = sequence, previous_hash
    review.chain_hash = hashing.chain_hash(review.chain_record())
    review.sign()
    return review


@transaction.atomic
def record_review(
    *, model: AIModel, entry: ReviewInput, actor: Actor, today: dt.date, now: dt.datetime
) -> RecordedReview:
    """Append one review record and move the model's schedule, in one transaction.

    Conditions: the review date is not in the future nor before deployment; the outcome is
    passed, warning or failed; a reviewer is named; the model is not decommissioned (corrections
    excepted); the actor records reviews (model risk officers and administrators). A passed or
    warning review dated on or after the last one moves the last review
    date to it and the next review one policy cycle later; a failed or older review does not.
    """
    require(actor, permissions.can_record, RECORD_ACTION)
    lock_chain()
    # Re-read under the lock: another writer may have moved the schedule meanwhile.
    model = AIModel.objects.select_for_update(of=("self",)).select_related("review_policy").get(pk=model.pk)
    fields = _clean_input(entry, model=model, today=today)
    policy = ReviewPolicy.objects.in_force(on=today)
    moved = _moves_schedule(model, fields["review_date"], fields["outcome"])
    if moved:
        next_date = scheduling.next_review_date(
            policy=policy, risk_tier=model.risk_tier, deployment_date=model.deployment_date,
            last_review_date=fields["review_date"],
        )
    else:
        next_date = model.next_review_date
    sequence, previous_hash = chain_head()
    review = _new_record(
        model=model, fields=fields, policy=policy, next_review_date=next_date,
        sequence=sequence + 1, previous_hash=previous_hash, actor=actor, now=now,
    )
    review.save()
    scheduling.note_review(
        model=model, review_date=review.review_date, outcome=review.outcome,
        reviewed_state_hash=review.model_state_hash, moves_schedule=moved, policy=policy,
    )
    scheduling.save_after_review(model=model, actor=actor, reason=f"review recorded ({fields['outcome']})")
    return RecordedReview(review=review, schedule_moved=moved)


@dataclass(frozen=True)
class BatchRow:
    """One row of a historical import: the model by name, and the review."""

    model_name: str
    entry: ReviewInput


class BatchError(ValidationError):
    """Every bad row of a batch, as {"row N": {field: [messages]}}. Nothing was written."""


@transaction.atomic
def append_reviews(
    *, rows: Sequence[BatchRow], actor: Actor, today: dt.date, now: dt.datetime
) -> list[ModelReview]:
    """Append many historical reviews in one transaction with batched writes, keeping the chain valid.

    All rows are checked first; if any is bad, nothing is written and BatchError names each bad
    row (1-based) and field. Rows are chained in the order given. Each model's schedule moves to
    its latest satisfactory review, once, at the end. Past reviews of a model decommissioned since
    are accepted: they are history.
    """
    require(actor, permissions.can_record, RECORD_ACTION)
    lock_chain()
    models_by_key = _models_by_name_key(row.model_name for row in rows)
    errors: dict[str, list[str]] = {}
    found: list[tuple[AIModel, ReviewInput]] = []
    for number, row in enumerate(rows, start=1):
        model = models_by_key.get(text.name_key(row.model_name)) if text.is_clean_line(row.model_name) else None
        if model is None:
            errors[f"row {number}"] = [f"model: no model named {row.model_name.strip()!r}."]
            continue
        found.append((model, row.entry))
    cleaned, bad = check_history(found, today=today)
    numbers = [number for number, row in enumerate(rows, start=1) if f"row {number}" not in errors]
    for index, problems in bad.items():
        errors[f"row {numbers[index]}"] = [f"{field}: {' '.join(msgs)}" for field, msgs in problems.items()]
    if errors:
        raise BatchError(dict(sorted(errors.items(), key=lambda item: int(item[0].split()[1]))))

    records = plan_history(cleaned, actor=actor, today=today, now=now)
    write_history(records)
    touched = {record.model.pk: record.model for record in records}
    scheduling.bulk_save_after_reviews(models=list(touched.values()), actor=actor, reason="historical reviews imported")
    return records


def check_history(
    pairs: Sequence[tuple[AIModel, ReviewInput]], *, today: dt.date
) -> tuple[list[tuple[AIModel, dict[str, Any]]], dict[int, dict[str, list[str]]]]:
    """Check past reviews, each against its model (which may be a new model, not yet saved): the
    cleaned reviews of the good ones, and the problems by field of each bad one, by its index in
    ``pairs``. Past reviews of a model decommissioned since are accepted: they are history."""
    cleaned: list[tuple[AIModel, dict[str, Any]]] = []
    bad: dict[int, dict[str, list[str]]] = {}
    for index, (model, entry) in enumerate(pairs):
        try:
            cleaned.append((model, _clean_input(entry, model=model, today=today, historical=True)))
        except ValidationError as exc:
            bad[index] = exc.message_dict
    return cleaned, bad


def plan_history(
    cleaned: Sequence[tuple[AIModel, dict[str, Any]]], *, actor: Actor, today: dt.date, now: dt.datetime
) -> list[ModelReview]:
    """The records of checked past reviews, in the order given, each showing the schedule it found
    (its model as the earlier reviews left it), and each model's review state and schedule moved
    on in memory, as recording them one by one would. Nothing is written, and the models need not
    be saved yet (an import plans the history of the models it is about to add): write_history
    chains and writes the records once they are. Needs the right to record reviews."""
    require(actor, permissions.can_record, RECORD_ACTION)
    policy = ReviewPolicy.objects.in_force(on=today)
    records: list[ModelReview] = []
    for model, fields in cleaned:
        moves = _moves_schedule(model, fields["review_date"], fields["outcome"])
        next_date = model.next_review_date
        if moves:
            next_date = scheduling.next_review_date(
                policy=policy, risk_tier=model.risk_tier, deployment_date=model.deployment_date,
                last_review_date=fields["review_date"],
            )
        records.append(_unchained_record(model=model, fields=fields, policy=policy, next_review_date=next_date,
                                         actor=actor, now=now))
        scheduling.note_review(
            model=model, review_date=fields["review_date"], outcome=fields["outcome"],
            reviewed_state_hash=records[-1].model_state_hash, moves_schedule=moves, policy=policy,
        )
    return records


def write_history(records: Sequence[ModelReview]) -> None:
    """Chain planned records after the chain's head, in their order, sign them and insert them 2,000
    to a statement. Their models must be saved by now. Call it in a transaction: it takes the chain's lock."""
    from common.signing import signer

    lock_chain()
    sequence, previous_hash = chain_head()
    key = signer()  # the key once for the batch, as record.sign() reads it for each record
    for record in records:
        # The model may have been saved after the record was planned: take its id now.
        record.model = record.model
        if record.corrects is not None:
            record.corrects = record.corrects
        sequence += 1
        record.sequence, record.previous_hash = sequence, previous_hash
        record.chain_hash = hashing.chain_hash(record.chain_record())
        record.signature = key.sign(hashing.record_signing_message(record.chain_hash))
        record.signing_key_id = key.key_id
        previous_hash = record.chain_hash
    insert_objects(records)


def _models_by_name_key(names: Iterable[str]) -> dict[str, AIModel]:
    """The models named, by name key (common.text.name_key); names no model can have are skipped."""
    found: dict[str, AIModel] = {}
    keys = sorted({text.name_key(name) for name in names if text.is_clean_line(name)})
    # SQLite caps the parameters of one statement; look names up in slices.
    for start in range(0, len(keys), 500):
        for model in AIModel.objects.filter(name_key__in=keys[start : start + 500]):
            found[model.name_key] = model
    return found
