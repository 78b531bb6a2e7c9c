"""A model risk officer's day in a real browser: log in, find, add, review, verify."""

from __future__ import annotations

import datetime as dt

import pytest

from inventory.models import AIModel
from reviews.models import ModelReview
from tests.browser.conftest import add_model_through_form, log_in
from tests.conftest import make_user
from tests.factories import make_model

pytestmark = [pytest.mark.browser]


@pytest.fixture
def officer(transactional_reviews):
    return make_user("risk.officer", "model-risk-officer")


def open_inventory(page, live_server) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Inventory").click()
    page.wait_for_url(f"{live_server.url}/models/")


def test_a_risk_officer_adds_a_model_and_records_its_review(page, live_server, officer, artifacts):
    today = dt.date.today()
    make_model(model_name="credit-decision-gbm", risk_tier="critical", today=today)
    log_in(page, live_server, "risk.officer")
    open_inventory(page, live_server)

    page.get_by_label("Risk tier").select_option("critical")
    page.get_by_role("button", name="Apply").click()
    assert page.get_by_role("link", name="credit-decision-gbm").is_visible()

    add_model_through_form(page, live_server, "fraud-detector-v2", deployed=today - dt.timedelta(days=100))
    assert page.get_by_role("heading", name="fraud-detector-v2", level=1).is_visible()

    page.get_by_label("Review date").fill(today.isoformat())
    page.get_by_label("Passed", exact=True).check()
    page.get_by_label("Reviewer").fill("Jane Smith (Model Risk)")
    page.get_by_label("Notes").last.fill("Quarterly review completed.")
    page.get_by_role("button", name="Record review").click()
    assert page.get_by_text("Effect on the review schedule").is_visible()
    page.screenshot(path=str(artifacts / "review-recorded.png"), full_page=True)

    model = AIModel.objects.get(model_name="fraud-detector-v2")
    assert model.last_review_date == today
    assert ModelReview.objects.get().model == model

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit trail").click()
    page.get_by_role("link", name="Verify the chain").click()
    page.get_by_role("button", name="Verify now").click()
    assert page.get_by_text("The trail is intact").is_visible()


def test_an_examiner_sees_no_way_to_change_anything(page, live_server, transactional_reviews):
    make_user("examiner", "examiner")
    make_model(model_name="chat-assistant", today=dt.date.today())
    log_in(page, live_server, "examiner")
    assert page.get_by_role("link", name="Add a model").count() == 0
    open_inventory(page, live_server)
    assert page.get_by_role("link", name="Add a model").count() == 0
    page.get_by_role("link", name="chat-assistant").click()
    for name in ("Edit", "Delete…", "Record review", "Mark deprecated"):
        assert page.get_by_role("button", name=name).count() == 0 and page.get_by_role("link", name=name).count() == 0
