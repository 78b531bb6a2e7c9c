"""/api/v1/dashboard/ (the portfolio's figures, one definition of each number) and
/api/v1/review-policies/ (read by every role, published by administrators through the service)."""

from __future__ import annotations

import datetime as dt

import pytest

from inventory.models import AIModel, ReviewPolicy
from reports.portfolio import build_portfolio
from tests.api.conftest import Api, make_token
from tests.conftest import TODAY
from tests.factories import make_model

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
POLICY = {"effective_date": "2026-11-27", "critical_days": 30, "high_days": 60, "medium_days": 120, "low_days": 300,
          "approval_reference": "Model Risk Committee, 2026-11-20", "rationale": "Shorter cycles for riskier models."}


@pytest.fixture
def inventory():
    make_model(model_name="fraud-gbm", risk_tier="critical", deployment_date=dt.date(2026, 6, 1))
    make_model(model_name="chat-a", vendor="Anthropic", deployment_date=dt.date(2026, 10, 1))
    make_model(model_name="ledger", risk_tier="low", deployment_environment="dev")


def test_the_dashboard_is_the_portfolio(erin, inventory):
    body = Api(make_token(erin)).get("/api/v1/dashboard/").json()

    expected = build_portfolio(AIModel.objects.all(), today=TODAY).as_dict()
    assert body == expected
    assert [line["model"] for line in body["recent_additions"]] == ["ledger", "chat-a", "fraud-gbm"]
    assert (body["total"], body["overdue"], body["compliance"]["evaluated"]) == (3, 1, 3)


def test_the_dashboard_takes_the_consoles_filters(erin, inventory):
    body = Api(make_token(erin)).get("/api/v1/dashboard/", {"risk_tier": "critical", "q": "ignored"}).json()

    assert (body["total"], body["trend"]["scope"]) == (1, "critical")


@pytest.mark.parametrize("query", [{"risk_tier": "extreme"}, {"status": "gone"}, {"deployment_environment": "moon"}])
def test_a_bad_dashboard_filter_is_400(erin, query):
    response = Api(make_token(erin)).get("/api/v1/dashboard/", query)

    assert response.status_code == 400 and set(response.json()["error"]["fields"]) == set(query)


def test_every_role_reads_the_policy_versions(alice):
    body = Api(make_token(alice)).get("/api/v1/review-policies/").json()

    assert [(p["version"], p["critical_days"], p["in_force"]) for p in body] == [(1, 30, True)]


def test_an_administrator_publishes_a_version_that_reschedules_at_once(carol, inventory):
    api = Api(make_token(carol))

    response = api.post("/api/v1/review-policies/", POLICY)

    assert response.status_code == 201, response.content
    assert (response.json()["version"], response.json()["in_force"], response.json()["created_by"]) == (2, True, "carol")
    assert AIModel.objects.get(model_name="fraud-gbm").next_review_date == dt.date(2026, 7, 1)
    assert [p["in_force"] for p in api.get("/api/v1/review-policies/").json()] == [True, False]


def test_a_future_version_is_scheduled_not_in_force(carol):
    api = Api(make_token(carol))

    created = api.post("/api/v1/review-policies/", {**POLICY, "effective_date": "2027-01-01"}).json()

    assert created["in_force"] is False
    assert api.get(f"/api/v1/review-policies/{created['id']}/").json()["effective_date"] == "2027-01-01"


@pytest.mark.parametrize("persona", ["bob", "alice", "erin"])
def test_only_administrators_publish(persona, request):
    response = Api(make_token(request.getfixturevalue(persona))).post("/api/v1/review-policies/", POLICY)

    assert response.status_code == 403 and ReviewPolicy.objects.count() == 1
    assert "may not publish review policy versions" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("change", "field"),
    [({"critical_days": 0}, "critical_days"), ({"low_days": 3661}, "low_days"), ({"effective_date": "soon"},
                                                                                  "effective_date"),
     ({"high_days": "ninety"}, "high_days"), ({"approval_reference": "x" * 201}, "approval_reference")],
)
def test_a_bad_version_is_400(carol, change, field):
    response = Api(make_token(carol)).post("/api/v1/review-policies/", {**POLICY, **change})

    assert response.status_code == 400 and field in response.json()["error"]["fields"]
    assert ReviewPolicy.objects.count() == 1


def test_an_unknown_version_is_404(erin):
    assert Api(make_token(erin)).get("/api/v1/review-policies/424242/").status_code == 404
