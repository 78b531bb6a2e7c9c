"""Validation of an OSCAL export before it is written, at run time and offline.

Two layers, both required to pass:

1. The PyPI package ``oscal`` (MIT), which validates against NIST's OSCAL 1.1.2 metaschema from a
   support database it ships (no network): required fields, cardinality, data types, and the
   metaschema's allowed values (which the JSON schema does not check). The embedded assessment
   plan is validated the same way. One bug of version 3.2.2 is corrected where it is used (see
   _evaluate_flag_in_conditions), as it rejects valid OSCAL.
2. MLTrack's own checks (reports.oscal.checks): references resolve, UUIDs are unique, and the
   data types that the package lets through (time zones, UUID versions, tokens).

The package keeps its support database (about 160 MB, unpacked from the wheel on first use) under
``VAR_DIR/oscal/``; by default it would write ``./support/`` below whatever the working directory
is. Tests also validate against the official NIST JSON schema (tests/reports/oscal_schema.py).
"""

from __future__ import annotations

import base64
import json
import logging
import multiprocessing
import shutil
import threading
import zipfile
from collections.abc import Callable
from importlib import resources
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from django.conf import settings

from reports.files import replace_atomically
from reports.oscal.checks import check_document

OSCAL_SUPPORT_VERSION = "v1.1.2"
SUPPORT_DB_NAME = "oscal_support.db"
SHOWN_ERRORS = 5
VALIDATOR_UNAVAILABLE = "the OSCAL validator has no OSCAL 1.1.2 metaschema (support database {path})"

_lock = threading.Lock()
_configured = False


class OscalInvalid(Exception):
    """An OSCAL document failed validation; ``errors`` lists what failed (the first few in str())."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        shown = "; ".join(errors[:SHOWN_ERRORS])
        more = f" (and {len(errors) - SHOWN_ERRORS} more)" if len(errors) > SHOWN_ERRORS else ""
        super().__init__(f"{len(errors)} error(s): {shown}{more}")


class _QuietImports(logging.Filter):
    """The package tries to load the imported assessment plan from ``#uuid``, which it cannot
    follow into base64 content, and logs that as an error. We check that reference ourselves."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "resolve_imports" not in record.getMessage() and "Failed to load content" not in record.getMessage()


def support_db_path() -> Path:
    return Path(settings.VAR_DIR) / "oscal" / SUPPORT_DB_NAME


def _unpack_support_db(path: Path) -> None:
    """Unpack the package's support database once, atomically (two workers may race to it)."""
    if path.exists() and path.stat().st_size > 0:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    archive = resources.files("oscal.data").joinpath("oscal_support.zip")
    with archive.open("rb") as stream, zipfile.ZipFile(stream) as bundle, bundle.open(SUPPORT_DB_NAME) as source:
        replace_atomically(path, lambda target: shutil.copyfileobj(source, target, 1 << 20))


def _evaluate_flag_in_conditions(oscal_content) -> None:
    """oscal 3.2.2 evaluates a constraint's ``flag-in`` condition as always met, so it applies
    allowed-values constraints meant for other contexts and rejects valid OSCAL: ``asset-id`` on
    an inventory item, a facet whose ``system`` is not FedRAMP's or CVSS's. Evaluate flag-in as
    the metaschema defines it (the flag's value is one of the listed values), then let the
    package check the conditions it does understand. test_oscal.py covers both directions."""
    understood = oscal_content._constraint_conditions_met
    if getattr(understood, "evaluates_flag_in", False):
        return

    def conditions_met(constraint: dict, instance: dict) -> bool:
        conditions = constraint.get("conditions")
        if not conditions:
            return True
        for condition in conditions:
            if condition.get("type") != "flag-in":
                continue
            if instance.get(condition.get("flag", "")) not in condition.get("values", []):
                return False
        return understood(constraint, instance)

    conditions_met.evaluates_flag_in = True
    oscal_content._constraint_conditions_met = conditions_met


def _validator():
    """The ``oscal`` package, configured once per process to use our support database."""
    global _configured
    import oscal
    from oscal import oscal_content, oscal_support

    if not _configured:
        path = support_db_path()
        _unpack_support_db(path)
        oscal_support.configure_support(db_path=str(path))
        _evaluate_flag_in_conditions(oscal_content)
        for name in ("oscal.oscal_content", "oscal.oscal_source"):
            logging.getLogger(name).addFilter(_QuietImports())
        if oscal_support.get_support().get_metaschema_index(OSCAL_SUPPORT_VERSION, "assessment-results") is None:
            # Without its index the package treats every document as valid: refuse instead.
            raise OscalInvalid([VALIDATOR_UNAVAILABLE.format(path=path)])
        _configured = True
    return oscal


def _package_errors(model_class, text: str, where: str) -> list[str]:
    # Loading validates every phase (structure, data types, allowed values, cardinality, choice);
    # calling validate() again would walk the whole document a second time.
    document = model_class.from_string(text)
    if document.oscal_version != OSCAL_SUPPORT_VERSION:
        return [f"{where}: OSCAL version {document.oscal_version!r}, not 1.1.2"]
    if document.is_valid:
        return []
    errors = [
        f"{where}{error.get('location', '')}: {error.get('error-type')} {error.get('field', '')} "
        f"{error.get('value')!r}".rstrip()
        for error in document.validation_errors
    ]
    return errors or [f"{where}: rejected by the OSCAL validator"]


def _embedded_plan(document: dict[str, Any]) -> str | None:
    """The assessment plan that ``import-ap`` points at, when it is an embedded resource."""
    results = document.get("assessment-results", {})
    href = results.get("import-ap", {}).get("href", "")
    for resource in results.get("back-matter", {}).get("resources", []):
        if f"#{resource.get('uuid')}" == href and "base64" in resource:
            return base64.b64decode(resource["base64"]["value"]).decode("utf-8")
    return None


def _own_checks(document: dict[str, Any], plan: str | None, *, with_plan: bool) -> list[str]:
    errors = check_document(document)
    if plan is None:
        errors.append("import-ap: does not point at an embedded assessment plan")
    elif with_plan:
        errors += [f"assessment plan: {error}" for error in check_document(json.loads(plan))]
    return errors


def _in_child(check: Callable[[], list[str]], results: Connection) -> None:
    try:
        results.send(check())
    except BaseException as exc:  # reported to the parent as a failed check, never swallowed
        results.send([f"MLTrack's own checks could not run: {type(exc).__name__}: {exc}"])
    finally:
        results.close()


def _run_beside(check: Callable[[], list[str]], main: Callable[[], list[str]]) -> list[str]:
    """``main()`` here and ``check()`` in a forked process at the same time (on two cores, the two
    validations of a large export take as long as the longer one); in turn where fork is missing,
    or in a daemonic process, which may not start children: a task in Celery's prefork pool."""
    if "fork" not in multiprocessing.get_all_start_methods() or multiprocessing.current_process().daemon:
        return check() + main()
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_in_child, args=(check, send), daemon=True)
    child.start()
    send.close()
    try:
        found = main()
        checked = receive.recv()
    except EOFError:
        checked = ["MLTrack's own checks ended without an answer"]
    finally:
        receive.close()
        child.join()
    return checked + found


def validate_document(document: dict[str, Any], text: str, *, with_plan: bool = True) -> None:
    """Raise OscalInvalid unless ``text`` (the JSON of ``document``) is a valid OSCAL 1.1.2
    assessment-results document whose references all resolve and whose UUIDs are unique.

    MLTrack's own checks run in a forked process while the package validates here. With
    ``with_plan=False`` the embedded assessment plan must be there but is not validated again
    (reports.oscal.stream validates it with the first part of a document, not with every part)."""
    plan = _embedded_plan(document)
    with _lock:
        oscal = _validator()

        def package() -> list[str]:
            errors = _package_errors(oscal.AssessmentResults, text, "$")
            if plan is not None and with_plan:
                errors += _package_errors(oscal.AssessmentPlan, plan, "assessment plan $")
            return errors

        errors = _run_beside(lambda: _own_checks(document, plan, with_plan=with_plan), package)
    if errors:
        raise OscalInvalid(errors)


# The OSCAL documents an exam package carries beside the assessment results, by their root key.
STANDALONE_MODELS = {"assessment-plan": "AssessmentPlan", "plan-of-action-and-milestones": "POAM"}


def validate_standalone(document: dict[str, Any], text: str, *, defined_elsewhere: dict[str, set[str]] | None = None) -> None:
    """Raise OscalInvalid unless ``text`` (the JSON of ``document``) is a valid OSCAL 1.1.2
    assessment plan or POA&M whose references resolve (within it, or to ``defined_elsewhere``)."""
    (root,) = document
    with _lock:
        oscal = _validator()
        errors = _package_errors(getattr(oscal, STANDALONE_MODELS[root]), text, "$")
    errors = check_document(document, defined_elsewhere=defined_elsewhere) + errors
    if errors:
        raise OscalInvalid(errors)
