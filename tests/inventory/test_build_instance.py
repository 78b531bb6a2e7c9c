"""inventory.bulk.build_instance builds what Django's constructor builds, and the state hash it
remembers is always the hash of the model as it stands."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db.models.signals import post_init

from inventory.bulk import build_instance, insert_objects, next_ids
from inventory.hashing import model_state_hash
from inventory.models import AIModel, ReviewPolicy
from inventory.scheduling import schedule
from reviews.models import ModelReview
from tests.factories import make_model

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 6, 10, 0, tzinfo=dt.UTC)


def _state(obj) -> dict:
    """Everything an object holds: its attributes, and its state (saved or not, database, related cache)."""
    attributes = {key: value for key, value in vars(obj).items() if key != "_state"}
    return {**attributes, "_adding": obj._state.adding, "_db": obj._state.db,
            "_cache": dict(obj._state.fields_cache)}


def _model_values(**extra) -> dict:
    values = {"model_name": "Fraud scorer", "vendor": "In-house", "risk_tier": "high", "use_case": "Scores payments",
              "business_owner": "Ann", "technical_owner": "Risk ML", "deployment_date": dt.date(2026, 1, 5),
              "model_version": "", "deployment_environment": "prod", "api_endpoint": "", "data_classification": "",
              "model_type": "ml", "business_line": "", "notes": "", "status": "active"}
    return {**values, **extra}


@pytest.mark.parametrize("extra", [
    {},
    {"owner": None},
    {"review_policy_id": None, "status": "deprecated"},
    {"notes": "line\nbreak", "last_review_date": dt.date(2026, 3, 1)},
])
def test_it_builds_the_model_djangos_constructor_builds(extra, alice):
    values = _model_values(**extra)
    assert _state(build_instance(AIModel, values)) == _state(AIModel(**values))
    with_owner = {**values, "owner": alice}
    assert _state(build_instance(AIModel, with_owner)) == _state(AIModel(**with_owner))


def test_it_builds_the_review_record_djangos_constructor_builds(today, bob):
    model = make_model()
    policy = ReviewPolicy.objects.in_force(on=today)
    earlier = ModelReview.objects.none().model(id=uuid.uuid4(), model=model)
    for reviewer_user, corrects in ((None, None), (bob, earlier)):
        values = {"id": uuid.UUID(int=7, version=4), "model": model, "model_name": model.model_name,
                  "review_date": today, "reviewer": "Bob", "reviewer_user": reviewer_user, "outcome": "passed",
                  "notes": "", "model_state_hash": model.compute_state_hash(), "policy_version": policy.version,
                  "last_review_before": None, "next_review_before": model.next_review_date,
                  "next_review_date": today, "corrects": corrects, "recorded_by": "Bob", "created_at": NOW}
        assert _state(build_instance(ModelReview, values)) == _state(ModelReview(**values))


def test_a_default_made_per_object_is_made_for_each(today):
    model = make_model()
    first = build_instance(ModelReview, {"model": model})
    second = build_instance(ModelReview, {"model": model})
    assert isinstance(first.id, uuid.UUID) and first.id != second.id


def test_what_it_cannot_build_goes_to_djangos_constructor(today):
    with pytest.raises(TypeError, match="unexpected keyword"):
        build_instance(AIModel, {"no_such_field": 1})
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(receiver, sender=AIModel)
    try:
        built = build_instance(AIModel, _model_values())
    finally:
        post_init.disconnect(receiver, sender=AIModel)
    assert seen == [built]


def test_built_models_insert_as_saved_ones_read_back(today, carol):
    built = build_instance(AIModel, _model_values(owner=carol))
    built.name_key = "fraud scorer"
    schedule(built, ReviewPolicy.objects.in_force(on=today))
    built.state_hash = built.compute_state_hash()
    built.pk = next_ids(AIModel, 1)[0]
    built.created_at = built.updated_at = NOW
    insert_objects([built])
    stored = AIModel.objects.get(pk=built.pk)
    assert (stored.model_name, stored.owner_id, stored.deployment_date, stored.state_hash, stored.created_at) == (
        "Fraud scorer", carol.pk, dt.date(2026, 1, 5), built.state_hash, NOW)


def test_the_remembered_state_hash_follows_every_change(today):
    model = make_model()
    first = model.compute_state_hash()
    assert first == model_state_hash(model.definition())
    model.vendor = model.vendor + " (renamed)"
    assert model.compute_state_hash() == model_state_hash(model.definition()) != first
    model.registered_name, model.registry_name = "fraud", "mlflow"
    assert model.compute_state_hash() == model_state_hash(model.definition())
    model.deployment_date -= dt.timedelta(days=1)
    assert model.compute_state_hash() == model_state_hash(model.definition())
