"""Building an exam package: one zip that proves itself complete and unaltered, offline.

Everything is read in one snapshot (packages/content.py) and then only laid out:

    README.txt                    for the examiner: contents, how to verify, the hash specifications
    manifest.json, manifest.sig   every other file with its size and SHA-256, the scope, counts, chain
                                  head and generator; signed with the institution's Ed25519 key
    verify_package.py             the standalone verifier (Python's standard library only)
    package.pdf                   the framework's document
    package.json                  the same sections as data
    oscal/assessment-results.json OSCAL 1.1.2 results (validated and written a part at a time), importing
    oscal/assessment-plan.json    the assessment plan (validated)
    oscal/poam.json               a POA&M of the failing models (validated; absent when nothing fails)
    data/inventory.csv|json       the inventory of the models in scope
    data/compliance.csv|json      their compliance results
    reviews/records.json          the chain segment: review records of the models in scope, whole
    reviews/checkpoints.json      the signed checkpoints within the segment
    cards/model-cards.json        each model's latest published card, with its SHA-256 (null if none)

See docs/exam-packages.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import shutil
import tempfile
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.template.loader import render_to_string

import common
from common.signing import fingerprint, public_pem, signer, trusted_keys
from compliance.rules import RULESET
from packages import verifier
from packages.content import PackageData, Scope, read_package_data
from packages.frameworks import RESCINDED_ON, Framework
from packages.pdf import render_package_pdf
from packages.sections import Facts, write_sections
from reports.files import DigestingWriter
from reports.formats import render_csv, render_json
from reports.oscal import serialise, write_oscal
from reports.oscal.backmatter import assessment_plan
from reports.oscal.build import document_uuid
from reports.oscal.ids import day_start
from reports.oscal.parts import objective_id
from reports.oscal.poam import build_poam
from reports.oscal.validate import validate_standalone

Progress = Callable[[int, str], None]
PACKAGE_NAMESPACE = uuid.UUID("6d0f5d35-8a3c-5f8e-9c1e-2f7b4f4b8a10")
MEDIA_TYPES = {".json": "application/json", ".csv": "text/csv", ".pdf": "application/pdf", ".txt": "text/plain",
               ".py": "text/x-python"}
KINDS = {"oscal/": "OSCAL", "data/": "data", "reviews/": "audit trail", "cards/": "cards"}


RESULTS = "oscal/assessment-results.json"


@dataclass(frozen=True)
class Spooled:
    """A file of the package kept in a temporary file rather than in memory, with its size and SHA-256."""

    file: BinaryIO
    size: int
    sha256: str


@dataclass(frozen=True)
class Built:
    content: bytes
    file_name: str
    sha256: str
    manifest: dict


def build_package(framework: Framework, scope: Scope, *, today: dt.date, now: dt.datetime, generated_by: str,
                  progress: Progress | None = None) -> Built:
    """Read, lay out, sign and zip one package. Raises reports.oscal.OscalInvalid if an OSCAL
    document fails validation (nothing is returned then)."""
    tell = progress or (lambda percent, stage: None)
    tell(2, "Reading the inventory, compliance results and audit trail")
    data = read_package_data(framework, scope, today=today, now=now, generated_by=generated_by)
    package_id = str(uuid.uuid5(PACKAGE_NAMESPACE, f"{framework.id}|{scope.kind}|{scope.value}|{now.isoformat()}|"
                                                   f"{data.chain_head[0]}"))
    tell(20, "Writing and validating the OSCAL documents")
    with tempfile.TemporaryFile() as spool:
        results = _write_results(data, spool)
        return _lay_out(framework, scope, data, results, package_id=package_id, today=today, now=now,
                        generated_by=generated_by, tell=tell)


def _lay_out(framework: Framework, scope: Scope, data: PackageData, results: Spooled, *, package_id: str,
             today: dt.date, now: dt.datetime, generated_by: str, tell: Progress) -> Built:
    files: dict[str, bytes | Spooled] = {RESULTS: results}
    files |= _oscal_files(data)
    tell(45, "Writing the data files and the chain segment")
    files |= _data_files(data)
    files["verify_package.py"] = Path(verifier.__file__).read_bytes()
    file_name = f"mltrack-{framework.id}-package-{today.isoformat()}.zip"
    listed = sorted(files.items())
    evidence = [(name, KINDS.get(name.split("/")[0] + "/", "tool"), _sha256(content)) for name, content in listed]
    facts = Facts(data, evidence)
    sections = write_sections(facts)
    files["package.json"] = _json({"framework": framework.id, "as_of": today.isoformat(), "package_id": package_id,
                                   "sections": [section.as_dict() for section in sections]})
    key = signer()
    context = {
        "framework": framework, "institution": settings.MLTRACK_INSTITUTION_NAME, "as_of": today.isoformat(),
        "scope": scope.describe(), "model_count": data.model_count, "record_count": len(data.records_in_scope),
        "package_id": package_id, "generated_at": now.isoformat(timespec="seconds"), "generated_by": generated_by,
        "version": common.__version__, "chain_head_sequence": data.chain_head[0], "chain_head_hash": data.chain_head[1],
        "oscal_sha256": results.sha256, "oscal_uuid": document_uuid(data.compliance),
        "key_fingerprint": fingerprint(key.public_key), "file_name": file_name,
        "sections": sections, "rescinded_on": RESCINDED_ON,
    }
    files["package.pdf"] = render_package_pdf(context, progress=lambda percent, stage: tell(50 + percent * 4 // 10, stage))
    files["README.txt"] = render_to_string("packages/README.txt", context).encode("utf-8")
    tell(92, "Signing the manifest")
    manifest = _manifest(data, package_id, files, key)
    manifest_bytes = _json(manifest)
    signature = key.sign(verifier.MANIFEST_PREFIX + manifest_bytes).encode("ascii")
    content = _zip({**files, verifier.MANIFEST: manifest_bytes, verifier.SIGNATURE: signature + b"\n"}, now)
    tell(100, "Done")
    return Built(content, file_name, hashlib.sha256(content).hexdigest(), manifest)


def _json(document) -> bytes:
    return json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"


def _write_results(data: PackageData, spool: BinaryIO) -> Spooled:
    """The OSCAL assessment results, validated and written a part at a time into ``spool``
    (reports.oscal.stream), so that they are never whole in memory."""
    written = DigestingWriter(spool)
    write_oscal(data.compliance, written)
    return Spooled(spool, written.size, written.hexdigest())


def _oscal_files(data: PackageData) -> dict[str, bytes]:
    report = data.compliance
    files = {}
    plan = assessment_plan(report, digest=report.data_sha256, as_of=day_start(report.metadata.as_of))
    plan_text = serialise(plan)
    validate_standalone(plan, plan_text.decode("utf-8"))
    files["oscal/assessment-plan.json"] = plan_text
    if report.evidence.failures:
        poam = build_poam(report, report.evidence)
        poam_text = serialise(poam)
        objectives = {objective_id(rule) for rule in RULESET.rules}
        validate_standalone(poam, poam_text.decode("utf-8"), defined_elsewhere={"objective": objectives})
        files["oscal/poam.json"] = poam_text
    return files


def _data_files(data: PackageData) -> dict[str, bytes]:
    first = data.records[0]["sequence"] if data.records else None
    return {
        "data/inventory.csv": render_csv(data.inventory),
        "data/inventory.json": render_json(data.inventory),
        "data/compliance.csv": render_csv(data.compliance),
        "data/compliance.json": render_json(data.compliance),
        "reviews/records.json": _json({
            "segment": {"first": first, "last": data.records[-1]["sequence"] if data.records else None,
                        "records": len(data.records), "of_models_in_scope": len(data.records_in_scope)},
            "records": data.records,
        }),
        "reviews/checkpoints.json": _json({"checkpoints": data.checkpoints}),
        "cards/model-cards.json": _json({
            "published": sum(1 for entry in data.cards if entry["publication"]),
            "current": sum(1 for entry in data.cards if entry["current"]),
            "models": data.cards,
        }),
    }


def _manifest(data: PackageData, package_id: str, files: dict[str, bytes], key) -> dict:
    evidence = data.compliance.evidence
    per_model: dict[str, int] = {}
    for record in data.records_in_scope:
        per_model[record["model_id"]] = per_model.get(record["model_id"], 0) + 1
    key_ids = {record["signing_key_id"] for record in data.records if record["signing_key_id"]}
    key_ids |= {checkpoint["signing_key_id"] for checkpoint in data.checkpoints if checkpoint["signing_key_id"]}
    keys = trusted_keys()
    summary = data.compliance.body["summary"]
    return {
        "type": verifier.MANIFEST_TYPE,
        "package_id": package_id,
        "institution": settings.MLTRACK_INSTITUTION_NAME,
        "framework": {"id": data.framework.id, "title": data.framework.title, "status": data.framework.status},
        "scope": {"kind": data.scope.kind, "value": data.scope.value, "description": data.scope.describe(),
                  "filters": data.scope.filters},
        "as_of": data.as_of.isoformat(),
        "generated_at": data.generated_at.isoformat(),
        "generated_by": data.generated_by,
        "generator": {"name": "MLTrack", "version": common.__version__},
        "ruleset": {"version": RULESET.version, "sha256": RULESET.content_hash},
        "counts": {"models": data.model_count, "models_evaluated": summary["evaluated"],
                   "models_failed": summary["failed"], "review_records": len(data.records_in_scope),
                   "segment_records": len(data.records), "checkpoints": len(data.checkpoints)},
        "models": [{"id": str(model.pk), "name": model.model_name, "state_sha256": model.state_hash,
                    "review_records": per_model.get(str(model.pk), 0)} for model in evidence.models],
        "chain": {"head_sequence": data.chain_head[0], "head_hash": data.chain_head[1],
                  "segment_first": int(data.records[0]["sequence"]) if data.records else None},
        "signing": {"key_id": key.key_id, "fingerprint": fingerprint(key.public_key),
                    "record_keys": {key_id: public_pem(keys[key_id]) for key_id in sorted(key_ids) if key_id in keys}},
        "files": [{"path": name, "size": _size(content), "sha256": _sha256(content),
                   "media_type": MEDIA_TYPES.get(Path(name).suffix, "application/octet-stream")}
                  for name, content in sorted(files.items())],
    }


def _zip(files: dict[str, bytes | Spooled], now: dt.datetime) -> bytes:
    """The files in name order with one timestamp (the generation time), so the same files give
    the same zip. A spooled file is copied into the zip from its temporary file."""
    stamp = now.astimezone(dt.UTC).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            content = files[name]
            if isinstance(content, Spooled):
                info.file_size = content.size  # so that zipfile knows whether it needs ZIP64 before it starts
                content.file.seek(0)
                with archive.open(info, "w") as entry:
                    shutil.copyfileobj(content.file, entry, 1 << 20)
            else:
                archive.writestr(info, content)
    return buffer.getvalue()


def _size(content: bytes | Spooled) -> int:
    return content.size if isinstance(content, Spooled) else len(content)


def _sha256(content: bytes | Spooled) -> str:
    return content.sha256 if isinstance(content, Spooled) else hashlib.sha256(content).hexdigest()
