"""mltrack update: the same checks as add, the lifecycle, and who may change which model."""

from __future__ import annotations

import datetime as dt

import pytest

from inventory import services
from inventory.cli import change
from inventory.models import AIModel
from tests.factories import make_model

pytestmark = pytest.mark.django_db


def test_it_changes_the_given_fields_and_shows_what_changed(run):
    make_model(model_name="fraud-v2", deployment_environment="prod")

    result = run("update", "FRAUD-V2", "--environment", "Staging", "--status", "deprecated", "--version", "2.0")

    assert result.code == 0, result.err
    model = AIModel.objects.get()
    assert (model.deployment_environment, model.status, model.model_version) == ("staging", "deprecated", "2.0")
    words = " ".join(result.out.split())
    assert "Changed environment prod → staging" in words
    assert "Changed status active → deprecated" in words
    assert "Changed model version — → 2.0" in words


def test_it_reschedules_when_the_tier_changes(run):
    make_model(model_name="fraud-v2", risk_tier="high")

    result = run("update", "fraud-v2", "--risk-tier", "critical")

    assert result.code == 0, result.err
    assert AIModel.objects.get().next_review_date == dt.date(2026, 7, 1)


def test_it_clears_an_optional_field_with_an_empty_value(run):
    make_model(model_name="fraud-v2", api_endpoint="https://api.example.com")

    result = run("update", "fraud-v2", "--api-endpoint", "")

    assert result.code == 0, result.err
    assert AIModel.objects.get().api_endpoint == ""


def test_it_reports_every_problem_by_field_and_changes_nothing(run, today):
    make_model(model_name="fraud-v2", vendor="In-house")
    AIModel.objects.update(status="deprecated")

    result = run(
        "update", "fraud-v2",
        "--status", "active",
        "--vendor", "  ",
        "--deployment-date", "2099-01-01",
        "--risk-tier", "severe",
        "--api-endpoint", "api.example.com",
    )

    assert result.code == 1
    assert "5 problems" in result.err
    assert "--vendor (vendor): This field cannot be blank." in result.err
    assert "--risk-tier (risk tier): 'severe' is not allowed here." in result.err
    assert services.FUTURE_DEPLOYMENT_MESSAGE.format(today=today.isoformat()) in result.err
    assert "--api-endpoint (API endpoint): Enter a full http:// or https:// URL" in result.err
    assert "--status (status): A model cannot go from deprecated to active." in result.err
    model = AIModel.objects.get()
    assert (model.vendor, model.status, model.history.count()) == ("In-house", "deprecated", 1)


def test_it_keeps_a_decommissioned_model_final(run):
    make_model(model_name="old")
    assert run("update", "old", "--status", "decommissioned", "--reason", "Retired.").code == 0

    result = run("update", "old", "--status", "deprecated")

    assert result.code == 1
    assert services.FINAL_STATUS_MESSAGE in result.err


def test_it_refuses_a_deployment_date_after_the_last_review(run):
    make_model(model_name="reviewed")
    AIModel.objects.update(last_review_date=dt.date(2026, 9, 1))

    result = run("update", "reviewed", "--deployment-date", "2026-10-01")

    assert result.code == 1
    message = services.DEPLOYED_AFTER_REVIEW_MESSAGE.format(first_review="2026-09-01")
    assert f"--deployment-date (deployment date): {message}" in result.err
    assert AIModel.objects.get().deployment_date == dt.date(2026, 6, 1)


def test_it_refuses_a_new_name_taken_by_another_model_in_another_case(run):
    make_model(model_name="alpha")
    make_model(model_name="beta")

    result = run("update", "beta", "--name", "ALPHA")

    assert result.code == 1
    assert '--name (model name): A model named "alpha" already exists' in result.err


def test_it_needs_at_least_one_field(run):
    make_model(model_name="fraud-v2")

    result = run("update", "fraud-v2")

    assert result.code == 2
    assert change.NOTHING_TO_UPDATE_MESSAGE in result.err


def test_it_writes_no_history_when_nothing_differs(run):
    make_model(model_name="fraud-v2", vendor="In-house")

    result = run("update", "fraud-v2", "--vendor", "In-house")

    assert result.code == 0
    assert "Nothing to change" in result.out
    assert AIModel.objects.get().history.count() == 1


def test_it_suggests_names_for_an_unknown_model(run):
    make_model(model_name="fraud-v2")

    result = run("update", "fraud-v3", "--status", "deprecated")

    assert result.code == 1
    assert result.err.strip() == 'No model named "fraud-v3". Did you mean: fraud-v2?'


def test_it_attributes_the_change_to_the_account(run, bob):
    make_model(model_name="fraud-v2")

    assert run("--user", "bob", "update", "fraud-v2", "--status", "deprecated").code == 0

    latest = AIModel.objects.get().history.first()
    assert (latest.history_user, latest.history_actor, latest.status) == (bob, "bob", "deprecated")


def test_it_lets_a_model_owner_update_only_their_own_models(run, alice, bob):
    make_model(model_name="mine", owner=alice)
    make_model(model_name="theirs", owner=bob)

    mine = run("--user", "alice", "update", "mine", "--notes", "updated by alice")
    theirs = run("--user", "alice", "update", "theirs", "--notes", "sneaky")

    assert mine.code == 0, mine.err
    assert theirs.code == 1
    assert "Permission denied: alice (role: model-owner) may not change theirs" in theirs.err
    assert AIModel.objects.get(model_name="mine").notes == "updated by alice"
    assert AIModel.objects.get(model_name="theirs").notes == ""


def test_it_refuses_a_model_owner_changing_the_owner_account(run, alice, bob):
    make_model(model_name="mine", owner=alice)

    result = run("--user", "alice", "update", "mine", "--owner", "bob")

    assert result.code == 1
    assert "may not change a model's owner account" in result.err
    assert AIModel.objects.get().owner == alice


def test_it_lets_a_model_risk_officer_reassign_and_unassign_the_owner(run, alice, bob):
    make_model(model_name="fraud-v2", owner=alice)

    assert run("--user", "bob", "update", "fraud-v2", "--owner", "bob").code == 0
    assert AIModel.objects.get().owner == bob
    assert run("--user", "bob", "update", "fraud-v2", "--owner", "").code == 0
    assert AIModel.objects.get().owner is None


def test_it_refuses_an_examiner_and_changes_nothing(run, erin):
    make_model(model_name="fraud-v2")

    result = run("--user", "erin", "update", "fraud-v2", "--status", "deprecated")

    assert result.code == 1
    assert "Permission denied: erin (role: examiner) may not change fraud-v2" in result.err
    # An examiner is told what their role is for, not the owners' rule.
    assert "only administrators, model risk officers and the model's owner may change a model" in result.err
    assert "model owners may change only the models they own" not in result.err
    model = AIModel.objects.get()
    assert (model.status, model.history.count()) == ("active", 1)


def test_a_model_owner_refused_another_owners_model_is_told_the_owners_rule(run, alice):
    make_model(model_name="fraud-v2")

    result = run("--user", "alice", "update", "fraud-v2", "--vendor", "Acme")

    assert result.code == 1
    assert "may not change fraud-v2 (model owners may change only the models they own)" in result.err


def test_decommissioning_needs_a_reason_which_the_history_keeps(run, bob):
    make_model(model_name="fraud-v2")

    refused = run("--user", "bob", "update", "fraud-v2", "--status", "decommissioned")
    done = run("--user", "bob", "update", "fraud-v2", "--status", "decommissioned", "--reason", "Replaced by v3.")

    assert refused.code == 1
    assert "Say why fraud-v2 is decommissioned" in refused.err
    assert done.code == 0, done.err
    model = AIModel.objects.get()
    assert model.status == "decommissioned"
    assert model.history.latest("history_date").history_change_reason == "decommissioned: Replaced by v3."


def test_changing_a_reviewed_models_definition_says_it_will_be_changed_since_review(run, bob):
    from tests.factories import record_review

    model = make_model(model_name="fraud-v2")
    record_review(model)

    result = run("--user", "bob", "update", "fraud-v2", "--vendor", "Acme", "--notes", "moved")

    assert result.code == 0, result.err
    assert "changing vendor makes it \"changed since review\" (not compliant) until it is reviewed again" in \
        " ".join(result.err.split())
    quiet = run("--user", "bob", "update", "fraud-v2", "--notes", "only notes")
    assert "changed since review" not in quiet.err
