"""/api/v1/reports/: queue a report in any format, follow the job, download the file with its SHA-256."""

from __future__ import annotations

import base64
import hashlib
import json
import time

import pytest
from django.utils import timezone

from reports import jobs
from reports.models import ReportJob
from tests.api.conftest import Api, make_token
from tests.factories import make_model, make_three_models

WAIT_SECONDS = 90


def download(api: Api, url: str, **headers):
    response = api.client.get(url, **headers)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response, content


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen_clock")
class TestQueueing:
    def test_a_report_is_queued_with_its_filters(self, erin, reports_dir, django_capture_on_commit_callbacks):
        api = Api(make_token(erin))

        with django_capture_on_commit_callbacks() as sent:
            response = api.post("/api/v1/reports/", {"kind": "inventory", "format": "csv",
                                                     "filters": {"risk_tier": "critical", "vendor": " Acme "}})

        job = ReportJob.objects.get()
        assert response.status_code == 202, response.content
        assert response["Location"] == response.json()["url"] == f"http://testserver/api/v1/reports/jobs/{job.pk}/"
        assert (job.kind, job.format, job.filters, job.requested_by_name) == (
            "inventory", "csv", {"risk_tier": "critical", "vendor": "Acme"}, "erin")
        assert response.json()["state"] == "queued" and response.json()["file_url"] is None
        assert len(sent) == 1  # the job goes to the worker once the transaction commits

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"kind": "budget", "format": "csv"}, "kind"),
            ({"kind": "risk", "format": "docx"}, "format"),
            ({"kind": "risk", "format": "pdf", "filters": {"risk_tier": "extreme"}}, "filters"),
            ({"kind": "risk", "format": "pdf", "filters": {"colour": "blue"}}, "filters"),
            ({"kind": "risk", "format": "pdf", "filters": "critical"}, "filters"),
            ({"format": "pdf"}, "kind"),
        ],
    )
    def test_a_bad_request_is_400_and_queues_nothing(self, erin, body, field):
        response = Api(make_token(erin)).post("/api/v1/reports/", body)

        assert response.status_code == 400 and field in response.json()["error"]["fields"]
        assert not ReportJob.objects.exists()

    def test_a_file_is_refused_until_the_job_is_done(self, erin, reports_dir):
        api = Api(make_token(erin))
        job = api.post("/api/v1/reports/", {"kind": "risk", "format": "json"}).json()

        response, _ = download(api, f"/api/v1/reports/jobs/{job['id']}/file/")

        assert response.status_code == 409
        assert response.json()["error"]["message"].startswith("The report is not ready: it is queued")

    @pytest.mark.parametrize("fmt", ["csv", "json", "oscal"])
    def test_a_done_job_gives_its_file_with_its_digest(self, erin, reports_dir, fmt):
        make_three_models()
        api = Api(make_token(erin))
        queued = api.post("/api/v1/reports/", {"kind": "compliance", "format": fmt}).json()
        jobs.run_job(queued["id"], worker="test-worker pid 1", clock=timezone.now)  # what the worker runs

        job = api.get(queued["url"]).json()
        response, content = download(api, job["file_url"])

        assert (job["state"], job["progress"], job["model_count"]) == ("done", 100, 3)
        assert job["sha256"] == hashlib.sha256(content).hexdigest() == response["X-Content-SHA256"]
        assert response["Digest"] == "sha-256=" + base64.b64encode(hashlib.sha256(content).digest()).decode()
        assert response["Content-Disposition"].startswith("attachment;")
        assert job["file_name"] in response["Content-Disposition"] and job["size"] == len(content)

    def test_a_download_may_ask_for_its_media_type(self, erin, reports_dir):
        make_model()
        api = Api(make_token(erin))
        queued = api.post("/api/v1/reports/", {"kind": "inventory", "format": "csv"}).json()
        jobs.run_job(queued["id"], worker="test-worker pid 1", clock=timezone.now)

        response, content = download(api, f"{queued['url']}file/", HTTP_ACCEPT="text/csv")

        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        assert content.startswith(b"model_name,")

    def test_a_failed_job_says_why_there_is_no_file(self, erin, reports_dir):
        job = ReportJob.objects.create(kind="risk", format="pdf", requested_by=erin, requested_by_name="erin",
                                       requested_at="2026-11-27T12:00:00Z", as_of="2026-11-27",
                                       state=ReportJob.State.FAILED, error="The report could not be produced: boom")
        response, _ = download(Api(make_token(erin)), f"/api/v1/reports/jobs/{job.pk}/file/",
                               HTTP_ACCEPT="application/pdf")

        assert response.status_code == 409
        assert json.loads(response.content)["error"]["message"].endswith("boom")

    def test_a_file_gone_from_the_folder_is_409_not_a_crash(self, erin, reports_dir):
        make_model()
        api = Api(make_token(erin))
        queued = api.post("/api/v1/reports/", {"kind": "inventory", "format": "json"}).json()
        done = jobs.run_job(queued["id"], worker="test-worker pid 1", clock=timezone.now)
        done.file.storage.delete(done.file.name)

        response, _ = download(api, f"{queued['url']}file/")

        assert response.status_code == 409 and "no longer in the reports folder" in response.json()["error"]["message"]

    def test_jobs_are_listed_newest_first_and_unknown_ones_are_404(self, erin, reports_dir):
        api = Api(make_token(erin))
        first = api.post("/api/v1/reports/", {"kind": "risk", "format": "pdf"}).json()
        second = api.post("/api/v1/reports/", {"kind": "inventory", "format": "oscal"}).json()

        listed = api.get("/api/v1/reports/jobs/").json()

        assert [job["id"] for job in listed["results"]] == [second["id"], first["id"]]
        assert api.get("/api/v1/reports/jobs/00000000-0000-0000-0000-000000000000/").status_code == 404

    def test_a_user_without_a_role_may_not_queue(self, client, charlie):
        client.force_login(charlie)

        response = client.post("/api/v1/reports/", {"kind": "risk", "format": "csv"}, content_type="application/json")

        assert response.status_code == 403 and not ReportJob.objects.exists()


def test_a_worker_makes_the_queued_report_and_the_api_serves_it(celery_worker, reports_dir):
    from tests.conftest import make_user

    erin = make_user("erin", "examiner")
    make_three_models()
    api = Api(make_token(erin))
    queued = api.post("/api/v1/reports/", {"kind": "risk", "format": "json", "filters": {"risk_tier": "critical"}})
    assert queued.status_code == 202

    deadline = time.monotonic() + WAIT_SECONDS
    job = queued.json()
    while job["state"] not in {"done", "failed"} and time.monotonic() < deadline:
        time.sleep(0.2)
        job = api.get(job["url"]).json()
    response, content = download(api, job["file_url"])

    assert job["state"] == "done", job["error"]
    assert json.loads(content)["metadata"]["model_count"] == 1
    assert response["X-Content-SHA256"] == hashlib.sha256(content).hexdigest() == job["sha256"]
