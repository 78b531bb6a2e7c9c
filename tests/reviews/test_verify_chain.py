"""Verification catches what an attacker with database access would do once the triggers are gone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from common.actors import Actor
from reviews import db_guards
from reviews.models import ChainCheckpoint, ModelReview
from reviews.verify import verify_chain
from tests.factories import make_model
from tests.factories import record_review as record

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 27, 18, 0, tzinfo=dt.UTC)


@pytest.fixture
def chain(today):
    models = [make_model() for _ in range(3)]
    reviews = []
    for day, model in zip(range(1, 6), models * 2):
        reviews.append(record(model, review_date=dt.date(2026, 11, day * 2), notes=f"review {day}").review)
    return reviews


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.fixture
def attacker():
    """Drops the append-only triggers, as someone with database access could (rolled back after)."""
    db_guards.drop(connection)


def test_an_intact_chain_verifies_with_its_count_and_head(chain):
    result = verify_chain(now=NOW)
    assert result.ok and result.count == 5
    assert (result.head_sequence, result.head_hash) == (5, chain[-1].chain_hash)
    assert result.summary().startswith("OK: 5 review records, chain head #5 ")


def test_an_empty_chain_verifies(db):
    result = verify_chain(now=NOW)
    assert result.ok and result.count == 0 and result.head_hash == "0" * 64


def test_it_catches_a_changed_value(chain, attacker):
    sql("UPDATE reviews_modelreview SET outcome = 'passed', notes = 'all fine' WHERE sequence = 3")
    result = verify_chain(now=NOW)
    assert not result.ok
    assert result.problem.sequence == 3
    assert "altered after it was written" in result.problem.reason
    assert result.summary().startswith("BROKEN at record #3")


def test_it_catches_a_changed_value_with_its_hash_recomputed(chain, attacker):
    from reviews import hashing

    victim = ModelReview.objects.get(sequence=2)
    record_doc = victim.chain_record() | {"notes": "rewritten"}
    sql("UPDATE reviews_modelreview SET notes = 'rewritten', chain_hash = %s WHERE sequence = 2",
        [hashing.chain_hash(record_doc)])
    result = verify_chain(now=NOW)
    # Its hash is consistent again, but its signature is not: the rewritten record itself is named.
    assert result.problem.sequence == 2
    assert "signature does not verify" in result.problem.reason


def test_it_catches_a_deleted_row(chain, attacker):
    sql("DELETE FROM reviews_modelreview WHERE sequence = 2")
    result = verify_chain(now=NOW)
    assert result.problem.sequence == 3
    assert "record #2 is missing" in result.problem.reason


def test_it_catches_two_rows_swapped(chain, attacker):
    sql("UPDATE reviews_modelreview SET sequence = 1000 WHERE sequence = 2")
    sql("UPDATE reviews_modelreview SET sequence = 2 WHERE sequence = 3")
    sql("UPDATE reviews_modelreview SET sequence = 3 WHERE sequence = 1000")
    result = verify_chain(now=NOW)
    assert not result.ok and result.problem.sequence == 2


def test_it_catches_the_end_of_the_chain_deleted_after_a_checkpoint(chain, attacker):
    assert verify_chain(now=NOW, checkpoint_by=Actor(name="nightly", trusted=True)).ok
    assert ChainCheckpoint.objects.get().sequence == 5
    sql("DELETE FROM reviews_modelreview WHERE sequence >= 4")
    result = verify_chain(now=NOW)
    assert not result.ok
    assert "ends at #3: records were deleted from the end" in result.problem.reason


def test_its_queries_do_not_grow_with_the_trail(chain, today):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # The checkpoints, the streamed records (one cursor), and a fixed few for the models' agreement.
    with CaptureQueriesContext(connection) as small:
        assert verify_chain(now=NOW).ok
    for day in range(1, 20):
        record(make_model(), review_date=dt.date(2026, 10, day))
    with CaptureQueriesContext(connection) as large:
        assert verify_chain(now=NOW).ok
    assert len(large.captured_queries) == len(small.captured_queries) <= 10
