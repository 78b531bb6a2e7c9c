"""mltrack reviewed / reviews / verify."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection

from inventory.models import AIModel
from reviews import db_guards
from reviews.models import ModelReview
from tests.factories import make_model
from tests.factories import record_review as record

pytestmark = pytest.mark.django_db


@pytest.fixture
def model(db):
    return make_model(model_name="gpt-4-turbo", risk_tier="critical", deployment_date=dt.date(2026, 6, 1))


def test_it_records_a_review_with_the_before_and_after_panel(run, model):
    record(model, review_date=dt.date(2026, 10, 20))
    result = run("reviewed", "GPT-4-TURBO", "--date", "2026-11-22", "--outcome", "passed",
                 "--reviewer", "Jane Smith (Model Risk)", "--notes", "Quarterly security review completed.")
    assert result.code == 0, result.err
    for text in ("Review Recorded", "Review Cycle", "30 days", "Last Review (was)  2026-10-20",
                 "Last Review (now)  2026-11-22", "Next Review (was)  2026-11-19 (8 days overdue)",
                 "Next Review (now)  2026-12-22 (in 25 days)", "Review note: Quarterly security review completed.",
                 "written to audit trail"):
        assert text in result.out, text
    review = ModelReview.objects.get(sequence=2)
    assert review.recorded_by == "os:ops-jane" and review.reviewer == "Jane Smith (Model Risk)"


def test_today_is_a_date(run, model):
    assert run("reviewed", model.model_name, "-d", "today", "--outcome", "warning", "--reviewer", "J").code == 0
    assert ModelReview.objects.get().review_date == dt.date(2026, 11, 27)


def test_bad_input_names_each_flag_and_records_nothing(run, model):
    result = run("reviewed", model.model_name, "--date", "2099-01-01", "--outcome", "great")
    assert result.code == 1
    assert "--date: A review cannot be dated in the future" in result.err
    assert "--outcome: 'great' is not an outcome. Allowed values: passed, warning, failed." in result.err
    assert "--reviewer: Say who performed the review" in result.err
    assert not ModelReview.objects.exists()


def test_a_missing_date_is_named(run, model):
    result = run("reviewed", model.model_name, "--outcome", "passed", "--reviewer", "J")
    assert result.code == 1 and "--date: Give the date of the review as YYYY-MM-DD" in result.err


def test_an_unknown_model_gets_suggestions(run, model):
    result = run("reviewed", "gpt-4-turbbo", "-d", "today", "--outcome", "passed", "--reviewer", "J")
    assert result.code == 1 and 'No model named "gpt-4-turbbo". Did you mean: gpt-4-turbo?' in result.err


def test_a_failed_review_says_the_schedule_did_not_move(run, model):
    result = run("reviewed", model.model_name, "-d", "today", "--outcome", "failed", "--reviewer", "J")
    assert result.code == 0
    assert "a failed review does not make the model compliant" in result.out
    assert AIModel.objects.get(pk=model.pk).last_review_date is None


def test_a_correction_references_the_earlier_record(run, model):
    first = record(model, review_date=dt.date(2026, 11, 1)).review
    result = run("reviewed", model.model_name, "-d", "2026-11-01", "--outcome", "warning", "--reviewer", "J",
                 "--corrects", "1", "--notes", "Corrects the outcome of #1")
    assert result.code == 0, result.err
    assert ModelReview.objects.get(sequence=2).corrects == first
    assert run("reviewed", model.model_name, "-d", "today", "--outcome", "passed", "--reviewer", "J",
               "--corrects", "99").code == 1


def test_it_links_a_reviewer_account_and_refuses_an_unknown_one(run, model, bob):
    assert run("reviewed", model.model_name, "-d", "today", "--outcome", "passed", "--reviewer", "Bob",
               "--reviewer-user", "bob").code == 0
    assert ModelReview.objects.get().reviewer_user == bob
    result = run("reviewed", model.model_name, "-d", "today", "--outcome", "passed", "--reviewer", "X",
                 "--reviewer-user", "nobody")
    assert result.code == 1 and "--reviewer-user: No user account named nobody." in result.err


@pytest.mark.parametrize("persona", ["alice", "erin"])
def test_only_risk_officers_and_administrators_record(run, model, request, persona):
    request.getfixturevalue(persona)
    result = run("--user", persona, "reviewed", model.model_name, "-d", "today", "--outcome", "passed", "--reviewer", "J")
    assert result.code == 1 and "Permission denied" in result.err and "record reviews" in result.err
    assert not ModelReview.objects.exists()


def test_a_risk_officer_records_under_their_account(run, model, bob):
    assert run("--user", "bob", "reviewed", model.model_name, "-d", "today", "--outcome", "passed", "--reviewer", "B").code == 0
    assert ModelReview.objects.get().recorded_by == "bob"


def test_it_lists_a_models_trail_and_its_drift(run, model, today):
    from inventory import services

    record(model, review_date=dt.date(2026, 10, 1), notes="note-one")
    record(model, review_date=dt.date(2026, 11, 1), notes="note-two")
    result = run("reviews", model.model_name)
    assert result.code == 0 and "matches the state hash of its last review" in result.out
    assert result.out.index("note-two") < result.out.index("note-one")
    services.update_model(model=model, changes={"vendor": "Anthropic"}, actor=services.Actor(name="t", trusted=True), today=today)
    assert "has changed since its last review: vendor (In-house → Anthropic)" in run("reviews", model.model_name).out
    data = json.loads(run("reviews", model.model_name, "--json").out)
    assert data["drift"]["changed_since_last_review"] is True
    assert data["drift"]["changed_fields"] == [{"field": "vendor", "was": "In-house", "now": "Anthropic"}]
    assert [r["sequence"] for r in data["reviews"]] == ["2", "1"]
    assert data["reviews"][0]["chain_hash"] == ModelReview.objects.get(sequence=2).chain_hash


def test_the_examiner_reads_the_trail_and_a_user_without_a_role_does_not(run, model, erin, charlie):
    record(model)
    assert run("--user", "erin", "reviews", model.model_name).code == 0
    assert run("--user", "erin", "verify").code == 0
    assert run("--user", "charlie", "reviews", model.model_name).code == 1
    assert run("--user", "charlie", "verify").code == 1


def test_verify_reports_ok_with_count_and_head(run, model):
    last = None
    for day in (1, 2, 3):
        last = record(model, review_date=dt.date(2026, 11, day)).review
    result = run("verify")
    assert result.code == 0
    assert f"OK: 3 review records, chain head #3 {last.chain_hash}" in result.out
    data = json.loads(run("verify", "--json").out)
    assert data["ok"] is True and data["head"] == {"sequence": 3, "chain_hash": last.chain_hash}


def test_verify_exits_1_and_names_the_first_bad_record(run, model):
    for day in (1, 2, 3):
        record(model, review_date=dt.date(2026, 11, day))
    db_guards.drop(connection)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE reviews_modelreview SET reviewer = 'Someone else' WHERE sequence = 2")
    result = run("verify")
    assert result.code == 1
    assert "BROKEN at record #2" in result.out and "altered after it was written" in result.out
    data = json.loads(run("verify", "--json").out)
    assert data["ok"] is False and data["problem"]["sequence"] == 2


def test_no_verb_edits_or_deletes_a_review(run):
    result = run("--help")
    verbs = result.out
    assert "reviewed" in verbs and "verify" in verbs
    for word in ("unreview", "delete-review", "edit-review"):
        assert word not in verbs
