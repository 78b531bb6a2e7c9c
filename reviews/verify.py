"""Verify the audit trail: every record, every signature, every signed checkpoint, every model.

Called by ``mltrack verify``, the verification page, the API and (later) the nightly job.
What each check detects, and what nothing can, is the threat table of docs/audit-trail.md.

1. The chain, streamed in sequence order (memory stays bounded): no gap, each previous hash is the
   prior record's chain hash, each chain hash matches the recomputed content, each record is signed
   by a trusted key, and the last record's signature verifies (it covers every record before it;
   when anything fails, every signature up to the failure is checked to name the first bad record).
   Records written before signing began (unsigned, before the first signed record) are accepted when
   a signed checkpoint covers them.
2. Signed checkpoints, from the database and from the anchor folder outside it (and any file given):
   the chain must still reach each one and match it there. A checkpoint that is not signed by a
   trusted key proves nothing: it is reported and otherwise ignored.
3. The models (reviews.agreement): each record's model exists; each model's review state and
   schedule agree with its trail; each row matches its last change-history entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from common.actors import Actor
from common.authz import require
from common.signing import trusted_keys, verify
from reviews import anchors, hashing, permissions
from reviews.agreement import ModelProblem, check_models
from reviews.models import ModelReview

STREAM_CHUNK = 5000

# Columns read per record, in CHAIN_FIELDS order, then the stored chain hash and the signature.
COLUMNS = [
    "sequence", "id", "model_id", "model_name", "review_date", "reviewer", "outcome", "notes",
    "model_state_hash", "policy_version", "last_review_before", "next_review_before",
    "next_review_date", "corrects_id", "recorded_by", "created_at", "previous_hash", "chain_hash",
    "signing_key_id", "signature",
]
assert COLUMNS[:17] == list(hashing.CHAIN_FIELDS), "verify must read exactly the hashed fields"
PREVIOUS, STORED, KEY, SIGNATURE = (COLUMNS.index(name) for name in ("previous_hash", "chain_hash", "signing_key_id", "signature"))


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
    model_problems: list[ModelProblem] = field(default_factory=list)
    # Not failures, but worth an examiner's attention (unsigned legacy records, ignored checkpoints).
    warnings: list[str] = field(default_factory=list)
    signed_count: int = 0
    # Where this verification's checkpoint was anchored (or why it could not be).
    anchored: str = ""

    @property
    def chain_ok(self) -> bool:
        return self.problem is None

    def as_dict(self) -> dict[str, object]:
        """The verification as data: ``mltrack verify --json`` and the API print it."""
        problem = self.problem
        return {
            "ok": self.ok,
            "chain_ok": self.chain_ok,
            "count": self.count,
            "signed": self.signed_count,
            "head": {"sequence": self.head_sequence, "chain_hash": self.head_hash},
            "problem": None if problem is None else {
                "sequence": problem.sequence, "record_id": problem.record_id, "reason": problem.reason,
            },
            "model_problems": [model_problem.as_dict() for model_problem in self.model_problems],
            "warnings": self.warnings,
            "anchored": self.anchored or None,
            "checked_at": self.checked_at.isoformat(),
        }

    def summary(self) -> str:
        if self.ok:
            return f"OK: {self.count:,} review records, chain head #{self.head_sequence} {self.head_hash}"
        if self.problem is not None:
            where = f"record #{self.problem.sequence}" if self.problem.sequence else "the chain"
            ident = f" ({self.problem.record_id})" if self.problem.record_id else ""
            return f"BROKEN at {where}{ident}: {self.problem.reason}"
        count = len(self.model_problems)
        return (f"MODELS DISAGREE WITH THE TRAIL: {count} problem{'s' if count != 1 else ''} "
                f"(the chain of {self.count:,} records is intact); first: {self.model_problems[0].model_name}: "
                f"{self.model_problems[0].reason}")


def _checkpoints(files: Sequence[Path], keys) -> tuple[list[anchors.Checkpoint], list[str], Problem | None]:
    """The signed checkpoints to hold the chain to, warnings about unsigned ones, and a problem when
    a checkpoint file someone gave on purpose cannot be trusted."""
    signed, warnings = [], []
    for checkpoint in anchors.stored_checkpoints():
        why = checkpoint.signature_problem(keys)
        if why is None:
            signed.append(checkpoint)
        else:
            warnings.append(f"Ignored {checkpoint.source} (#{checkpoint.sequence}): {why}; it proves nothing "
                            "(someone with write access to the database added it).")
    for path in anchors.anchored_files():
        try:
            checkpoint = anchors.read_file(path)
        except ValueError as exc:
            warnings.append(f"Ignored {exc}.")
            continue
        why = checkpoint.signature_problem(keys)
        if why is None:
            signed.append(checkpoint)
        else:
            warnings.append(f"Ignored the anchored file {path.name} (#{checkpoint.sequence}): {why}.")
    for path in files:
        try:
            checkpoint = anchors.read_file(path)
        except ValueError as exc:
            return signed, warnings, Problem(None, None, str(exc))
        why = checkpoint.signature_problem(keys)
        if why is not None:
            return signed, warnings, Problem(None, None, f"the checkpoint file {path} cannot be trusted: {why}")
        signed.append(checkpoint)
    return signed, warnings, None


def _first_bad_signature(keys, *, up_to: int) -> Problem | None:
    """The first record up to sequence ``up_to`` whose signature does not verify, if any."""
    rows = (
        ModelReview.objects.filter(sequence__lte=up_to).exclude(signature=None).order_by("sequence")
        .values_list("sequence", "id", "signing_key_id", "signature", "chain_hash").iterator(chunk_size=STREAM_CHUNK)
    )
    for sequence, record_id, key, signature, stored in rows:
        why = verify(keys, key, signature, hashing.record_signing_message(stored))
        if why is not None:
            return Problem(sequence, str(record_id), f"{why}: the record was rewritten or added by someone without "
                           "MLTrack's signing key")
    return None


def verify_chain(
    *, now: dt.datetime, checkpoint_by: Actor | None = None, checkpoint_files: Sequence[Path] = (),
    public_keys: Sequence[Path] = (),
) -> Verification:
    """Verify everything (see the module's docstring) and report OK, or the first bad record and
    every model that disagrees with the trail.

    ``checkpoint_files``: checkpoints to hold the chain to besides the stored and anchored ones (an
    examiner's copy). ``public_keys``: keys to trust besides the configured ones. When
    ``checkpoint_by`` is given and everything verifies, the head is signed, stored and anchored as a
    new checkpoint (anyone who may read the trail may verify it).
    """
    if checkpoint_by is not None:
        require(checkpoint_by, permissions.can_view, "verify the audit trail")
    keys = trusted_keys(list(public_keys))
    signed, warnings, problem = _checkpoints(checkpoint_files, keys)
    covered_up_to = max((checkpoint.sequence for checkpoint in signed), default=0)
    wanted = {checkpoint.sequence for checkpoint in signed}
    hashes_at: dict[int, str] = {}
    expected_sequence, previous_hash, count, signed_count = 1, hashing.GENESIS_HASH, 0, 0
    first_signed: int | None = None
    last_signed: tuple[int, str, str, str, str] | None = None
    legacy_uncovered = 0

    with transaction.atomic():
        # One consistent snapshot of the table while streaming (PostgreSQL needs a transaction for a
        # server-side cursor; SQLite reads one snapshot per transaction anyway).
        rows = ModelReview.objects.order_by("sequence").values_list(*COLUMNS).iterator(chunk_size=STREAM_CHUNK)
        for row in rows if problem is None else ():
            sequence, record_id, stored = row[0], str(row[1]), row[STORED]
            if sequence != expected_sequence:
                reason = (
                    f"record #{expected_sequence} is missing (deleted?): the next record is #{sequence}"
                    if sequence > expected_sequence
                    else f"sequence #{sequence} appears out of order or twice"
                )
                problem = Problem(sequence, record_id, reason)
                break
            if row[PREVIOUS] != previous_hash:
                problem = Problem(sequence, record_id, "its previous-hash does not match the chain hash of the record "
                                  "before it (a record before it was changed, removed or moved)")
                break
            if hashing.chain_hash_of_values(row[:STORED]) != stored:
                problem = Problem(sequence, record_id, "its content does not match its chain hash (the record was "
                                  "altered after it was written)")
                break
            if row[SIGNATURE]:
                if row[KEY] not in keys:
                    problem = Problem(sequence, record_id, f"signed with key {row[KEY]}, which is not a trusted key: "
                                      "the record was rewritten or added by someone without MLTrack's signing key")
                    break
                signed_count += 1
                first_signed = first_signed or sequence
                last_signed = (sequence, record_id, row[KEY], row[SIGNATURE], stored)
            elif first_signed is not None:
                problem = Problem(sequence, record_id, f"it is not signed, though record #{first_signed} before it "
                                  "is: it was added by someone without MLTrack's signing key")
                break
            elif sequence > covered_up_to:
                legacy_uncovered += 1
            if sequence in wanted:
                hashes_at[sequence] = stored
            previous_hash = stored
            expected_sequence += 1
            count += 1

    head_sequence = expected_sequence - 1
    # The last signed record's signature covers its chain hash, which covers every record before
    # it: checking it alone proves the signed part of the chain is what the key signed. Checking a
    # million signatures would take minutes; when anything fails, every signature up to the
    # failure is checked, so that the first bad record is named.
    if problem is None and last_signed is not None:
        sequence, record_id, key, signature, stored = last_signed
        if verify(keys, key, signature, hashing.record_signing_message(stored)) is not None:
            problem = _first_bad_signature(keys, up_to=sequence)
    elif problem is not None and problem.sequence and first_signed is not None:
        problem = _first_bad_signature(keys, up_to=problem.sequence - 1) or problem
    if problem is None:
        for checkpoint in sorted(signed, key=lambda c: c.sequence):
            if checkpoint.sequence > head_sequence:
                problem = Problem(None, None, f"{checkpoint.source or 'a signed checkpoint'} saw record "
                                  f"#{checkpoint.sequence} (hash {checkpoint.chain_hash[:16]}…), but the chain now ends "
                                  f"at #{head_sequence}: records were deleted from the end")
                break
            if hashes_at.get(checkpoint.sequence) != checkpoint.chain_hash:
                problem = Problem(checkpoint.sequence, None, f"the record differs from the one "
                                  f"{checkpoint.source or 'a signed checkpoint'} saw (hash "
                                  f"{checkpoint.chain_hash[:16]}…): the chain was rewritten up to here")
                break
    if legacy_uncovered:
        warnings.append(f"{legacy_uncovered:,} record(s) predate signing and no signed checkpoint covers them yet; "
                        "a verification by an account, or the nightly verification, will cover them.")
    if count and not anchors.anchored_files() and not checkpoint_files:
        warnings.append("No checkpoint is anchored outside the database yet, so records deleted from the end of the "
                        "chain together with their checkpoints could not be noticed; a successful verification by an "
                        "account anchors one.")
    model_problems = check_models()
    ok = problem is None and not model_problems
    anchored = ""
    if ok and checkpoint_by is not None and count:
        _, anchored = anchors.write_checkpoint(sequence=head_sequence, chain_hash=previous_hash, now=now,
                                               by=checkpoint_by.name)
    return Verification(
        ok=ok, count=count, head_sequence=head_sequence, head_hash=previous_hash, problem=problem, checked_at=now,
        model_problems=model_problems, warnings=warnings, signed_count=signed_count, anchored=anchored,
    )
