"""The audit trail's hashes, exactly as docs/audit-trail.md specifies them.

Both hashes are SHA-256 over a canonical JSON text: keys sorted, no whitespace, UTF-8, every
value a string (dates as YYYY-MM-DD, timestamps as UTC with microseconds and a trailing Z, empty
optional values as ""). An examiner can recompute either with a few lines of Python or with
``jq -cSj`` and ``sha256sum``. Changing anything here breaks every existing chain: don't.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from inventory.models import DEFINITION_FIELDS

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


def as_text(value: Any) -> str:
    """The one way a value becomes text in a hashed document."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("timestamps in hashed records must be timezone-aware")
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def canonical_json(document: Mapping[str, Any]) -> bytes:
    text = {key: as_text(value) for key, value in document.items()}
    return json.dumps(text, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def state_document(definition: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a model that a review vouches for: its definition fields."""
    return {field: definition[field] for field in DEFINITION_FIELDS}


def model_state_hash(definition: Mapping[str, Any]) -> str:
    return sha256_hex(canonical_json(state_document(definition)))


def chain_document(record: Mapping[str, Any]) -> dict[str, Any]:
    return {field: record[field] for field in CHAIN_FIELDS}


def chain_hash(record: Mapping[str, Any]) -> str:
    return sha256_hex(canonical_json(chain_document(record)))
