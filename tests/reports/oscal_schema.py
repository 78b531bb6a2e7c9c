"""Validation against the official NIST OSCAL 1.1.2 JSON schemas, for tests.

The schemas are not part of the project: they are read from MLTRACK_OSCAL_SCHEMA_DIR, by default
``../shared/reference/oscal`` relative to the project root, and a test that needs them is skipped,
saying so, when the folder is missing. jsonschema-rs compiles the schemas' ``\\p{L}`` token
patterns (Python's ``re`` cannot) and checks the date-time, uri and uri-reference formats.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCHEMA_FILES = {
    "assessment-results": "oscal_assessment-results_schema_v1.1.2.json",
    "assessment-plan": "oscal_assessment-plan_schema_v1.1.2.json",
    "plan-of-action-and-milestones": "oscal_poam_schema_v1.1.2.json",
}


def schema_dir() -> Path:
    configured = os.environ.get("MLTRACK_OSCAL_SCHEMA_DIR")
    return Path(configured) if configured else (PROJECT_ROOT / ".." / "shared" / "reference" / "oscal").resolve()


@functools.cache
def _validator(model: str) -> jsonschema_rs.Draft7Validator:
    path = schema_dir() / SCHEMA_FILES[model]
    if not path.is_file():
        pytest.skip(f"the NIST OSCAL 1.1.2 schema is not at {path} (set MLTRACK_OSCAL_SCHEMA_DIR to its folder)")
    return jsonschema_rs.Draft7Validator(json.loads(path.read_text(encoding="utf-8")), validate_formats=True)


def schema_errors(document: dict[str, Any], model: str = "assessment-results") -> list[str]:
    """The official schema's complaints about ``document``, each with where it is; [] when valid."""
    return [
        f"/{'/'.join(str(part) for part in error.instance_path)}: {error.message}"
        for error in _validator(model).iter_errors(document)
    ]


def assert_schema_valid(document: dict[str, Any], model: str = "assessment-results") -> None:
    errors = schema_errors(document, model)
    assert not errors, f"{len(errors)} schema error(s):\n" + "\n".join(errors[:20])
