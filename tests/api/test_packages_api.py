"""/api/v1/packages/: an exam package asked for through the API, built by the worker, downloaded and
verified offline; refused to roles that may not build one, with bad input named field by field."""

from __future__ import annotations

import hashlib

import pytest
from django.utils import timezone

from packages import verifier
from reports import jobs
from reports.models import ReportJob
from tests.api.conftest import Api, make_token
from tests.factories import make_model

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


@pytest.fixture
def inventory(db):
    make_model(model_name="credit-scorecard", risk_tier="critical", business_line="Retail")
    make_model(model_name="chat-assistant", risk_tier="low", business_line="Operations")


def test_a_package_is_queued_built_downloaded_and_verified(bob, erin, inventory, reports_dir, tmp_path):
    response = Api(make_token(bob)).post("/api/v1/packages/", {"framework": "sr26-2", "scope": "risk_tier",
                                                                "value": "Critical"})

    assert response.status_code == 202, response.content
    job = ReportJob.objects.get()
    assert response["Location"] == response.json()["url"] == f"http://testserver/api/v1/reports/jobs/{job.pk}/"
    assert (job.kind, job.format, job.filters) == ("package", "zip", {"framework": "sr26-2", "scope": "risk_tier",
                                                                      "value": "critical"})
    jobs.run_job(str(job.pk), worker="test-worker pid 1", clock=timezone.now)

    # An examiner lists the packages and downloads the zip with its digest.
    examiner = Api(make_token(erin))
    listed = examiner.get("/api/v1/packages/").json()["results"]
    assert [entry["id"] for entry in listed] == [str(job.pk)] and listed[0]["state"] == "done"
    download = examiner.get(listed[0]["file_url"])
    content = b"".join(download.streaming_content)
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert download["X-Content-SHA256"] == hashlib.sha256(content).hexdigest() == listed[0]["sha256"]
    path = tmp_path / listed[0]["file_name"]
    path.write_bytes(content)
    outcome = verifier.verify(str(path))
    assert outcome.ok and listed[0]["model_count"] == 1


@pytest.mark.parametrize("persona", ["erin", "alice"])
def test_who_may_not_build_a_package_is_refused_before_the_body_is_read(request, persona, inventory):
    user = request.getfixturevalue(persona)

    response = Api(make_token(user)).post("/api/v1/packages/", {"framework": "no-such-framework"})

    assert response.status_code == 403
    assert "build an exam package" in response.json()["error"]["message"]
    assert not ReportJob.objects.exists()


@pytest.mark.parametrize(
    ("body", "field", "expected"),
    [
        ({"framework": "sr11-8", "scope": "all"}, "framework", "not a valid choice"),
        ({"framework": "sr26-2", "scope": "vendor", "value": "Acme"}, "scope", "not a valid choice"),
        ({"framework": "sr26-2", "scope": "model", "value": "no-such-model"}, "value", "No model is named"),
        ({"framework": "sr26-2", "scope": "risk_tier", "value": "extreme"}, "value", "Unknown risk tier"),
        ({"framework": "sr26-2", "scope": "business_line"}, "value", "needs a value"),
        ({"framework": "sr26-2", "scope": "all", "colour": "blue"}, "colour", "Unknown field"),
        ({"scope": "all"}, "framework", "required"),
    ],
)
def test_a_bad_request_names_its_field_and_queues_nothing(bob, inventory, body, field, expected):
    response = Api(make_token(bob)).post("/api/v1/packages/", body)

    assert response.status_code == 400
    assert expected in " ".join(response.json()["error"]["fields"][field])
    assert not ReportJob.objects.exists()


def test_a_read_only_token_may_list_but_not_build(bob, inventory):
    api = Api(make_token(bob, read_only=True))

    assert api.get("/api/v1/packages/").status_code == 200
    assert api.post("/api/v1/packages/", {"framework": "sr26-2", "scope": "all"}).status_code == 403
    assert not ReportJob.objects.exists()
