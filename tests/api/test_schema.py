"""The OpenAPI schema: generated from the code, valid, and kept by the live API (schemathesis sends
it generated requests, good and bad, and finds no server error and no answer the schema does not
allow); the docs pages that show it, served from MLTrack's own static files."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
import requests
from django.core.management import call_command
from django.urls import reverse

from api import services
from api.models import ApiToken
from common.actors import Actor
from tests.api.conftest import Api, make_token
from tests.conftest import make_user
from tests.factories import make_model, record_review

# Generated requests per operation and mode: enough to walk each parameter's values, bounded so
# that the whole run stays about a minute on two cores (60 operations since the systems, agents and
# card diffs: 64 s measured on a shared two-core machine; the budget leaves room for a busy one).
EXAMPLES = 6
TIME_BUDGET_SECONDS = 90


@pytest.mark.django_db
def test_the_schema_is_valid_openapi_3_without_warnings(tmp_path):
    path = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))

    text = path.read_text()
    assert text.startswith("openapi: 3.0.3")
    for endpoint in ("/api/v1/models/", "/api/v1/compliance/check/", "/api/v1/reports/jobs/{id}/file/",
                     "/api/v1/systems/{id}/", "/api/v1/agents/{id}/card/diff/"):
        assert f"  {endpoint}:" in text


@pytest.mark.django_db
def test_every_operation_documents_the_error_body(erin):
    schema = Api(make_token(erin)).client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()

    assert schema["components"]["securitySchemes"]["tokenAuth"] == {
        "type": "http", "scheme": "bearer", "description": schema["components"]["securitySchemes"]["tokenAuth"][
            "description"]}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status in ("400", "401", "403", "404", "429"):
                assert operation["responses"][status]["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/Error"}, (method, path, status)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["api:docs", "api:redoc"])
def test_the_docs_pages_load_nothing_from_another_server(client, erin, name):
    client.force_login(erin)

    html = client.get(reverse(name)).content.decode()

    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(source.startswith("/") for source in sources), sources
    # No inline code, and a policy that lets the browser load nothing from elsewhere.
    assert "<style" not in html and not re.search(r"<script>", html)
    policy = client.get(reverse(name))["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self';" in policy and "img-src 'self' data:;" in policy
    for source in sources:
        if source.startswith("/static/"):
            assert client.get(source).status_code == 200, source


@pytest.mark.django_db
def test_swagger_ui_starts_from_a_script_file_of_its_own(client, erin):
    client.force_login(erin)

    html = client.get(reverse("api:docs")).content.decode()
    script = client.get(reverse("api:docs") + "?script=")

    assert script.status_code == 200 and b"SwaggerUIBundle" in script.content
    assert b'"validatorUrl": null' in script.content


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["api:docs", "api:redoc"])
def test_the_docs_pages_send_people_to_sign_in(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 302 and response.url.startswith(reverse("login"))


# The live API against its live schema --------------------------------------------------------------


@pytest.fixture
def live_inventory(transactional_reviews, monkeypatch):
    """An administrator's token and something to find behind every path: models, a review, a job, a
    system and an agent."""
    from cards import services as card_services
    from reports import tasks
    from reports.models import ReportJob

    # Reports asked for are queued, not rendered: the worker is not what this test is about.
    monkeypatch.setattr(tasks.render_report_job, "delay", lambda job_id: None)
    carol = make_user("carol", "administrator")
    reviewed = make_model(model_name="fraud-gbm", deployment_date=dt.date(2026, 6, 1))
    make_model(model_name="chat-assist", risk_tier="critical", data_classification="")
    record_review(reviewed, review_date=dt.date(2026, 11, 1))
    # A system and an agent, each with a published card, behind /systems/{id}/ and /agents/{id}/.
    trusted = Actor(name="tests", trusted=True)
    now = dt.datetime(2026, 11, 27, tzinfo=dt.UTC)
    for kind, save in (("system", card_services.save_system), ("agent", card_services.save_agent)):
        subject = save(data={"name": f"live {kind}", "ai_models": ["fraud-gbm"]}, actor=trusted)
        card_services.publish_card(kind=kind, subject=subject, actor=trusted, now=now, today=now.date())
    ReportJob.objects.create(kind="risk", format="csv", requested_by=carol, requested_by_name="carol",
                             requested_at=dt.datetime(2026, 11, 27, tzinfo=dt.UTC), as_of=dt.date(2026, 11, 27))
    return carol


def _valid_token(carol, current: dict[str, str]) -> dict[str, str]:
    """The administrator's token; a new one if a generated DELETE /tokens/{id} revoked it."""
    if not ApiToken.objects.filter(digest=services.digest_of(current["secret"]), revoked_at=None).exists():
        current["secret"] = services.create_token(actor=Actor.for_user(carol), name="schemathesis", read_only=False,
                                                  expires_in_days=None, now=dt.datetime.now(dt.UTC)).secret
    return {"Authorization": f"Bearer {current['secret']}"}


def test_the_live_api_keeps_to_its_schema(live_server, live_inventory):
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from schemathesis import GenerationMode
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    carol = live_inventory
    token = {"secret": make_token(carol, name="schemathesis")}
    raw = requests.get(f"{live_server.url}/api/v1/schema/", timeout=60,
                       headers={**_valid_token(carol, token), "Accept": "application/json"}).json()
    schema = schemathesis.openapi.from_dict(raw)
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    session = requests.Session()
    started = time.monotonic()
    tried: list[str] = []

    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            if time.monotonic() - started > TIME_BUDGET_SECONDS:
                break

            @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True, print_blob=False,
                      phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy(generation_mode=mode))
            def keeps_to_the_schema(case) -> None:
                case.call_and_validate(base_url=live_server.url, session=session, headers=_valid_token(carol, token),
                                       checks=checks)

            keeps_to_the_schema()
            tried.append(f"{operation.label} ({mode.value})")

    # Every operation was tried both ways within the time budget.
    assert len(tried) == 2 * len(list(schema.get_all_operations())), tried
