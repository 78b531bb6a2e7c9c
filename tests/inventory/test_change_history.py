from __future__ import annotations

import pytest

from inventory import services
from inventory.history import model_history
from tests.factories import make_model

pytestmark = pytest.mark.django_db


def test_it_records_who_changed_what_from_and_to(today, bob):
    model = make_model(vendor="OpenAI", actor=services.Actor.for_user(bob))
    services.update_model(
        model=model, changes={"vendor": "Anthropic", "notes": "Switched"}, actor=services.Actor.for_user(bob), today=today
    )
    latest, created = model_history(model)
    assert latest.kind == "changed" and latest.actor == "bob"
    changed = {c.field: (c.old, c.new) for c in latest.changes}
    assert changed == {"vendor": ("OpenAI", "Anthropic"), "notes": ("", "Switched")}
    assert created.kind == "created"
    snapshot = model.history.earliest("history_date")
    assert snapshot.history_user == bob and snapshot.history_actor == "bob"


def test_it_attributes_changes_by_an_operator_without_an_account(today):
    model = make_model(actor=services.Actor.os_user("jsmith"))
    assert model.history.get().history_actor == "os:jsmith"
    assert model.history.get().history_user is None


def test_it_shows_linked_rows_by_name(today, alice, bob):
    model = make_model(actor=services.Actor.for_user(bob))
    services.update_model(model=model, changes={"owner": alice}, actor=services.Actor.for_user(bob), today=today)
    change = model_history(model)[0].changes[0]
    assert (change.field, change.old, change.new) == ("owner_id", None, "alice")


def test_the_history_of_a_model_takes_constant_queries(today, django_assert_num_queries):
    model = make_model()
    for i in range(5):
        services.update_model(model=model, changes={"notes": f"n{i}"}, actor=services.Actor(name="t", trusted=True), today=today)
    with django_assert_num_queries(2):  # snapshots + policy names (no owner linked)
        entries = model_history(model)
    assert len(entries) == 6


def test_it_shows_choices_by_their_labels(today):
    model = make_model(deployment_environment="dev")
    services.update_model(model=model, changes={"deployment_environment": "prod"}, actor=services.Actor(name="t", trusted=True), today=today)
    change = model_history(model)[0].changes[0]
    assert (change.old, change.new) == ("Development", "Production")
