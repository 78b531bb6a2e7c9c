"""The review history an import brings enters through the audit trail's batch service: the chain
stays valid, a last review date without a history becomes one record, the history and the models
table must agree, and importing the same history twice adds nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from common.actors import Actor
from inventory.models import AIModel
from reviews.agreement import check_models
from reviews.models import ModelReview
from reviews.verify import verify_chain
from tests.transfers.conftest import NOW, export, run_import

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

MODELS = "model_name,vendor,risk_tier,use_case,business_owner,technical_owner,deployment_date,last_review_date\n"
REVIEWS = "model_name,review_date,outcome,reviewer,notes,corrects\n"


def test_a_last_review_date_without_a_history_becomes_one_record_that_says_so():
    outcome = run_import((MODELS + "m1,V,high,u,b,t,2026-01-01,2026-06-01\nm2,V,low,u,b,t,2026-01-01,\n").encode())
    assert outcome.ok and outcome.reviews == 1
    record = ModelReview.objects.get()
    assert (record.model_name, record.review_date, record.outcome, record.reviewer) == (
        "m1", dt.date(2026, 6, 1), "passed", "Recorded before MLTrack")
    assert "taken from inventory.csv" in record.notes
    m1 = AIModel.objects.get(model_name="m1")
    assert (m1.last_review_date, m1.next_review_date) == (dt.date(2026, 6, 1), dt.date(2026, 8, 30))
    assert verify_chain(now=NOW).ok and check_models() == []


def test_a_history_decides_the_last_review_date_and_the_column_must_agree():
    models = MODELS + "m1,V,high,u,b,t,2026-01-01,2026-03-01\nm2,V,high,u,b,t,2026-01-01,2026-05-01\n"
    reviews = REVIEWS + "m1,2026-03-01,passed,Jane,,\nm2,2026-04-01,passed,Jane,,\nm2,2026-05-01,failed,Jane,,\n"
    outcome = run_import(models.encode(), reviews=reviews.encode(), continue_on_error=True)
    (problem,) = outcome.problems
    assert (problem.row, problem.field) == (3, "last_review_date")
    assert problem.message == ("The last review date is 2026-05-01, but the review history's latest passed or "
                               "warning review is 2026-04-01.")
    assert list(AIModel.objects.values_list("model_name", flat=True)) == ["m1"]
    assert ModelReview.objects.count() == 1 and verify_chain(now=NOW).ok and check_models() == []


def test_a_bad_review_keeps_its_model_out_and_says_why():
    models = MODELS.replace(",last_review_date", "") + "m1,V,high,u,b,t,2026-01-01\nm2,V,high,u,b,t,2026-01-01\n"
    reviews = REVIEWS + "m1,2025-12-01,passed,Jane,,\nm2,2026-02-01,great,,,\nghost,2026-02-01,passed,Jane,,\n"
    outcome = run_import(models.encode(), reviews=reviews.encode(), continue_on_error=True)
    described = sorted(problem.describe("inventory.csv") for problem in outcome.problems)
    assert described == [
        "inventory.csv, review history, row 2, column review_date: A review cannot be dated before the model's "
        "deployment on 2026-01-01.",
        "inventory.csv, review history, row 3, column outcome: 'great' is not an outcome. Allowed values: passed, "
        "warning, failed.",
        "inventory.csv, review history, row 3, column reviewer: Say who performed the review: the reviewer's name is required.",
        "inventory.csv, review history, row 4, column model_name: The models table has no model named 'ghost': a "
        "review is imported with its model.",
        "inventory.csv, row 2: Not imported: its review history has problems (review history rows 2).",
        "inventory.csv, row 3: Not imported: its review history has problems (review history rows 3).",
    ]
    assert not AIModel.objects.exists()


def test_a_correction_must_name_an_earlier_review_of_its_model():
    models = MODELS.replace(",last_review_date", "") + "m1,V,high,u,b,t,2026-01-01\n"
    reviews = REVIEWS + "m1,2026-02-01,passed,Jane,,2\nm1,2026-03-01,passed,Jane,,\n"
    outcome = run_import(models.encode(), reviews=reviews.encode())
    assert [(p.table, p.row, p.field) for p in outcome.problems] == [("reviews", 2, "corrects"), ("models", 2, None)]
    assert outcome.problems[0].message.startswith("Corrects must be the number of an earlier review of this model")


def test_reimporting_an_export_with_update_records_nothing_twice(alice):
    from tests.transfers.conftest import varied_inventory

    varied_inventory(owner=alice)
    files = export("json", reviews=True)
    before = ModelReview.objects.count()
    outcome = run_import(files[""], "inventory.json", update=True)
    assert outcome.ok and outcome.reviews == 0 and outcome.reviews_skipped == before
    assert (outcome.updated, outcome.unchanged) == (0, 4)
    assert ModelReview.objects.count() == before and check_models() == []


def test_update_appends_the_new_reviews_of_an_existing_model():
    run_import((MODELS.replace(",last_review_date", "") + "m1,V,high,u,b,t,2026-01-01\n").encode())
    reviews = REVIEWS + "m1,2026-02-01,passed,Jane,,\n"
    outcome = run_import((MODELS.replace(",last_review_date", "") + "m1,V,high,u,b,t,2026-01-01\n").encode(),
                         reviews=reviews.encode(), update=True)
    assert outcome.ok and (outcome.updated, outcome.reviews) == (1, 1)
    assert AIModel.objects.get().last_review_date == dt.date(2026, 2, 1)
    assert verify_chain(now=NOW).ok and check_models() == []


def test_a_schedule_the_policy_in_force_sets_otherwise_is_a_notice():
    header = MODELS.replace(",last_review_date\n", ",next_review_date,review_policy_version\n")
    outcome = run_import((header + "m1,V,high,u,b,t,2026-01-01,2026-02-02,7\n").encode())
    assert outcome.ok
    assert sorted(n.message for n in outcome.notices if n.row) == [
        "The file gives the next review as 2026-02-02; under review policy v1, in force today, it is 2026-04-01.",
        "The file names review policy v7; the policy in force today is v1, and it sets the schedule.",
    ]


def test_a_model_owner_may_import_models_but_not_the_reviews_a_file_records(alice):
    actor = Actor.for_user(alice)
    outcome = run_import((MODELS.replace(",last_review_date", "") + "mine,V,high,u,b,t,2026-01-01\n").encode(),
                         actor=actor)
    assert outcome.ok and AIModel.objects.get().owner == alice
    with pytest.raises(PermissionDenied) as refused:
        run_import((MODELS + "also-mine,V,high,u,b,t,2026-01-01,2026-02-01\n").encode(), actor=actor)
    assert "may not record reviews" in str(refused.value) and "map them to null" in str(refused.value)
    assert AIModel.objects.count() == 1


def test_an_examiner_may_not_import_and_nothing_is_read(erin):
    with pytest.raises(PermissionDenied) as refused:
        run_import(b"not even a file", actor=Actor.for_user(erin))
    assert "may not import models" in str(refused.value)


def test_a_model_owner_may_not_update_others_models_nor_retier_her_own(alice, bob):
    from tests.factories import make_model

    make_model(model_name="hers", owner=alice, risk_tier="high")
    make_model(model_name="his", owner=bob, risk_tier="high")
    outcome = run_import(b"model_name,risk_tier,vendor\nhers,low,V\nhis,high,Changed\n", update=True,
                         actor=Actor.for_user(alice), continue_on_error=True)
    assert sorted((p.row, p.field) for p in outcome.problems) == [(2, "risk_tier"), (3, "model_name")]
    assert "You may not change his" in [p.message for p in outcome.problems if p.row == 3][0]
    assert AIModel.objects.get(model_name="his").vendor != "Changed"


def test_a_model_owner_may_not_import_a_retired_model(alice):
    outcome = run_import((MODELS.replace(",last_review_date", ",status") + "m1,V,high,u,b,t,2026-01-01,deprecated\n")
                         .encode(), actor=Actor.for_user(alice))
    assert [(p.field, p.message.split(" ")[0]) for p in outcome.problems] == [("status", "Only")]
