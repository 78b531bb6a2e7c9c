"""Who owns a model is the services' rule, whatever interface asks: a model owner owns what they
register and cannot hand a model over; model risk officers and administrators assign anyone."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from inventory import services
from inventory.models import AIModel
from tests.factories import make_model, model_data

pytestmark = pytest.mark.django_db


def test_it_makes_a_model_owner_the_owner_of_what_they_register(alice, today):
    model = services.create_model(data=model_data(), actor=services.Actor.for_user(alice), today=today)
    assert model.owner == alice


def test_it_refuses_a_model_owner_naming_someone_else(alice, bob, today):
    with pytest.raises(ValidationError) as exc_info:
        services.create_model(data=model_data(owner=bob), actor=services.Actor.for_user(alice), today=today)
    assert exc_info.value.message_dict == {"owner": [services.OWNER_IS_YOURSELF_MESSAGE.format(username="alice")]}
    assert not AIModel.objects.exists()


def test_it_lets_a_model_owner_name_themselves(alice, today):
    model = services.create_model(data=model_data(owner=alice), actor=services.Actor.for_user(alice), today=today)
    assert model.owner == alice


def test_it_lets_a_risk_officer_assign_anyone_or_no_one(alice, bob, today):
    actor = services.Actor.for_user(bob)
    assert services.create_model(data=model_data(owner=alice), actor=actor, today=today).owner == alice
    assert services.create_model(data=model_data(), actor=actor, today=today).owner is None


def test_it_refuses_a_model_owner_handing_their_model_over(alice, bob, today):
    model = make_model(owner=alice)
    with pytest.raises(ValidationError) as exc_info:
        services.update_model(model=model, changes={"owner": bob}, actor=services.Actor.for_user(alice), today=today)
    assert exc_info.value.message_dict == {"owner": [services.OWNER_ASSIGNMENT_MESSAGE]}
    assert AIModel.objects.get(pk=model.pk).owner == alice


def test_it_lets_an_administrator_change_the_owner(alice, bob, carol, today):
    model = make_model(owner=alice)
    services.update_model(model=model, changes={"owner": bob}, actor=services.Actor.for_user(carol), today=today)
    assert AIModel.objects.get(pk=model.pk).owner == bob


def test_the_console_form_makes_the_registering_owner_the_owner(client, alice):
    client.force_login(alice)
    data = {key: value.isoformat() if hasattr(value, "isoformat") else value for key, value in model_data().items()}
    # The form offers no owner field to a model owner, and a forged one changes nothing.
    response = client.post("/models/new/", {**data, "owner": "999"})
    assert response.status_code == 302
    assert AIModel.objects.get().owner == alice


def test_check_changes_reports_every_problem_and_saves_nothing(alice, bob, today):
    model = make_model(owner=alice, status="decommissioned")
    with pytest.raises(ValidationError) as exc_info:
        services.check_changes(
            model=model, changes={"status": "active", "risk_tier": "extreme", "deployment_date": "2099-01-01"},
            actor=services.Actor.for_user(bob), today=today,
        )
    assert set(exc_info.value.message_dict) == {"status", "risk_tier", "deployment_date"}
    # Neither the caller's object nor the row moved.
    assert (model.status, model.risk_tier) == ("decommissioned", "high")
    stored = AIModel.objects.get(pk=model.pk)
    assert (stored.status, stored.risk_tier) == ("decommissioned", "high")
