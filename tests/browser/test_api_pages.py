"""The API's pages in a real browser: making a token on the console, and the browsable docs, which
render the live schema from MLTrack's own files and ask no other server for anything."""

from __future__ import annotations

import pytest

from api.models import ApiToken
from tests.browser.conftest import log_in
from tests.conftest import make_user

pytestmark = [pytest.mark.browser]


@pytest.fixture
def examiner(transactional_reviews):
    return make_user("examiner", "examiner")


def test_an_examiner_makes_a_read_only_token_shown_once(page, live_server, examiner):
    log_in(page, live_server, "examiner")
    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Name").fill("audit script")
    page.get_by_label("Read only").check()
    page.get_by_role("button", name="Make token").click()

    secret = page.get_by_label("The new token").input_value()
    assert secret.startswith("mlt_") and ApiToken.objects.get().read_only
    page.reload()  # the form was sent before a redirect: a reload makes no second token
    assert page.get_by_label("The new token").count() == 0
    assert page.get_by_role("row", name="audit script").is_visible() and ApiToken.objects.count() == 1


@pytest.mark.parametrize("path", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_the_docs_render_the_live_schema_from_this_server_alone(page, live_server, examiner, artifacts, path):
    loaded: list[str] = []
    page.on("requestfinished", lambda request: loaded.append(request.url))
    blocked: dict[str, str] = {}
    page.on("requestfailed", lambda request: blocked.update({request.url: request.failure or ""}))
    log_in(page, live_server, "examiner")

    page.goto(live_server.url + path)
    # An operation's summary from the live schema, once the page has rendered it.
    page.get_by_text("List models").first.wait_for(state="attached")
    page.wait_for_load_state("networkidle")

    page.screenshot(path=str(artifacts / f"api-{path.strip('/').split('/')[-1]}.png"), full_page=False)
    ours = (live_server.url, f"blob:{live_server.url}", "data:")
    assert any(url.startswith(f"{live_server.url}/static/drf_spectacular_sidecar/") for url in loaded)
    assert [url for url in loaded if not url.startswith(ours)] == []
    # ReDoc's bundle asks its vendor's CDN for a logo: the page's policy stops it in the browser.
    assert all(why == "csp" for url, why in blocked.items() if not url.startswith(ours)), blocked
