"""MLTrack's own checks of an OSCAL document, run before any export is written.

Neither JSON Schema nor the metaschema validator checks that references resolve or that UUIDs are
unique, and the validator MLTrack runs at run time (reports.oscal.validate) lets some data types
through (a date-time without a time zone, a version-1 UUID, a token with a space). So one walk
over the document checks:

- every UUID is unique and of version 4 or 5;
- every internal reference resolves: ``#uuid`` hrefs to back-matter resources; observation,
  risk, component, party, platform and inventory-item UUIDs (subjects and actors by their type);
  role ids to metadata roles; finding targets to the reviewed control objectives;
- date-times carry a time zone; tokens, one-line strings and SHA-256 hashes have their shapes;
  no array and no string is empty.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from typing import Any

UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[45][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}")
DATE_TIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
# Stricter than OSCAL's token (ASCII letters only), which is all MLTrack writes.
TOKEN_RE = re.compile(r"[A-Za-z_][A-Za-z0-9._-]*")
STRING_RE = re.compile(r"\S(.*\S)?")
SHA256_RE = re.compile(r"[0-9a-f]{64}")
MAX_ERRORS = 50

# What a key's string value must look like, wherever the key appears ...
UUID, DATE_TIME, TOKEN, STRING = "a version 4 or 5 UUID", "a date-time with a time zone", "a token", "a one-line string"
SHAPES = {
    **dict.fromkeys((
        "uuid", "party-uuid", "party-uuids", "component-uuid", "observation-uuid", "risk-uuid", "subject-uuid",
        "actor-uuid", "location-uuid", "location-uuids", "member-of-organizations", "implementation-uuid",
        "implementation-statement-uuid", "task-uuid", "response-uuid", "activity-uuid", "user-uuid",
    ), UUID),
    **dict.fromkeys(("last-modified", "published", "start", "end", "collected", "expires", "deadline"), DATE_TIME),
    **dict.fromkeys(("control-id", "objective-id", "target-id", "role-id", "class", "group", "filename", "rel"), TOKEN),
    **dict.fromkeys(("version", "oscal-version", "media-type", "short-name", "algorithm"), STRING),
}
# ... and in the arrays where a key's shape depends on the array: prop and facet names are
# tokens, their values and party names one-line strings, role ids tokens.
SHAPES_IN = {
    "props": {**SHAPES, "name": TOKEN, "value": STRING},
    "facets": {**SHAPES, "name": TOKEN, "value": STRING},
    "parties": {**SHAPES, "name": STRING},
    "roles": {**SHAPES, "id": TOKEN},
}
PATTERNS = {UUID: UUID_RE, DATE_TIME: DATE_TIME_RE, TOKEN: TOKEN_RE, STRING: STRING_RE}
# The array an object is in -> the kind of thing its uuid (or id) defines.
DEFINED_IN = {
    "components": "component", "inventory-items": "inventory-item", "parties": "party", "resources": "resource",
    "observations": "observation", "risks": "risk", "findings": "finding", "assessment-platforms": "platform",
    "users": "user", "locations": "location",
}
# Reference keys -> the kind they point at (a single UUID, or an array of them).
REFERENCES = {
    "party-uuids": "party", "party-uuid": "party", "component-uuid": "component",
    "observation-uuid": "observation", "risk-uuid": "risk", "location-uuids": "location",
    "member-of-organizations": "party", "role-id": "role",
}
TYPED_REFERENCES = {
    "subject-uuid": {"component": "component", "inventory-item": "inventory-item", "party": "party",
                     "resource": "resource", "user": "user", "location": "location"},
    "actor-uuid": {"party": "party", "assessment-platform": "platform", "tool": "component"},
}

# Keys whose string value defines or points at something (most keys do neither).
LINKING_KEYS = frozenset((*REFERENCES, *TYPED_REFERENCES, "href", "objective-id", "target-id"))


class Walk:
    """One pass over a document, collecting definitions, references and shape errors."""

    def __init__(self, *, paths: bool) -> None:
        # A path costs a string per node; paths are built only to name what is wrong (a second walk).
        self.paths = paths
        self.errors: list[str] = []
        self.uuids: Counter[str] = Counter()
        self.defined: dict[str, set[str]] = defaultdict(set)
        self.references: list[tuple[str, str, str]] = []  # (kind, value, path)

    def error(self, path: str, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(f"{path or '$'}: {message}")

    def array(self, items: list[Any], path: str, container: str) -> None:
        if not items:
            self.error(path, "empty array (OSCAL arrays have at least one item)")
        for index, item in enumerate(items):
            where = f"{path}[{index}]" if self.paths else path
            if type(item) is dict:
                self.object(item, where, container)
            elif type(item) is list:
                self.array(item, where, container)
            elif type(item) is str:
                shape = SHAPES.get(container)
                if not item or (shape is not None and not _has_shape(item, shape)):
                    self.error(where, f"{item!r} is not {shape or 'a non-empty string'}")

    def object(self, node: dict[str, Any], path: str, container: str) -> None:
        shapes = SHAPES_IN.get(container, SHAPES)
        kind = DEFINED_IN.get(container)
        if kind is not None and "uuid" in node:
            self.uuids[node["uuid"]] += 1
            self.defined[kind].add(node["uuid"])
        elif container == "roles":
            self.defined["role"].add(node.get("id"))
        elif "uuid" in node:
            self.uuids[node["uuid"]] += 1
        for key, value in node.items():
            where = f"{path}.{key}" if self.paths else path
            kind_of_value = type(value)
            if kind_of_value is str:
                shape = shapes.get(key)
                if not value or (shape is not None and not _has_shape(value, shape)):
                    self.error(where, f"{value!r} is not {shape or 'a non-empty string'}")
                if key not in LINKING_KEYS:
                    continue
                reference = REFERENCES.get(key)
                if reference is not None:
                    self.references.append((reference, value, where))
                elif key in TYPED_REFERENCES:
                    self._typed_reference(key, value, node.get("type"), where)
                elif key == "href" and value.startswith("#"):
                    self.references.append(("resource", value[1:], where))
                elif key == "objective-id":
                    self.defined["objective"].add(value)
                elif key == "target-id" and node.get("type") == "objective-id":
                    self.references.append(("objective", value, where))
            elif kind_of_value is dict:
                self.object(value, where, key)
            elif kind_of_value is list:
                self.array(value, where, key)
                reference = REFERENCES.get(key)
                if reference is not None:
                    self.references.extend((reference, item, where) for item in value)
                if key == "hashes":
                    self._hashes(value, where)

    def _typed_reference(self, key: str, value: str, type_: Any, path: str) -> None:
        target = TYPED_REFERENCES[key].get(type_)
        if target is None:
            self.error(path, f"unknown {key[:-5]} type {type_!r}")
        else:
            self.references.append((target, value, path))

    def _hashes(self, hashes: list[Any], path: str) -> None:
        for item in hashes:
            if item.get("algorithm") != "SHA-256" or not SHA256_RE.fullmatch(str(item.get("value", ""))):
                self.error(path, "hashes are SHA-256, 64 lower-case hex digits")


def _has_shape(value: str, shape: str) -> bool:
    if not PATTERNS[shape].fullmatch(value):
        return False
    if shape is DATE_TIME:
        try:
            return dt.datetime.fromisoformat(value).tzinfo is not None
        except ValueError:  # a day or an hour that does not exist
            return False
    return True


def check_document(document: dict[str, Any], *, defined_elsewhere: dict[str, set[str]] | None = None) -> list[str]:
    """Every problem found (at most MAX_ERRORS), or [] for a document that passes.

    ``defined_elsewhere``: what the document may refer to without defining it, by kind (a POA&M's
    findings target the control objectives its assessment plan defines)."""
    errors = _walk(document, paths=False, defined_elsewhere=defined_elsewhere or {})
    return _walk(document, paths=True, defined_elsewhere=defined_elsewhere or {}) if errors else []


def _walk(document: dict[str, Any], *, paths: bool, defined_elsewhere: dict[str, set[str]]) -> list[str]:
    walk = Walk(paths=paths)
    for kind, values in defined_elsewhere.items():
        walk.defined[kind] |= values
    walk.object(document, "$", "")
    for value, count in walk.uuids.items():
        if count > 1:
            walk.error("$", f"UUID {value} is used {count} times")
    for kind, value, path in walk.references:
        if value not in walk.defined[kind]:
            walk.error(path, f"{value} refers to no {kind} in the document")
    return walk.errors
