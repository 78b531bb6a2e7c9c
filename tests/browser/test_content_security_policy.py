"""Every page of the console and the admin works under the Content-Security-Policy header: the
browser reports no blocked script, style or fetch, and the dashboard still refreshes itself."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django_celery_beat.models import PeriodicTask
from playwright.sync_api import expect

from common.middleware import CONTENT_SECURITY_POLICY
from mltrack_site.scheduler import install_defaults
from notifications.models import AuditAlarm, ScheduledReport
from reports.models import ReportJob
from tests.browser.conftest import log_in
from tests.conftest import make_user
from tests.factories import make_model, record_review

pytestmark = [pytest.mark.browser]


@pytest.fixture
def administrator(transactional_reviews):
    return make_user("admin.user", "administrator")


def watch_violations(page) -> list[str]:
    """What the browser says it blocked: Chromium writes each CSP violation to the console."""
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    return blocked


def test_no_page_needs_anything_the_policy_blocks(page, live_server, administrator):
    today = dt.date.today()
    model = make_model(model_name="credit-decision-gbm", risk_tier="critical", today=today)
    review = record_review(model, today=today, review_date=today).review
    job = ReportJob.objects.create(
        kind="risk", format="pdf", requested_by=administrator, requested_by_name="admin.user",
        requested_at=dt.datetime.now(dt.UTC), as_of=today, stage="Waiting for the worker",
    )
    from transfers.models import Upload

    uploads = [
        Upload.objects.create(
            uploaded_by=administrator, uploaded_at=dt.datetime.now(dt.UTC), file_name="bank.csv", format="csv",
            content=b"model_name\nx\n", size=12, state=state, heartbeat_at=dt.datetime.now(dt.UTC),
            columns=[{"table": "models", "header": "model_name", "field": "model_name", "suggested": None,
                      "samples": ["x"]}],
        )
        for state in ("uploaded", "checking")  # the mapping step, and a check the page follows (its script)
    ]
    # The notification pages, with an audit-trail alarm's banner on every page and a scheduler job.
    now = dt.datetime.now(dt.UTC)
    AuditAlarm.objects.create(raised_at=now, last_seen_at=now, summary="BROKEN at record #1: altered")
    schedule = ScheduledReport.objects.create(name="Weekly risk", kind="risk", format="pdf", recipients="a@bank.example",
                                              created_by_name="admin.user", created_at=now, updated_at=now)
    install_defaults(settings.CELERY_BEAT_SCHEDULE)
    job_row = PeriodicTask.objects.get(name="send-review-digests")
    # A registry last read with one untracked model (its page, and the adoption form).
    from tests.registries.fakes import FakeRegistry, make_registry, reconcile, version

    registry = make_registry()
    finding = reconcile(registry, FakeRegistry(version("registered-scorer", 1))).findings.get()
    blocked = watch_violations(page)
    log_in(page, live_server, "admin.user")
    urls = [
        reverse("transfers:upload"), *(upload.get_absolute_url() for upload in uploads),
        reverse("notifications:subscriptions"), reverse("notifications:deliveries"),
        reverse("notifications:schedules"), reverse("notifications:schedule", args=[schedule.pk]),
        reverse("notifications:alarms"), reverse("admin:django_celery_beat_periodictask_change", args=[job_row.pk]),
        reverse("reports:dashboard"), reverse("inventory:list"), reverse("inventory:create"),
        reverse("inventory:detail", args=[model.pk]), reverse("inventory:edit", args=[model.pk]),
        reverse("inventory:policy"), reverse("reviews:trail"), reverse("reviews:detail", args=[review.pk]),
        reverse("reviews:verify"), reverse("compliance:evaluation"), reverse("reports:index"),
        reverse("reports:report", args=["inventory"]), reverse("reports:report", args=["risk"]),
        job.get_absolute_url(), reverse("admin:index"), reverse("admin:inventory_aimodel_changelist"),
        reverse("admin:inventory_aimodel_change", args=[model.pk]), reverse("inventory:policy-publish"),
        reverse("cards:card", args=["model", model.pk]), reverse("cards:edit", args=["model", model.pk]),
        reverse("cards:list", args=["system"]), reverse("cards:create", args=["agent"]),
        reverse("registries:list"), reverse("registries:detail", args=[registry.pk]),
        reverse("registries:adopt", args=[finding.pk]), reverse("admin:registries_registry_change", args=[registry.pk]),
    ]
    for url in urls:
        response = page.goto(f"{live_server.url}{url}")
        assert response.status == 200, url
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY, url
        page.wait_for_load_state("networkidle")
    assert blocked == []


def test_the_dashboard_still_refreshes_itself_under_the_policy(page, live_server, administrator):
    today = dt.date.today()
    make_model(model_name="first-model", today=today)
    blocked = watch_violations(page)
    # The page's timers run on a clock the test moves, so the auto-refresh fires when the test says.
    page.clock.install()
    log_in(page, live_server, "admin.user")
    page.goto(f"{live_server.url}/?refresh=30")
    expect(page.locator('[data-figure="tile:total"]')).to_have_attribute("data-count", "1")

    make_model(model_name="added-meanwhile", today=today)
    page.clock.run_for("00:31")

    expect(page.locator('[data-figure="tile:total"]')).to_have_attribute("data-count", "2")
    assert blocked == []
