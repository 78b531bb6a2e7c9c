"""Query strings and form posts carrying NUL, control characters, bad dates or undecodable bytes:
every page answers as for any other bad value (the filters ignored or a field error), never with a
server error, on SQLite and on PostgreSQL (which refuses NUL in a query)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from common.middleware import NUL_MESSAGE
from tests.factories import make_model, record_review

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
HOSTILE_VALUES = ["fraud\x00", "\x1b[2J", "%ff%fe", "\u202e", "9999-12-30", "20250102", "x" * 5000]


@pytest.fixture
def model(today):
    model = make_model(model_name="fraud-v2")
    record_review(model)
    return model


@pytest.mark.parametrize("value", HOSTILE_VALUES)
@pytest.mark.parametrize(
    ("url_name", "parameters"),
    [
        ("inventory:list", ["q", "vendor", "business_line", "risk_tier", "review", "sort", "page"]),
        ("reviews:trail", ["model", "reviewer", "outcome", "date_from", "date_to", "page"]),
        ("reports:dashboard", ["vendor", "business_line", "risk_tier", "refresh"]),
        ("compliance:evaluation", ["vendor", "rule", "risk_tier"]),
        ("admin:inventory_aimodel_changelist", ["q", "vendor__exact"]),
        ("admin:reviews_modelreview_changelist", ["q", "review_date__gte"]),
    ],
)
def test_list_pages_never_fail_on_a_hostile_query(client, bob, model, url_name, parameters, value):
    client.force_login(bob)
    for parameter in parameters:
        response = client.get(reverse(url_name), {parameter: value})
        assert response.status_code in (200, 302, 400), (parameter, response.status_code)


@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_report_pages_never_fail_on_a_hostile_query(client, bob, model, value):
    client.force_login(bob)
    for kind in ("inventory", "compliance", "risk"):
        response = client.get(reverse("reports:report", args=[kind]), {"vendor": value, "risk_tier": value})
        assert response.status_code in (200, 400), (kind, response.status_code)


@pytest.mark.parametrize("value", ["bob\x00", "\x1b[2J", "b" * 5000])
def test_the_login_form_never_fails_on_a_hostile_username(client, bob, value):
    response = client.post(reverse("login"), {"username": value, "password": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_a_query_string_with_nul_is_a_bad_request_before_any_view(client, bob):
    client.force_login(bob)
    for url in ("/models/?q=fraud%00", "/admin/inventory/aimodel/?vendor__exact=%00", "/reports/%00/",
                "/models/?%00=1"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert response.content.decode() == NUL_MESSAGE
