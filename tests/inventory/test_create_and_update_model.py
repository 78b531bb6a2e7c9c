from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from inventory import services
from inventory.models import AIModel, ReviewPolicy
from tests.factories import make_model, model_data

pytestmark = pytest.mark.django_db
ACTOR = services.Actor(name="tests", trusted=True)


def errors_of(exc_info) -> dict[str, list[str]]:
    return exc_info.value.message_dict


def test_it_creates_a_model_scheduled_from_the_deployment_date(today):
    model = make_model(risk_tier="critical", deployment_date=dt.date(2026, 11, 1))
    assert model.next_review_date == dt.date(2026, 12, 1)
    assert model.last_review_date is None
    assert model.review_policy.version == 1
    assert model.status == "active"


def test_it_accepts_enum_values_in_any_case_and_trims_text(today):
    model = make_model(model_name="  Credit-Risk  ", risk_tier="HIGH", deployment_environment="Prod", vendor=" OpenAI ")
    assert (model.model_name, model.risk_tier, model.deployment_environment, model.vendor) == (
        "Credit-Risk", "high", "prod", "OpenAI",
    )


def test_it_accepts_iso_date_strings(today):
    model = make_model(deployment_date="2026-01-15")
    assert model.deployment_date == dt.date(2026, 1, 15)


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"vendor": ""}, "vendor", "cannot be blank"),
        ({"vendor": "   "}, "vendor", "cannot be blank"),
        ({"use_case": "\t \n"}, "use_case", "cannot be blank"),
        ({"risk_tier": "extreme"}, "risk_tier", "Allowed values: critical, high, medium, low"),
        ({"deployment_environment": "qa"}, "deployment_environment", "Allowed values: prod, staging, dev"),
        ({"data_classification": "secret"}, "data_classification", "public, internal, confidential, restricted"),
        ({"model_type": "quantum"}, "model_type", "statistical, ml, generative_ai, agentic_ai, rules, vendor"),
        ({"deployment_date": "15/01/2026"}, "deployment_date", "YYYY-MM-DD"),
        ({"deployment_date": "2026-02-30"}, "deployment_date", "a real day of the calendar"),
        ({"deployment_date": "2026-11-28"}, "deployment_date", "cannot be in the future"),
        ({"model_name": "x" * 201}, "model_name", "at most 200 characters"),
        ({"use_case": "u" * 2001}, "use_case", "at most 2000 characters"),
        ({"api_endpoint": "ftp://models.example.com"}, "api_endpoint", "http:// or https:// URL"),
        ({"api_endpoint": "not a url"}, "api_endpoint", "http:// or https:// URL"),
        ({"colour": "blue"}, "colour", "Unknown field"),
    ],
)
def test_it_rejects_bad_input_naming_the_field(today, overrides, field, fragment):
    with pytest.raises(ValidationError) as exc_info:
        services.create_model(data=model_data(**overrides), actor=ACTOR, today=today)
    messages = errors_of(exc_info)
    assert field in messages, messages
    assert any(fragment in m for m in messages[field]), messages[field]
    assert AIModel.objects.count() == 0


@pytest.mark.parametrize("missing", ["model_name", "vendor", "risk_tier", "use_case", "business_owner", "technical_owner", "deployment_date"])
def test_it_rejects_a_missing_required_field(today, missing):
    data = model_data()
    del data[missing]
    with pytest.raises(ValidationError) as exc_info:
        services.create_model(data=data, actor=ACTOR, today=today)
    assert missing in errors_of(exc_info)
    assert not AIModel.objects.exists()


def test_it_reports_every_bad_field_at_once(today):
    with pytest.raises(ValidationError) as exc_info:
        services.create_model(
            data=model_data(vendor="", risk_tier="extreme", api_endpoint="x"), actor=ACTOR, today=today
        )
    assert {"vendor", "risk_tier", "api_endpoint"} <= set(errors_of(exc_info))


def test_it_treats_names_differing_only_by_case_as_the_same_model(today):
    make_model(model_name="Fraud-V2")
    with pytest.raises(ValidationError) as exc_info:
        make_model(model_name="fraud-v2")
    assert "already exists" in errors_of(exc_info)["model_name"][0]
    assert AIModel.objects.count() == 1


def test_the_database_itself_refuses_a_case_insensitive_duplicate(today):
    model = make_model(model_name="Fraud-V2")
    clone = AIModel.objects.get(pk=model.pk)
    clone.pk = None
    clone.model_name = "FRAUD-v2"
    with pytest.raises(IntegrityError), transaction.atomic():
        clone.save()


def test_it_finds_a_model_by_name_without_regard_to_case(today):
    model = make_model(model_name="Fraud-V2")
    assert AIModel.objects.named(" fraud-v2 ").get() == model


def test_it_recomputes_the_schedule_when_the_tier_changes(today):
    model = make_model(risk_tier="low", deployment_date=dt.date(2026, 6, 1))
    assert model.next_review_date == dt.date(2027, 6, 1)
    services.update_model(model=model, changes={"risk_tier": "critical"}, actor=ACTOR, today=today)
    model.refresh_from_db()
    assert model.next_review_date == dt.date(2026, 7, 1)


def test_it_recomputes_the_schedule_when_the_deployment_date_changes(today):
    model = make_model(risk_tier="high", deployment_date=dt.date(2026, 6, 1))
    services.update_model(model=model, changes={"deployment_date": "2026-08-01"}, actor=ACTOR, today=today)
    model.refresh_from_db()
    assert model.next_review_date == dt.date(2026, 10, 30)


def test_the_schedule_runs_from_the_last_review_when_there_is_one(today):
    model = make_model(risk_tier="high", deployment_date=dt.date(2026, 1, 1))
    AIModel.objects.filter(pk=model.pk).update(last_review_date=dt.date(2026, 10, 1))
    model.refresh_from_db()
    services.update_model(model=model, changes={"risk_tier": "medium"}, actor=ACTOR, today=today)
    model.refresh_from_db()
    assert model.next_review_date == dt.date(2026, 10, 1) + dt.timedelta(days=180)


def test_it_rejects_a_deployment_date_after_the_last_review(today):
    model = make_model(deployment_date=dt.date(2026, 1, 1))
    AIModel.objects.filter(pk=model.pk).update(last_review_date=dt.date(2026, 3, 1))
    model.refresh_from_db()
    with pytest.raises(ValidationError) as exc_info:
        services.update_model(model=model, changes={"deployment_date": "2026-04-01"}, actor=ACTOR, today=today)
    assert "after the model's first review record, on 2026-03-01" in errors_of(exc_info)["deployment_date"][0]
    assert AIModel.objects.get(pk=model.pk).deployment_date == dt.date(2026, 1, 1)


def test_the_database_refuses_a_review_before_deployment(today):
    model = make_model(deployment_date=dt.date(2026, 6, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        AIModel.objects.filter(pk=model.pk).update(last_review_date=dt.date(2026, 5, 1))


def test_a_failed_update_changes_nothing(today):
    model = make_model(vendor="OpenAI")
    with pytest.raises(ValidationError):
        services.update_model(model=model, changes={"vendor": "Anthropic", "risk_tier": "nope"}, actor=ACTOR, today=today)
    assert AIModel.objects.get(pk=model.pk).vendor == "OpenAI"
    assert model.history.count() == 1


@pytest.mark.parametrize(
    ("path", "ok"),
    [
        (["deprecated"], True),
        (["decommissioned"], True),
        (["deprecated", "decommissioned"], True),
        (["deprecated", "active"], False),
        (["decommissioned", "active"], False),
        (["decommissioned", "deprecated"], False),
    ],
)
def test_the_lifecycle_only_moves_forward(today, path, ok):
    model = make_model()
    try:
        for status in path:
            services.change_status(model=model, status=status, actor=ACTOR, today=today, reason="retired in tests")
    except ValidationError as exc:
        assert not ok, exc
        assert "status" in exc.message_dict
    else:
        assert ok
        assert AIModel.objects.get(pk=model.pk).status == path[-1]


def test_decommissioned_is_final(today):
    model = make_model()
    services.change_status(model=model, status="decommissioned", actor=ACTOR, today=today, reason="retired in tests")
    with pytest.raises(ValidationError) as exc_info:
        services.change_status(model=model, status="active", actor=ACTOR, today=today)
    assert "final" in errors_of(exc_info)["status"][0]


def test_it_deletes_a_model_that_was_never_reviewed(today):
    model = make_model()
    pk = model.pk
    services.delete_model(model=model, actor=ACTOR)
    assert not AIModel.objects.exists()
    assert AIModel.history.filter(id=pk, history_type="-", history_actor="tests").exists()


def test_it_never_deletes_a_reviewed_model_and_suggests_decommissioning(today):
    model = make_model()
    AIModel.objects.filter(pk=model.pk).update(last_review_date=dt.date(2026, 10, 1))
    model.refresh_from_db()
    with pytest.raises(ValidationError) as exc_info:
        services.delete_model(model=model, actor=ACTOR)
    assert "Decommission it instead" in exc_info.value.messages[0]
    assert AIModel.objects.filter(pk=model.pk).exists()


def test_overdue_means_strictly_after_the_due_date(today):
    due_today = make_model(risk_tier="critical", deployment_date=today - dt.timedelta(days=30))
    overdue = make_model(risk_tier="critical", deployment_date=today - dt.timedelta(days=31))
    retired = make_model(risk_tier="critical", deployment_date=today - dt.timedelta(days=60))
    services.change_status(model=retired, status="decommissioned", actor=ACTOR, today=today, reason="retired in tests")
    assert list(AIModel.objects.overdue(today=today)) == [overdue]
    assert not due_today.is_overdue(today=today)
    assert list(AIModel.objects.due_within(today=today, days=30)) == [due_today]


def test_the_policy_in_force_is_the_latest_effective_version(today):
    ReviewPolicy.objects.create(
        version=2, effective_date=dt.date(2027, 1, 1), critical_days=45, high_days=90, medium_days=180, low_days=365,
        created_by="tests",
    )
    assert ReviewPolicy.objects.in_force(on=today).version == 1
    assert ReviewPolicy.objects.in_force(on=dt.date(2027, 1, 1)).version == 2


def test_the_risk_sort_goes_by_severity(today):
    from inventory.filters import AIModelFilterSet

    for tier in ("low", "critical", "medium", "high"):
        make_model(risk_tier=tier)
    ordered = AIModelFilterSet({"sort": "risk"}, queryset=AIModel.objects.all(), today=today).qs
    assert [m.risk_tier for m in ordered] == ["critical", "high", "medium", "low"]
    reverse = AIModelFilterSet({"sort": "-risk"}, queryset=AIModel.objects.all(), today=today).qs
    assert [m.risk_tier for m in reverse] == ["low", "medium", "high", "critical"]


def test_an_update_from_a_stale_copy_keeps_review_dates_written_since(today):
    stale = make_model(deployment_date=dt.date(2026, 1, 1))
    AIModel.objects.filter(pk=stale.pk).update(last_review_date=dt.date(2026, 11, 1), next_review_date=dt.date(2027, 1, 30))
    services.update_model(model=stale, changes={"vendor": "Anthropic"}, actor=ACTOR, today=today)
    fresh = AIModel.objects.get(pk=stale.pk)
    assert (fresh.vendor, fresh.last_review_date, fresh.next_review_date) == ("Anthropic", dt.date(2026, 11, 1), dt.date(2027, 1, 30))
    assert stale.last_review_date == dt.date(2026, 11, 1)  # the caller's copy is brought up to date
    assert fresh.history.latest("history_date").last_review_date == dt.date(2026, 11, 1)


def test_the_state_hash_follows_the_definition_and_nothing_else(today):
    from inventory.hashing import model_state_hash

    model = make_model()
    first = model.state_hash
    assert first == model_state_hash(model.definition())
    services.update_model(model=model, changes={"notes": "not part of the definition"}, actor=ACTOR, today=today)
    assert AIModel.objects.get(pk=model.pk).state_hash == first
    services.update_model(model=model, changes={"vendor": "Anthropic"}, actor=ACTOR, today=today)
    assert AIModel.objects.get(pk=model.pk).state_hash == model_state_hash(model.definition()) != first


def test_the_status_date_records_when_the_status_last_changed(today):
    model = make_model(today=dt.date(2026, 7, 1), deployment_date=dt.date(2026, 6, 1))
    assert model.status_changed_on == dt.date(2026, 7, 1)
    services.update_model(model=model, changes={"vendor": "X"}, actor=ACTOR, today=today)
    assert AIModel.objects.get(pk=model.pk).status_changed_on == dt.date(2026, 7, 1)
    services.change_status(model=model, status="deprecated", actor=ACTOR, today=today)
    assert AIModel.objects.get(pk=model.pk).status_changed_on == today
