"""Verify the audit trail: recompute every chain hash, in chain order, streaming.

Called by ``mltrack verify``, the verification page, and (later) the API and the nightly job.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from common.actors import Actor
from reviews import hashing
from reviews.models import ChainCheckpoint, ModelReview

STREAM_CHUNK = 5000

# Columns read per record, in CHAIN_FIELDS order plus the stored chain hash.
COLUMNS = [
    "sequence", "id", "model_id", "model_name", "review_date", "reviewer", "outcome", "notes",
    "model_state_hash", "policy_version", "last_review_before", "next_review_before",
    "next_review_date", "corrects_id", "recorded_by", "created_at", "previous_hash", "chain_hash",
]
assert COLUMNS[:-1] == list(hashing.CHAIN_FIELDS), "verify must read exactly the hashed fields"
PREVIOUS, STORED = COLUMNS.index("previous_hash"), COLUMNS.index("chain_hash")


@dataclass(frozen=True)
class Problem:
    sequence: int | None
    record_id: str | None
    reason: str


@dataclass(frozen=True)
class Verification:
    ok: bool
    count: int
    head_sequence: int
    head_hash: str
    problem: Problem | None
    checked_at: dt.datetime

    def summary(self) -> str:
        if self.ok:
            return f"OK: {self.count:,} review records, chain head #{self.head_sequence} {self.head_hash}"
        where = f"record #{self.problem.sequence}" if self.problem.sequence else "the chain"
        ident = f" ({self.problem.record_id})" if self.problem.record_id else ""
        return f"BROKEN at {where}{ident}: {self.problem.reason}"


def verify_chain(*, now: dt.datetime, checkpoint_by: Actor | None = None) -> Verification:
    """Recompute the whole chain and report OK with the count and head, or the first bad record.

    Memory stays bounded: records stream in chain order. Checks, per record: the sequence has no
    gap, the previous hash is the prior record's chain hash, and the chain hash matches the
    recomputed content. Then every checkpoint left by an earlier verification must still match.
    When ``checkpoint_by`` is given and the chain is intact, the head is saved as a checkpoint.
    """
    expected_sequence = 1
    previous_hash = hashing.GENESIS_HASH
    count = 0
    problem: Problem | None = None
    hashes_at: dict[int, str] = {}
    checkpoints = list(ChainCheckpoint.objects.values_list("sequence", "chain_hash"))
    wanted = {sequence for sequence, _ in checkpoints}

    with transaction.atomic():
        # One consistent snapshot of the table while streaming (PostgreSQL needs a transaction
        # for a server-side cursor; SQLite reads one snapshot per transaction anyway).
        rows = ModelReview.objects.order_by("sequence").values_list(*COLUMNS).iterator(chunk_size=STREAM_CHUNK)
        for row in rows:
            sequence, record_id, previous, stored = row[0], row[1], row[PREVIOUS], row[STORED]
            if sequence != expected_sequence:
                reason = (
                    f"record #{expected_sequence} is missing (deleted?): the next record is #{sequence}"
                    if sequence > expected_sequence
                    else f"sequence #{sequence} appears out of order or twice"
                )
                problem = Problem(sequence, str(record_id), reason)
                break
            if previous != previous_hash:
                problem = Problem(
                    sequence, str(record_id),
                    "its previous-hash does not match the chain hash of the record before it "
                    "(a record before it was changed, removed or moved)",
                )
                break
            if hashing.chain_hash_of_values(row[:STORED]) != stored:
                problem = Problem(
                    sequence, str(record_id),
                    "its content does not match its chain hash (the record was altered after it was written)",
                )
                break
            if sequence in wanted:
                hashes_at[sequence] = stored
            previous_hash = stored
            expected_sequence += 1
            count += 1

    head_sequence = expected_sequence - 1
    if problem is None:
        for sequence, checkpoint_hash in checkpoints:
            if sequence > head_sequence:
                problem = Problem(
                    None, None,
                    f"a verification saw record #{sequence} (hash {checkpoint_hash[:16]}…), but the chain now "
                    f"ends at #{head_sequence}: records were deleted from the end",
                )
                break
            if hashes_at.get(sequence) != checkpoint_hash:
                problem = Problem(
                    sequence, None,
                    f"the record differs from the one a verification saw (hash {checkpoint_hash[:16]}…): "
                    "the chain was rewritten",
                )
                break

    result = Verification(
        ok=problem is None, count=count, head_sequence=head_sequence, head_hash=previous_hash,
        problem=problem, checked_at=now,
    )
    if result.ok and checkpoint_by is not None and count:
        ChainCheckpoint.objects.create(
            sequence=head_sequence, chain_hash=previous_hash, verified_at=now, verified_by=checkpoint_by.name
        )
    return result
