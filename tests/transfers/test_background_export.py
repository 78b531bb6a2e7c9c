"""Exports too large for a web request go to the background worker (its job page offers the file),
and uploads nobody imported are deleted after MLTRACK_UPLOAD_KEEP_HOURS."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from reports import jobs
from reports.models import ReportJob
from tests.conftest import make_user
from tests.factories import make_model
from tests.transfers.conftest import export
from transfers.models import STALLED_AFTER, Upload
from transfers.tasks import discard_stale_uploads

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


@pytest.fixture
def reports_dir(settings, tmp_path):
    settings.MLTRACK_REPORTS_DIR = tmp_path / "reports"
    return settings.MLTRACK_REPORTS_DIR


@pytest.fixture
def large(settings, reports_dir):
    """Lists longer than two models are exported in the background."""
    settings.MLTRACK_EXPORT_INLINE_MAX = 2
    for number in range(3):
        make_model(model_name=f"critical-{number}", risk_tier="critical")
    make_model(model_name="low-one", risk_tier="low")


def run(job: ReportJob) -> ReportJob:
    return jobs.run_job(str(job.pk), worker="test-worker pid 1", clock=timezone.now)


def test_a_large_export_is_made_by_the_worker_and_offered_on_its_job_page(client, erin, large):
    client.force_login(erin)

    response = client.get(reverse("transfers:export"), {"risk_tier": "critical", "sort": "-name", "format": "xlsx",
                                                        "page": "3", "colour": "blue"})

    job = ReportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert (job.kind, job.format, job.filters, job.requested_by_name) == (
        "export", "xlsx", {"risk_tier": "critical", "sort": "-name"}, "erin")
    done = run(job)
    assert done.state == "done", done.error
    assert (done.model_count, done.file_name) == (3, "mltrack-inventory-2026-11-27.xlsx")
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Inventory export" in page and "Excel" in page and reverse("reports:job-file", args=[job.pk]) in page
    download = client.get(reverse("reports:job-file", args=[job.pk]))
    content = b"".join(download.streaming_content) if download.streaming else download.content
    assert download["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    names = [row[0] for row in openpyxl.load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(min_row=2,
                                                                                                   values_only=True)]
    assert names == ["critical-2", "critical-1", "critical-0"]


def test_a_background_csv_export_is_the_same_file_as_one_made_at_once(client, erin, large):
    client.force_login(erin)
    client.get(reverse("transfers:export"), {"format": "csv", "table": "reviews"})
    client.get(reverse("transfers:export"), {"format": "csv"})

    reviews_job, models_job = ReportJob.objects.order_by("requested_at", "pk")
    for job in (reviews_job, models_job):
        run(job)
        job.refresh_from_db()
    expected = export("csv", reviews=True)
    assert models_job.file.read() == expected[""]
    assert reviews_job.file.read() == expected["reviews"] and reviews_job.file_name.endswith(".reviews.csv")


def test_a_list_within_the_limit_downloads_at_once(client, erin, large):
    client.force_login(erin)

    response = client.get(reverse("transfers:export"), {"risk_tier": "low", "format": "csv"})

    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert not ReportJob.objects.exists()


def test_without_a_role_nothing_is_queued(client, charlie, large):
    client.force_login(charlie)

    assert client.get(reverse("transfers:export"), {"format": "csv"}).status_code == 403
    assert not ReportJob.objects.exists()


def test_the_worker_refuses_an_export_whose_requester_lost_the_role(client, large):
    reader = make_user("reader", "examiner")
    client.force_login(reader)
    client.get(reverse("transfers:export"), {"format": "json"})
    reader.groups.clear()

    done = run(ReportJob.objects.get())

    assert done.state == "failed" and "Permission denied" in done.error and not done.file


def upload(name: str, *, state: str, age: dt.timedelta, heartbeat: dt.timedelta | None = None, owner) -> Upload:
    now = timezone.now()
    return Upload.objects.create(
        uploaded_by=owner, uploaded_at=now - age, file_name=name, format="csv", content=b"model_name\n", size=11,
        state=state, heartbeat_at=None if heartbeat is None else now - heartbeat,
    )


def test_uploads_nobody_imported_are_deleted_after_the_keeping_time(settings, bob):
    settings.MLTRACK_UPLOAD_KEEP_HOURS = 24
    day = dt.timedelta(hours=24)
    for state in ("uploaded", "checked", "failed"):
        upload(f"old-{state}", state=state, age=day + dt.timedelta(minutes=1), owner=bob)
        upload(f"new-{state}", state=state, age=day - dt.timedelta(minutes=1), owner=bob)
    upload("old-imported", state="imported", age=10 * day, owner=bob)
    upload("old-but-working", state="importing", age=2 * day, heartbeat=dt.timedelta(minutes=1), owner=bob)
    upload("old-and-stalled", state="checking", age=2 * day, heartbeat=STALLED_AFTER * 2, owner=bob)

    assert discard_stale_uploads() == "4 stale upload(s) deleted"

    assert sorted(Upload.objects.values_list("file_name", flat=True)) == [
        "new-checked", "new-failed", "new-uploaded", "old-but-working", "old-imported"]
    assert discard_stale_uploads() == "0 stale upload(s) deleted"
