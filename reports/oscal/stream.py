"""OSCAL assessment results validated and written a part at a time, so that an export's memory
follows the part's size (``MLTRACK_OSCAL_CHUNK_MODELS`` models), not the inventory's.

Each model's elements (component, inventory item, observations, risks, findings, latest review
record) refer only to each other and to the document's shared parts (reports.oscal.build). So a
part, the shared parts with the elements of a few models, is a complete document of its own: the
``oscal`` package and MLTrack's own checks validate it as they would the whole one. What a check of
the whole document needs beyond its parts is kept across them: the UUIDs of the elements seen so
far, so that no UUID is used twice in the whole document (the shared parts are in every part, so
each part's own check covers them).

Validated elements are serialised at once into one temporary file per array; once every part has
passed, the document is written out: the shared parts, laid out by the same serialiser, with each
array's elements spliced in where they belong. The output receives nothing until then, so a
failure writes nothing, and the bytes are exactly the serialisation of the whole document
(``json.dumps(document, indent=2, ensure_ascii=False) + "\\n"``).
"""

from __future__ import annotations

import gc
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import IO, Any, BinaryIO

import orjson
from django.conf import settings

from reports.data import Report
from reports.evidence import Scope
from reports.oscal.build import ELEMENT_ARRAYS, Elements, assemble, model_elements
from reports.oscal.validate import OscalInvalid, validate_document

NO_EVIDENCE_MESSAGE = "An OSCAL document cites evidence: build the report with evidence=True."
# Where each array of model elements is in the document, to name an element in an error.
RESULT = "$.assessment-results.results[0]"
ARRAY_PATHS = {
    "components": f"{RESULT}.local-definitions.components",
    "inventory-items": f"{RESULT}.local-definitions.inventory-items",
    "observations": f"{RESULT}.observations",
    "risks": f"{RESULT}.risks",
    "findings": f"{RESULT}.findings",
    "resources": "$.assessment-results.back-matter.resources",
}
# An index into one of those arrays, in a validator's message about a part (its own checks write
# ``observations[3]``, the package ``observations/3`` or ``observations[3]``).
INDEX_RE = re.compile(r"(?<![\w-])(components|inventory-items|observations|risks|findings|resources)([\[/])(\d+)")

Progress = Callable[[int, int], None]


def serialise(document: dict[str, Any]) -> bytes:
    """UTF-8 JSON indented by two spaces, keys in the order built: the same bytes as
    ``json.dumps(document, indent=2, ensure_ascii=False)``, twenty to thirty times faster."""
    return orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"


def write_oscal(report: Report, out: BinaryIO | IO[bytes], *, chunk_models: int | None = None,
                progress: Progress | None = None) -> None:
    """Validate the report's OSCAL assessment results part by part, then write them to ``out``.

    Raises OscalInvalid (naming each failing element by its place in the whole document) before
    anything is written. ``progress(models_done, models)`` is called after each validated part."""
    scope = report.evidence
    if scope is None:
        raise ValueError(NO_EVIDENCE_MESSAGE)
    size = chunk_models or settings.MLTRACK_OSCAL_CHUNK_MODELS
    marker = f"mltrack-oscal-elements-{secrets.token_hex(16)}"
    with ExitStack() as stack:
        stack.enter_context(_collected_per_part())
        spools = {name: stack.enter_context(tempfile.TemporaryFile()) for name in ELEMENT_ARRAYS}
        written = _validate_parts(report, scope, spools, indents=_indents(report, scope, marker), size=size,
                                  progress=progress)
        _write_document(report, scope, out, spools, written, marker)


def _validate_parts(report: Report, scope: Scope, spools: dict[str, IO[bytes]], *, indents: dict[str, bytes],
                    size: int, progress: Progress | None) -> dict[str, int]:
    """Validate each part, then add its elements to the spools; returns how many each array has."""
    written = dict.fromkeys(ELEMENT_ARRAYS, 0)
    seen: set[int] = set()  # the elements' UUIDs as integers (half the memory of strings)
    models = scope.models
    shared_resources = 0
    # An empty selection is still one part: the shared parts alone.
    for number, start in enumerate(range(0, len(models), size) if models else [0]):
        elements = model_elements(report, scope, models[start:start + size])
        document = assemble(report, scope, elements)
        shared_resources = len(document["assessment-results"]["back-matter"]["resources"]) - len(elements["resources"])
        try:
            validate_document(document, serialise(document).decode("utf-8"), with_plan=number == 0)
        except OscalInvalid as invalid:
            raise OscalInvalid([_in_whole(error, written, shared_resources) for error in invalid.errors]) from None
        del document
        repeated = _repeated_uuids(elements, seen, written, shared_resources)
        if repeated:
            raise OscalInvalid(repeated)
        for name in ELEMENT_ARRAYS:
            written[name] += _spool(elements[name], spools[name], indents[name], first=not written[name])
        del elements
        gc.collect()
        if progress is not None:
            progress(min(start + size, len(models)), len(models))
    return written


def _spool(elements: list[Any], spool: IO[bytes], indent: bytes, *, first: bool) -> int:
    separator = b",\n" + indent
    newline = b"\n" + indent
    for element in elements:
        if not first:
            spool.write(separator)
        first = False
        spool.write(orjson.dumps(element, option=orjson.OPT_INDENT_2).replace(b"\n", newline))
    return len(elements)


def _repeated_uuids(elements: Elements, seen: set[int], written: dict[str, int], shared_resources: int) -> list[str]:
    """A UUID of these elements that an earlier part's elements used (each part checked its own)."""
    errors = []
    for name in ELEMENT_ARRAYS:
        base = written[name] + (shared_resources if name == "resources" else 0)
        for index, element in enumerate(elements[name]):
            number = int(element["uuid"].replace("-", ""), 16)
            if number in seen:
                errors.append(f"{ARRAY_PATHS[name]}[{base + index}].uuid: UUID {element['uuid']} is used more than once")
            seen.add(number)
    return errors


def _in_whole(error: str, written: dict[str, int], shared_resources: int) -> str:
    """A part's error, with its indexes into element arrays turned into the whole document's."""

    def whole(match: re.Match[str]) -> str:
        name, opening, index = match.group(1), match.group(2), int(match.group(3))
        if name == "resources" and index < shared_resources:
            return match.group(0)  # a shared resource: the same place in every part
        return f"{name}{opening}{index + written[name]}"

    return INDEX_RE.sub(whole, error)


def _skeleton(report: Report, scope: Scope, marker: str, arrays: tuple[str, ...]) -> bytes:
    """The document with one placeholder string in place of each named array's elements."""
    placeholders = {name: [f"{marker}-{name}"] if name in arrays else [] for name in ELEMENT_ARRAYS}
    return serialise(assemble(report, scope, placeholders))


def _indents(report: Report, scope: Scope, marker: str) -> dict[str, bytes]:
    """How far each array's elements are indented in the document."""
    text = _skeleton(report, scope, marker, ELEMENT_ARRAYS)
    indents = {}
    for name in ELEMENT_ARRAYS:
        at = text.index(f'"{marker}-{name}"'.encode())
        indents[name] = text[text.rindex(b"\n", 0, at) + 1:at]
    return indents


def _write_document(report: Report, scope: Scope, out: BinaryIO | IO[bytes], spools: dict[str, IO[bytes]],
                    written: dict[str, int], marker: str) -> None:
    present = tuple(name for name in ELEMENT_ARRAYS if written[name])
    rest = _skeleton(report, scope, marker, present)
    for name in present:  # in document order
        before, rest = rest.split(f'"{marker}-{name}"'.encode())
        out.write(before)
        spools[name].seek(0)
        shutil.copyfileobj(spools[name], out, 1 << 20)
    out.write(rest)


@contextmanager
def _collected_per_part() -> Iterator[None]:
    """An export allocates millions of small objects; the cyclic collector's automatic passes over
    them would cost more than building them (the validator's parsing alone takes three times as
    long). So it is off while a part is built and validated, and collects once after each part
    (the validator's objects hold cycles), over that part's objects only: what exists before the
    export starts (the report and its evidence) is frozen out of its passes. Process-wide, for the
    length of one export."""
    enabled = gc.isenabled()
    gc.disable()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
        if enabled:
            gc.enable()
