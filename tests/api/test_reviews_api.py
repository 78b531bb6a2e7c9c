"""/api/v1/reviews/ and /api/v1/audit-trail/verification/: the trail read and appended through the
audit-trail service, never changed or deleted; verification as the console's page does it."""

from __future__ import annotations

import datetime as dt

import pytest

from inventory.models import AIModel
from reviews.models import ChainCheckpoint, ModelReview
from tests.api.conftest import Api, make_token
from tests.factories import decommission, make_model, record_review

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
URL = "/api/v1/reviews/"


@pytest.fixture
def model():
    return make_model(model_name="fraud-gbm", deployment_date=dt.date(2026, 6, 1))


@pytest.fixture
def bobs(bob) -> Api:
    return Api(make_token(bob))


def test_it_records_a_review_that_moves_the_schedule(bobs, bob, model):
    response = bobs.post(URL, {"model": model.pk, "review_date": "2026-11-20", "outcome": "passed",
                               "notes": "Annual validation."})

    assert response.status_code == 201, response.content
    record = ModelReview.objects.get()
    body = response.json()
    assert response["Location"] == body["url"] == f"http://testserver{URL}{record.pk}/"
    assert (body["reviewer"], body["reviewer_account"], body["recorded_by"]) == ("bob", "bob", "bob")
    assert (body["sequence"], body["chain_hash"], body["signature"]) == (1, record.chain_hash, record.signature)
    assert AIModel.objects.get(pk=model.pk).last_review_date == dt.date(2026, 11, 20)


def test_a_named_reviewer_without_the_account(bobs, model):
    body = bobs.post(URL, {"model": model.pk, "review_date": "2026-11-20", "outcome": "warning",
                           "reviewer": "Jane Smith (Model Risk)", "performed_by_me": False}).json()

    assert (body["reviewer"], body["reviewer_account"]) == ("Jane Smith (Model Risk)", None)


def test_a_correction_references_the_record_it_corrects(bobs, model):
    first = record_review(model, review_date=dt.date(2026, 11, 1)).review

    response = bobs.post(URL, {"model": model.pk, "review_date": "2026-11-01", "outcome": "failed",
                               "corrects": str(first.pk)})

    assert response.status_code == 201 and response.json()["corrects"] == str(first.pk)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"review_date": "2026-12-01", "outcome": "passed"}, "review_date"),
        ({"review_date": "2026-05-01", "outcome": "passed"}, "review_date"),
        ({"review_date": "2026-11-20", "outcome": "great"}, "outcome"),
        ({"review_date": "2026-11-20", "outcome": "passed", "corrects": "00000000-0000-0000-0000-000000000000"},
         "corrects"),
        ({"review_date": "2026-11-20", "outcome": "passed", "reviewer": "", "performed_by_me": False}, "reviewer"),
        ({"review_date": "2026-11-20", "outcome": "passed", "notes": "x" * 10001}, "notes"),
        ({"review_date": "2026-11-20", "outcome": "passed", "signature": "forged"}, "signature"),
    ],
)
def test_a_bad_review_is_400_and_records_nothing(bobs, model, body, field):
    response = bobs.post(URL, {"model": model.pk, **body})

    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert not ModelReview.objects.exists()


def test_a_decommissioned_model_is_no_longer_reviewed(bobs, model):
    decommission(model)

    response = bobs.post(URL, {"model": model.pk, "review_date": "2026-11-20", "outcome": "passed"})

    assert response.status_code == 400 and "decommissioned" in response.json()["error"]["fields"]["model"][0]


def test_an_unknown_model_is_404(bobs):
    response = bobs.post(URL, {"model": 424242, "review_date": "2026-11-20", "outcome": "passed"})

    assert response.status_code == 404


def test_a_model_owner_reads_reviews_but_never_records_them(alice, model):
    api = Api(make_token(alice))
    record_review(model, review_date=dt.date(2026, 11, 1))

    refused = api.post(URL, {"model": model.pk, "review_date": "2026-11-20", "outcome": "passed"})

    assert api.get(URL).json()["count"] == 1
    assert refused.status_code == 403 and ModelReview.objects.count() == 1


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_records_are_never_changed_or_deleted(bobs, model, method):
    record = record_review(model, review_date=dt.date(2026, 11, 1)).review

    response = getattr(bobs, method)(f"{URL}{record.pk}/", {"outcome": "failed"})

    assert response.status_code == 405 and response.json()["error"]["code"] == "method_not_allowed"
    assert ModelReview.objects.get().outcome == "passed"


def test_it_lists_and_filters_the_trail_newest_first(bobs, model):
    other = make_model(model_name="chat-assist", deployment_date=dt.date(2026, 6, 1))
    record_review(model, review_date=dt.date(2026, 10, 1), reviewer="Ann")
    record_review(model, review_date=dt.date(2026, 11, 1), outcome="failed", reviewer="Ben")
    record_review(other, review_date=dt.date(2026, 11, 2), reviewer="Ann")

    def listed(**query) -> list[tuple[str, str]]:
        return [(r["model_name"], r["review_date"]) for r in bobs.get(URL, query).json()["results"]]

    assert listed() == [("chat-assist", "2026-11-02"), ("fraud-gbm", "2026-11-01"), ("fraud-gbm", "2026-10-01")]
    assert listed(model="fraud") == [("fraud-gbm", "2026-11-01"), ("fraud-gbm", "2026-10-01")]
    assert listed(model_id=other.pk) == [("chat-assist", "2026-11-02")]
    assert listed(reviewer="ann", date_from="2026-10-15") == [("chat-assist", "2026-11-02")]
    assert listed(outcome="failed") == [("fraud-gbm", "2026-11-01")]


@pytest.mark.parametrize(
    "query",
    [{"outcome": "great"}, {"date_from": "yesterday"}, {"model_id": "x"}, {"model_id": "1e400"},
     {"model_id": "9" * 30}, {"model_id": "1.5"}, {"model_id": "0"}],
)
def test_a_bad_trail_filter_is_400(bobs, query):
    response = bobs.get(URL, query)

    assert response.status_code == 400 and set(response.json()["error"]["fields"]) == set(query)


def test_an_id_that_is_not_a_records_is_404(bobs, model):
    assert bobs.get(f"{URL}not-a-uuid-but-thirty-six-characters/").status_code == 404
    assert bobs.get(f"{URL}------------------------------------/").status_code == 404


def test_it_reads_one_record(bobs, model):
    record = record_review(model, review_date=dt.date(2026, 11, 1)).review

    body = bobs.get(f"{URL}{record.pk}/").json()

    assert (body["id"], body["model"], body["previous_hash"]) == (str(record.pk), model.pk, "0" * 64)


def test_verification_reads_and_anchors_only_when_asked(erin, model, tmp_path):
    record_review(model, review_date=dt.date(2026, 11, 1))
    api = Api(make_token(erin))

    read = api.get("/api/v1/audit-trail/verification/").json()
    anchored = api.post("/api/v1/audit-trail/verification/").json()

    assert (read["ok"], read["count"], read["anchored"]) == (True, 1, None)
    assert read["summary"].startswith("OK: 1 review records")
    assert anchored["ok"] and anchored["anchored"]
    assert ChainCheckpoint.objects.get().verified_by == "erin"


def test_a_read_only_token_verifies_without_anchoring(erin, model):
    api = Api(make_token(erin, read_only=True))

    assert api.get("/api/v1/audit-trail/verification/").status_code == 200
    assert api.post("/api/v1/audit-trail/verification/").status_code == 403
    assert not ChainCheckpoint.objects.exists()
