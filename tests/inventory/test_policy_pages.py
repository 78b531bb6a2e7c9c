"""Publishing and withdrawing review policy versions in the console."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from inventory.models import AIModel, ReviewPolicy
from tests.factories import make_model

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
URL = "/review-policy/publish/"
VERSION = {"effective_date": "2026-11-27", "critical_days": 30, "high_days": 60, "medium_days": 180, "low_days": 365,
           "approval_reference": "Model Risk Committee, 2026-11-20", "rationale": "High-tier models drift faster."}


def test_the_form_starts_from_the_version_in_force(client, carol):
    client.force_login(carol)

    response = client.get(reverse("inventory:policy-publish"))

    form = response.context["form"]
    assert (form.initial["critical_days"], form.initial["low_days"], form.initial["effective_date"]) == (
        30, 365, "2026-11-27")


def test_the_preview_says_what_would_change_and_publishes_nothing(client, carol):
    make_model(risk_tier="high", deployment_date=dt.date(2026, 9, 1))  # due 2026-11-30; at 60 days 2026-10-31
    client.force_login(carol)

    response = client.post(URL, {**VERSION, "action": "preview"})

    assert response.status_code == 200
    html = " ".join(response.content.decode().split())
    assert "<strong>1</strong> model would have their next review date moved" in html
    assert "<strong>1</strong> would become overdue at once" in html
    assert 'value="publish"' in html
    assert ReviewPolicy.objects.count() == 1
    assert AIModel.objects.get().next_review_date == dt.date(2026, 11, 30)


def test_confirming_publishes_and_reschedules(client, carol):
    model = make_model(risk_tier="high", deployment_date=dt.date(2026, 9, 1))
    client.force_login(carol)

    response = client.post(URL, {**VERSION, "action": "publish"})

    assert response.status_code == 302 and response["Location"] == reverse("inventory:policy")
    policy = ReviewPolicy.objects.get(version=2)
    assert (policy.rationale, policy.created_by) == ("High-tier models drift faster.", "carol")
    model.refresh_from_db()
    assert model.next_review_date == dt.date(2026, 10, 31)


@pytest.mark.parametrize("persona", ["bob", "alice", "erin"])
def test_only_administrators_publish(client, persona, request):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(URL).status_code == 403
    assert client.post(URL, {**VERSION, "action": "publish"}).status_code == 403
    assert ReviewPolicy.objects.count() == 1


def test_a_scheduled_version_is_withdrawn_with_its_reason_and_stays_listed(client, carol):
    client.force_login(carol)
    client.post(URL, {**VERSION, "effective_date": "2027-01-01", "action": "publish"})
    policy = ReviewPolicy.objects.get(version=2)

    response = client.post(reverse("inventory:policy-withdraw", args=[policy.pk]), {"reason": "Sent back."})
    page = client.get(reverse("inventory:policy")).content.decode()

    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.withdrawal_reason == "Sent back." and policy.withdrawn_by == "carol"
    assert "Withdrawn</span>" in page and "Sent back." in page


def test_withdrawing_a_version_in_force_is_refused_with_the_reason(client, carol):
    client.force_login(carol)

    response = client.post(reverse("inventory:policy-withdraw", args=[ReviewPolicy.objects.get().pk]),
                           {"reason": "oops"}, follow=True)

    assert "Version 1 was not withdrawn: Version 1 took effect on 1900-01-01" in response.content.decode()
    assert ReviewPolicy.objects.get().withdrawn_at is None


@pytest.mark.parametrize("persona", ["bob", "erin"])
def test_only_administrators_withdraw(client, carol, persona, request):
    client.force_login(carol)
    client.post(URL, {**VERSION, "effective_date": "2027-01-01", "action": "publish"})
    client.force_login(request.getfixturevalue(persona))

    response = client.post(reverse("inventory:policy-withdraw", args=[ReviewPolicy.objects.get(version=2).pk]),
                           {"reason": "mine"})

    assert response.status_code == 403
    assert ReviewPolicy.objects.get(version=2).withdrawn_at is None
