"""An exam package altered in any way after it was made fails verification, naming what is wrong."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from common.signing import Signer, public_pem, signer
from packages import verifier
from tests.packages.conftest import build, document, members, rezip

pytestmark = pytest.mark.usefixtures("inventory")


@pytest.fixture
def package():
    return members(build().content)


def check(files: dict[str, bytes], tmp_path: Path, key: Path) -> str:
    path = tmp_path / "altered.zip"
    path.write_bytes(rezip(files))
    outcome = verifier.verify(str(path), public_keys=[verifier.public_key_from_pem(key.read_bytes())])
    assert not outcome.ok, "the alteration went unnoticed"
    return outcome.problems[0]


def resign(files: dict[str, bytes], manifest: dict, key: Signer | None = None) -> None:
    """What only the key's holder can do: rewrite the manifest and sign it again."""
    files["manifest.json"] = json.dumps(manifest, indent=2).encode() + b"\n"
    files["manifest.sig"] = (key or signer()).sign(verifier.MANIFEST_PREFIX + files["manifest.json"]).encode()


def relist(files: dict[str, bytes], manifest: dict, name: str) -> None:
    for entry in manifest["files"]:
        if entry["path"] == name:
            entry["size"], entry["sha256"] = len(files[name]), hashlib.sha256(files[name]).hexdigest()


@pytest.mark.parametrize("name", [
    "package.pdf", "package.json", "README.txt", "verify_package.py", "oscal/assessment-results.json",
    "oscal/assessment-plan.json", "oscal/poam.json", "data/inventory.csv", "data/inventory.json",
    "data/compliance.csv", "data/compliance.json", "reviews/records.json", "reviews/checkpoints.json",
    "cards/model-cards.json",
])
def test_one_byte_changed_in_any_file_is_named(package, name, tmp_path, public_key):
    content = bytearray(package[name])
    content[len(content) // 2] ^= 0x01
    package[name] = bytes(content)

    assert check(package, tmp_path, public_key) == f"{name} does not match its SHA-256 in the manifest: it was altered"


def test_a_dropped_file_is_named(package, tmp_path, public_key):
    del package["data/compliance.csv"]

    assert check(package, tmp_path, public_key) == "data/compliance.csv is missing from the package"


def test_an_added_file_is_named(package, tmp_path, public_key):
    package["data/extra-evidence.csv"] = b"model,result\n"

    assert check(package, tmp_path, public_key) == ("data/extra-evidence.csv is in the package but not in the "
                                                     "manifest: it was added")


def test_a_changed_manifest_breaks_its_signature(package, tmp_path, public_key):
    manifest = document(package, "manifest.json")
    manifest["counts"]["models_failed"] = 0
    package["manifest.json"] = json.dumps(manifest, indent=2).encode() + b"\n"

    assert check(package, tmp_path, public_key) == ("the manifest's signature does not verify with the given public "
                                                     "key: the manifest was altered")


def test_a_manifest_signed_with_another_key_is_caught(package, tmp_path, public_key):
    forger = Signer(Ed25519PrivateKey.generate())
    manifest = document(package, "manifest.json")
    manifest["signing"]["fingerprint"] = verifier.fingerprint(verifier.public_key_from_pem(
        public_pem(forger.public_key).encode()))
    resign(package, manifest, forger)

    problem = check(package, tmp_path, public_key)

    assert problem.startswith("the manifest says it was signed with key ")
    assert problem.endswith("the manifest or its signing key was swapped")


def test_the_forgers_own_key_does_not_match_the_fingerprint_on_the_cover(package, tmp_path):
    forger = Signer(Ed25519PrivateKey.generate())
    resign(package, document(package, "manifest.json"), forger)
    forger_key = tmp_path / "forger.pem"
    forger_key.write_text(public_pem(forger.public_key))

    assert check(package, tmp_path, forger_key).endswith("the manifest or its signing key was swapped")


def _drop_record(package: dict[str, bytes], index: int) -> None:
    records = document(package, "reviews/records.json")
    del records["records"][index]
    package["reviews/records.json"] = json.dumps(records, indent=2).encode()
    manifest = document(package, "manifest.json")
    relist(package, manifest, "reviews/records.json")
    resign(package, manifest)


def test_a_record_left_out_of_the_middle_of_the_segment_is_caught_even_under_a_valid_signature(
        package, tmp_path, public_key):
    _drop_record(package, 1)

    assert check(package, tmp_path, public_key) == "record #2 is missing from the chain segment (the next is #3)"


def test_a_record_left_out_at_the_end_is_caught(package, tmp_path, public_key):
    _drop_record(package, -1)

    assert check(package, tmp_path, public_key).startswith(
        "the chain segment ends at record #2, the manifest's chain head is #3")


def test_a_rewritten_record_does_not_hash_to_its_chain_hash(package, tmp_path, public_key):
    records = document(package, "reviews/records.json")
    records["records"][0]["outcome"] = "passed" if records["records"][0]["outcome"] != "passed" else "failed"
    package["reviews/records.json"] = json.dumps(records).encode()
    manifest = document(package, "manifest.json")
    relist(package, manifest, "reviews/records.json")
    resign(package, manifest)

    assert "does not hash to its chain hash: its content was altered" in check(package, tmp_path, public_key)


def test_a_model_whose_records_were_left_out_of_the_count_is_caught(package, tmp_path, public_key):
    manifest = document(package, "manifest.json")
    for model in manifest["models"]:
        if model["name"] == "credit-scorecard":
            model["review_records"] = 3
    resign(package, manifest)

    assert check(package, tmp_path, public_key) == ("credit-scorecard has 2 review record(s) in the package, the "
                                                     "manifest says 3: records were left out")


def test_an_altered_model_definition_does_not_hash_to_its_state_hash(package, tmp_path, public_key):
    inventory = document(package, "data/inventory.json")
    inventory["models"][0]["risk_tier"] = "low"
    package["data/inventory.json"] = json.dumps(inventory).encode()
    manifest = document(package, "manifest.json")
    relist(package, manifest, "data/inventory.json")
    resign(package, manifest)

    assert check(package, tmp_path, public_key).endswith("definition does not hash to its state hash: it was altered")


def test_a_record_carried_without_its_content_is_caught(package, tmp_path, public_key):
    records = document(package, "reviews/records.json")
    first = records["records"][0]
    records["records"][0] = {name: first[name] for name in verifier_link_fields()} | {"in_scope": False}
    package["reviews/records.json"] = json.dumps(records).encode()
    manifest = document(package, "manifest.json")
    relist(package, manifest, "reviews/records.json")
    resign(package, manifest)

    assert check(package, tmp_path, public_key) == ("record #1 is of model credit-scorecard, in scope, but is carried "
                                                     "without its content")


def verifier_link_fields() -> tuple[str, ...]:
    from packages.content import LINK_FIELDS

    return (*LINK_FIELDS,)


def test_a_record_signature_forged_under_a_valid_manifest_is_caught(package, tmp_path, public_key):
    records = document(package, "reviews/records.json")
    records["records"][1]["signature"] = records["records"][0]["signature"]
    package["reviews/records.json"] = json.dumps(records).encode()
    manifest = document(package, "manifest.json")
    relist(package, manifest, "reviews/records.json")
    resign(package, manifest)

    assert check(package, tmp_path, public_key) == ("record #2's signature does not verify: the record was forged or "
                                                     "altered")


def test_a_file_that_is_not_a_zip_is_reported(tmp_path):
    path = tmp_path / "not-a-package.zip"
    path.write_text("hello")

    outcome = verifier.verify(str(path))

    assert outcome.problems == [f"{path} cannot be read as a package: File is not a zip file"]
