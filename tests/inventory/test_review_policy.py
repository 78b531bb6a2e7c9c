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


def publish(today, effective_date, cycles=CYCLES_V2, **more):
    return scheduling.publish_review_policy(
        cycles=cycles, effective_date=effective_date, approval_reference="MRC 2026-11",
        rationale=more.pop("rationale", "Critical models change faster than we review them."), actor=ACTOR,
        today=today, **more,
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


# -- governance: bounds, order, approvals, past dates, one version a day, withdrawal -----------------

def _refused(today, **arguments) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        publish(today, arguments.pop("effective_date", today), **arguments)
    assert ReviewPolicy.objects.count() == 1, "nothing is published"
    return refused.value.message_dict


@pytest.mark.parametrize(("cycles", "field", "message"), [
    ({**CYCLES_V2, "critical": 400}, "critical_days",
     "A critical model is never reviewed less often than a high one: critical 400 days > high 120 days."),
    ({**CYCLES_V2, "low": 10}, "low_days", "Low cycle must be between 30 and 1,095 days, not 10."),
    ({**CYCLES_V2, "low": 2000}, "low_days", "Low cycle must be between 30 and 1,095 days, not 2000."),
    ({"critical": 90, "high": 60, "medium": 180, "low": 365}, "critical_days",
     "A critical model is never reviewed less often than a high one: critical 90 days > high 60 days."),
])
def test_cycles_stay_within_bounds_and_in_tier_order(today, cycles, field, message):
    assert message in _refused(today, cycles=cycles)[field]


def test_an_approval_reference_and_a_rationale_are_required(today):
    with pytest.raises(ValidationError) as refused:
        scheduling.publish_review_policy(cycles=CYCLES_V2, effective_date=today, approval_reference="  ",
                                         rationale="", actor=ACTOR, today=today)
    errors = refused.value.message_dict
    assert errors["approval_reference"] == [
        "Approval reference is required: say where it was approved (committee and date)."]
    assert errors["rationale"] == ["Rationale is required: say why the cycles change."]


def test_a_past_effective_date_is_refused_unless_it_is_a_recorded_correction(today):
    errors = _refused(today, effective_date=dt.date(2020, 1, 1))
    assert errors["effective_date"][0].startswith("The effective date 2020-01-01 is before today (2026-11-27)")

    policy = publish(today, dt.date(2026, 11, 20), correction_reason="The committee approved it on 2026-11-20.")

    assert policy.correction_reason == "The committee approved it on 2026-11-20."
    assert ReviewPolicy.objects.in_force(on=today) == policy


def test_two_versions_may_not_take_effect_on_the_same_day(today):
    publish(today, dt.date(2027, 1, 1))

    with pytest.raises(ValidationError) as refused:
        publish(today, dt.date(2027, 1, 1), cycles={**CYCLES_V2, "low": 300})
    assert refused.value.message_dict["effective_date"] == [
        "Version 2 already takes effect on 2027-01-01: two versions may not take effect on the same day."]


def test_a_version_not_yet_in_force_can_be_withdrawn_and_stays_listed(today):
    scheduled = publish(today, dt.date(2027, 1, 1))
    now = dt.datetime(2026, 11, 27, 15, 0, tzinfo=dt.UTC)

    scheduling.withdraw_review_policy(policy=scheduled, reason="Sent back by the committee.", actor=ACTOR, now=now,
                                      today=today)

    scheduled.refresh_from_db()
    assert (scheduled.withdrawn_by, scheduled.withdrawal_reason) == ("tests", "Sent back by the committee.")
    assert ReviewPolicy.objects.in_force(on=dt.date(2027, 6, 1)).version == 1
    # Its day is free again.
    assert publish(today, dt.date(2027, 1, 1), cycles={**CYCLES_V2, "low": 300}).version == 3


def test_a_version_in_force_cannot_be_withdrawn_nor_without_a_reason(today):
    current = ReviewPolicy.objects.get(version=1)
    scheduled = publish(today, dt.date(2027, 1, 1))
    now = dt.datetime(2026, 11, 27, 15, 0, tzinfo=dt.UTC)

    with pytest.raises(ValidationError, match="Version 1 took effect on 1900-01-01"):
        scheduling.withdraw_review_policy(policy=current, reason="no", actor=ACTOR, now=now, today=today)
    with pytest.raises(ValidationError, match="Reason is required"):
        scheduling.withdraw_review_policy(policy=scheduled, reason=" ", actor=ACTOR, now=now, today=today)
    assert not ReviewPolicy.objects.filter(withdrawn_at__isnull=False).exists()


def test_the_preview_counts_models_that_move_and_become_overdue_by_tier(today):
    from inventory.policy_impact import policy_impact

    make_model(risk_tier="critical", deployment_date=dt.date(2026, 10, 1))   # due 2026-10-31: overdue already
    make_model(risk_tier="critical", deployment_date=dt.date(2026, 11, 1))   # due 2026-12-01; at 15 days 2026-11-16
    make_model(risk_tier="high", deployment_date=dt.date(2026, 11, 1))       # 90 days -> 60: earlier, not overdue
    make_model(risk_tier="low", deployment_date=dt.date(2026, 11, 1))        # unchanged

    impact = policy_impact(cycles={"critical": 30, "high": 60, "medium": 180, "low": 365}, effective_date=today,
                           today=today)
    assert impact.moved == 1 and impact.overdue_at_once == 0

    shorter = policy_impact(cycles={"critical": 20, "high": 60, "medium": 180, "low": 365}, effective_date=today,
                            today=today)
    by_tier = {tier.tier: tier for tier in shorter.tiers}
    assert (by_tier["critical"].models, by_tier["critical"].earlier, by_tier["critical"].overdue_at_once) == (2, 2, 1)
    assert (by_tier["high"].earlier, by_tier["low"].later, by_tier["low"].earlier) == (1, 0, 0)
    assert shorter.moved == 3 and shorter.overdue_at_once == 1
