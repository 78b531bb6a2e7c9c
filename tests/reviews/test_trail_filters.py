"""The audit trail's filters say what is wrong instead of silently showing nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import make_model, record_review

pytestmark = pytest.mark.django_db


def test_an_inverted_date_range_says_what_is_wrong(client, erin):
    record_review(make_model())
    client.force_login(erin)

    response = client.get(reverse("reviews:trail"), {"date_from": "2026-11-30", "date_to": "2026-11-01"})

    html = response.content.decode()
    assert "“Reviewed from” (2026-11-30) is after “Reviewed until” (2026-11-01): no review can match. Swap them." in html
    assert 'field--invalid' in html


def test_a_range_in_order_filters(client, erin):
    record_review(make_model())
    client.force_login(erin)

    response = client.get(reverse("reviews:trail"), {"date_from": "2026-11-01", "date_to": "2026-11-30"})

    assert "Swap them" not in response.content.decode()
    assert len(response.context["reviews"]) == 1
