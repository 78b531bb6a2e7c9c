"""What every console page shares: the icon, the navigation a role may use, the way out of a refusal."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import make_user

pytestmark = pytest.mark.django_db

NAV_PAGES = {"Dashboard": "reports:dashboard", "Inventory": "inventory:list", "Compliance": "compliance:evaluation",
             "Reports": "reports:index", "Exam packages": "packages:index", "Review policy": "inventory:policy"}


def test_the_icon_browsers_ask_for_is_the_consoles_mark(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"].endswith("img/mltrack-mark.svg")


@pytest.mark.parametrize("role", ["administrator", "model-risk-officer", "model-owner", "examiner"])
def test_every_navigation_link_opens_for_the_role_that_sees_it(client, role):
    client.force_login(make_user(f"user-{role}", role))
    html = client.get(reverse("reports:dashboard")).content.decode()

    for label, name in NAV_PAGES.items():
        if f">{label}</a>" in html:
            assert client.get(reverse(name)).status_code == 200, label


def test_an_account_without_a_role_sees_no_link_it_cannot_open_and_whom_to_ask(client, settings):
    settings.MLTRACK_ACCESS_CONTACT = "the model risk office (mrm-access@bank.example)"
    client.force_login(make_user("newcomer"))

    response = client.get(reverse("reports:dashboard"))

    assert response.status_code == 403
    html = response.content.decode()
    for label in NAV_PAGES:
        assert f">{label}</a>" not in html
    assert "Your account (newcomer) has no role in MLTrack yet" in html
    assert "Ask the model risk office (mrm-access@bank.example) to give it one" in html
    assert reverse("inventory:list") not in html
