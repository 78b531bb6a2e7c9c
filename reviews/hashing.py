"""The review chain's hash, exactly as docs/audit-trail.md specifies it.

SHA-256 over the canonical JSON of inventory.hashing (which also defines the model state hash).
An examiner can recompute either with a few lines of Python or with ``jq -cSj`` and
``sha256sum``. Changing anything here breaks every existing chain: don't.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

# The canonical form and the state hash belong to the inventory; the chain reuses them.
from inventory.hashing import CanonicalForm, as_text, canonical_json, model_state_hash, sha256_hex

__all__ = ["CHAIN_FIELDS", "CHECKPOINT_FIELDS", "GENESIS_HASH", "as_text", "canonical_json", "chain_hash",
           "chain_hash_of_values", "checkpoint_signing_message", "model_state_hash", "record_signing_message"]

GENESIS_HASH = "0" * 64

# The fields of a review record that its chain hash covers, in the order of docs/audit-trail.md.
CHAIN_FIELDS: tuple[str, ...] = (
    "sequence",
    "id",
    "model_id",
    "model_name",
    "review_date",
    "reviewer",
    "outcome",
    "notes",
    "model_state_hash",
    "policy_version",
    "last_review_before",
    "next_review_before",
    "next_review_date",
    "corrects_id",
    "recorded_by",
    "created_at",
    "previous_hash",
)


CHAIN_FORM = CanonicalForm(CHAIN_FIELDS)


def chain_hash(record: Mapping[str, Any]) -> str:
    """SHA-256 of a review record's hashed fields (the seventeen of docs/audit-trail.md)."""
    return chain_hash_of_values([record[field] for field in CHAIN_FIELDS])


def chain_hash_of_values(values: Sequence[Any]) -> str:
    """chain_hash() for the values of CHAIN_FIELDS, in that order (verification's fast path)."""
    return sha256_hex(CHAIN_FORM.encode(values))


# What a record's signature covers: its chain hash, which covers its content and, through the
# previous hash, every record before it. The prefix keeps a record's signature from being passed
# off as anything else's.
RECORD_SIGNATURE_PREFIX = b"mltrack review record v1\n"


def record_signing_message(chain_hash_hex: str) -> bytes:
    return RECORD_SIGNATURE_PREFIX + chain_hash_hex.encode("ascii")


# A checkpoint is signed over the canonical JSON of these fields (all strings, as everywhere).
CHECKPOINT_FIELDS: tuple[str, ...] = ("type", "sequence", "chain_hash", "verified_at", "verified_by")
CHECKPOINT_TYPE = "mltrack-chain-checkpoint-v1"
CHECKPOINT_FORM = CanonicalForm(CHECKPOINT_FIELDS)


def checkpoint_signing_message(*, sequence: int, chain_hash: str, verified_at: Any, verified_by: str) -> bytes:
    return CHECKPOINT_FORM.encode([CHECKPOINT_TYPE, sequence, chain_hash, verified_at, verified_by])
