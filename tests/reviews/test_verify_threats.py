"""The attacks of docs/audit-trail.md's threat table, each against a live trail: what an insider with
INSERT only, with the triggers dropped, or owning the whole database can do, and what notices."""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import connection, transaction

from common import signing
from common.actors import Actor
from reviews import db_guards, hashing
from reviews.models import ChainCheckpoint, ModelReview
from reviews.verify import verify_chain
from tests.factories import make_model
from tests.factories import record_review as record

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 27, 18, 0, tzinfo=dt.UTC)
NIGHTLY = Actor.system("nightly")


@pytest.fixture
def trail(today):
    models = [make_model(model_name=f"model-{n}") for n in range(3)]
    return [record(models[n % 3], review_date=dt.date(2026, 11, n + 1)).review for n in range(12)]


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def insert_record(**overrides) -> None:
    """Append a record with INSERT alone (the triggers stay on), its hash correctly recomputed."""
    last = ModelReview.objects.order_by("-sequence").first()
    forged = ModelReview(
        id=uuid.uuid4(), sequence=last.sequence + 1, model_id=last.model_id, model_name=last.model_name,
        review_date=last.review_date, reviewer="Someone We Never Employed", outcome="passed", notes="",
        model_state_hash=last.model_state_hash, policy_version=1, last_review_before=last.review_date,
        next_review_before=last.next_review_date, next_review_date=last.next_review_date, recorded_by="bob",
        created_at=NOW, previous_hash=last.chain_hash, **overrides,
    )
    forged.chain_hash = hashing.chain_hash(forged.chain_record())
    if "signature" in overrides:  # a signature made with a key of the attacker's own
        attacker_key = signing.Signer(Ed25519PrivateKey.generate())
        forged.signature = attacker_key.sign(hashing.record_signing_message(forged.chain_hash))
        forged.signing_key_id = attacker_key.key_id
    forged.save()


def test_a_record_appended_with_insert_alone_is_caught(trail):
    insert_record()
    result = verify_chain(now=NOW)
    assert (result.ok, result.problem.sequence) == (False, 13)
    assert "not signed, though record #1 before it is" in result.problem.reason


def test_a_record_signed_with_another_key_is_caught(trail):
    insert_record(signature="")
    result = verify_chain(now=NOW)
    assert result.problem.sequence == 13
    assert "which is not a trusted key" in result.problem.reason


def test_records_deleted_from_the_end_with_their_checkpoints_are_caught_by_the_anchor(trail):
    assert verify_chain(now=NOW, checkpoint_by=NIGHTLY).ok  # signs #12 and anchors it outside the database
    db_guards.drop(connection)
    sql("DELETE FROM reviews_chaincheckpoint")
    sql("DELETE FROM reviews_modelreview WHERE sequence >= 10")
    result = verify_chain(now=NOW)
    assert not result.ok
    assert "saw record #12" in result.problem.reason and "records were deleted from the end" in result.problem.reason


def test_deleting_everything_is_caught_by_the_anchor(trail):
    assert verify_chain(now=NOW, checkpoint_by=NIGHTLY).ok
    db_guards.drop(connection)
    sql("DELETE FROM reviews_chaincheckpoint")
    sql("DELETE FROM reviews_modelreview")
    result = verify_chain(now=NOW)
    assert not result.ok and "now ends at #0" in result.problem.reason


def test_a_checkpoint_file_an_examiner_kept_proves_the_prefix(trail, settings, tmp_path):
    assert verify_chain(now=NOW, checkpoint_by=NIGHTLY).ok
    kept = tmp_path / "examiner-copy.json"
    (anchored,) = sorted(settings.MLTRACK_CHECKPOINT_DIR.glob("checkpoint-*.json"))
    kept.write_bytes(anchored.read_bytes())
    anchored.unlink()  # the operator's anchor folder is gone too
    assert verify_chain(now=NOW, checkpoint_files=[kept]).ok
    db_guards.drop(connection)
    sql("DELETE FROM reviews_chaincheckpoint")
    sql("DELETE FROM reviews_modelreview WHERE sequence = 12")
    assert "deleted from the end" in verify_chain(now=NOW, checkpoint_files=[kept]).problem.reason


def test_a_tampered_checkpoint_file_is_refused(trail, settings, tmp_path):
    assert verify_chain(now=NOW, checkpoint_by=NIGHTLY).ok
    (anchored,) = sorted(settings.MLTRACK_CHECKPOINT_DIR.glob("checkpoint-*.json"))
    document = json.loads(anchored.read_text())
    document["sequence"] = 3
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(document))
    result = verify_chain(now=NOW, checkpoint_files=[forged])
    assert not result.ok and "cannot be trusted: its signature does not verify" in result.problem.reason


def test_a_rewritten_record_is_named_even_with_its_checkpoints_cleared(trail):
    assert verify_chain(now=NOW, checkpoint_by=NIGHTLY).ok
    db_guards.drop(connection)
    sql("DELETE FROM reviews_chaincheckpoint")
    # Rewrite #10 and rehash it and every record after it, as the database owner could.
    previous = ModelReview.objects.get(sequence=9).chain_hash
    for review in ModelReview.objects.filter(sequence__gte=10).order_by("sequence"):
        document = review.chain_record() | {"previous_hash": previous}
        if review.sequence == 10:
            document["outcome"] = "failed"
        new_hash = hashing.chain_hash(document)
        sql("UPDATE reviews_modelreview SET outcome = %s, previous_hash = %s, chain_hash = %s WHERE sequence = %s",
            [document["outcome"], previous, new_hash, review.sequence])
        previous = new_hash
    result = verify_chain(now=NOW)
    assert result.problem.sequence == 10
    assert "signature does not verify" in result.problem.reason


def test_a_reviewed_model_deleted_behind_mltracks_back_is_named(trail):
    victim = trail[0].model
    # Foreign keys are checked when a transaction commits; this one never does (it is rolled back
    # after the verification), as if they were off (SQLite's shell) or disabled (PostgreSQL's
    # session_replication_role = replica).
    with transaction.atomic():
        sql("DELETE FROM inventory_aimodel WHERE id = %s", [victim.pk])
        result = verify_chain(now=NOW)
        transaction.set_rollback(True)
    assert result.chain_ok and not result.ok
    assert [(p.model_id, p.model_name) for p in result.model_problems] == [(victim.pk, "model-0")]
    assert "the model is gone from the inventory" in result.model_problems[0].reason


def test_a_review_state_changed_directly_is_named_per_model(trail):
    victim = trail[1].model
    sql("UPDATE inventory_aimodel SET last_review_date = NULL, next_review_date = %s WHERE id = %s",
        [dt.date(2030, 1, 1), victim.pk])
    result = verify_chain(now=NOW)
    assert result.chain_ok and not result.ok
    reasons = [p.reason for p in result.model_problems if p.model_id == victim.pk]
    assert any("its last review is recorded as none, but its trail says 2026-11-11" in r for r in reasons)
    assert any("its next review date is 2030-01-01" in r for r in reasons)
    assert any("differs from its change history in last_review_date, next_review_date" in r for r in reasons)
    assert result.summary().startswith("MODELS DISAGREE WITH THE TRAIL")


def test_a_definition_changed_directly_is_named(trail):
    sql("UPDATE inventory_aimodel SET risk_tier = 'low' WHERE id = %s", [trail[2].model_id])
    reasons = [problem.reason for problem in verify_chain(now=NOW).model_problems]
    # The tier sets the cycle, so the schedule no longer adds up either.
    assert len(reasons) == 2
    assert "its next review date is 2027-02-10, but its last review and policy give 2027-11-12" in reasons
    assert "its row differs from its change history in risk_tier (changed behind MLTrack's back)" in reasons


def test_a_bogus_checkpoint_is_reported_but_breaks_nothing(trail):
    ChainCheckpoint.objects.create(sequence=99, chain_hash="f" * 64, verified_at=NOW, verified_by="mallory")
    result = verify_chain(now=NOW)
    assert result.ok
    assert any("Ignored checkpoint row" in warning and "it is not signed" in warning for warning in result.warnings)


def test_records_from_before_signing_are_covered_by_a_signed_checkpoint(trail):
    db_guards.drop(connection)
    sql("UPDATE reviews_modelreview SET signature = NULL, signing_key_id = NULL")
    db_guards.install(connection)
    first = verify_chain(now=NOW, checkpoint_by=NIGHTLY)
    assert first.ok and "predate signing" in " ".join(first.warnings)
    record(trail[0].model, review_date=dt.date(2026, 11, 20))  # signing has begun
    second = verify_chain(now=NOW)
    assert second.ok and second.signed_count == 1
    assert not any("predate signing" in warning for warning in second.warnings)
    # From now on an unsigned record is a forgery, not history.
    insert_record()
    assert "not signed, though record #13 before it is" in verify_chain(now=NOW).problem.reason


def test_a_rotated_key_keeps_old_records_verifying(trail, settings, tmp_path):
    old_public = signing.signer().public_key
    settings.MLTRACK_TRUSTED_KEYS_DIR.mkdir(parents=True)
    (settings.MLTRACK_TRUSTED_KEYS_DIR / "previous.pem").write_text(signing.public_pem(old_public))
    settings.MLTRACK_SIGNING_KEY_FILE = tmp_path / "new-key.pem"
    signing.generate_key_file(settings.MLTRACK_SIGNING_KEY_FILE)
    record(trail[0].model, review_date=dt.date(2026, 11, 20))

    result = verify_chain(now=NOW)
    assert result.ok and result.signed_count == 13
    assert ModelReview.objects.get(sequence=13).signing_key_id == signing.signer().key_id != signing.key_id(old_public)

    (settings.MLTRACK_TRUSTED_KEYS_DIR / "previous.pem").unlink()
    result = verify_chain(now=NOW)
    assert result.problem.sequence == 1 and "which is not a trusted key" in result.problem.reason


def test_an_examiner_verifies_with_the_public_key_alone(trail, settings, tmp_path):
    public = tmp_path / "institution.pem"
    public.write_text(signing.public_pem(signing.signer().public_key))
    settings.MLTRACK_SIGNING_KEY_FILE = tmp_path / "absent.pem"  # the examiner has no private key
    assert verify_chain(now=NOW, public_keys=[public]).ok
    assert not (tmp_path / "absent.pem").exists()


def test_signatures_are_base64_ed25519_over_the_documented_message(trail):
    review = trail[0]
    public = signing.signer().public_key
    public.verify(base64.b64decode(review.signature), b"mltrack review record v1\n" + review.chain_hash.encode())


def test_the_upgrade_records_columns_that_earlier_migrations_filled_in(trail):
    import importlib

    from django.apps import apps

    # As an older installation's backfill left it: a derived column written without a history entry.
    sql("UPDATE inventory_aimodel SET status_changed_on = %s WHERE id = %s", [dt.date(2026, 1, 1), trail[0].model_id])
    assert verify_chain(now=NOW).model_problems
    importlib.import_module("reviews.migrations.0005_history_catch_up").catch_up(apps, None)
    assert verify_chain(now=NOW).ok


def test_a_partly_rehashed_rewrite_is_named_at_the_rewritten_record(trail):
    # Rewrite #5 and rehash only #5 to #8: #9 no longer links, but the first bad record is #5.
    db_guards.drop(connection)
    previous = ModelReview.objects.get(sequence=4).chain_hash
    for review in ModelReview.objects.filter(sequence__range=(5, 8)).order_by("sequence"):
        document = review.chain_record() | {"previous_hash": previous}
        if review.sequence == 5:
            document["notes"] = "rewritten"
        new_hash = hashing.chain_hash(document)
        sql("UPDATE reviews_modelreview SET notes = %s, previous_hash = %s, chain_hash = %s WHERE sequence = %s",
            [document["notes"], previous, new_hash, review.sequence])
        previous = new_hash
    result = verify_chain(now=NOW)
    assert result.problem.sequence == 5 and "signature does not verify" in result.problem.reason
