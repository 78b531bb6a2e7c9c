"""Exam packages built in the background by the report worker, and the console's package page."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from common.actors import Actor
from common.authz import Refused
from packages import verifier
from packages.services import PACKAGE, request_package, scope_of
from reports import jobs
from reports.models import ReportJob
from tests.conftest import NOW, TODAY, make_user

pytestmark = pytest.mark.usefixtures("inventory", "reports_dir")


@pytest.fixture
def reports_dir(settings, tmp_path):
    settings.MLTRACK_REPORTS_DIR = tmp_path / "reports"
    return settings.MLTRACK_REPORTS_DIR


def run(job: ReportJob) -> ReportJob | None:
    return jobs.run_job(str(job.pk), worker="test-worker pid 1", clock=timezone.now)


def test_the_worker_builds_a_queued_package_and_stores_it_with_its_digest(tmp_path):
    officer = make_user("officer", "model-risk-officer")
    job = request_package(Actor.for_user(officer), "nist-ai-rmf", scope_of("risk_tier", "critical"), now=NOW,
                          today=TODAY)

    done = run(job)

    assert done.state == "done", done.error
    assert (done.kind, done.format, done.model_count, done.progress, done.attempts) == (PACKAGE, "zip", 1, 100, 1)
    assert done.file_name == "mltrack-nist-ai-rmf-package-2026-11-27.zip"
    content = done.file.read()
    done.file.close()
    path = tmp_path / done.file_name
    path.write_bytes(content)
    assert verifier.verify(str(path)).ok
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert b'"generated_by": "officer"' in archive.read("manifest.json")


def test_an_examiner_may_not_queue_a_package():
    examiner = make_user("examiner", "examiner")

    with pytest.raises(Refused):
        request_package(Actor.for_user(examiner), "sr26-2", scope_of("all"), now=NOW, today=TODAY)

    assert not ReportJob.objects.exists()


def test_an_examiner_lists_and_downloads_packages_but_sees_no_form(client):
    officer = make_user("officer", "model-risk-officer")
    job = run(request_package(Actor.for_user(officer), "sr26-2", scope_of("all"), now=NOW, today=TODAY))
    client.force_login(make_user("examiner", "examiner"))

    page = client.get(reverse("packages:index"))
    download = client.get(reverse("reports:job-file", args=[job.pk]))
    job_page = client.get(job.get_absolute_url())

    assert page.status_code == 200
    html = page.content.decode()
    assert "SR 26-2 / OCC Bulletin 2026-13" in html and "Build a package" not in html
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert download["X-Content-SHA256"] == job.sha256
    assert b"".join(download.streaming_content).startswith(b"PK")
    assert "Exam package (signed zip)" in job_page.content.decode()


def test_an_examiners_post_is_refused_and_queues_nothing(client):
    client.force_login(make_user("examiner", "examiner"))

    response = client.post(reverse("packages:index"), {"framework": "sr26-2", "scope": "all"})

    assert response.status_code == 403
    assert not ReportJob.objects.exists()


def test_an_officer_queues_a_package_from_the_console(client, django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    monkeypatch.setattr(jobs, "send_job", lambda job_id: sent.append(str(job_id)) or True)
    client.force_login(make_user("officer", "model-risk-officer"))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("packages:index"),
                               {"framework": "iso42001", "scope": "business_line", "value": "retail"})

    job = ReportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert (job.kind, job.filters) == (PACKAGE, {"framework": "iso42001", "scope": "business_line", "value": "retail"})
    assert sent == [str(job.pk)]


def test_a_bad_scope_in_the_console_says_what_is_wrong_and_queues_nothing(client):
    client.force_login(make_user("officer", "model-risk-officer"))

    response = client.post(reverse("packages:index"), {"framework": "sr26-2", "scope": "model", "value": "nope"})

    assert response.status_code == 400
    assert "No model is named &#x27;nope&#x27;." in response.content.decode()
    assert not ReportJob.objects.exists()


def test_report_lists_do_not_show_packages(client):
    officer = make_user("officer", "model-risk-officer")
    request_package(Actor.for_user(officer), "sr26-2", scope_of("all"), now=NOW, today=TODAY)
    client.force_login(officer)

    assert "No PDF or OSCAL report has been made yet." in client.get(reverse("reports:index")).content.decode()
