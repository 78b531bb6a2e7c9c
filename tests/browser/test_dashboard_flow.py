"""The dashboard in a real browser: a model risk officer filters it, follows a number to its list,
adds and reviews a model, and watches the figures follow, by reload and by auto-refresh."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from inventory.models import AIModel
from reports.models import ComplianceSnapshot
from tests.browser.conftest import add_model_through_form, log_in
from tests.conftest import make_user
from tests.factories import make_model

pytestmark = [pytest.mark.browser]


@pytest.fixture
def officer(transactional_reviews):
    return make_user("risk.officer", "model-risk-officer")


def take_snapshots(today: dt.date, days: int) -> None:
    """Compliance snapshots for each of the ``days`` days before today, as the scheduler leaves them."""
    for offset in range(days, 0, -1):
        passed = 20 + (days - offset) // 3 + (offset % 4 == 0)
        ComplianceSnapshot.objects.create(
            day=today - dt.timedelta(days=offset), evaluated=40, passed=passed, failed=40 - passed, overdue=40 - passed,
            ruleset_version="2026.11.1", ruleset_hash="0" * 64, source=ComplianceSnapshot.Source.SCHEDULED,
            taken_at=timezone.now(),
        )


def tile(page, key: str):
    return page.locator(f'[data-figure="tile:{key}"]')


def test_the_dashboard_follows_a_risk_officers_work(page, live_server, officer, artifacts):
    today = timezone.localdate()
    make_model(model_name="credit-decision-gbm", risk_tier="critical", deployment_date=today - dt.timedelta(days=100),
               today=today)
    make_model(model_name="aml-screening", risk_tier="high", deployment_date=today - dt.timedelta(days=10), today=today)
    make_model(model_name="chat-assistant", risk_tier="low", vendor="OpenAI", deployment_environment="staging",
               deployment_date=today - dt.timedelta(days=10), today=today)
    take_snapshots(today, days=30)
    # The page's timers run on a clock the test moves, so the auto-refresh fires when the test says.
    page.clock.install()
    log_in(page, live_server, "risk.officer")

    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    expect(tile(page, "total")).to_have_attribute("data-count", "3")
    expect(tile(page, "overdue")).to_have_attribute("data-count", "1")
    expect(page.get_by_role("img", name="Models by risk tier")).to_be_visible()
    expect(page.get_by_role("img", name="Compliance rate over time")).to_be_visible()

    # A filter narrows the page and stays in the URL.
    page.get_by_label("Risk tier", exact=True).select_option("critical")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/?*risk_tier=critical*")
    expect(tile(page, "total")).to_have_attribute("data-count", "1")
    expect(page.get_by_label("Risk tier", exact=True)).to_have_value("critical")
    page.reload()
    expect(tile(page, "total")).to_have_attribute("data-count", "1")

    # A number leads to the list of exactly its models, filters included.
    tile(page, "overdue").click()
    page.wait_for_url("**/models/?risk_tier=critical&review=overdue")
    expect(page.get_by_text("1 model matches")).to_be_visible()
    expect(page.locator("table.table--inventory tbody tr")).to_have_count(1)
    expect(page.get_by_role("link", name="credit-decision-gbm")).to_be_visible()

    # Add a model through the console: one more model, one more overdue review.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(tile(page, "total")).to_have_attribute("data-count", "3")
    add_model_through_form(page, live_server, "fraud-detector-v2", deployed=today - dt.timedelta(days=100))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(tile(page, "total")).to_have_attribute("data-count", "4")
    expect(tile(page, "overdue")).to_have_attribute("data-count", "2")
    expect(tile(page, "never")).to_have_attribute("data-count", "4")

    # Record its review through the console: the review is no longer overdue.
    page.get_by_role("region", name="Reviews needed in the next 30 days").get_by_role(
        "link", name="fraud-detector-v2"
    ).click()
    page.get_by_label("Review date").fill(today.isoformat())
    page.get_by_label("Passed", exact=True).check()
    page.get_by_label("Reviewer").fill("Jane Smith (Model Risk)")
    page.get_by_label("Notes").last.fill("Quarterly review completed.")
    page.get_by_role("button", name="Record review").click()
    expect(page.get_by_text("Effect on the review schedule")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(tile(page, "total")).to_have_attribute("data-count", "4")
    expect(tile(page, "overdue")).to_have_attribute("data-count", "1")
    expect(tile(page, "never")).to_have_attribute("data-count", "3")

    # Auto-refresh: choosing an interval goes into the URL without a reload; new data shows up
    # in place when the interval has passed, and the page (with this marker) is still the same.
    page.evaluate("window.dashboardMarker = 'same page'")
    updated = page.locator("[data-updated] time").get_attribute("datetime")
    page.get_by_label("Auto-refresh").select_option("30")
    expect(page).to_have_url(f"{live_server.url}/?refresh=30")
    make_model(model_name="late-arrival", risk_tier="medium", deployment_date=today - dt.timedelta(days=400),
               today=today)
    page.clock.run_for("00:29")
    expect(tile(page, "total")).to_have_attribute("data-count", "4")
    page.clock.run_for("00:02")
    expect(tile(page, "total")).to_have_attribute("data-count", "5")
    expect(tile(page, "overdue")).to_have_attribute("data-count", "2")
    expect(page.locator("[data-updated] time")).not_to_have_attribute("datetime", updated)
    assert page.evaluate("window.dashboardMarker") == "same page"
    expect(tile(page, "total")).to_have_class(re.compile(r"\bis-changed\b"))
    expect(page.get_by_role("link", name="late-arrival").first).to_be_visible()

    # ...and it keeps going after the swap, reading the filters from the URL.
    AIModel.objects.filter(model_name="late-arrival").delete()
    page.clock.run_for("00:31")
    expect(tile(page, "total")).to_have_attribute("data-count", "4")
    assert page.evaluate("window.dashboardMarker") == "same page"

    # People who prefer less motion get no glow.
    page.emulate_media(reduced_motion="reduce")
    assert tile(page, "total").evaluate("element => getComputedStyle(element).animationName") == "none"
    page.emulate_media(reduced_motion="no-preference")

    page.screenshot(path=str(artifacts / "dashboard.png"), full_page=True, animations="disabled")


def test_an_examiner_sees_the_dashboard_without_the_add_button(page, live_server, transactional_reviews):
    make_user("examiner", "examiner")
    make_model(model_name="chat-assistant", today=timezone.localdate())
    log_in(page, live_server, "examiner")

    expect(tile(page, "total")).to_have_attribute("data-count", "1")
    expect(page.get_by_role("link", name="Add a model")).to_have_count(0)


def test_a_user_without_a_role_is_told_why_there_is_no_dashboard(page, live_server, transactional_reviews):
    make_user("outsider")
    log_in(page, live_server, "outsider")

    expect(page.get_by_text("You do not have a role that can see the inventory.")).to_be_visible()
