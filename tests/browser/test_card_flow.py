"""A model owner fills in her model's card, publishes it twice, and compares the two versions, in a
real browser. Screenshots go to test-artifacts/."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from cards.models import CardVersion
from inventory.models import AIModel
from tests.browser.conftest import log_in
from tests.conftest import make_user
from tests.factories import make_model

pytestmark = [pytest.mark.browser]


@pytest.fixture
def owner(transactional_reviews):
    return make_user("model.owner", "model-owner")


def test_an_owner_fills_in_publishes_and_compares_her_card(page, live_server, owner, artifacts):
    today = dt.date.today()
    model = make_model(model_name="card-scoring", owner=owner, deployment_date=today - dt.timedelta(days=30),
                       today=today)
    log_in(page, live_server, "model.owner")

    page.goto(f"{live_server.url}{model.get_absolute_url()}")
    expect(page.locator("#model-card")).to_contain_text("No card has been published for this model.")
    page.get_by_role("link", name="Open the model card").click()
    expect(page.locator(".card-document__empty, .card-document__complete")).to_contain_text("Still empty: Intended use, Out-of-scope uses")
    page.get_by_role("link", name="Edit the card").click()
    page.get_by_label("Intended use").fill("Score card-not-present transactions for fraud.")
    page.get_by_label("Limitations").fill("Weak on merchants it has never seen.")
    page.get_by_role("button", name="Save").click()

    expect(page.locator(".card-document__empty, .card-document__complete")).not_to_contain_text("Intended use,")
    expect(page.locator("#card")).to_contain_text("Weak on merchants it has never seen.")
    page.get_by_role("button", name="Publish this card").click()
    expect(page.get_by_text("Published version 1 of the card of card-scoring.")).to_be_visible()

    page.get_by_role("link", name="Edit the card").click()
    page.get_by_label("Limitations").fill("Weak on merchants it has never seen, and on refunds.")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Publish this card").click()
    expect(page.get_by_text("Published version 2 of the card of card-scoring.")).to_be_visible()
    page.screenshot(path=str(artifacts / "card-published.png"), full_page=True)

    page.get_by_role("button", name="Compare versions").click()
    row = page.locator("#card-diff tr", has_text="sections.limitations.text")
    expect(row).to_contain_text("Weak on merchants it has never seen.")
    expect(row).to_contain_text("and on refunds.")
    page.screenshot(path=str(artifacts / "card-diff.png"), full_page=True)

    assert list(CardVersion.objects.order_by("version").values_list("version", "published_by")) == [
        (1, "model.owner"), (2, "model.owner")]
    model = AIModel.objects.get(pk=model.pk)
    assert model.card_state_hash == model.state_hash
