"""OSCAL 1.1.2 Assessment Results for every report (compliance, inventory, risk).

``write_oscal(report, out)`` lays out a report built with its evidence (``build_report(...,
evidence=True)``: the models, their rules, failures and latest review records, read with the rest
of the report in one snapshot, see reports/evidence.py); it reads nothing itself. It builds the
document (build.py, parts.py, backmatter.py) and validates it (validate.py) a part of a few models
at a time, then writes it to a binary file (stream.py): UTF-8 JSON, indented by two spaces, keys in
a fixed order. An invalid document raises OscalInvalid before anything is written, so nothing
invalid is written. ``render_oscal(report)`` returns the same bytes, for callers that want them
in memory (small reports); files of any size are written with write_oscal.

Two renders of the same data are byte-identical except ``metadata.last-modified`` (when the
report was generated). Custom properties use the namespace ``https://mltrack.example/ns/oscal``
(reports.oscal.ids.NS). The mapping for examiners is docs/oscal.md.
"""

from __future__ import annotations

import io
from typing import Any

from reports.data import Report
from reports.oscal.build import build_document
from reports.oscal.ids import NS
from reports.oscal.stream import NO_EVIDENCE_MESSAGE, serialise, write_oscal
from reports.oscal.validate import OscalInvalid


def build_oscal(report: Report) -> dict[str, Any]:
    """The report as one OSCAL assessment-results document (not yet validated), for tests and
    readers of small reports; exports are written part by part (write_oscal).

    Each model's latest review record is its evidence; older records stay in the audit trail,
    whose head is in the metadata. Citing every record, at 10 per model, doubled the file and the
    time (10,000 models: 267 MB and about 18 s instead of 133 MB and 8.5 s)."""
    if report.evidence is None:
        raise ValueError(NO_EVIDENCE_MESSAGE)
    return build_document(report, report.evidence)


def render_oscal(report: Report) -> bytes:
    """The report as validated OSCAL JSON bytes; raises OscalInvalid instead of returning an
    invalid document."""
    buffer = io.BytesIO()
    write_oscal(report, buffer)
    return buffer.getvalue()


__all__ = ["NS", "OscalInvalid", "build_oscal", "render_oscal", "serialise", "write_oscal"]
