"""Canonical JSON and the model state hash, exactly as docs/audit-trail.md specifies them.

A hashed document is SHA-256 over canonical JSON: keys sorted, no whitespace, UTF-8, every value a
string (dates as YYYY-MM-DD, timestamps as UTC with microseconds and a trailing Z, empty optional
values as ""). The review chain (reviews.hashing) uses the same form. Changing anything here
changes every stored hash: don't.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Mapping, Sequence
from json.encoder import encode_basestring
from typing import Any

from inventory.models import DEFINITION_FIELDS, REGISTRY_FIELDS


def _timestamp_text(value: dt.datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("timestamps in hashed records must be timezone-aware")
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# By exact type: verification turns millions of values into text, so no isinstance chain.
_TEXT_BY_TYPE = {
    str: lambda value: value,
    type(None): lambda value: "",
    int: str,
    uuid.UUID: str,
    dt.date: dt.date.isoformat,
    dt.datetime: _timestamp_text,
}


def as_text(value: Any) -> str:
    """The one way a value becomes text in a hashed document."""
    convert = _TEXT_BY_TYPE.get(type(value))
    if convert is not None:
        return convert(value)
    # Subclasses: a choices member ("active") is its plain string content.
    for base in (str, dt.datetime, dt.date, int, uuid.UUID):
        if isinstance(value, base):
            return _TEXT_BY_TYPE[base](str.__str__(value) if base is str else value)
    raise TypeError(f"no canonical text form for {type(value).__name__}")


class CanonicalForm:
    """Canonical JSON for documents with a fixed set of keys, given their values in that order.

    Writes exactly what ``json.dumps(doc, sort_keys=True, separators=(",", ":"),
    ensure_ascii=False)`` writes for the all-string document, without building a dict or an
    encoder per record (verification does this a million times).
    """

    def __init__(self, keys: Sequence[str]) -> None:
        self.keys = tuple(keys)
        self._order = sorted(range(len(self.keys)), key=self.keys.__getitem__)
        self._prefixes = [("{" if n == 0 else ",") + encode_basestring(self.keys[i]) + ":" for n, i in enumerate(self._order)]

    def encode(self, values: Sequence[Any]) -> bytes:
        parts = []
        for prefix, index in zip(self._prefixes, self._order):
            value = values[index]
            convert = _TEXT_BY_TYPE.get(type(value)) or as_text
            parts.append(prefix)
            parts.append(encode_basestring(convert(value)))
        parts.append("}")
        return "".join(parts).encode("utf-8")


def canonical_json(document: Mapping[str, Any]) -> bytes:
    return CanonicalForm(list(document)).encode(list(document.values()))


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


STATE_FORM = CanonicalForm(DEFINITION_FIELDS)
LINKED_FIELDS = DEFINITION_FIELDS + REGISTRY_FIELDS
LINKED_STATE_FORM = CanonicalForm(LINKED_FIELDS)


def model_state_hash(definition: Mapping[str, Any]) -> str:
    """SHA-256 of a model's definition fields (the fourteen of docs/audit-trail.md), and of its
    registry identity (six more) when the definition has one: a model linked to a registry."""
    if definition.get("registered_name"):
        return sha256_hex(LINKED_STATE_FORM.encode([definition[field] for field in LINKED_FIELDS]))
    return sha256_hex(STATE_FORM.encode([definition[field] for field in DEFINITION_FIELDS]))
