"""Headless Chromium (Debian's package, never a downloaded browser) driven by Playwright."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("MLTRACK_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists() or shutil.which(CHROMIUM):
        return
    skip = pytest.mark.skip(reason=f"Chromium is not installed at {CHROMIUM} (apt-get install chromium; .ci/run does)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Once Playwright runs its event loop in this thread, Django sees an async context; the tests'
    # own ORM calls are still plain synchronous calls, so let them through for this session.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


PASSWORD = "correct-horse-battery"  # tests.conftest.make_user's


def log_in(page, live_server, username: str) -> None:
    """Sign in through the login form; the console opens on the dashboard."""
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")


def add_model_through_form(page, live_server, name: str, *, deployed: dt.date) -> None:
    """Add a high-risk in-house model with the console's form; ends on the new model's page."""
    page.get_by_role("link", name="Add a model").click()
    page.get_by_label("Model name").fill(name)
    page.get_by_label("Vendor").fill("In-house")
    page.get_by_label("Risk tier").select_option("high")
    page.get_by_label("Use case").fill("Real-time card fraud detection")
    page.get_by_label("Business owner").fill("Jane Smith (Cards)")
    page.get_by_label("Technical owner").fill("Fraud Data Science")
    page.get_by_label("Deployment date").fill(deployed.isoformat())
    page.get_by_role("button", name="Add model").click()
    page.wait_for_url(f"{live_server.url}/models/*/")


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
