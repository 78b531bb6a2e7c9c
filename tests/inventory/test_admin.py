from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from inventory.models import AIModel, ReviewPolicy
from tests.factories import make_model, model_data

pytestmark = pytest.mark.django_db


def admin_post_data(**overrides):
    data = model_data(**overrides)
    data["deployment_date"] = str(data["deployment_date"])
    data.setdefault("status", "active")
    data.setdefault("owner", "")
    return {k: v for k, v in data.items() if v is not None}


def test_it_lists_models_with_the_inventory_filters(client, bob, django_assert_max_num_queries):
    for _ in range(5):
        make_model()
    client.force_login(bob)
    # session, user, permissions, filters' distinct vendors, page, count... bounded whatever the size
    with django_assert_max_num_queries(12):
        response = client.get(reverse("admin:inventory_aimodel_changelist") + "?review=overdue&risk_tier__exact=high")
    assert response.status_code == 200


def test_adding_in_the_admin_goes_through_the_service(client, bob, today):
    client.force_login(bob)
    response = client.post(reverse("admin:inventory_aimodel_add"), admin_post_data(model_name="admin-added"))
    assert response.status_code == 302, response.content.decode()[:2000]
    model = AIModel.objects.get(model_name="admin-added")
    assert model.next_review_date == dt.date(2026, 6, 1) + dt.timedelta(days=90)
    assert model.history.get().history_actor == "bob"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"deployment_date": "2099-01-01"}, "cannot be in the future"),
        ({"vendor": "   "}, "This field is required"),
        ({"api_endpoint": "ftp://x"}, "http:// or https:// URL"),
        ({"risk_tier": "extreme"}, "Select a valid choice"),
        ({"technical_owner": ""}, "This field is required"),
        ({"model_name": "x" * 201}, "at most 200 characters"),
        ({"deployment_date": "01/06/2026"}, "Deployment date must be a date written YYYY-MM-DD"),
        ({"use_case": "u" * 2001}, "at most 2000 characters"),
    ],
)
def test_the_admin_shows_field_errors_and_saves_nothing(client, bob, overrides, message):
    client.force_login(bob)
    response = client.post(reverse("admin:inventory_aimodel_add"), admin_post_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AIModel.objects.exists()


def test_the_admin_refuses_a_duplicate_name_in_another_case(client, bob):
    make_model(model_name="Fraud-V2")
    client.force_login(bob)
    response = client.post(reverse("admin:inventory_aimodel_add"), admin_post_data(model_name="FRAUD-v2"))
    assert "already exists" in response.content.decode()
    assert AIModel.objects.count() == 1


def test_the_admin_refuses_a_deployment_date_after_the_last_review(client, bob):
    model = make_model(deployment_date=dt.date(2026, 1, 1))
    AIModel.objects.filter(pk=model.pk).update(last_review_date=dt.date(2026, 3, 1))
    client.force_login(bob)
    url = reverse("admin:inventory_aimodel_change", args=[model.pk])
    response = client.post(url, admin_post_data(model_name=model.model_name, deployment_date="2026-04-01"))
    assert "after the model&#x27;s first review record, on 2026-03-01" in response.content.decode()
    assert AIModel.objects.get(pk=model.pk).deployment_date == dt.date(2026, 1, 1)


def test_the_admin_enforces_the_lifecycle(client, bob):
    model = make_model(status="decommissioned")
    client.force_login(bob)
    url = reverse("admin:inventory_aimodel_change", args=[model.pk])
    response = client.post(url, admin_post_data(model_name=model.model_name, status="active"))
    assert "decommissioned model is final" in response.content.decode()
    assert AIModel.objects.get(pk=model.pk).status == "decommissioned"


def test_the_examiner_reads_but_cannot_change_in_the_admin(client, erin):
    model = make_model()
    client.force_login(erin)
    assert client.get(reverse("admin:inventory_aimodel_changelist")).status_code == 200
    assert client.get(reverse("admin:inventory_aimodel_add")).status_code == 403
    response = client.post(reverse("admin:inventory_aimodel_change", args=[model.pk]), admin_post_data(vendor="X"))
    assert response.status_code == 403
    assert AIModel.objects.get(pk=model.pk).vendor == "In-house"


def test_a_reviewed_model_cannot_be_deleted_in_the_admin(client, bob):
    model = make_model()
    AIModel.objects.filter(pk=model.pk).update(last_review_date=dt.date(2026, 10, 1))
    client.force_login(bob)
    response = client.post(reverse("admin:inventory_aimodel_delete", args=[model.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert AIModel.objects.filter(pk=model.pk).exists()


def test_publishing_from_the_admin_goes_to_the_consoles_page_with_its_preview(client, carol):
    client.force_login(carol)

    response = client.get(reverse("admin:inventory_reviewpolicy_add"))

    assert response.status_code == 302 and response["Location"] == reverse("inventory:policy-publish")
    assert ReviewPolicy.objects.count() == 1


def test_policy_versions_cannot_be_edited_or_deleted(client, carol, bob):
    policy = ReviewPolicy.objects.get(version=1)
    client.force_login(carol)
    response = client.post(reverse("admin:inventory_reviewpolicy_change", args=[policy.pk]), {"critical_days": 1})
    assert ReviewPolicy.objects.get(pk=policy.pk).critical_days == 30
    assert client.post(reverse("admin:inventory_reviewpolicy_delete", args=[policy.pk]), {"post": "yes"}).status_code == 403
    client.force_login(bob)
    assert client.get(reverse("admin:inventory_reviewpolicy_add")).status_code == 403
    assert response.status_code in (200, 403)
