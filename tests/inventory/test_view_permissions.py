"""Who may open and do what in the inventory pages, persona by persona."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from inventory.models import AIModel, Status
from tests.factories import make_model, model_data

# The views take "today" from the clock; pin it to the personas' TODAY (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def form_data(**overrides: Any) -> dict[str, str]:
    data = model_data(**overrides)
    return {key: value.isoformat() if isinstance(value, dt.date) else str(value) for key, value in data.items()}


def urls(model: AIModel) -> dict[str, str]:
    return {
        "list": reverse("inventory:list"),
        "policy": reverse("inventory:policy"),
        "create": reverse("inventory:create"),
        "sample-data": reverse("reviews:sample-data"),
        "detail": reverse("inventory:detail", args=[model.pk]),
        "edit": reverse("inventory:edit", args=[model.pk]),
        "status": reverse("inventory:status", args=[model.pk]),
        "delete": reverse("inventory:delete", args=[model.pk]),
    }


POST_ONLY = {"status", "sample-data"}


# Anonymous


@pytest.mark.parametrize("name", ["list", "policy", "create", "sample-data", "detail", "edit", "status", "delete"])
def test_it_sends_anonymous_visitors_to_the_login_page(client, name):
    model = make_model()
    url = urls(model)[name]

    response = client.post(url, {"status": "deprecated", "count": "5"}) if name in POST_ONLY else client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"
    model.refresh_from_db()
    assert model.status == Status.ACTIVE
    assert AIModel.objects.count() == 1


def test_it_refuses_anonymous_deletes(client):
    model = make_model()

    response = client.post(urls(model)["delete"])

    assert response.status_code == 302
    assert AIModel.objects.filter(pk=model.pk).exists()


# Charlie: signed in, no role


@pytest.mark.parametrize("name", ["list", "policy", "create", "detail", "edit", "delete"])
def test_it_forbids_a_user_without_a_role(client, charlie, name):
    model = make_model()
    client.force_login(charlie)

    response = client.get(urls(model)[name])

    assert response.status_code == 403
    assert "You do not have permission" in response.content.decode()


# Erin: examiner, read-only


@pytest.mark.parametrize("name", ["list", "policy", "detail"])
def test_it_lets_an_examiner_read(client, erin, name):
    model = make_model()
    client.force_login(erin)

    assert client.get(urls(model)[name]).status_code == 200


def test_it_shows_an_examiner_no_write_controls(client, erin):
    model = make_model()
    client.force_login(erin)
    links = urls(model)

    listing = client.get(links["list"]).content.decode()
    detail = client.get(links["detail"]).content.decode()

    assert links["create"] not in listing
    assert links["sample-data"] not in listing
    for name in ("edit", "status", "delete"):
        assert links[name] not in detail


@pytest.mark.parametrize(
    ("method", "name", "data"),
    [
        ("get", "create", {}),
        ("post", "create", "form"),
        ("get", "edit", {}),
        ("post", "edit", "form"),
        ("post", "status", {"status": "deprecated"}),
        ("get", "delete", {}),
        ("post", "delete", {}),
        ("post", "sample-data", {"count": "5"}),
    ],
)
def test_it_forbids_an_examiner_to_change_anything(client, erin, method, name, data):
    model = make_model(model_name="examined")
    client.force_login(erin)
    if data == "form":
        data = form_data(model_name="changed-by-examiner")

    response = getattr(client, method)(urls(model)[name], data)

    assert response.status_code == 403
    assert list(AIModel.objects.values_list("model_name", "status")) == [("examined", Status.ACTIVE)]


# Alice: model owner, edits only her own models


def test_it_lets_a_model_owner_edit_her_own_model(client, alice):
    model = make_model(model_name="alices-model", owner=alice)
    client.force_login(alice)

    page = client.get(urls(model)["edit"])
    response = client.post(urls(model)["edit"], form_data(model_name="alices-model", vendor="OpenAI"))

    assert page.status_code == 200
    assert "id_owner" not in page.content.decode()  # she cannot hand the model to someone else
    assert response.status_code == 302
    model.refresh_from_db()
    assert model.vendor == "OpenAI"


def test_a_model_owner_may_not_retire_or_retier_her_own_model(client, alice):
    # Segregation of duties: tier and lifecycle belong to model risk officers and administrators.
    model = make_model(owner=alice, risk_tier="medium")
    client.force_login(alice)

    assert client.post(urls(model)["status"], {"status": "decommissioned"}).status_code == 403
    page = client.get(model.get_absolute_url()).content.decode()
    assert urls(model)["status"] not in page  # no lifecycle buttons offered
    form = client.get(urls(model)["edit"]).context["form"]
    assert form.fields["risk_tier"].disabled
    # A forged tier in the edit form is ignored (the field is disabled), the rest is saved.
    client.post(urls(model)["edit"], {**form_data(model_name=model.model_name), "risk_tier": "low", "vendor": "Acme"})

    model.refresh_from_db()
    assert (model.status, model.risk_tier, model.vendor) == (Status.ACTIVE, "medium", "Acme")


def test_it_lets_a_risk_officer_change_the_status(client, bob):
    model = make_model()
    client.force_login(bob)

    client.post(urls(model)["status"], {"status": "deprecated"})

    model.refresh_from_db()
    assert model.status == Status.DEPRECATED


@pytest.mark.parametrize("owned_by", ["bob", None])
def test_it_forbids_a_model_owner_to_edit_other_models(client, alice, bob, owned_by):
    model = make_model(model_name="not-hers", owner=bob if owned_by else None)
    client.force_login(alice)
    links = urls(model)

    detail = client.get(links["detail"])
    edit_page = client.get(links["edit"])
    edit = client.post(links["edit"], form_data(model_name="not-hers", vendor="OpenAI"))
    status = client.post(links["status"], {"status": "deprecated"})

    assert detail.status_code == 200
    assert links["edit"] not in detail.content.decode()
    assert (edit_page.status_code, edit.status_code, status.status_code) == (403, 403, 403)
    model.refresh_from_db()
    assert (model.vendor, model.status) == ("In-house", Status.ACTIVE)


def test_it_forbids_a_model_owner_to_delete(client, alice):
    model = make_model(owner=alice)
    client.force_login(alice)

    page = client.get(urls(model)["delete"])
    response = client.post(urls(model)["delete"])

    assert (page.status_code, response.status_code) == (403, 403)
    assert AIModel.objects.filter(pk=model.pk).exists()


def test_it_makes_a_model_owner_the_owner_of_what_she_adds(client, alice, bob):
    client.force_login(alice)

    # Even a hand-crafted owner field is ignored: the form has none for her role.
    response = client.post(urls(make_model())["create"], form_data(model_name="alices-new-model", owner=str(bob.pk)))

    assert response.status_code == 302
    assert AIModel.objects.get(model_name="alices-new-model").owner == alice


def test_it_forbids_a_model_owner_to_generate_sample_data(client, alice):
    client.force_login(alice)

    response = client.post(reverse("reviews:sample-data"), {"count": "5"})

    assert response.status_code == 403
    assert not AIModel.objects.exists()


# Bob: model risk officer, edits and deletes any model


@pytest.mark.parametrize("owned_by", ["alice", None])
def test_it_lets_a_model_risk_officer_edit_any_model(client, alice, bob, owned_by):
    model = make_model(model_name="any-model", owner=alice if owned_by else None)
    client.force_login(bob)

    response = client.post(
        urls(model)["edit"], form_data(model_name="any-model", vendor="AWS", owner=str(alice.pk))
    )

    assert response.status_code == 302
    model.refresh_from_db()
    assert (model.vendor, model.owner) == ("AWS", alice)


def test_it_lets_a_model_risk_officer_delete(client, alice, bob):
    model = make_model(owner=alice)
    client.force_login(bob)

    response = client.post(urls(model)["delete"])

    assert response.status_code == 302
    assert not AIModel.objects.filter(pk=model.pk).exists()


def test_it_forbids_a_model_risk_officer_to_generate_sample_data(client, bob):
    client.force_login(bob)

    response = client.post(reverse("reviews:sample-data"), {"count": "5"})

    assert response.status_code == 403
    assert not AIModel.objects.exists()


# Carol: administrator


def test_it_lets_only_an_administrator_generate_sample_data(client, carol):
    client.force_login(carol)

    listing = client.get(reverse("inventory:list")).content.decode()
    response = client.post(reverse("reviews:sample-data"), {"count": "3"})

    assert "Generate sample data" in listing
    assert response.status_code == 302
    assert AIModel.objects.count() == 3


def test_it_shows_the_admin_link_only_to_staff(client, alice, carol):
    client.force_login(alice)
    as_owner = client.get(reverse("inventory:list")).content.decode()
    client.force_login(carol)
    as_admin = client.get(reverse("inventory:list")).content.decode()

    assert reverse("admin:index") not in as_owner
    assert reverse("admin:index") in as_admin
