#!/usr/bin/env python3
"""Verify an MLTrack exam package, offline, with Python's standard library alone.

    python3 verify_package.py PACKAGE.zip [--public-key KEY.pem ...]

Checks, and names the first thing that does not match (exit 1; 0 when everything holds):

1. the manifest's signature, with the institution's public key given separately (--public-key; its
   SHA-256 fingerprint is printed on the PDF's cover); without a key, everything else is checked
   and the report says the signature was not;
2. every file: present, of the stated size and SHA-256, and nothing in the package the manifest
   does not list;
3. the review records: the chain segment is contiguous (no record left out or reordered), each
   record of a model in scope hashes to its chain hash (the specification is in the package's
   README), each is signed by an institution key the signed manifest lists (or covered by a signed
   checkpoint), the checkpoints agree with the records, and the segment ends at the chain head
   stated in the manifest;
4. completeness: the counts of models and records in the manifest match the files, each model's
   records are all there, and no record of a model in scope is carried without its content;
5. each model's state hash in the inventory recomputes from its definition.

Signatures are Ed25519. The ``cryptography`` package is used when it is installed; otherwise a
plain-Python implementation of RFC 8032 verification (slower, the same answer) is.

This file is the same code as ``mltrack verify-package`` runs.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import sys
import zipfile
from dataclasses import dataclass, field

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
MANIFEST_TYPE = "mltrack-exam-package-v1"
MANIFEST_PREFIX = b"mltrack exam package manifest v1\n"
RECORD_PREFIX = b"mltrack review record v1\n"
CHECKPOINT_TYPE = "mltrack-chain-checkpoint-v1"
GENESIS_HASH = "0" * 64
RECORDS = "reviews/records.json"
CHECKPOINTS = "reviews/checkpoints.json"
INVENTORY = "data/inventory.json"
# The hashed fields of a review record and of a model's definition (docs/audit-trail.md).
CHAIN_FIELDS = (
    "sequence", "id", "model_id", "model_name", "review_date", "reviewer", "outcome", "notes", "model_state_hash",
    "policy_version", "last_review_before", "next_review_before", "next_review_date", "corrects_id", "recorded_by",
    "created_at", "previous_hash",
)
DEFINITION_FIELDS = (
    "model_name", "vendor", "risk_tier", "use_case", "business_owner", "technical_owner", "deployment_date",
    "model_version", "deployment_environment", "api_endpoint", "data_classification", "status", "model_type",
    "business_line",
)
# A model linked to a model registry hashes its registry identity too (when registered_name is not blank).
REGISTRY_FIELDS = (
    "registry_name", "registered_name", "registered_version", "registry_stage", "registry_run_id", "registry_digest",
)
# An Ed25519 public key in PEM (SubjectPublicKeyInfo) is this DER prefix and the 32-byte key.
ED25519_SPKI_PREFIX = bytes.fromhex("302a300506032b6570032100")


class Mismatch(Exception):
    """The first thing in the package that does not match."""


@dataclass
class Outcome:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def canonical(document: dict) -> bytes:
    """Keys sorted, no whitespace, UTF-8, every value a string (docs/audit-trail.md)."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def text(value) -> str:
    return "" if value is None else str(value)


# -- Ed25519 -----------------------------------------------------------------------------------

def public_key_from_pem(pem: bytes) -> bytes:
    """The 32 raw bytes of an Ed25519 public key in PEM form."""
    lines = [line.strip() for line in pem.decode("ascii", "replace").splitlines()]
    try:
        body = "".join(lines[lines.index("-----BEGIN PUBLIC KEY-----") + 1: lines.index("-----END PUBLIC KEY-----")])
        der = base64.b64decode(body, validate=True)
    except (ValueError, binascii.Error):
        raise Mismatch("the public key is not a PEM public key") from None
    if len(der) != 44 or not der.startswith(ED25519_SPKI_PREFIX):
        raise Mismatch("the public key is not an Ed25519 key")
    return der[len(ED25519_SPKI_PREFIX):]


def fingerprint(raw_key: bytes) -> str:
    return hashlib.sha256(raw_key).hexdigest()


_P = 2 ** 255 - 19
_L = 2 ** 252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, _P - 2, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)


def _x_of(y: int, sign: int) -> int | None:
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P) % _P
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P:
        return None
    return _P - x if (x & 1) != sign else x


def _point(encoded: bytes):
    y = int.from_bytes(encoded, "little")
    sign, y = y >> 255, y & ((1 << 255) - 1)
    x = _x_of(y, sign)
    return None if x is None else (x, y, 1, x * y % _P)


def _add(p, q):
    # Extended twisted Edwards coordinates (RFC 8032, 5.1.4).
    a = (p[1] - p[0]) * (q[1] - q[0]) % _P
    b = (p[1] + p[0]) * (q[1] + q[0]) % _P
    c = 2 * p[3] * q[3] * _D % _P
    d = 2 * p[2] * q[2] % _P
    e, f, g, h = b - a, d - c, d + c, b + a
    return e * f % _P, g * h % _P, f * g % _P, e * h % _P


def _times(scalar: int, point):
    result = (0, 1, 1, 0)
    while scalar:
        if scalar & 1:
            result = _add(result, point)
        point = _add(point, point)
        scalar >>= 1
    return result


def _same(p, q) -> bool:
    return (p[0] * q[2] - q[0] * p[2]) % _P == 0 and (p[1] * q[2] - q[1] * p[2]) % _P == 0


_BASE_Y = 4 * pow(5, _P - 2, _P) % _P
_BASE = (_x_of(_BASE_Y, 0), _BASE_Y, 1, _x_of(_BASE_Y, 0) * _BASE_Y % _P)


def _verify_plain(raw_key: bytes, message: bytes, signature: bytes) -> bool:
    """RFC 8032 Ed25519 verification in plain Python."""
    if len(raw_key) != 32 or len(signature) != 64:
        return False
    key, r = _point(raw_key), _point(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if key is None or r is None or s >= _L:
        return False
    k = int.from_bytes(hashlib.sha512(signature[:32] + raw_key + message).digest(), "little") % _L
    return _same(_times(s, _BASE), _add(r, _times(k, key)))


def _verify_with_library(raw_key: bytes, message: bytes, signature: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(raw_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def _library_available() -> bool:
    try:
        import cryptography.hazmat.primitives.asymmetric.ed25519  # noqa: F401
    except ImportError:
        return False
    return True


def signature_holds(raw_key: bytes, message: bytes, signature_b64: str, *, plain: bool | None = None) -> bool:
    """Whether ``signature_b64`` is the key's Ed25519 signature of ``message``. ``plain``: force (True)
    or forbid (False) the plain-Python verifier; by default the library is used when installed."""
    try:
        signature = base64.b64decode(signature_b64, validate=True)
    except (ValueError, binascii.Error):
        return False
    use_plain = (not _library_available()) if plain is None else plain
    return (_verify_plain if use_plain else _verify_with_library)(raw_key, message, signature)


# -- the package -------------------------------------------------------------------------------

class Package:
    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.names = set(archive.namelist())

    def read(self, name: str) -> bytes:
        if name not in self.names:
            raise Mismatch(f"{name} is missing from the package")
        return self.archive.read(name)

    def json(self, name: str):
        try:
            return json.loads(self.read(name))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise Mismatch(f"{name} is not valid JSON ({exc})") from None


def _check_signature(package: Package, manifest_bytes: bytes, manifest: dict, keys: list[bytes], outcome: Outcome,
                     plain: bool | None) -> dict[str, bytes]:
    """The record keys the verified manifest lists (empty when no key was given)."""
    signing = manifest.get("signing", {})
    if not keys:
        outcome.notes.append("the manifest's signature was NOT checked: give the institution's public key "
                             f"(fingerprint {signing.get('fingerprint', '?')}) with --public-key")
        return {}
    signature = package.read(SIGNATURE).decode("ascii", "replace").strip()
    stated = signing.get("fingerprint", "")
    key = next((key for key in keys if fingerprint(key) == stated), None)
    if key is None:
        given = ", ".join(fingerprint(key)[:16] for key in keys)
        raise Mismatch(f"the manifest says it was signed with key {stated[:16] or '(none)'}, but the key(s) given are "
                       f"{given}: the manifest or its signing key was swapped")
    if not signature_holds(key, MANIFEST_PREFIX + manifest_bytes, signature, plain=plain):
        raise Mismatch("the manifest's signature does not verify with the given public key: the manifest was altered")
    outcome.notes.append(f"manifest signature verified with key {stated[:16]}")
    record_keys = {}
    for key_id, pem in signing.get("record_keys", {}).items():
        raw = public_key_from_pem(pem.encode("ascii"))
        if fingerprint(raw)[:16] != key_id:
            raise Mismatch(f"the manifest lists key {key_id} with a public key whose id is {fingerprint(raw)[:16]}")
        record_keys[key_id] = raw
    return record_keys


def _check_files(package: Package, manifest: dict) -> None:
    listed = set()
    for entry in manifest.get("files", []):
        name = entry["path"]
        listed.add(name)
        content = package.read(name)
        if len(content) != entry["size"]:
            raise Mismatch(f"{name} is {len(content)} bytes, the manifest says {entry['size']}: it was altered")
        if hashlib.sha256(content).hexdigest() != entry["sha256"]:
            raise Mismatch(f"{name} does not match its SHA-256 in the manifest: it was altered")
    extra = sorted(package.names - listed - {MANIFEST, SIGNATURE})
    if extra:
        raise Mismatch(f"{extra[0]} is in the package but not in the manifest: it was added")


def _check_records(package: Package, manifest: dict, record_keys: dict[str, bytes], outcome: Outcome,
                   plain: bool | None) -> None:
    chain = manifest["chain"]
    records = package.json(RECORDS)["records"]
    checkpoints = package.json(CHECKPOINTS)["checkpoints"]
    models = {str(model["id"]): model for model in manifest["models"]}
    if not records:
        if manifest["counts"]["review_records"]:
            raise Mismatch(f"the manifest counts {manifest['counts']['review_records']} review records, the package "
                           "holds none")
        return
    first = records[0]
    if int(first["sequence"]) != chain["segment_first"]:
        raise Mismatch(f"the chain segment starts at record #{first['sequence']}, the manifest says "
                       f"#{chain['segment_first']}: records were left out")
    if first["sequence"] == "1" and first["previous_hash"] != GENESIS_HASH:
        raise Mismatch("record #1 does not start from the genesis hash")
    hashes: dict[int, str] = {}
    per_model: dict[str, int] = {}
    previous = None
    for record in records:
        sequence = int(record["sequence"])
        if previous is not None:
            if sequence != previous[0] + 1:
                raise Mismatch(f"record #{previous[0] + 1} is missing from the chain segment (the next is #{sequence})")
            if record["previous_hash"] != previous[1]:
                raise Mismatch(f"record #{sequence}'s previous hash is not the chain hash of record #{previous[0]}: "
                               "a record was altered, removed or reordered")
        model_id = record["model_id"]
        if record.get("in_scope"):
            if model_id not in models:
                raise Mismatch(f"record #{sequence} is of model {model_id}, which is not in the package's scope")
            recomputed = hashlib.sha256(canonical({name: record[name] for name in CHAIN_FIELDS})).hexdigest()
            if recomputed != record["chain_hash"]:
                raise Mismatch(f"record #{sequence} ({record['model_name']}, {record['review_date']}) does not hash to "
                               "its chain hash: its content was altered")
            per_model[model_id] = per_model.get(model_id, 0) + 1
        elif model_id in models:
            raise Mismatch(f"record #{sequence} is of model {models[model_id]['name']}, in scope, but is carried "
                           "without its content")
        hashes[sequence] = record["chain_hash"]
        previous = (sequence, record["chain_hash"])
    if previous != (chain["head_sequence"], chain["head_hash"]):
        raise Mismatch(f"the chain segment ends at record #{previous[0]}, the manifest's chain head is "
                       f"#{chain['head_sequence']}: records at the end were left out or altered")
    _check_record_signatures(records, checkpoints, hashes, record_keys, outcome, plain)
    for model_id, model in models.items():
        if per_model.get(model_id, 0) != model["review_records"]:
            raise Mismatch(f"{model['name']} has {per_model.get(model_id, 0)} review record(s) in the package, the "
                           f"manifest says {model['review_records']}: records were left out")
    total = sum(per_model.values())
    if total != manifest["counts"]["review_records"]:
        raise Mismatch(f"the package holds {total} review records of models in scope, the manifest says "
                       f"{manifest['counts']['review_records']}")


def _check_record_signatures(records, checkpoints, hashes, record_keys, outcome, plain) -> None:
    signed_up_to = 0
    for checkpoint in checkpoints:
        sequence = int(checkpoint["sequence"])
        if hashes.get(sequence) != checkpoint["chain_hash"]:
            raise Mismatch(f"the checkpoint at record #{sequence} does not match the record's chain hash")
        if record_keys:
            message = canonical({"type": CHECKPOINT_TYPE, "sequence": str(sequence), "chain_hash": checkpoint["chain_hash"],
                                 "verified_at": checkpoint["verified_at"], "verified_by": checkpoint["verified_by"]})
            key = record_keys.get(checkpoint["signing_key_id"])
            if key is not None and signature_holds(key, message, checkpoint["signature"], plain=plain):
                signed_up_to = max(signed_up_to, sequence)
    if not record_keys:
        outcome.notes.append("record signatures were NOT checked (they need the verified manifest's keys)")
        return
    for record in records:
        sequence = int(record["sequence"])
        key = record_keys.get(record["signing_key_id"])
        if not record["signature"]:
            if sequence <= signed_up_to:
                continue
            raise Mismatch(f"record #{sequence} is not signed and no signed checkpoint covers it")
        if key is None:
            raise Mismatch(f"record #{sequence} is signed with key {record['signing_key_id']}, which the manifest does "
                           "not list as an institution key")
        if not signature_holds(key, RECORD_PREFIX + record["chain_hash"].encode("ascii"), record["signature"], plain=plain):
            raise Mismatch(f"record #{sequence}'s signature does not verify: the record was forged or altered")
    outcome.notes.append(f"{len(records)} record signature(s) verified")


def _check_models(package: Package, manifest: dict) -> None:
    inventory = package.json(INVENTORY)["models"]
    if len(inventory) != manifest["counts"]["models"] or len(manifest["models"]) != len(inventory):
        raise Mismatch(f"{INVENTORY} holds {len(inventory)} models, the manifest says {manifest['counts']['models']}")
    stated = {model["name"]: model for model in manifest["models"]}
    for row in inventory:
        model = stated.get(row["model_name"])
        if model is None:
            raise Mismatch(f"{row['model_name']} is in {INVENTORY} but not in the manifest")
        hashed = DEFINITION_FIELDS + REGISTRY_FIELDS if row.get("registered_name") else DEFINITION_FIELDS
        recomputed = hashlib.sha256(canonical({name: text(row[name]) for name in hashed})).hexdigest()
        if recomputed != row["state_hash"] or recomputed != model["state_sha256"]:
            raise Mismatch(f"{row['model_name']}'s definition does not hash to its state hash: it was altered")


def verify(path: str, *, public_keys: list[bytes] = (), plain: bool | None = None) -> Outcome:
    """Verify the package at ``path`` (see the module's docstring)."""
    outcome = Outcome()
    try:
        with zipfile.ZipFile(path) as archive:
            package = Package(archive)
            manifest_bytes = package.read(MANIFEST)
            manifest = package.json(MANIFEST)
            if manifest.get("type") != MANIFEST_TYPE:
                raise Mismatch(f"{MANIFEST} is not an MLTrack exam-package manifest")
            record_keys = _check_signature(package, manifest_bytes, manifest, list(public_keys), outcome, plain)
            _check_files(package, manifest)
            _check_records(package, manifest, record_keys, outcome, plain)
            _check_models(package, manifest)
            counts = manifest["counts"]
            outcome.notes.insert(0, f"{counts['models']} model(s), {counts['review_records']} review record(s) "
                                    f"and {len(manifest['files'])} file(s) match the manifest")
    except Mismatch as exc:
        outcome.problems.append(str(exc))
    except (zipfile.BadZipFile, OSError) as exc:
        outcome.problems.append(f"{path} cannot be read as a package: {exc}")
    except (KeyError, TypeError, ValueError) as exc:
        outcome.problems.append(f"the package is malformed: {type(exc).__name__} {exc}")
    return outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify an MLTrack exam package offline.")
    parser.add_argument("package", help="the package's .zip file")
    parser.add_argument("--public-key", action="append", default=[], metavar="KEY.pem",
                        help="the institution's Ed25519 public key (PEM), obtained separately")
    args = parser.parse_args(argv)
    try:
        keys = []
        for name in args.public_key:
            with open(name, "rb") as key_file:
                keys.append(public_key_from_pem(key_file.read()))
    except (OSError, Mismatch) as exc:
        print(f"FAILED: cannot read the public key: {exc}", file=sys.stderr)
        return 2
    outcome = verify(args.package, public_keys=keys)
    for note in outcome.notes:
        print(f"  {note}")
    if outcome.ok:
        print(f"OK: {args.package} is complete and unaltered" + ("" if keys else " (signature not checked)"))
        return 0
    print(f"FAILED: {outcome.problems[0]}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
