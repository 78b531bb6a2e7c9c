from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from inventory import scheduling, services
from inventory.models import AIModel, ReviewPolicy
from tests.factories import make_model

pytestmark = pytest.mark.django_db
ACTOR = services.Actor(name="tests", trusted=True)
CYCLES_V2 = {"critical": 45, "high": 120, "medium": 180, "low": 365}


def publish(today, effective_date, cycles=CYCLES_V2):
    return scheduling.publish_review_policy(
        cycles=cycles, effective_date=effective_date, approval_reference="MRC 2026-11", actor=ACTOR, today=today
    )


def test_the_default_policy_has_the_original_cycles():
    policy = ReviewPolicy.objects.get(version=1)
    assert policy.cycles() == {"critical": 30, "high": 90, "medium": 180, "low": 365}


def test_a_policy_in_force_today_reschedules_every_model_and_says_so_in_history(today):
    critical = make_model(risk_tier="critical", deployment_date=dt.date(2026, 11, 1))
    low = make_model(risk_tier="low", deployment_date=dt.date(2026, 11, 1))
    policy = publish(today, today)
    critical.refresh_from_db()
    low.refresh_from_db()
    assert critical.next_review_date == dt.date(2026, 12, 16)
    assert critical.review_policy == policy and low.review_policy == policy
    assert low.next_review_date == dt.date(2027, 11, 1)
    latest = critical.history.latest("history_date")
    assert latest.history_change_reason == "review policy v2 applied"
    assert latest.history_actor == "tests"


def test_a_future_policy_applies_on_its_effective_date(today):
    model = make_model(risk_tier="critical", deployment_date=dt.date(2026, 11, 1))
    publish(today, dt.date(2026, 12, 1))
    model.refresh_from_db()
    assert model.next_review_date == dt.date(2026, 12, 1)  # still v1
    assert scheduling.apply_review_policy(actor=ACTOR, today=dt.date(2026, 12, 1)) == 1
    model.refresh_from_db()
    assert model.next_review_date == dt.date(2026, 12, 16)
    assert scheduling.apply_review_policy(actor=ACTOR, today=dt.date(2026, 12, 1)) == 0


def test_applying_a_policy_writes_in_batches_not_per_model(today, django_assert_max_num_queries):
    for _ in range(30):
        make_model(risk_tier="high")
    policy = ReviewPolicy.objects.create(
        version=2, effective_date=today, created_by="tests",
        **{f"{tier}_days": days for tier, days in CYCLES_V2.items()},
    )
    # in force + chunked read + one bulk update + one bulk history insert (+ savepoint)
    with django_assert_max_num_queries(8):
        assert scheduling.apply_review_policy(actor=ACTOR, today=today) == 30
    assert set(AIModel.objects.values_list("review_policy", flat=True)) == {policy.pk}


@pytest.mark.parametrize("bad", [{"critical": 0}, {"high": None}, {"low": 5000}])
def test_it_rejects_a_policy_with_bad_cycles(today, bad):
    with pytest.raises(ValidationError):
        publish(today, today, {**CYCLES_V2, **bad})
    assert ReviewPolicy.objects.count() == 1


def test_the_command_applies_the_policy_in_force(today, capsys):
    make_model(risk_tier="critical", deployment_date=dt.date(2026, 11, 1))
    ReviewPolicy.objects.create(
        version=2, effective_date=dt.date(2026, 1, 1), created_by="tests",
        **{f"{tier}_days": days for tier, days in CYCLES_V2.items()},
    )
    call_command("apply_review_policy", "--dry-run")
    assert "1 model(s) would be rescheduled under policy v2" in capsys.readouterr().out
    call_command("apply_review_policy")
    assert "Rescheduled 1 model(s)" in capsys.readouterr().out
    assert AIModel.objects.get().review_policy.version == 2
