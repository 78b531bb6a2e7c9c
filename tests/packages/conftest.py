"""Exam packages over a small inventory that has something in every section: failing and passing
models, a vendor service with restricted data, generative AI, a decommissioned model, reviews."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest

from common.actors import Actor
from common.signing import public_pem, signer
from inventory import services as inventory_services
from packages.services import make_package, scope_of
from tests.conftest import NOW, TODAY
from tests.factories import make_model, record_review

BUILDER = Actor(name="tests", trusted=True)


@pytest.fixture
def inventory(db, frozen_clock):
    # Compliant: reviewed, with a current card.
    reviewed = make_model(model_name="credit-scorecard", risk_tier="critical", business_line="Retail",
                          deployment_date=dt.date(2026, 9, 1), with_current_card=True)
    record_review(reviewed, reviewer="Dana Validator", review_date=dt.date(2026, 10, 1))
    overdue = make_model(model_name="fraud-detector", risk_tier="high", business_line="Payments",
                         deployment_date=TODAY - dt.timedelta(days=730))
    record_review(overdue, reviewer="Sam Reviewer", outcome="failed", review_date=TODAY - dt.timedelta(days=400))
    make_model(model_name="chat-assistant", risk_tier="medium", model_type="generative_ai", vendor="OpenAI",
               api_endpoint="https://api.openai.example/v1", data_classification="restricted", business_line="Retail",
               deployment_date=dt.date(2026, 10, 15))
    retired = make_model(model_name="old-pricing", risk_tier="low", deployment_date=dt.date(2025, 1, 6))
    for status in ("deprecated", "decommissioned"):
        retired = inventory_services.update_model(model=retired, changes={"status": status}, actor=BUILDER, today=TODAY,
                                                  reason="replaced by a new pricing model")
    record_review(reviewed, reviewer="Dana Validator", review_date=dt.date(2026, 11, 20), notes="second look")


def build(framework: str = "sr26-2", kind: str = "all", value: str = ""):
    return make_package(BUILDER, framework, scope_of(kind, value), today=TODAY, now=NOW)


@pytest.fixture
def public_key(tmp_path):
    path = tmp_path / "institution.pem"
    path.write_text(public_pem(signer().public_key))
    return path


def members(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def document(files: dict[str, bytes], name: str):
    return json.loads(files[name])
