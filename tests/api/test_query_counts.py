"""Every list endpoint answers in a fixed number of queries, whatever the number of rows: pinned here,
each budget counted out, with few rows and with many."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cards.models import AISystem
from cards.services import publish_card, save_agent, save_system
from common.actors import Actor
from inventory.models import AIModel
from reports.models import ReportJob
from tests.api.conftest import Api, make_token
from tests.conftest import NOW
from tests.factories import make_model, record_review

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

# Signing in with a token: the token with its account (its last use is written at most once a
# minute, so not in a measured request). Then the role check: the account's permissions and its
# groups' permissions.
SIGN_IN = 1
ROLE_CHECK = 2
TRUSTED = Actor(name="tests", trusted=True)

BUDGETS = {
    # The count, the page (owner and policy version joined).
    "/api/v1/models/": SIGN_IN + ROLE_CHECK + 2,
    "/api/v1/models/?risk_tier=high&review=never&sort=-next_review&q=fraud": SIGN_IN + ROLE_CHECK + 2,
    # The count, the page (reviewer accounts joined).
    "/api/v1/reviews/": SIGN_IN + ROLE_CHECK + 2,
    # The evaluated count, the failing models with their violation masks, the page's messages.
    "/api/v1/compliance/evaluation/": SIGN_IN + ROLE_CHECK + 3,
    # ... and the passing models of the page.
    "/api/v1/compliance/evaluation/?result=all&page_size=100": SIGN_IN + ROLE_CHECK + 4,
    # The version in force, the versions.
    "/api/v1/review-policies/": SIGN_IN + ROLE_CHECK + 2,
    # The count, the page.
    "/api/v1/reports/jobs/": SIGN_IN + ROLE_CHECK + 2,
    # The count, the page of package jobs.
    "/api/v1/packages/": SIGN_IN + ROLE_CHECK + 2,
    # The count, the page (no role check: your own tokens).
    "/api/v1/tokens/": SIGN_IN + 2,
    # The latest change id, then the portfolio: every count in two, three short lists (the high-risk
    # one in up to two), the trend. Cached until the inventory changes: then the change id alone.
    "/api/v1/dashboard/": SIGN_IN + ROLE_CHECK + 1 + 7,
    # The count, the page (owner accounts joined), the page's member models.
    "/api/v1/systems/": SIGN_IN + ROLE_CHECK + 3,
    "/api/v1/systems/?q=system&owner=bob": SIGN_IN + ROLE_CHECK + 3,
    "/api/v1/agents/": SIGN_IN + ROLE_CHECK + 3,
    "/api/v1/agents/?autonomy_level=supervised&q=agent": SIGN_IN + ROLE_CHECK + 3,
}


def inventory_of(count: int, owner) -> None:
    """Failing models (never reviewed, overdue, without a card) and, from the third, passing ones
    (reviewed, with a current card)."""
    for i in range(count):
        model = make_model(owner=owner, risk_tier=["critical", "high"][i % 2], deployment_date=dt.date(2026, 6, 1),
                           with_current_card=i % 3 == 2)
        if i % 3 == 2:
            record_review(model, review_date=dt.date(2026, 11, 1))
        ReportJob.objects.create(kind="risk", format="pdf", requested_by=owner, requested_by_name="bob",
                                 requested_at=NOW, as_of=NOW.date())
        ReportJob.objects.create(kind="package", format="zip", filters={"framework": "sr26-2", "scope": "all"},
                                 requested_by=owner, requested_by_name="bob", requested_at=NOW, as_of=NOW.date())
        make_token(owner, name=f"token {i}")
        # An AI system and an agent per model, each with the models so far as members.
        members = list(AIModel.objects.values_list("model_name", flat=True))
        save_system(data={"name": f"system {model.pk}", "ai_models": members, "owner": owner}, actor=TRUSTED)
        save_agent(data={"name": f"agent {model.pk}", "ai_models": members, "owner": owner}, actor=TRUSTED)
        publish_card(kind="system", subject=AISystem.objects.order_by("pk").first(), actor=TRUSTED, now=NOW,
                     today=NOW.date())


def queries(api: Api, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = api.get(url)
    assert response.status_code == 200, response.content
    return len(captured)


@pytest.mark.parametrize("url", sorted(BUDGETS))
def test_a_list_endpoint_answers_in_a_fixed_number_of_queries(bob, url):
    api = Api(make_token(bob))
    api.get("/api/v1/me/")  # the token's first use (written once)
    inventory_of(3, bob)
    with_few = queries(api, url)
    inventory_of(12, bob)
    with_many = queries(api, url)

    assert with_few == with_many == BUDGETS[url]


def test_a_cards_versions_are_read_in_a_fixed_number_of_queries(bob):
    api = Api(make_token(bob))
    api.get("/api/v1/me/")
    inventory_of(3, bob)
    url = f"/api/v1/systems/{AISystem.objects.order_by('pk').first().pk}/card/versions/"
    with_few = queries(api, url)
    inventory_of(12, bob)  # twelve more versions of the same system's card

    # The system (its owner joined), its models (prefetched with it), the versions.
    assert with_few == queries(api, url) == SIGN_IN + ROLE_CHECK + 3


def test_the_dashboard_is_one_read_when_nothing_changed(bob):
    inventory_of(3, bob)
    api = Api(make_token(bob))
    api.get("/api/v1/dashboard/")

    assert queries(api, "/api/v1/dashboard/") == SIGN_IN + ROLE_CHECK + 1


def test_a_console_session_costs_two_queries_to_sign_in(client, bob):
    # The session and its account, instead of the token.
    inventory_of(2, bob)
    client.force_login(bob)

    with CaptureQueriesContext(connection) as captured:
        assert client.get("/api/v1/models/").status_code == 200

    assert len(captured) == 2 + ROLE_CHECK + 2


def test_the_check_verdict_for_one_model_is_a_few_queries(bob):
    inventory_of(5, bob)
    api = Api(make_token(bob))
    api.get("/api/v1/me/")
    name = make_model(model_name="gated", deployment_date=dt.date(2026, 6, 1)).model_name

    # The model by name, the evaluated count, the failing row, its messages' facts, the passing list
    # (empty): as `mltrack check NAME --json` reads it.
    assert queries(api, f"/api/v1/compliance/check/?model={name}") == SIGN_IN + ROLE_CHECK + 5
