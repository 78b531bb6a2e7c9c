"""Reconciliation against a fake registry: the four groups, identity updates with history and state
hash, an unreachable registry, the daily claim, and a constant number of queries."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compliance.engine import evaluate_model
from inventory.models import AIModel
from registries import services
from registries.models import Finding, Reconciliation
from tests.factories import make_model, record_review
from tests.registries.fakes import NOW, SYSTEM, TODAY, FakeRegistry, make_registry, reconcile, version

pytestmark = pytest.mark.django_db


def kinds(run: Reconciliation) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for finding in run.findings.order_by("registered_name"):
        found.setdefault(finding.kind, []).append(finding.registered_name)
    return found


def link(model: AIModel, registry, name: str) -> AIModel:
    return services.link_model(model=model, registry=registry, registered_name=name, actor=SYSTEM)


def test_a_first_run_finds_every_registered_model_untracked():
    registry = make_registry()
    feed = FakeRegistry(version("churn", 1), version("churn", 2), version("fraud", 3, stage="Production"))

    run = reconcile(registry, feed)

    assert run.outcome == "ok" and run.versions_read == 3
    assert kinds(run) == {"untracked": ["churn", "fraud"]}
    assert (run.untracked, run.orphaned, run.changed, run.linked) == (2, 0, 0, 0)
    # The current version: the newest one in Production or with an alias, else the newest.
    assert run.findings.get(registered_name="churn").version == "2"


def test_the_serving_version_wins_over_a_newer_one():
    feed = FakeRegistry(version("fraud", 4), version("fraud", 3, aliases=("champion",)), version("fraud", 2))
    run = reconcile(make_registry(), feed)
    finding = run.findings.get()
    assert (finding.version, finding.stage) == ("3", "@champion")


def test_linking_records_the_identity_in_the_history_and_the_state_hash():
    registry = make_registry()
    model = make_model(model_name="fraud-scorer")
    before = model.state_hash
    reconcile(registry, FakeRegistry(version("fraud", 3, stage="Production", run_id="r1", digest="sha256:aa")))

    link(model, registry, "fraud")

    model.refresh_from_db()
    assert (model.registry_name, model.registered_name, model.registered_version, model.registry_stage,
            model.registry_run_id, model.registry_digest) == ("mlflow-prod", "fraud", "3", "Production", "r1", "sha256:aa")
    assert model.state_hash != before and model.state_hash == model.compute_state_hash()
    latest = model.history.latest("history_date")
    assert latest.registered_version == "3" and "linked to fraud" in latest.history_change_reason
    # The next run sees it linked, no longer untracked.
    run = reconcile(registry, FakeRegistry(version("fraud", 3, stage="Production", run_id="r1", digest="sha256:aa")))
    assert kinds(run) == {"linked": ["fraud"]}


def test_a_version_moved_after_review_is_changed_and_breaks_the_compliance_rule():
    registry = make_registry()
    model = make_model(model_name="fraud-scorer", deployment_environment="prod")
    reconcile(registry, FakeRegistry(version("fraud", 3, stage="Production")))
    link(model, registry, "fraud")
    record_review(AIModel.objects.get(pk=model.pk))
    model.refresh_from_db()
    assert model.reviewed_registry_version == "3"
    assert "registry-version-changed" not in {v.rule.id for v in evaluate_model(model, today=TODAY).violations}

    run = reconcile(registry, FakeRegistry(version("fraud", 3, stage="Archived"), version("fraud", 4, stage="Production")))

    assert kinds(run) == {"changed": ["fraud"]} and run.updated_models == 1
    model.refresh_from_db()
    assert model.registered_version == "4" and model.state_hash != model.latest_outcome_state_hash
    assert model.history.latest("history_date").history_change_reason == "registry mlflow-prod reconciled"
    violations = {v.rule.id: v for v in evaluate_model(model, today=TODAY).violations}
    assert {"registry-version-changed", "changed-since-review"} <= violations.keys()
    assert "serves version 4 of fraud" in violations["registry-version-changed"].message
    assert "covered version 3" in violations["registry-version-changed"].message
    # A review of the model as it now stands settles both.
    record_review(AIModel.objects.get(pk=model.pk))
    model.refresh_from_db()
    assert not {"registry-version-changed", "changed-since-review"} & {
        v.rule.id for v in evaluate_model(model, today=TODAY).violations}
    assert kinds(reconcile(registry, FakeRegistry(version("fraud", 4, stage="Production")))) == {"linked": ["fraud"]}


def test_a_stage_change_alone_is_a_change():
    registry = make_registry()
    model = make_model(model_name="fraud-scorer")
    reconcile(registry, FakeRegistry(version("fraud", 3, stage="Staging")))
    link(model, registry, "fraud")
    record_review(AIModel.objects.get(pk=model.pk))
    run = reconcile(registry, FakeRegistry(version("fraud", 3, stage="Production")))
    assert kinds(run) == {"changed": ["fraud"]}
    # Same version: the version rule holds, the state hash does not.
    model.refresh_from_db()
    ids = {v.rule.id for v in evaluate_model(model, today=TODAY).violations}
    assert "changed-since-review" in ids and "registry-version-changed" not in ids


def test_a_registered_model_deleted_from_the_registry_is_orphaned_and_the_model_kept():
    registry = make_registry()
    model = make_model(model_name="fraud-scorer")
    reconcile(registry, FakeRegistry(version("fraud", 3), version("churn", 1)))
    link(model, registry, "fraud")
    hash_before = AIModel.objects.get(pk=model.pk).state_hash

    run = reconcile(registry, FakeRegistry(version("churn", 1)))

    assert kinds(run) == {"orphaned": ["fraud"], "untracked": ["churn"]}
    assert run.findings.get(kind="orphaned").model_id == model.pk
    assert AIModel.objects.get(pk=model.pk).state_hash == hash_before


def test_an_unreachable_registry_is_reported_and_changes_nothing():
    registry = make_registry()
    model = make_model(model_name="fraud-scorer")
    good = reconcile(registry, FakeRegistry(version("fraud", 3)))
    link(model, registry, "fraud")
    before = list(AIModel.objects.values())

    run = reconcile(registry, FakeRegistry(down=True))

    assert run.outcome == "unreachable" and "could not be reached" in run.error
    assert run.findings.count() == 0 and (run.orphaned, run.untracked) == (0, 0)
    assert list(AIModel.objects.values()) == before
    # The last run that read the registry still answers the page and the dashboard.
    assert Reconciliation.objects.filter(outcome="ok").get() == good


def test_the_daily_job_claims_its_day_once_per_registry(monkeypatch):
    registry = make_registry()
    make_registry(name="mlflow-dev", url="http://dev.registry.test/")
    monkeypatch.setattr(services, "adapter_for", lambda r: FakeRegistry(version(f"{r.name}-model", 1)))

    first = services.reconcile_enabled(now=NOW, today=TODAY)
    again = services.reconcile_enabled(now=NOW, today=TODAY)

    assert [run.registry.name for run in first] == ["mlflow-dev", "mlflow-prod"] and again == []
    assert "no registry to reconcile" in services.summary(again)
    assert "mlflow-prod: 1 untracked" in services.summary(first)
    # A second claim of the same day (another worker) is refused by the constraint, not run twice.
    assert reconcile(registry, FakeRegistry(), day=TODAY) is None
    assert Reconciliation.objects.filter(registry=registry).count() == 1


@pytest.mark.parametrize("name, message", [
    ("nowhere", "is not among the registered models"),
    ("fraud", "is already linked to fraud-scorer"),
])
def test_linking_refuses_a_name_not_found_or_taken(name, message):
    registry = make_registry()
    reconcile(registry, FakeRegistry(version("fraud", 3)))
    link(make_model(model_name="fraud-scorer"), registry, "fraud")
    reconcile(registry, FakeRegistry(version("fraud", 3)))
    other = make_model(model_name="other")
    with pytest.raises(ValidationError, match=message):
        link(other, registry, name)
    assert AIModel.objects.get(pk=other.pk).registered_name == ""


def test_linking_before_any_reconciliation_says_so():
    registry = make_registry()
    with pytest.raises(ValidationError, match="has not been reconciled yet"):
        link(make_model(), registry, "fraud")


def test_a_model_already_linked_is_not_linked_again():
    registry = make_registry()
    reconcile(registry, FakeRegistry(version("fraud", 3), version("churn", 1)))
    model = link(make_model(), registry, "fraud")
    reconcile(registry, FakeRegistry(version("fraud", 3), version("churn", 1)))
    with pytest.raises(ValidationError, match="already linked to fraud in mlflow-prod"):
        link(AIModel.objects.get(pk=model.pk), registry, "churn")


def test_adopting_adds_the_model_and_links_it():
    registry = make_registry()
    run = reconcile(registry, FakeRegistry(version("churn", 2, description="Churn propensity",
                                                  tags={"business_owner": "Retail", "team": "CX Data"})))
    finding = run.findings.get()
    initial = services.adoption_initial(finding)
    assert initial["model_name"] == "churn" and initial["model_version"] == "2"
    assert (initial["business_owner"], initial["technical_owner"], initial["use_case"]) == (
        "Retail", "CX Data", "Churn propensity")
    data = {**initial, "risk_tier": "medium", "deployment_date": TODAY}

    model = services.adopt_model(finding=finding, data=data, actor=SYSTEM, today=TODAY)

    assert (model.registered_name, model.registered_version) == ("churn", "2")
    assert Finding.objects.get(pk=finding.pk).kind == "linked"


def test_an_adoption_with_a_bad_field_adds_nothing():
    registry = make_registry()
    finding = reconcile(registry, FakeRegistry(version("churn", 2))).findings.get()
    data = {**services.adoption_initial(finding), "risk_tier": "enormous", "deployment_date": TODAY}
    with pytest.raises(ValidationError) as caught:
        services.adopt_model(finding=finding, data=data, actor=SYSTEM, today=TODAY)
    assert "risk_tier" in caught.value.message_dict
    assert not AIModel.objects.exists()


@pytest.mark.parametrize("data, field, message", [
    ({"name": "", "url": "http://r.test/"}, "name", "Name the registry"),
    ({"name": "r", "url": "ftp://r.test/"}, "url", "http:// or https://"),
    ({"name": "r", "url": "not a url"}, "url", "http:// or https://"),
    ({"name": "r", "url": "http://r.test/", "kind": "sagemaker"}, "kind", "Choose one of: mlflow"),
    ({"name": "MLFLOW-PROD", "url": "http://r.test/"}, "name", "already exists"),
])
def test_a_registry_with_bad_settings_is_refused(data, field, message):
    make_registry()
    with pytest.raises(ValidationError) as caught:
        services.save_registry(actor=SYSTEM, data=data)
    assert any(message in text for text in caught.value.message_dict[field])


def test_a_registry_that_models_are_linked_to_keeps_its_name():
    registry = make_registry()
    reconcile(registry, FakeRegistry(version("fraud", 3)))
    link(make_model(), registry, "fraud")
    with pytest.raises(ValidationError, match="keeps its name"):
        services.save_registry(actor=SYSTEM, data={"name": "renamed", "url": registry.url}, registry=registry)


def test_the_token_is_stored_encrypted_and_kept_when_left_blank():
    registry = make_registry(token="s3cret-token")
    assert "s3cret" not in registry.token_encrypted and registry.has_token
    assert services.adapter_for(registry).token == "s3cret-token"
    services.save_registry(actor=SYSTEM, data={"name": registry.name, "url": registry.url, "token": ""},
                           registry=registry)
    assert services.adapter_for(registry).token == "s3cret-token"
    services.save_registry(actor=SYSTEM, data={"name": registry.name, "url": registry.url, "clear_token": True},
                           registry=registry)
    assert not registry.has_token


def test_a_token_sealed_under_another_secret_key_is_a_reported_failure(settings):
    registry = make_registry(token="s3cret-token")
    settings.SECRET_KEY = "another-secret-key-entirely-for-this-test"
    run = services.reconcile_registry(registry=registry, actor=SYSTEM, now=NOW)
    assert run.outcome == "unreachable" and "SECRET_KEY changed" in run.error


def test_models_never_linked_keep_their_state_hash():
    model = make_model(model_name="plain")
    reconcile(make_registry(), FakeRegistry(version("fraud", 1)))
    assert AIModel.objects.get(pk=model.pk).state_hash == model.state_hash == model.compute_state_hash()


def _linked_registry(count: int):
    registry = make_registry(name=f"r{count}", url=f"http://r{count}.test/")
    feed = FakeRegistry(*[version(f"m{count}-{i}", 1) for i in range(count)])
    reconcile(registry, feed)
    for i in range(count):
        link(make_model(model_name=f"model-{count}-{i}"), registry, f"m{count}-{i}")
    moved = FakeRegistry(*[version(f"m{count}-{i}", 2) for i in range(count)],
                         *[version(f"new{count}-{i}", 1) for i in range(count)])
    return registry, moved


def test_a_run_makes_the_same_queries_for_3_models_as_for_30():
    small, small_feed = _linked_registry(3)
    large, large_feed = _linked_registry(30)
    with CaptureQueriesContext(connection) as three:
        run3 = reconcile(small, small_feed)
    with CaptureQueriesContext(connection) as thirty:
        run30 = reconcile(large, large_feed)
    assert run3.updated_models == 3 and run30.updated_models == 30 and run30.untracked == 30
    # No query per model: the same statements, except that SQLite's 999-parameter limit splits the
    # history rows (40-odd columns each) into inserts of about 24 rows (one more statement here).
    history = [q for q in thirty.captured_queries if "historicalaimodel" in q["sql"]]
    assert len(thirty) - len(three) == len(history) - 1 <= 1 or connection.vendor != "sqlite", "\n".join(
        q["sql"][:50] for q in thirty.captured_queries)
    if connection.vendor != "sqlite":
        assert len(three) == len(thirty)
