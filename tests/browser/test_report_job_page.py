"""The page of a report made in the background, in a real browser: it follows the job without a
reload until the file is ready, and stops with a message once the session has ended."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from playwright.sync_api import expect

from reports.models import ReportJob
from tests.browser.conftest import log_in
from tests.conftest import make_user

pytestmark = [pytest.mark.browser]


@pytest.fixture
def job(transactional_reviews) -> ReportJob:
    officer = make_user("risk.officer", "model-risk-officer")
    return ReportJob.objects.create(
        kind="risk", format="pdf", requested_by=officer, requested_by_name="risk.officer",
        requested_at=timezone.now(), as_of=timezone.localdate(), stage="Waiting for the worker",
    )


def panel(page):
    return page.get_by_role("region", name="Progress")


def open_job_page(page, live_server, job: ReportJob) -> None:
    # The page's timers run on a clock the test moves, so each poll happens when the test says.
    page.clock.install()
    log_in(page, live_server, "risk.officer")
    page.goto(f"{live_server.url}{job.get_absolute_url()}")
    expect(panel(page).get_by_role("status")).to_contain_text("Queued: Waiting for the worker")


def test_the_page_follows_the_job_until_its_file_is_ready(page, live_server, job):
    open_job_page(page, live_server, job)

    ReportJob.objects.filter(pk=job.pk).update(state="running", progress=40, stage="Laying out pages")
    page.clock.run_for(2_000)
    expect(panel(page).get_by_role("status")).to_contain_text("Running: Laying out pages")
    expect(page.get_by_role("progressbar", name="Progress")).to_have_attribute("value", "40")
    expect(page.get_by_role("link", name="Download the file")).to_be_hidden()

    ReportJob.objects.filter(pk=job.pk).update(state="done", progress=100, stage="Done", sha256="ab" * 32)
    page.clock.run_for(2_000)
    expect(panel(page).get_by_role("status")).to_have_text("Done", use_inner_text=True)
    expect(page.get_by_role("link", name="Download the file")).to_have_attribute("href", f"{job.get_absolute_url()}file/")
    expect(page.get_by_text("ab" * 32)).to_be_visible()


def test_the_page_stops_and_says_so_when_the_session_ends(page, live_server, job):
    open_job_page(page, live_server, job)

    Session.objects.all().delete()
    page.clock.run_for(2_000)
    expect(panel(page).get_by_role("alert")).to_contain_text("Your session has ended")
    # No more polling: the job's progress no longer reaches the page.
    ReportJob.objects.filter(pk=job.pk).update(state="running", progress=40, stage="Laying out pages")
    page.clock.run_for(10_000)
    expect(panel(page).get_by_role("status")).to_contain_text("Queued: Waiting for the worker")
