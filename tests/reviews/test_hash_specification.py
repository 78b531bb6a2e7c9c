"""The hashes match what docs/audit-trail.md tells an examiner to compute, independently of our code."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import subprocess

import pytest

from reviews.models import ModelReview
from tests.factories import make_model
from tests.factories import record_review as record

pytestmark = pytest.mark.django_db

DEFINITION_KEYS = [
    "model_name", "vendor", "risk_tier", "use_case", "business_owner", "technical_owner", "deployment_date",
    "model_version", "deployment_environment", "api_endpoint", "data_classification", "status", "model_type",
    "business_line",
]
CHAIN_KEYS = [
    "sequence", "id", "model_id", "model_name", "review_date", "reviewer", "outcome", "notes", "model_state_hash",
    "policy_version", "last_review_before", "next_review_before", "next_review_date", "corrects_id", "recorded_by",
    "created_at", "previous_hash",
]


def documented_sha256(doc: dict) -> str:
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_the_state_hash_follows_the_documented_recipe(today):
    model = make_model(model_name="Crédit-scoring «v2»", deployment_date=dt.date(2026, 6, 1), model_version="",
                       api_endpoint="https://api.example.com/v1/score")
    review = record(model).review
    doc = {
        "model_name": "Crédit-scoring «v2»", "vendor": "In-house", "risk_tier": "high",
        "use_case": "Real-time card fraud detection", "business_owner": "Jane Smith (Cards)",
        "technical_owner": "Fraud Data Science", "deployment_date": "2026-06-01", "model_version": "",
        "deployment_environment": "prod", "api_endpoint": "https://api.example.com/v1/score",
        "data_classification": "confidential", "status": "active", "model_type": "", "business_line": "",
    }
    assert list(doc) == DEFINITION_KEYS
    assert review.model_state_hash == documented_sha256(doc)


def test_the_chain_hash_follows_the_documented_recipe(today):
    model = make_model()
    first = record(model, review_date=dt.date(2026, 10, 1), notes='Line one\nquote " and \\ backslash').review
    second = record(model, corrects=first, notes="Corrects #1").review
    previous = "0" * 64
    for review in ModelReview.objects.order_by("sequence"):
        doc = {
            "sequence": str(review.sequence), "id": str(review.id), "model_id": str(review.model_id),
            "model_name": review.model_name, "review_date": review.review_date.isoformat(),
            "reviewer": review.reviewer, "outcome": review.outcome, "notes": review.notes,
            "model_state_hash": review.model_state_hash, "policy_version": str(review.policy_version),
            "last_review_before": review.last_review_before.isoformat() if review.last_review_before else "",
            "next_review_before": review.next_review_before.isoformat(),
            "next_review_date": review.next_review_date.isoformat(),
            "corrects_id": str(review.corrects_id) if review.corrects_id else "",
            "recorded_by": review.recorded_by,
            "created_at": review.created_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "previous_hash": review.previous_hash,
        }
        assert list(doc) == CHAIN_KEYS
        assert review.previous_hash == previous
        assert review.chain_hash == documented_sha256(doc)
        previous = review.chain_hash
    assert previous == second.chain_hash
    assert second.created_at.isoformat() == "2026-11-27T15:30:00.123456+00:00"


@pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed (.ci/run installs it)")
def test_jq_and_sha256sum_give_the_same_state_hash(today):
    model = make_model(model_name="Crédit-scoring «v2»", business_line="Cards")
    review = record(model).review
    exported = {key: getattr(model, key) for key in DEFINITION_KEYS}
    exported["deployment_date"] = model.deployment_date.isoformat()
    exported["extra_field_ignored"] = "x"
    exported["model_type"] = None
    keys = ", ".join(DEFINITION_KEYS)
    jq = subprocess.run(
        ["jq", "-cSj", f"{{{keys}}} | map_values(. // \"\" | tostring)"],
        input=json.dumps(exported), capture_output=True, text=True, check=True,
    )
    assert hashlib.sha256(jq.stdout.encode("utf-8")).hexdigest() == review.model_state_hash


@pytest.mark.parametrize("text", ["", "plain", 'quote " backslash \\', "line\nbreak\ttab\r", "\x00\x1f\x7f",
                                  "é ü « » 中文 😀", "\u2028\u2029", "</script>"])
def test_the_canonical_form_is_json_dumps_of_the_sorted_document(text):
    from reviews.hashing import canonical_json

    document = {"zeta": text, "alpha": 42, "mid": dt.date(2026, 1, 2), "none": None}
    expected = json.dumps(
        {"zeta": text, "alpha": "42", "mid": "2026-01-02", "none": ""},
        sort_keys=True, separators=(",", ":"), ensure_ascii=False,
    ).encode("utf-8")
    assert canonical_json(document) == expected
