"""inventory.bulk.insert_objects and insert_history store every value as Django would save it, on
either database (PostgreSQL takes them through COPY, SQLite through one prepared INSERT)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from inventory.bulk import build_instance, insert_history, insert_objects, next_ids
from inventory.models import AIModel, ReviewPolicy, RiskTier
from inventory.scheduling import schedule
from tests.factories import make_model

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 6, 10, 0, 0, 123456, tzinfo=dt.UTC)
# What COPY's text format and SQL quoting must both carry through untouched.
AWKWARD_TEXT = "tab\there, line\nbreak, back\\slash, \\N, 'quotes' \"both\", NUL-free ünïcödé ✓, \r\nend"


def _built(name: str, today: dt.date, **extra) -> AIModel:
    values = {"model_name": name, "vendor": "In-house", "risk_tier": "high", "use_case": "Scores payments",
              "business_owner": "Ann", "technical_owner": "Risk ML", "deployment_date": dt.date(2026, 1, 5),
              "model_type": "ml", "status": "active", **extra}
    model = build_instance(AIModel, values)
    model.name_key = name.lower()
    schedule(model, ReviewPolicy.objects.in_force(on=today))
    model.state_hash = model.compute_state_hash()
    model.created_at = model.updated_at = NOW
    return model


def test_awkward_text_choices_members_empty_values_and_timestamps_read_back_as_given(today, carol):
    models = [
        _built("awkward", today, notes=AWKWARD_TEXT, owner=carol, risk_tier=RiskTier.CRITICAL),
        _built("plain", today, notes="", model_version=""),
    ]
    for model, pk in zip(models, next_ids(AIModel, len(models))):
        model.pk = pk
    insert_objects(models)
    insert_history(models, user=carol, actor_name="Carol", reason="bulk insert test", when=NOW)

    awkward, plain = AIModel.objects.filter(pk__in=[m.pk for m in models]).order_by("model_name")
    assert (awkward.notes, awkward.risk_tier, awkward.owner_id, awkward.created_at) == (
        AWKWARD_TEXT, "critical", carol.pk, NOW)
    assert (plain.notes, plain.model_version, plain.owner_id) == ("", "", None)
    assert awkward.next_review_date == models[0].next_review_date and awkward.review_policy_id == models[0].review_policy_id
    assert awkward.compute_state_hash() == awkward.state_hash == models[0].state_hash
    entry = awkward.history.get()
    assert (entry.notes, entry.history_user_id, entry.history_actor, entry.history_date, entry.history_type) == (
        AWKWARD_TEXT, carol.pk, "Carol", NOW, "+")
    assert models[0]._state.adding is False


def test_a_column_of_mixed_types_is_prepared_value_by_value(today):
    # A text column that holds a choices member in one row and plain text in another.
    models = [_built("member", today, risk_tier=RiskTier.LOW), _built("text", today, risk_tier="medium")]
    for model, pk in zip(models, next_ids(AIModel, len(models))):
        model.pk = pk
    insert_objects(models)
    assert dict(AIModel.objects.values_list("model_name", "risk_tier")) == {"member": "low", "text": "medium"}


def test_a_taken_name_is_djangos_integrity_error_and_the_transaction_goes_on_rolled_back(today):
    make_model(model_name="taken")
    clash = _built("taken", today)
    clash.pk = next_ids(AIModel, 1)[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_objects([clash])
    assert AIModel.objects.filter(model_name="taken").count() == 1
