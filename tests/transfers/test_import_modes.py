"""Modes: existing models skipped (by name as people read it) or updated, a dry run that writes
nothing, all or nothing by default, or the good rows with --continue-on-error; imported models have
their change history with the importing actor; a batch costs the same queries for 3 rows as for 30."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.actors import Actor
from common.text import name_key
from inventory import importing as inventory_import
from inventory.history import model_history
from inventory.models import AIModel
from tests.factories import make_model
from tests.transfers.conftest import run_import

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

HEADER = "model_name,vendor,risk_tier,use_case,business_owner,technical_owner,deployment_date"


def csv(*rows: str, header: str = HEADER) -> bytes:
    return (header + "\n" + "\n".join(rows) + "\n").encode()


def row(name: str, tier: str = "high", vendor: str = "V") -> str:
    return f"{name},{vendor},{tier},u,b,t,2026-01-01"


def test_models_already_in_the_inventory_are_skipped_and_reported_by_name_as_people_read_it():
    make_model(model_name="café-model", vendor="Old")
    outcome = run_import(csv(row("CAFÉ-MODEL", vendor="New"), row("new-one")))
    assert outcome.ok and (outcome.created, outcome.skipped) == (1, 1)
    assert AIModel.objects.get(model_name="café-model").vendor == "Old"
    (notice,) = [n for n in outcome.notices if n.row == 2]
    assert notice.message == ("Skipped: CAFÉ-MODEL is already in the inventory (as café-model); import with --update "
                              "to update it.")


def test_update_changes_existing_models_and_leaves_unchanged_ones_alone():
    changed = make_model(model_name="changed", vendor="Old", risk_tier="high")
    same = make_model(model_name="same", vendor="V", risk_tier="high", use_case="u", business_owner="b",
                      technical_owner="t", deployment_date=dt.date(2026, 1, 1))
    history_before = same.history.count()
    outcome = run_import(csv(row("changed", tier="low", vendor="New"), row("same"), row("brand-new")), update=True)
    assert outcome.ok and (outcome.created, outcome.updated, outcome.unchanged) == (1, 1, 1)
    changed.refresh_from_db()
    assert (changed.vendor, changed.risk_tier) == ("New", "low")
    assert changed.next_review_date == dt.date(2026, 1, 1) + dt.timedelta(days=365)  # rescheduled for its new tier
    assert same.history.count() == history_before
    entry = model_history(changed)[0]
    assert entry.actor == "tests" and entry.reason == "imported from inventory.csv"
    assert {c.field for c in entry.changes} >= {"vendor", "risk_tier", "next_review_date"}


def test_update_changes_only_the_columns_the_file_has():
    model = make_model(model_name="partial", vendor="Old", notes="keep me")
    outcome = run_import(csv("partial,New", header="model_name,vendor"), update=True)
    assert outcome.ok and outcome.updated == 1
    model.refresh_from_db()
    assert (model.vendor, model.notes) == ("New", "keep me")


def test_a_new_model_in_an_update_file_without_required_columns_is_a_problem_of_its_row():
    outcome = run_import(csv("unknown-model,New", header="model_name,vendor"), update=True)
    assert {p.field for p in outcome.problems} == {"risk_tier", "use_case", "business_owner", "technical_owner",
                                                    "deployment_date"}
    assert all(p.message == "Required for a new model, and the file has no column for it." for p in outcome.problems)


def test_update_holds_to_the_lifecycle():
    make_model(model_name="retired", status="decommissioned")
    outcome = run_import(csv("retired,active", header="model_name,status"), update=True)
    (problem,) = outcome.problems
    assert problem.field == "status" and "decommissioned model is final" in problem.message


def test_a_dry_run_writes_nothing_and_reports_what_it_would_do():
    make_model(model_name="existing")
    outcome = run_import(csv(row("existing"), row("new-one")), validate=True, update=True)
    assert outcome.ok and not outcome.written and (outcome.created, outcome.unchanged) == (1, 0) or outcome.updated == 1
    assert list(AIModel.objects.values_list("model_name", flat=True)) == ["existing"]


def test_a_dry_run_with_a_problem_reports_it():
    outcome = run_import(csv(row("good"), row("bad", tier="extreme")), validate=True)
    assert not outcome.ok and not outcome.written and outcome.failed == 1
    assert not AIModel.objects.exists()


def test_an_import_is_all_or_nothing_by_default():
    outcome = run_import(csv(row("good-1"), row("bad", tier="extreme"), row("good-2")))
    assert not outcome.written and outcome.created == 2 and outcome.failed == 1
    assert not AIModel.objects.exists()


def test_all_or_nothing_holds_across_batches(monkeypatch):
    from transfers import importing

    monkeypatch.setattr(importing, "CHUNK", 2)
    outcome = run_import(csv(row("a"), row("b"), row("c"), row("d"), row("bad", tier="x")))
    assert not outcome.written and not AIModel.objects.exists()


def test_continue_on_error_imports_the_good_rows_and_reports_the_rest():
    outcome = run_import(csv(row("good-1"), row("bad", tier="extreme"), row("good-2")), continue_on_error=True)
    assert outcome.written and not outcome.ok and (outcome.created, outcome.failed) == (2, 1)
    assert sorted(AIModel.objects.values_list("model_name", flat=True)) == ["good-1", "good-2"]
    assert [(p.row, p.field) for p in outcome.problems] == [(3, "risk_tier")]


def test_imported_models_have_a_history_entry_naming_the_importing_actor(bob):
    run_import(csv(row("imported")), actor=Actor.for_user(bob))
    model = AIModel.objects.get()
    (entry,) = model_history(model)
    assert (entry.actor, entry.kind, entry.reason) == ("bob", "created", "imported from inventory.csv")


def test_owners_are_given_by_username(bob):
    outcome = run_import(csv(row("owned") + ",bob", row("nobody") + ",no-such-user", header=HEADER + ",owner"),
                         continue_on_error=True)
    (problem,) = outcome.problems
    assert problem.message == "No user account named 'no-such-user': give an existing username, or leave it empty."
    assert AIModel.objects.get().owner == bob


def test_a_batch_costs_the_same_queries_for_3_rows_as_for_30(bob):
    # Importing many rows must not query or write per row: one batch, a fixed number of statements.
    counts = []
    actor = Actor.for_user(bob)
    run_import(csv(row("warm-up")), actor=actor)  # the account's permissions, read once and kept
    for size in (3, 30):
        rows = [row(f"model-{size}-{n}") + ",2026-06-01" for n in range(size)]
        with CaptureQueriesContext(connection) as queries:
            outcome = run_import(csv(*rows, header=HEADER + ",last_review_date"), actor=actor)
        assert outcome.ok and outcome.created == size and outcome.reviews == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_models_already_in_the_inventory_are_read_by_name_alone_with_their_policy_apart(django_assert_num_queries):
    # Joined to the review policies, PostgreSQL's planner took a scan of every model of the policy
    # when the table's statistics were older than the import's own batches (0.3 s a batch at
    # 100,000 models): the models are read on their name index alone, the policies in a query of their own.
    make_model(model_name="Looked-Up")
    with CaptureQueriesContext(connection) as queries:
        found = inventory_import.models_named(["LOOKED-UP", "not-there", "bad\x00name"], lock=True)
    assert list(found) == [name_key("Looked-Up")]
    assert len(queries) == 2 and all(" JOIN " not in query["sql"].upper() for query in queries)
    model = found[name_key("Looked-Up")]
    with django_assert_num_queries(0):
        policy = model.review_policy
    assert policy.pk == model.review_policy_id
