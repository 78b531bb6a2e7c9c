"""Governance in a real browser: publishing a review policy version after seeing what it changes, and
decommissioning a model with its confirmation and reason. Screenshots go to test-artifacts/."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from inventory.models import AIModel, ReviewPolicy
from tests.browser.conftest import log_in
from tests.conftest import make_user
from tests.factories import make_model

pytestmark = [pytest.mark.browser]


@pytest.fixture
def administrator(transactional_reviews):
    return make_user("admin.user", "administrator")


@pytest.fixture
def officer(transactional_reviews):
    return make_user("risk.officer", "model-risk-officer")


def test_an_administrator_previews_then_publishes_a_policy_version(page, live_server, administrator, artifacts):
    today = dt.date.today()
    make_model(model_name="pricing-gbm", risk_tier="high", deployment_date=today - dt.timedelta(days=70), today=today)
    log_in(page, live_server, "admin.user")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Review policy").click()
    page.get_by_role("link", name="Publish a new version").click()
    expect(page.get_by_label("High (days)")).to_have_value("90")
    page.get_by_label("High (days)").fill("60")
    page.get_by_label("Approval reference").fill("Model Risk Committee, minutes 14")
    page.get_by_label("Rationale").fill("High-tier models drift faster than a quarterly review catches.")
    page.get_by_role("button", name="Check and preview").click()

    impact = page.get_by_role("region", name=f"What it would change on {today.isoformat()}")
    expect(impact).to_contain_text("1 model would have their next review date moved, and 1 would become overdue at once.")
    page.screenshot(path=str(artifacts / "policy-preview.png"), full_page=True)
    assert ReviewPolicy.objects.count() == 1

    page.get_by_role("button", name="Publish version 2").click()
    page.wait_for_url(f"{live_server.url}/review-policy/")
    expect(page.get_by_role("heading", name="In force today: version 2")).to_be_visible()
    page.screenshot(path=str(artifacts / "policy-published.png"), full_page=True)
    assert AIModel.objects.get().next_review_date == today - dt.timedelta(days=10)


def test_a_policy_version_with_cycles_out_of_order_is_explained_on_the_form(page, live_server, administrator):
    log_in(page, live_server, "admin.user")
    page.goto(f"{live_server.url}/review-policy/publish/")
    page.get_by_label("Critical (days)").fill("400")
    page.get_by_label("Approval reference").fill("MRC 2026")
    page.get_by_label("Rationale").fill("A test of the guard rails.")
    page.get_by_role("button", name="Check and preview").click()

    expect(page.get_by_text("A critical model is never reviewed less often than a high one").first).to_be_visible()
    expect(page.get_by_role("button", name="Publish version 2")).to_have_count(0)


def test_an_officer_decommissions_a_model_after_confirming_with_a_reason(page, live_server, officer, artifacts):
    model = make_model(model_name="legacy-scorecard", risk_tier="medium", today=dt.date.today())
    log_in(page, live_server, "risk.officer")
    page.goto(f"{live_server.url}{model.get_absolute_url()}")

    page.get_by_role("link", name="Decommission…").click()
    expect(page.get_by_role("alert")).to_contain_text("Decommissioning is final.")
    # A blank reason (the browser lets spaces through) is refused by the server, which says so.
    page.get_by_label("Why is it decommissioned?").fill("   ")
    page.get_by_role("button", name="Decommission legacy-scorecard").click()
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    page.get_by_label("Why is it decommissioned?").fill("Replaced by the 2027 scorecard.")
    page.screenshot(path=str(artifacts / "decommission-confirm.png"), full_page=True)
    page.get_by_role("button", name="Decommission legacy-scorecard").click()

    page.wait_for_url(f"{live_server.url}{model.get_absolute_url()}")
    expect(page.get_by_text("decommissioned: Replaced by the 2027 scorecard.")).to_be_visible()
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)
    expect(page.get_by_role("link", name="Delete…")).to_have_count(0)
    page.screenshot(path=str(artifacts / "decommissioned.png"), full_page=True)
    assert AIModel.objects.get().status == "decommissioned"
