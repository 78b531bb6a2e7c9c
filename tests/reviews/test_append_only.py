"""Every layer that keeps review records permanent, each on its own."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.urls import reverse

from inventory import services as inventory_services
from inventory.models import AIModel
from reviews.models import AppendOnlyError, ChainCheckpoint, ModelReview
from tests.factories import make_model
from tests.factories import record_review as record

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(today):
    return record(make_model(), notes="original").review


def raw(sql: str, params=()) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_model_refuses_to_save_changes(review):
    review.notes = "rewritten"
    with pytest.raises(AppendOnlyError):
        review.save()


def test_the_model_refuses_to_delete(review):
    with pytest.raises(AppendOnlyError):
        review.delete()


@pytest.mark.parametrize("call", [
    lambda qs: qs.update(notes="x"),
    lambda qs: qs.delete(),
    lambda qs: qs.bulk_update(list(qs), ["notes"]),
    lambda qs: qs.update_or_create(pk=qs.first().pk, defaults={"notes": "x"}),
])
def test_querysets_refuse_bulk_changes(review, call):
    with pytest.raises(AppendOnlyError):
        call(ModelReview.objects.all())
    assert ModelReview.objects.get().notes == "original"


def test_the_database_refuses_update(review):
    with pytest.raises(DatabaseError, match="append-only"):
        raw("UPDATE reviews_modelreview SET notes = 'rewritten'")
    assert ModelReview.objects.get().notes == "original"


def test_the_database_refuses_delete(review):
    with pytest.raises(DatabaseError, match="append-only"):
        raw("DELETE FROM reviews_modelreview")
    assert ModelReview.objects.count() == 1


def test_the_database_guards_checkpoints_too(review):
    ChainCheckpoint.objects.create(sequence=1, chain_hash=review.chain_hash, verified_at=review.created_at, verified_by="t")
    with pytest.raises(DatabaseError, match="append-only"):
        raw("DELETE FROM reviews_chaincheckpoint")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE triggers exist on PostgreSQL only; CI runs this on PostgreSQL")
def test_the_database_refuses_truncate(review):
    raw("SET CONSTRAINTS ALL IMMEDIATE")  # settle the insert's deferred checks, as a commit would
    with pytest.raises(DatabaseError, match="append-only"):
        raw("TRUNCATE reviews_modelreview CASCADE")
    assert ModelReview.objects.count() == 1


def test_a_reviewed_model_is_protected_from_deletion(review):
    model = review.model
    AIModel.objects.filter(pk=model.pk).update(last_review_date=None)  # only the review record remains
    model.refresh_from_db()
    with pytest.raises(ValidationError, match="Decommission it instead"):
        inventory_services.delete_model(model=model, actor=inventory_services.Actor(name="t", trusted=True))
    # Raw SQL meets the foreign key (deferred to commit, so check it as a commit would).
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM inventory_aimodel")
        connection.check_constraints(table_names=["reviews_modelreview"])
    assert ModelReview.objects.count() == 1


def test_the_admin_shows_but_never_edits_reviews(client, carol, review):
    client.force_login(carol)
    assert client.get(reverse("admin:reviews_modelreview_changelist")).status_code == 200
    assert client.get(reverse("admin:reviews_modelreview_add")).status_code == 403
    change_url = reverse("admin:reviews_modelreview_change", args=[review.pk])
    assert client.post(change_url, {"notes": "x"}).status_code == 403
    assert client.post(reverse("admin:reviews_modelreview_delete", args=[review.pk]), {"post": "yes"}).status_code == 403
    assert ModelReview.objects.get().notes == "original"


def test_sample_data_clear_refuses_while_reviews_exist(review, today):
    from inventory import sample_data

    with pytest.raises(sample_data.ClearRefused, match="1 model\\(s\\) have review records"):
        sample_data.generate(count=1, seed=1, actor=inventory_services.Actor(name="t", trusted=True), today=today, clear_first=True)
    assert AIModel.objects.count() == 1 and ModelReview.objects.count() == 1
