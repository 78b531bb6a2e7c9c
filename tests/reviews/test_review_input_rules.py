"""What recording a review accepts (common.text, common.dates): every bad value named by field,
nothing written; and each model remembers its first review record, which verification checks."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection

from common.actors import Actor
from inventory.models import AIModel
from reviews.models import ModelReview
from reviews.services import BatchError, BatchRow, ReviewInput, append_reviews
from reviews.verify import verify_chain
from tests.factories import make_model
from tests.factories import record_review as record

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 27, 18, 0, tzinfo=dt.UTC)
IMPORTER = Actor(name="import", trusted=True)


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        ({"review_date": "20261101"}, "review_date",
         'Review date must be a date written YYYY-MM-DD, e.g. 2026-01-31, got "20261101".'),
        ({"review_date": "2026-11-1"}, "review_date", "must be a date written YYYY-MM-DD"),
        ({"review_date": "9999-12-30"}, "review_date",
         "Review date must be between 1900-01-01 and 2999-12-31 (YYYY-MM-DD), got 9999-12-30."),
        ({"review_date": dt.date(9999, 12, 30)}, "review_date", "got 9999-12-30"),
        ({"reviewer": "Jane\x1b[8m Smith"}, "reviewer", "Reviewer must be printable text on one line"),
        ({"reviewer": "Jane\nSmith"}, "reviewer", "U+000A LINE FEED"),
        ({"reviewer": "\u202eJane"}, "reviewer", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ({"notes": "fine\x00"}, "notes", "Notes may contain line breaks and tabs but no other control"),
        ({"notes": "ok \u2066hidden\u2069"}, "notes", "U+2066 LEFT-TO-RIGHT ISOLATE"),
    ],
)
def test_bad_input_is_refused_by_field_and_nothing_is_written(today, fields, field, fragment):
    model = make_model(deployment_date=dt.date(2026, 6, 1))
    with pytest.raises(ValidationError) as exc_info:
        record(model, **fields)
    assert fragment in exc_info.value.message_dict[field][0]
    assert not ModelReview.objects.exists()
    assert AIModel.objects.get(pk=model.pk).earliest_outcome_on is None


def test_notes_keep_their_line_breaks_as_lf(today):
    review = record(make_model(), notes="First finding.\r\nSecond finding.\tDone.").review
    assert ModelReview.objects.get(pk=review.pk).notes == "First finding.\nSecond finding.\tDone."


def test_a_batch_finds_models_as_people_read_names(today):
    model = make_model(model_name="café-model", deployment_date=dt.date(2025, 1, 1))
    entry = ReviewInput(review_date=dt.date(2025, 6, 1), outcome="passed", reviewer="H")
    rows = [BatchRow(model_name=name, entry=entry) for name in ("CAFÉ-MODEL", "ｃａｆé-model")]
    records = append_reviews(rows=rows, actor=IMPORTER, today=today, now=NOW)
    assert {record.model_id for record in records} == {model.pk}


def test_a_batch_row_naming_no_possible_model_is_a_row_error(today):
    make_model(model_name="fraud-v2")
    entry = ReviewInput(review_date="2026-11-01", outcome="passed", reviewer="H")
    rows = [BatchRow(model_name="fraud\x00-v2", entry=entry)]
    with pytest.raises(BatchError) as exc_info:
        append_reviews(rows=rows, actor=IMPORTER, today=today, now=NOW)
    assert exc_info.value.message_dict == {"row 1": ["model: no model named 'fraud\\x00-v2'."]}
    assert not ModelReview.objects.exists()


def test_a_batch_remembers_each_models_first_record(today):
    model = make_model(deployment_date=dt.date(2025, 1, 1))
    rows = [BatchRow(model_name=model.model_name, entry=ReviewInput(review_date=day, outcome="passed", reviewer="H"))
            for day in (dt.date(2026, 3, 1), dt.date(2025, 6, 1), dt.date(2025, 9, 1))]
    append_reviews(rows=rows, actor=IMPORTER, today=today, now=NOW)
    assert AIModel.objects.get().earliest_outcome_on == dt.date(2025, 6, 1)
    assert verify_chain(now=NOW).ok


def test_verification_names_a_first_record_date_changed_behind_mltracks_back(today):
    model = make_model(model_name="fraud-v2")
    record(model, review_date=dt.date(2026, 10, 1))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE inventory_aimodel SET earliest_outcome_on = NULL WHERE id = %s", [model.pk])
    reasons = [problem.reason for problem in verify_chain(now=NOW).model_problems]
    assert "its first review record is recorded as none, but its trail says 2026-10-01" in reasons


def test_the_upgrade_fills_in_each_models_first_record_with_a_history_entry(today, capsys):
    reviewed, late = make_model(model_name="reviewed"), make_model(model_name="late")
    record(reviewed, review_date=dt.date(2026, 9, 1))
    record(reviewed, review_date=dt.date(2026, 7, 1))
    record(late, review_date=dt.date(2026, 8, 1), outcome="failed")
    # As an installation from before the column: empty, and a deployment date since moved after a
    # failed review (which the last review date, and so the old rule, did not see).
    with connection.cursor() as cursor:
        cursor.execute("UPDATE inventory_aimodel SET earliest_outcome_on = NULL")
        cursor.execute("UPDATE inventory_aimodel SET deployment_date = %s WHERE id = %s",
                       [dt.date(2026, 8, 15), late.pk])
    importlib.import_module("reviews.migrations.0006_backfill_earliest_outcome").backfill(apps, None)

    firsts = dict(AIModel.objects.values_list("model_name", "earliest_outcome_on"))
    assert firsts == {"reviewed": dt.date(2026, 7, 1), "late": dt.date(2026, 8, 1)}
    assert AIModel.history.filter(history_actor="system:migration").count() == 2
    out = capsys.readouterr().out
    assert "1 model(s) have a deployment date after their first review record" in out
    assert "late (deployed 2026-08-15, first reviewed 2026-08-01)" in out
