"""Importing a bank's spreadsheet in a real browser: upload, match the columns (a suggestion for
an unfamiliar header), the preview with every row's problems, confirm; then the export of the list."""

from __future__ import annotations

import datetime as dt

import pytest

from inventory.models import AIModel
from tests.browser.conftest import log_in
from tests.conftest import make_user

pytestmark = [pytest.mark.browser]


@pytest.fixture
def officer(transactional_reviews):
    return make_user("risk.officer", "model-risk-officer")


def bank_file(tmp_path, today: dt.date):
    deployed = (today - dt.timedelta(days=40)).isoformat()
    path = tmp_path / "bank-inventory.csv"
    path.write_text(
        "Model inventory (exported from the risk register)\n"
        "Model Name,Provider,Risk Rating,Purpose,Model Owner,Development Team,Deploymnt date,Internal ref\n"
        f"claims-triage,AWS,High,Claims routing,Maria Garcia,Claims DS,{deployed},R-17\n"
        f"doc-summary,In-house,Severe,Summaries,Tom Reed,NLP,{deployed},R-18\n"
        f"chat-assist,Anthropic,Medium,Customer chat,Ana Lee,AI Eng,{deployed},R-19\n"
    )
    return path


def test_a_risk_officer_imports_a_spreadsheet_after_seeing_its_problems(page, live_server, officer, artifacts, tmp_path):
    today = dt.date.today()
    log_in(page, live_server, "risk.officer")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Inventory").click()
    page.get_by_role("link", name="Import a file").click()

    page.get_by_label("Inventory file").set_input_files(str(bank_file(tmp_path, today)))
    page.get_by_role("button", name="Upload and match columns").click()
    page.wait_for_url(f"{live_server.url}/imports/*/")
    assert page.get_by_role("heading", name="1. Match the columns").is_visible()
    # "Deploymnt date" is not a header MLTrack knows: the deployment date is suggested for it.
    assert page.get_by_label("Deploymnt date").input_value() == "deployment_date"
    assert page.get_by_label("Internal ref").input_value() == ""
    page.screenshot(path=str(artifacts / "import-1-mapping.png"), full_page=True)

    page.get_by_role("button", name="Check every row").click()
    assert page.get_by_role("heading", name="2. Preview").is_visible()
    assert page.get_by_text("'severe' is not allowed here").is_visible()
    page.screenshot(path=str(artifacts / "import-2-preview.png"), full_page=True)
    assert not AIModel.objects.exists()

    page.get_by_label("Import the rows without problems and leave out the rest").check()
    page.get_by_role("button", name="Import", exact=True).click()
    assert page.get_by_text("Imported: the rows without problems").is_visible()
    page.screenshot(path=str(artifacts / "import-3-outcome.png"), full_page=True)
    assert sorted(AIModel.objects.values_list("model_name", flat=True)) == ["chat-assist", "claims-triage"]

    page.get_by_role("link", name="See the inventory").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    content = open(download.value.path(), encoding="utf-8").read()
    assert content.startswith("model_name,vendor,risk_tier") and "claims-triage,AWS,high" in content
