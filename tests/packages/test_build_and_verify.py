"""Exam packages: every framework builds a package that verifies, offline, with the verifier inside it."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest

from common.actors import Actor
from common.authz import Refused
from inventory import models as inventory_models
from packages import verifier
from packages.frameworks import FRAMEWORKS, UnknownFramework
from packages.services import BadScope, make_package, scope_of
from reviews import hashing
from tests.conftest import NOW, TODAY, make_user
from tests.packages.conftest import build, document, members
from tests.reports.oscal_schema import assert_schema_valid

pytestmark = pytest.mark.usefixtures("inventory")


def verify(content: bytes, tmp_path: Path, *keys: Path, plain: bool | None = None) -> verifier.Outcome:
    path = tmp_path / "package.zip"
    path.write_bytes(content)
    raw = [verifier.public_key_from_pem(key.read_bytes()) for key in keys]
    return verifier.verify(str(path), public_keys=raw, plain=plain)


@pytest.mark.parametrize("framework", list(FRAMEWORKS))
def test_each_framework_builds_a_package_that_verifies(framework, tmp_path, public_key):
    built = build(framework)

    outcome = verify(built.content, tmp_path, public_key)

    assert outcome.ok, outcome.problems
    assert outcome.notes[0] == "4 model(s), 3 review record(s) and 14 file(s) match the manifest"
    assert "manifest signature verified" in outcome.notes[1]
    files = members(built.content)
    sections = [section["title"] for section in document(files, "package.json")["sections"]]
    assert sections == [section.title for section in FRAMEWORKS[framework].sections]
    assert built.manifest["framework"]["id"] == framework


def test_the_package_holds_every_promised_file_with_the_manifest_counts():
    built = build()
    files = members(built.content)

    assert sorted(files) == [
        "README.txt", "cards/model-cards.json", "data/compliance.csv", "data/compliance.json", "data/inventory.csv", "data/inventory.json",
        "manifest.json", "manifest.sig", "oscal/assessment-plan.json", "oscal/assessment-results.json",
        "oscal/poam.json", "package.json", "package.pdf", "reviews/checkpoints.json", "reviews/records.json",
        "verify_package.py",
    ]
    manifest = document(files, "manifest.json")
    assert manifest["counts"] == {"models": 4, "models_evaluated": 4, "models_failed": manifest["counts"]["models_failed"],
                                  "review_records": 3, "segment_records": 3, "checkpoints": 0}
    assert manifest["counts"]["models_failed"] == document(files, "data/compliance.json")["summary"]["failed"] >= 1
    assert manifest["chain"]["head_sequence"] == 3
    assert {model["name"]: model["review_records"] for model in manifest["models"]} == {
        "chat-assistant": 0, "credit-scorecard": 2, "fraud-detector": 1, "old-pricing": 0}
    assert files["verify_package.py"] == Path(verifier.__file__).read_bytes()
    assert b"python3 verify_package.py mltrack-sr26-2-package-2026-11-27.zip" in files["README.txt"]


def test_its_oscal_documents_are_valid_against_nists_schemas():
    files = members(build().content)

    assert_schema_valid(document(files, "oscal/assessment-results.json"))
    assert_schema_valid(document(files, "oscal/assessment-plan.json"), "assessment-plan")
    poam = document(files, "oscal/poam.json")
    assert_schema_valid(poam, "plan-of-action-and-milestones")
    items = poam["plan-of-action-and-milestones"]["poam-items"]
    failing = document(files, "data/compliance.json")["models"]
    assert len(items) == sum(len(model["violations"]) for model in failing)
    results = document(files, "oscal/assessment-results.json")["assessment-results"]["results"][0]
    assert {risk["uuid"] for risk in results["risks"]} == {
        item["related-risks"][0]["risk-uuid"] for item in items}


def test_its_assessment_results_are_the_same_bytes_in_parts_of_one_model(settings, tmp_path, public_key):
    whole = members(build().content)
    settings.MLTRACK_OSCAL_CHUNK_MODELS = 1
    built = build()
    in_parts = members(built.content)

    assert in_parts["oscal/assessment-results.json"] == whole["oscal/assessment-results.json"]
    results = document(in_parts, "oscal/assessment-results.json")["assessment-results"]
    pdf = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(in_parts["package.pdf"])).pages)
    assert results["uuid"] in "".join(pdf.split())  # the document's own UUID, as the PDF names it
    assert verify(built.content, tmp_path, public_key).ok


def test_a_package_where_nothing_fails_has_no_poam_and_says_so(tmp_path, public_key):
    built = build(kind="model", value="credit-scorecard")
    files = members(built.content)

    assert "oscal/poam.json" not in files
    issues = next(s for s in document(files, "package.json")["sections"] if s["title"] == "Issues register")
    assert issues["blocks"] == [{"kind": "gap", "text": "No open issues: every model in scope meets every requirement."}]
    assert verify(built.content, tmp_path, public_key).ok


def test_the_pdf_shows_the_sections_and_figures_of_the_data():
    built = build("sr26-2")
    files = members(built.content)
    reader = pypdf.PdfReader(io.BytesIO(files["package.pdf"]))
    text = "\n".join(page.extract_text() for page in reader.pages)
    summary = document(files, "data/compliance.json")["summary"]

    positions = [text.index(f"{number}  {section.title}") if f"{number}  {section.title}" in text else
                 text.index(section.title) for number, section in enumerate(FRAMEWORKS["sr26-2"].sections, 1)]
    assert positions == sorted(positions)
    assert (f"4 model(s) in scope as of 2026-11-27; {summary['evaluated']} evaluated against MLTrack's ruleset"
            in text.replace("\n", " "))
    assert f"{summary['passed']} pass, {summary['failed']} fail" in text.replace("\n", " ")
    assert built.manifest["signing"]["fingerprint"] in text.replace("\n", "")
    assert "No monitoring records (KPIs, thresholds, breaches, back-tests or benchmarks) are held in MLTrack" in \
        text.replace("\n", " ")
    assert "Production" in text or "Development" in text or "Machine learning" in text or "Generative AI" in text


def test_a_legacy_package_says_it_is_rescinded_and_maps_to_sr26_2():
    files = members(build("sr11-7").content)
    readme = files["README.txt"].decode()

    assert "Rescinded on 2026-04-17" in readme
    sections = document(files, "package.json")["sections"]
    crosswalk = next(s for s in sections if s["title"] == "Crosswalk to SR 26-2")
    assert ["VI Model inventory", "Governance and controls (enterprise inventory)", "mrm-inventory: Model inventory"] \
        in crosswalk["blocks"][0]["rows"]


def test_a_one_model_package_carries_other_models_records_as_links_only(tmp_path, public_key):
    built = build(kind="model", value="FRAUD-DETECTOR")
    records = document(members(built.content), "reviews/records.json")["records"]

    assert built.manifest["scope"] == {"kind": "model", "value": "fraud-detector", "description": "the model fraud-detector",
                                       "filters": {"model": "fraud-detector"}}
    assert [(r["sequence"], r["in_scope"]) for r in records] == [("2", True), ("3", False)]
    assert set(records[1]) == {"sequence", "id", "model_id", "previous_hash", "chain_hash", "signing_key_id",
                               "signature", "in_scope"}
    assert verify(built.content, tmp_path, public_key).ok


def test_the_verifier_works_with_the_standard_library_alone(tmp_path, public_key):
    built = build()
    path = tmp_path / built.file_name
    path.write_bytes(built.content)
    script = tmp_path / "verify_package.py"
    script.write_bytes(members(built.content)["verify_package.py"])

    # -S: no site-packages, so no cryptography: signatures are checked in plain Python.
    done = subprocess.run([sys.executable, "-S", str(script), str(path), "--public-key", str(public_key)],
                          capture_output=True, text=True, timeout=120, check=False)

    assert done.returncode == 0, done.stderr
    assert "3 record signature(s) verified" in done.stdout
    assert done.stdout.rstrip().endswith("is complete and unaltered")


def test_the_plain_python_and_library_verifiers_agree(tmp_path, public_key):
    content = build().content

    assert verify(content, tmp_path, public_key, plain=True).notes == verify(content, tmp_path, public_key,
                                                                             plain=False).notes
    key = verifier.public_key_from_pem(public_key.read_bytes())
    good = members(content)["manifest.sig"].decode().strip()
    message = verifier.MANIFEST_PREFIX + members(content)["manifest.json"]
    for plain in (True, False):
        assert verifier.signature_holds(key, message, good, plain=plain)
        assert not verifier.signature_holds(key, message + b" ", good, plain=plain)
        assert not verifier.signature_holds(key, message, good[:-4] + "AAA=", plain=plain)


def test_without_a_key_everything_but_the_signature_is_checked(tmp_path):
    outcome = verify(build().content, tmp_path)

    assert outcome.ok
    assert any("signature was NOT checked" in note for note in outcome.notes)


def test_the_verifiers_hash_specification_is_the_projects():
    assert verifier.CHAIN_FIELDS == hashing.CHAIN_FIELDS
    assert verifier.DEFINITION_FIELDS == inventory_models.DEFINITION_FIELDS
    assert verifier.RECORD_PREFIX == hashing.RECORD_SIGNATURE_PREFIX
    assert verifier.CHECKPOINT_TYPE == hashing.CHECKPOINT_TYPE


@pytest.mark.parametrize("role", ["examiner", "model-owner", None])
def test_only_governance_roles_may_build_a_package(role):
    user = make_user(f"user-{role}", role)

    with pytest.raises(Refused):
        make_package(Actor.for_user(user), "sr26-2", scope_of("all"), today=TODAY, now=NOW)


@pytest.mark.parametrize("role", ["model-risk-officer", "administrator"])
def test_governance_roles_build_packages(role):
    user = make_user(f"user-{role}", role)

    built = make_package(Actor.for_user(user), "iso42001", scope_of("risk_tier", "High"), today=TODAY, now=NOW)

    assert built.manifest["generated_by"] == f"user-{role}"
    assert built.manifest["counts"]["models"] == 1


@pytest.mark.parametrize(("kind", "value", "message"), [
    ("model", "no-such-model", "No model is named 'no-such-model'."),
    ("risk_tier", "extreme", "Unknown risk tier 'extreme': choose critical, high, medium, low."),
    ("business_line", "Nowhere", "No model belongs to the business line 'Nowhere'."),
    ("model", "", "A model scope needs a value."),
    ("galaxy", "x", "Unknown scope 'galaxy': choose model, risk_tier, business_line, all."),
])
def test_a_scope_that_selects_nothing_known_is_refused(kind, value, message):
    with pytest.raises(BadScope) as refused:
        scope_of(kind, value)

    assert str(refused.value) == message


def test_an_unknown_framework_is_refused_naming_the_templates():
    with pytest.raises(UnknownFramework, match="choose sr26-2, sr11-7, occ2011-12, nist-ai-rmf, iso42001"):
        make_package(Actor(name="tests", trusted=True), "sox", scope_of("all"), today=TODAY, now=NOW)


def test_package_json_and_the_manifest_are_plain_json():
    files = members(build().content)

    for name in ("manifest.json", "package.json", "reviews/records.json", "reviews/checkpoints.json"):
        assert isinstance(json.loads(files[name]), dict)


def test_checkpoints_within_the_segment_travel_with_it_and_are_checked(tmp_path, public_key):
    from reviews.verify import verify_chain

    assert verify_chain(now=NOW, checkpoint_by=Actor(name="tests", trusted=True)).ok
    built = build()
    checkpoints = document(members(built.content), "reviews/checkpoints.json")["checkpoints"]

    assert [(c["sequence"], c["chain_hash"]) for c in checkpoints] == [(3, built.manifest["chain"]["head_hash"])]
    assert built.manifest["counts"]["checkpoints"] == 1
    assert verify(built.content, tmp_path, public_key).ok


def test_the_package_carries_each_models_latest_published_card_with_its_hash():
    import datetime as dt
    import hashlib

    from cards import services as card_services
    from cards.document import canonical_bytes
    from inventory.models import AIModel

    scorecard = AIModel.objects.get(model_name="credit-scorecard")
    card_services.update_card_content(model=scorecard, changes={"limitations": "Thin-file applicants"},
                                      actor=Actor.system("tests"))
    for hour in (8, 9):
        card_services.publish_card(kind="model", subject=scorecard, actor=Actor.system("tests"), today=TODAY,
                                   now=dt.datetime(2026, 11, 27, hour, tzinfo=dt.UTC))

    cards = document(members(build().content), "cards/model-cards.json")

    assert (cards["published"], cards["current"]) == (1, 1)
    by_model = {entry["model"]: entry for entry in cards["models"]}
    assert sorted(by_model) == ["chat-assistant", "credit-scorecard", "fraud-detector", "old-pricing"]
    entry = by_model["credit-scorecard"]
    # Version 1 was published by the fixture; the latest of the two published here is 3.
    assert entry["publication"]["version"] == 3 and entry["current"]
    assert entry["publication"]["sha256"] == hashlib.sha256(canonical_bytes(entry["card"])).hexdigest()
    assert by_model["fraud-detector"] == {"model": "fraud-detector", "current": False, "publication": None,
                                          "card": None}
