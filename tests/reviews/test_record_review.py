from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from inventory import services as inventory_services
from inventory.models import AIModel
from reviews import hashing
from reviews.models import ModelReview
from reviews.services import BLANK_REVIEWER_MESSAGE, ReviewInput, record_review
from tests.factories import make_model
from tests.factories import record_review as record

pytestmark = pytest.mark.django_db
ACTOR = inventory_services.Actor(name="tests", trusted=True)


def test_it_records_a_review_and_moves_the_schedule(today, bob):
    model = make_model(risk_tier="critical", deployment_date=dt.date(2026, 10, 1))
    result = record(model, review_date=dt.date(2026, 11, 20), reviewer="Jane Smith", notes="Quarterly check",
                    reviewer_user=bob, actor=inventory_services.Actor.for_user(bob))
    review = result.review
    model.refresh_from_db()
    assert result.schedule_moved
    assert (review.last_review_before, review.next_review_before) == (None, dt.date(2026, 10, 31))
    assert review.next_review_date == model.next_review_date == dt.date(2026, 12, 20)
    assert model.last_review_date == dt.date(2026, 11, 20)
    assert (review.sequence, review.previous_hash) == (1, hashing.GENESIS_HASH)
    assert review.model_name == model.model_name and review.reviewer_user == bob
    assert review.policy_version == 1 and review.recorded_by == "bob"
    assert review.model_state_hash == hashing.model_state_hash(model.definition())
    assert review.chain_hash == hashing.chain_hash(review.chain_record())
    entry = model.history.latest("history_date")
    assert entry.history_change_reason == "review recorded (passed)" and entry.history_actor == "bob"


def test_each_record_chains_to_the_one_before(today):
    model = make_model()
    first = record(model, review_date=dt.date(2026, 10, 1)).review
    second = record(model, review_date=dt.date(2026, 11, 1)).review
    assert second.sequence == 2 and second.previous_hash == first.chain_hash


def test_today_is_accepted_as_a_date(today):
    review = record(make_model(), review_date="today").review
    assert review.review_date == today


def test_a_failed_review_does_not_make_the_model_compliant(today):
    model = make_model(risk_tier="critical", deployment_date=dt.date(2026, 9, 1))
    review = record(model, outcome="failed").review
    model.refresh_from_db()
    assert model.last_review_date is None
    assert model.next_review_date == dt.date(2026, 10, 1)  # still overdue
    assert review.next_review_date == dt.date(2026, 10, 1)
    record(model, outcome="warning", review_date=today)
    model.refresh_from_db()
    assert model.last_review_date == today


def test_a_back_dated_review_is_history_and_does_not_move_the_schedule_back(today):
    model = make_model(deployment_date=dt.date(2026, 1, 1))
    record(model, review_date=dt.date(2026, 11, 1))
    old = record(model, review_date=dt.date(2026, 6, 1)).review
    model.refresh_from_db()
    assert model.last_review_date == dt.date(2026, 11, 1)
    assert old.next_review_date == model.next_review_date
    assert ModelReview.objects.count() == 2


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        ({"review_date": dt.date(2026, 11, 28)}, "review_date", "cannot be dated in the future"),
        ({"review_date": dt.date(2026, 5, 31)}, "review_date", "before the model's deployment on 2026-06-01"),
        ({"review_date": "27/11/2026"}, "review_date", "YYYY-MM-DD"),
        ({"outcome": "fine"}, "outcome", "Allowed values: passed, warning, failed"),
        ({"reviewer": "   "}, "reviewer", BLANK_REVIEWER_MESSAGE),
        ({"reviewer": "r" * 201}, "reviewer", "At most 200 characters"),
        ({"notes": "n" * 10001}, "notes", "At most 10000 characters"),
    ],
)
def test_it_rejects_bad_input_and_writes_nothing(today, fields, field, fragment):
    model = make_model(deployment_date=dt.date(2026, 6, 1))
    with pytest.raises(ValidationError) as exc_info:
        record(model, **fields)
    assert any(fragment in m for m in exc_info.value.message_dict[field])
    assert not ModelReview.objects.exists()
    assert AIModel.objects.get(pk=model.pk).last_review_date is None


def test_a_decommissioned_model_is_not_reviewed(today):
    model = make_model()
    inventory_services.change_status(model=model, status="decommissioned", actor=ACTOR, today=today,
        reason="retired in tests")
    with pytest.raises(ValidationError, match="decommissioned"):
        record(model)


def test_a_correction_references_the_record_it_corrects(today):
    model = make_model()
    wrong = record(model, outcome="passed", notes="typo in outcome").review
    fixed = record(model, outcome="warning", corrects=wrong, notes="Corrects the outcome").review
    assert fixed.corrects == wrong and list(wrong.corrections.all()) == [fixed]
    other = make_model()
    with pytest.raises(ValidationError, match="same model"):
        record(other, corrects=wrong)


def test_recording_takes_a_constant_number_of_queries(today, django_assert_max_num_queries):
    models = [make_model() for _ in range(3)]
    for model in models[:2]:
        record(model)
    # lock model, policy in force, chain head, insert, model update + history (+ savepoints)
    with django_assert_max_num_queries(10):
        record(models[2])


def test_a_linked_user_names_the_reviewer_when_no_name_is_given(today, bob):
    model = make_model()
    review = record_review(
        model=model, entry=ReviewInput(review_date=today, outcome="passed", reviewer="", reviewer_user=bob),
        actor=ACTOR, today=today, now=dt.datetime(2026, 11, 27, tzinfo=dt.UTC),
    ).review
    assert review.reviewer == "bob"


def test_the_model_remembers_its_latest_review_of_any_outcome(today):
    model = make_model(deployment_date=dt.date(2026, 1, 1))
    record(model, review_date=dt.date(2026, 10, 1), outcome="passed")
    record(model, review_date=dt.date(2026, 11, 1), outcome="failed")
    record(model, review_date=dt.date(2026, 5, 1), outcome="warning")  # back-dated: history only
    model.refresh_from_db()
    assert (model.latest_outcome_on, model.latest_outcome) == (dt.date(2026, 11, 1), "failed")
    assert model.latest_outcome_state_hash == model.state_hash
    assert model.last_review_date == dt.date(2026, 10, 1)


def test_a_batch_leaves_each_model_with_its_latest_review(today):
    from reviews.services import BatchRow, append_reviews

    model = make_model(deployment_date=dt.date(2025, 1, 1))
    rows = [BatchRow(model_name=model.model_name, entry=ReviewInput(review_date=d, outcome=o, reviewer="H"))
            for d, o in ((dt.date(2026, 3, 1), "failed"), (dt.date(2025, 6, 1), "passed"))]
    append_reviews(rows=rows, actor=ACTOR, today=today, now=dt.datetime(2026, 11, 27, tzinfo=dt.UTC))
    model.refresh_from_db()
    assert (model.latest_outcome_on, model.latest_outcome, model.last_review_date) == (
        dt.date(2026, 3, 1), "failed", dt.date(2025, 6, 1))
