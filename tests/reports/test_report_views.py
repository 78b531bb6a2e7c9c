"""The report pages: every reader may view and download, nobody without a role may, bad filters are named."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from reports.models import ReportJob
from tests.factories import make_three_models


@pytest.fixture
def inventory(db, today):
    make_three_models(today)


@pytest.mark.parametrize("persona", ["alice", "bob", "carol", "erin"])
def test_every_reader_sees_the_reports(client, inventory, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("reports:index")).status_code == 200
    for kind in ("compliance", "inventory", "risk"):
        response = client.get(reverse("reports:report", args=[kind]))
        assert response.status_code == 200
        assert b"Data SHA-256" in response.content and b"Audit-chain head" in response.content


@pytest.mark.parametrize(
    "url",
    [
        reverse("reports:index"),
        reverse("reports:report", args=["risk"]),
        reverse("reports:download", args=["inventory", "csv"]),
    ],
)
def test_a_user_without_a_role_is_refused(client, inventory, charlie, url):
    client.force_login(charlie)
    assert client.get(url).status_code == 403
    assert client.post(reverse("reports:queue", args=["risk", "pdf"])).status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client, inventory):
    response = client.get(reverse("reports:report", args=["risk"]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_page_shows_the_filtered_report(client, bob, inventory):
    client.force_login(bob)
    response = client.get(reverse("reports:report", args=["inventory"]), {"risk_tier": "high"})
    content = response.content.decode()
    assert "chatbot" in content and "credit-scoring-v3" not in content
    assert "risk_tier=high" in content  # in the metadata and the download links


def test_downloads_carry_the_filters_and_a_file_name(client, erin, inventory, frozen_clock):
    client.force_login(erin)
    response = client.get(reverse("reports:download", args=["inventory", "csv"]), {"vendor": "fico"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="mltrack-inventory-report-2026-11-27.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["model_name"] for row in rows] == ["credit-scoring-v3"]
    body = json.loads(client.get(reverse("reports:download", args=["risk", "json"])).content)
    assert body["metadata"]["generated_by"] == "erin" and body["summary"]["total"] == 3


def test_a_bad_filter_is_named_and_nothing_is_downloaded(client, bob, inventory):
    client.force_login(bob)
    response = client.get(reverse("reports:download", args=["risk", "csv"]), {"risk_tier": "severe"})
    assert response.status_code == 400
    assert b"Select a valid choice" in response.content
    assert "Content-Disposition" not in response


def test_unknown_reports_and_formats_are_not_found(client, bob, inventory):
    client.force_login(bob)
    assert client.get(reverse("reports:report", args=["everything"])).status_code == 404
    assert client.get(reverse("reports:download", args=["risk", "xlsx"])).status_code == 404


def test_oscal_and_pdf_are_made_in_the_background_not_downloaded_at_once(client, bob, inventory):
    client.force_login(bob)
    assert client.get(reverse("reports:download", args=["compliance", "oscal"])).status_code == 404
    assert client.post(reverse("reports:queue", args=["compliance", "xlsx"])).status_code == 404
    assert client.get(reverse("reports:queue", args=["compliance", "pdf"])).status_code == 405


def test_asking_for_a_pdf_queues_a_job_with_the_filters(client, erin, inventory, django_capture_on_commit_callbacks,
                                                        monkeypatch):
    sent = []
    from reports import tasks

    monkeypatch.setattr(tasks.render_report_job, "delay", lambda job_id: sent.append(job_id))
    client.force_login(erin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:queue", args=["risk", "pdf"]), {"risk_tier": "critical", "vendor": ""})
    job = ReportJob.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert sent == [str(job.pk)]
    assert job.filters == {"risk_tier": "critical"} and job.requested_by == erin and job.state == "queued"
    page = client.get(job.get_absolute_url())
    assert b"Waiting for the worker" in page.content
    status = client.get(reverse("reports:job-status", args=[job.pk])).json()
    assert status["state"] == "queued" and status["file_url"] is None


def test_a_broker_that_cannot_be_reached_fails_the_job_with_a_reason(client, bob, inventory, monkeypatch,
                                                                     django_capture_on_commit_callbacks):
    from reports import tasks

    def down(job_id):
        raise ConnectionRefusedError("Connection refused")

    monkeypatch.setattr(tasks.render_report_job, "delay", down)
    client.force_login(bob)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:queue", args=["inventory", "oscal"]))
    job = ReportJob.objects.get()
    assert job.state == "failed" and "background worker could not be reached" in job.error


def test_a_file_is_only_served_when_the_job_is_done(client, bob, inventory):
    from django.utils import timezone

    job = ReportJob.objects.create(kind="risk", format="pdf", requested_by=bob, requested_by_name="bob",
                                   requested_at=timezone.now(), as_of=timezone.localdate())
    client.force_login(bob)
    assert client.get(reverse("reports:job-file", args=[job.pk])).status_code == 404
