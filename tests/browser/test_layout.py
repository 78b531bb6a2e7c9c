"""The console laid out at the laptop widths a bank's staff use (1280 and 1366 px): nothing runs off
the side of a page, chart labels never run into their bars, and the review form's parts sit where
they belong. Screenshots go to test-artifacts/."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.browser.conftest import log_in
from tests.conftest import make_user
from tests.factories import make_model

pytestmark = [pytest.mark.browser]

WIDTHS = (1280, 1366)
PAGES = ("/", "/models/", "/compliance/", "/reports/", "/reports/compliance/", "/reviews/", "/review-policy/",
         "/packages/", "/imports/", "/notifications/")
# Long business-line names, the kind that ran into their bars.
LINES = ("Commercial Banking", "Wealth Management", "Global Markets and Treasury Operations", "Cards")


@pytest.fixture
def officer(transactional_reviews):
    today = timezone.localdate()
    for number, line in enumerate(LINES):
        make_model(model_name=f"model-{number}", business_line=line, deployment_date=today - dt.timedelta(days=30),
                   today=today)
    return make_user("risk.officer", "model-risk-officer")


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_overflows_sideways(browser, live_server, officer, artifacts, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    log_in(page, live_server, "risk.officer")
    overflowing = {}
    for path in PAGES:
        page.goto(f"{live_server.url}{path}")
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            overflowing[path] = scroll_width
            page.screenshot(path=artifacts / f"overflow-{width}-{path.strip('/').replace('/', '-') or 'dashboard'}.png",
                            full_page=True)
    # The reports page's filter: both its buttons stay inside the card.
    page.goto(f"{live_server.url}/reports/")
    card = page.locator("section.filters").bounding_box()
    clear = page.get_by_role("link", name="Clear").bounding_box()
    page.screenshot(path=artifacts / f"reports-{width}.png", full_page=True)
    context.close()

    assert overflowing == {}
    assert clear["x"] + clear["width"] <= card["x"] + card["width"]


def test_bar_labels_end_before_their_bars(page, live_server, officer, artifacts):
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "risk.officer")
    chart = page.get_by_role("img", name="Models by business line")
    chart.scroll_into_view_if_needed()
    chart.screenshot(path=artifacts / "business-line-chart.png")

    # The labels' viewport (which clips a label too long for it) ends before the first bar starts.
    labels_end = chart.evaluate("svg => svg.querySelector('.bar-labels').getBoundingClientRect().right")
    bars_start = chart.evaluate(
        "svg => Math.min(...[...svg.querySelectorAll('.chart__track')].map(bar => bar.getBoundingClientRect().left))")
    assert labels_end < bars_start
    # The full name stays readable as the label's tooltip.
    tooltips = chart.evaluate("svg => [...svg.querySelectorAll('.chart__label title')].map(title => title.textContent)")
    assert sorted(tooltips) == sorted(LINES)


def test_the_review_form_is_laid_out(page, live_server, officer, artifacts):
    model = make_model(model_name="fraud-detection-gbm")
    log_in(page, live_server, "risk.officer")
    page.goto(f"{live_server.url}/models/{model.pk}/reviews/new/")
    page.screenshot(path=artifacts / "review-form.png", full_page=True)

    heading = page.get_by_role("heading", name="Record a review of fraud-detection-gbm").bounding_box()
    form_panel = page.locator("section.panel").first.bounding_box()
    box = page.get_by_role("checkbox", name="I performed this review").bounding_box()
    label = page.locator(".field__check .field__label").bounding_box()
    notes = page.get_by_label("Notes").bounding_box()
    button = page.get_by_role("button", name="Record review").bounding_box()

    assert form_panel["y"] - (heading["y"] + heading["height"]) >= 12  # the heading has room to breathe
    # The box sits just before its label, on the same line, not floating mid-column.
    assert 0 <= label["x"] - (box["x"] + box["width"]) <= 16
    assert abs((box["y"] + box["height"] / 2) - (label["y"] + label["height"] / 2)) <= 4
    assert button["y"] - (notes["y"] + notes["height"]) >= 12
