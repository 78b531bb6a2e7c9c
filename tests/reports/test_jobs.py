"""PDF reports made in the background by a real Celery worker through a real broker."""

from __future__ import annotations

import hashlib
import json
import os
import time

import pytest
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone

from common.actors import Actor
from reports import jobs, leases
from reports.models import ReportJob, ReportStorage
from tests.factories import make_model

WAIT_SECONDS = 90


def run(job: ReportJob) -> ReportJob | None:
    """Run the job as the worker's task does, in this process."""
    return jobs.run_job(str(job.pk), worker="test-worker pid 1", clock=timezone.now)


def wait_until_finished(job: ReportJob) -> ReportJob:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.finished:
            return job
        time.sleep(0.2)
    raise AssertionError(f"the worker did not finish the job in {WAIT_SECONDS} s: {job.state} {job.stage}")


def test_a_worker_renders_the_pdf_and_stores_it_with_its_digest(celery_worker, reports_dir, client):
    from tests.conftest import make_user
    from tests.reports.conftest import skip_without_weasyprint

    skip_without_weasyprint()

    bob = make_user("bob", "model-risk-officer")
    make_model(model_name="credit-scoring-v3", risk_tier="critical")
    make_model(model_name="chatbot", risk_tier="high")
    job = jobs.request_report("inventory", fmt="pdf", filters={"risk_tier": "critical"}, actor=Actor.for_user(bob),
                              now=timezone.now(), today=timezone.localdate())
    job = wait_until_finished(job)
    assert job.state == "done", job.error
    assert job.progress == 100 and job.model_count == 1
    # Claimed once, by the worker thread in this process, which gave the job up when it was done.
    assert job.attempts == 1 and job.worker.endswith(f" pid {os.getpid()}") and job.lease_expires_at is None
    content = job.file.read()
    job.file.close()
    assert content.startswith(b"%PDF-")
    assert job.sha256 == hashlib.sha256(content).hexdigest() and job.size == len(content)
    assert str(reports_dir) in job.file.path

    client.force_login(bob)
    status = client.get(reverse("reports:job-status", args=[job.pk])).json()
    assert status["state"] == "done" and status["sha256"] == job.sha256
    response = client.get(status["file_url"])
    assert b"".join(response.streaming_content) == content
    assert response["X-Content-SHA256"] == job.sha256
    assert response["Content-Disposition"].startswith("attachment;")


def test_a_job_is_rendered_once_even_if_its_message_comes_twice(db, reports_dir, bob, monkeypatch):

    calls = []
    monkeypatch.setattr(jobs, "render_pdf", lambda report, progress: calls.append(report) or b"%PDF-1.7 test")
    job = ReportJob.objects.create(kind="risk", format="pdf", requested_by=bob, requested_by_name="bob",
                                   requested_at=timezone.now(), as_of=timezone.localdate())
    assert run(job).state == "done"
    assert run(job) is None
    assert len(calls) == 1


def test_a_failure_is_kept_on_the_job_with_its_reason(db, reports_dir, bob, monkeypatch):
    def broken(report, progress):
        progress(40, "Laying out pages")
        raise RuntimeError("no fonts")

    monkeypatch.setattr(jobs, "render_pdf", broken)
    job = ReportJob.objects.create(kind="risk", format="pdf", requested_by=bob, requested_by_name="bob",
                                   requested_at=timezone.now(), as_of=timezone.localdate())
    job = run(job)
    assert job.state == "failed" and job.error == "The report could not be produced: no fonts"
    assert job.progress == 40 and not job.file


def _queued_pdf(bob) -> ReportJob:
    return ReportJob.objects.create(kind="risk", format="pdf", requested_by=bob, requested_by_name="bob",
                                    requested_at=timezone.now(), as_of=timezone.localdate())


def test_a_file_that_cannot_be_stored_fails_the_job(db, reports_dir, bob, monkeypatch):
    def disk_full(self, name, content):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(jobs, "render_pdf", lambda report, progress: b"%PDF-1.7 test")
    monkeypatch.setattr(ReportStorage, "_save", disk_full)
    job = run(_queued_pdf(bob))

    assert job.state == "failed" and "No space left on device" in job.error
    assert not job.file and not job.sha256


def test_a_stored_file_whose_job_cannot_be_marked_done_is_removed(db, reports_dir, bob, monkeypatch):
    finish = leases.Lease.finish

    def lost_connection(self, **fields):
        if fields["state"] == ReportJob.State.DONE:
            raise DatabaseError("server closed the connection unexpectedly")
        finish(self, **fields)

    queued = _queued_pdf(bob)
    monkeypatch.setattr(jobs, "render_pdf", lambda report, progress: b"%PDF-1.7 test")
    monkeypatch.setattr(leases.Lease, "finish", lost_connection)
    job = run(queued)

    assert job.state == "failed" and "server closed the connection" in job.error
    assert not job.file and not any(path.is_file() for path in reports_dir.rglob("*"))


@pytest.mark.parametrize("persona", ["erin", "alice"])
def test_readers_may_follow_a_job(client, db, bob, persona, request):
    job = ReportJob.objects.create(kind="risk", format="pdf", requested_by=bob, requested_by_name="bob",
                                   requested_at=timezone.now(), as_of=timezone.localdate())
    client.force_login(request.getfixturevalue(persona))
    assert client.get(job.get_absolute_url()).status_code == 200


def test_a_user_without_a_role_may_not_follow_a_job(client, db, bob, charlie):
    job = ReportJob.objects.create(kind="risk", format="pdf", requested_by=bob, requested_by_name="bob",
                                   requested_at=timezone.now(), as_of=timezone.localdate())
    client.force_login(charlie)
    for name in ("reports:job", "reports:job-status", "reports:job-file"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 403


def test_an_invalid_oscal_document_fails_the_job_and_nothing_is_kept(db, reports_dir, bob, monkeypatch):
    from reports.oscal import stream

    built = stream.model_elements

    def build_broken(*args, **kwargs):
        elements = built(*args, **kwargs)
        for finding in elements["findings"]:
            finding.pop("target")
        return elements

    make_model(model_name="fraud-detector")
    monkeypatch.setattr(stream, "model_elements", build_broken)
    job = ReportJob.objects.create(kind="compliance", format="oscal", requested_by=bob, requested_by_name="bob",
                                   requested_at=timezone.now(), as_of=timezone.localdate())
    job = run(job)
    assert job.state == "failed" and "failed validation" in job.error and "missing-required target" in job.error
    assert not job.file and not job.sha256
    assert not reports_dir.exists() or not any(reports_dir.rglob("*.json"))


def test_an_oscal_job_records_its_progress_after_each_part(db, reports_dir, bob, settings, monkeypatch):
    settings.MLTRACK_OSCAL_CHUNK_MODELS = 1
    for name in ("credit-scoring-v3", "chatbot"):
        make_model(model_name=name)
    steps = []
    progress = leases.Lease.progress

    def recorded(lease, percent, stage):
        steps.append((percent, stage))
        progress(lease, percent, stage)

    monkeypatch.setattr(leases.Lease, "progress", recorded)
    job = ReportJob.objects.create(kind="inventory", format="oscal", requested_by=bob, requested_by_name="bob",
                                   requested_at=timezone.now(), as_of=timezone.localdate())
    job = run(job)

    assert job.state == "done", job.error
    assert [step for step in steps if "models validated" in step[1]] == [
        (52, f"{jobs.OSCAL_STAGE}: 1 of 2 models validated"), (95, f"{jobs.OSCAL_STAGE}: 2 of 2 models validated"),
    ]


def test_a_job_makes_a_valid_oscal_document(db, reports_dir, bob):
    job = ReportJob.objects.create(kind="risk", format="oscal", requested_by=bob, requested_by_name="bob",
                                   requested_at=timezone.now(), as_of=timezone.localdate())
    make_model(model_name="credit-scoring-v3", risk_tier="critical")
    job = run(job)
    assert job.state == "done", job.error
    with job.file.open("rb") as stored:
        content = stored.read()
    assert json.loads(content)["assessment-results"]["metadata"]["oscal-version"] == "1.1.2"
    assert job.file_name.endswith(".oscal.json") and job.sha256 == hashlib.sha256(content).hexdigest()
    assert job.size == len(content)
