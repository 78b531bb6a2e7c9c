"""/api/v1/models/: the inventory list with the console's filters, and every write through the
inventory's services (their field errors as 400, their refusals as 403, conflicts as 409)."""

from __future__ import annotations

import datetime as dt

import pytest

from inventory.models import AIModel
from tests.api.conftest import Api, make_token
from tests.factories import decommission, make_model, record_review

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
URL = "/api/v1/models/"
NEW = {
    "model_name": "credit-limit-v4", "vendor": "In-house", "risk_tier": "high", "use_case": "Card credit limits",
    "business_owner": "Jane Smith (Cards)", "technical_owner": "Credit Data Science", "deployment_date": "2026-09-01",
}


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["model_name"] for row in response.json()["results"]]


@pytest.fixture
def inventory(alice):
    """Four models: reviewed, overdue (critical), due soon (owned by alice), retired."""
    reviewed = make_model(model_name="aml-screening", risk_tier="medium", vendor="Acme")
    record_review(reviewed, review_date=dt.date(2026, 11, 1))
    make_model(model_name="fraud-gbm", risk_tier="critical", deployment_date=dt.date(2026, 6, 1))
    make_model(model_name="chat-assist", risk_tier="high", vendor="Anthropic", deployment_date=dt.date(2026, 9, 20),
               owner=alice, model_type="generative_ai")
    decommission(make_model(model_name="old-scorecard", risk_tier="low", deployment_environment="staging"))


@pytest.fixture
def bobs(bob) -> Api:
    return Api(make_token(bob))


# Reading --------------------------------------------------------------------------------------


def test_it_lists_models_by_name_with_their_schedule(bobs, inventory):
    response = bobs.get(URL)
    first = response.json()["results"][0]

    assert names(response) == ["aml-screening", "chat-assist", "fraud-gbm", "old-scorecard"]
    assert {key: response.json()[key] for key in ("count", "page", "pages", "next", "previous")} == {
        "count": 4, "page": 1, "pages": 1, "next": None, "previous": None}
    assert first["url"] == f"http://testserver{URL}{first['id']}/"
    assert (first["last_review_date"], first["review_policy_version"], first["latest_outcome"]) == (
        "2026-11-01", 1, "passed")
    assert first["review_due"] == {"days": 154, "overdue": False, "due_soon": False, "scheduled": True,
                                   "words": "in 154 days"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"risk_tier": "critical"}, ["fraud-gbm"]),
        ({"vendor": "acme"}, ["aml-screening"]),
        ({"status": "decommissioned"}, ["old-scorecard"]),
        ({"deployment_environment": "staging"}, ["old-scorecard"]),
        ({"model_type": "generative_ai"}, ["chat-assist"]),
        ({"review": "overdue"}, ["fraud-gbm"]),
        ({"review": "never"}, ["chat-assist", "fraud-gbm", "old-scorecard"]),
        ({"q": "anthropic"}, ["chat-assist"]),
        ({"sort": "-risk"}, ["old-scorecard", "aml-screening", "chat-assist", "fraud-gbm"]),
        ({"sort": "next_review", "status": "active"}, ["fraud-gbm", "chat-assist", "aml-screening"]),
    ],
)
def test_it_filters_searches_and_sorts_as_the_console_does(bobs, inventory, query, expected):
    assert names(bobs.get(URL, query)) == expected


def test_it_pages_with_links_that_keep_the_filters(bobs, inventory):
    first = bobs.get(URL, {"page_size": 2, "sort": "name"}).json()
    second = bobs.get(first["next"]).json()

    assert (first["count"], first["pages"], len(first["results"])) == (4, 2, 2)
    assert "sort=name" in first["next"] and "page_size=2" in first["next"]
    assert [row["model_name"] for row in second["results"]] == ["fraud-gbm", "old-scorecard"]


def test_a_page_past_the_end_is_404(bobs, inventory):
    response = bobs.get(URL, {"page": 9})

    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("query", "field"),
    [({"risk_tier": "extreme"}, "risk_tier"), ({"review": "someday"}, "review"), ({"sort": "colour"}, "sort")],
)
def test_a_bad_filter_is_400_naming_it(bobs, inventory, query, field):
    response = bobs.get(URL, query)

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_it_reads_one_model_and_404s_an_unknown_one(bobs, inventory):
    model = AIModel.objects.get(model_name="fraud-gbm")

    assert bobs.get(f"{URL}{model.pk}/").json()["model_name"] == "fraud-gbm"
    assert bobs.get(f"{URL}999999/").status_code == 404
    assert bobs.get(f"{URL}99999999999999999999999/").status_code == 404


def test_it_gives_a_models_change_history(bobs, inventory):
    model = AIModel.objects.get(model_name="aml-screening")

    history = bobs.get(f"{URL}{model.pk}/history/").json()

    assert [entry["reason"] for entry in history] == ["review recorded (passed)", "created"]
    assert {"field": "risk_tier", "label": "risk tier", "old": None, "new": "medium"} in history[1]["changes"]


# Adding ---------------------------------------------------------------------------------------


def test_it_adds_a_model_through_the_service(bobs):
    response = bobs.post(URL, NEW)

    assert response.status_code == 201, response.content
    model = AIModel.objects.get(model_name="credit-limit-v4")
    assert response["Location"] == response.json()["url"] == f"http://testserver{URL}{model.pk}/"
    assert (model.next_review_date, model.history.get().history_actor) == (dt.date(2026, 11, 30), "bob")


def test_a_model_owner_owns_what_she_adds(alice):
    response = Api(make_token(alice)).post(URL, NEW)

    assert response.status_code == 201 and response.json()["owner"] == "alice"


def test_the_services_field_errors_are_400_with_every_field(bobs, inventory):
    response = bobs.post(URL, {**NEW, "model_name": "FRAUD-GBM", "deployment_date": "2027-01-01",
                               "api_endpoint": "ftp://x"})

    error = response.json()["error"]
    assert response.status_code == 400 and error["code"] == "invalid"
    assert set(error["fields"]) == {"model_name", "deployment_date", "api_endpoint"}
    assert "already exists" in error["fields"]["model_name"][0]
    assert error["message"].startswith("Invalid input: ") and "deployment_date: The deployment date" in error["message"]
    assert not AIModel.objects.filter(model_name="FRAUD-GBM").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**NEW, "risk_tier": "extreme"}, "risk_tier"),
        ({**NEW, "deployment_date": "yesterday"}, "deployment_date"),
        ({k: v for k, v in NEW.items() if k != "vendor"}, "vendor"),
        ({**NEW, "colour": "blue"}, "colour"),
        ({**NEW, "owner": "nobody"}, "owner"),
        ({**NEW, "model_name": "x\x00y"}, "model_name"),
        ({**NEW, "notes": 12}, None),
    ],
)
def test_bad_input_is_400_naming_the_field(bobs, body, field):
    response = bobs.post(URL, body)

    if field is None:  # a number where text goes is taken as its text
        assert response.status_code == 201
        return
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]


@pytest.mark.parametrize("body", [[], "text", None, {"model_name": {"nested": 1}}])
def test_a_body_that_is_not_an_object_is_400(bobs, body):
    assert bobs.post(URL, body).status_code == 400


def test_malformed_json_and_another_media_type_are_refused(bobs):
    broken = bobs.client.post(URL, "{not json", content_type="application/json")
    form = bobs.client.post(URL, {"model_name": "x"})

    assert broken.status_code == 400 and broken.json()["error"]["code"] == "parse_error"
    assert form.status_code == 415 and form.json()["error"]["code"] == "unsupported_media_type"


def test_an_examiner_may_not_add(erin):
    response = Api(make_token(erin)).post(URL, NEW)

    assert response.status_code == 403
    assert response.json()["error"]["message"] == "Permission denied: erin (role: examiner) may not add models."


# Changing -------------------------------------------------------------------------------------


def test_it_changes_only_what_differs(bobs, inventory):
    model = AIModel.objects.get(model_name="fraud-gbm")

    response = bobs.patch(f"{URL}{model.pk}/", {"vendor": "In-house", "risk_tier": "high", "notes": "Retiered."})

    model.refresh_from_db()
    assert response.status_code == 200 and response.json()["risk_tier"] == "high"
    assert model.next_review_date == dt.date(2026, 8, 30)
    changed = {change.field for change in model.history.latest("history_date").diff_against(
        model.history.earliest("history_date")).changes}
    assert changed == {"risk_tier", "notes"}  # the vendor was already In-house


def test_an_empty_change_changes_nothing(bobs, inventory):
    model = AIModel.objects.get(model_name="fraud-gbm")

    assert bobs.patch(f"{URL}{model.pk}/", {}).status_code == 200
    assert model.history.count() == 1


def test_the_owner_describes_her_model_but_may_not_retier_it(alice, inventory):
    api = Api(make_token(alice))
    mine = AIModel.objects.get(model_name="chat-assist")
    theirs = AIModel.objects.get(model_name="fraud-gbm")

    assert api.patch(f"{URL}{mine.pk}/", {"use_case": "Customer chat"}).status_code == 200
    retier = api.patch(f"{URL}{mine.pk}/", {"risk_tier": "low"})
    other = api.patch(f"{URL}{theirs.pk}/", {"use_case": "x"})

    assert retier.status_code == 403 and "may not change a model's risk tier" in retier.json()["error"]["message"]
    assert other.status_code == 403
    assert AIModel.objects.get(pk=mine.pk).risk_tier == "high"


def test_the_status_is_not_changed_by_patch(bobs, inventory):
    model = AIModel.objects.get(model_name="fraud-gbm")

    response = bobs.patch(f"{URL}{model.pk}/", {"status": "deprecated"})

    assert response.status_code == 400
    assert "POST /api/v1/models/{id}/status/" in response.json()["error"]["fields"]["status"][0]


def test_put_is_not_offered(bobs, inventory):
    model = AIModel.objects.get(model_name="fraud-gbm")

    response = bobs.put(f"{URL}{model.pk}/", NEW)

    assert response.status_code == 405 and response.json()["error"]["code"] == "method_not_allowed"


# The lifecycle ----------------------------------------------------------------------------------


def test_the_lifecycle_moves_forward_and_stops_at_decommissioned(bobs, inventory):
    model = AIModel.objects.get(model_name="fraud-gbm")
    status_url = f"{URL}{model.pk}/status/"

    deprecated = bobs.post(status_url, {"status": "deprecated"})
    back = bobs.post(status_url, {"status": "active"})
    no_reason = bobs.post(status_url, {"status": "decommissioned"})
    retired = bobs.post(status_url, {"status": "decommissioned", "reason": "Replaced by fraud-gbm-v2."})
    final = bobs.post(status_url, {"status": "deprecated"})

    assert (deprecated.status_code, deprecated.json()["status"]) == (200, "deprecated")
    assert back.status_code == 409 and back.json()["error"]["message"].startswith("A model cannot go from deprecated")
    assert no_reason.status_code == 400 and "Say why fraud-gbm is decommissioned" in str(no_reason.json())
    assert retired.json()["status"] == "decommissioned"
    assert final.status_code == 409
    assert final.json()["error"]["message"] == "A decommissioned model is final: its status cannot change."


def test_a_model_owner_may_not_retire_even_her_own_model(alice, inventory):
    mine = AIModel.objects.get(model_name="chat-assist")

    response = Api(make_token(alice)).post(f"{URL}{mine.pk}/status/", {"status": "deprecated"})

    assert response.status_code == 403 and AIModel.objects.get(pk=mine.pk).status == "active"


def test_a_bad_status_is_400(bobs, inventory):
    model = AIModel.objects.get(model_name="fraud-gbm")

    assert bobs.post(f"{URL}{model.pk}/status/", {"status": "retired"}).status_code == 400
    assert bobs.post(f"{URL}{model.pk}/status/", {}).status_code == 400


# Deleting -------------------------------------------------------------------------------------


def test_a_never_reviewed_model_is_deleted(bobs, inventory):
    model = AIModel.objects.get(model_name="fraud-gbm")

    response = bobs.delete(f"{URL}{model.pk}/")

    assert response.status_code == 204 and not AIModel.objects.filter(pk=model.pk).exists()


def test_a_reviewed_model_is_never_deleted(bobs, inventory):
    model = AIModel.objects.get(model_name="aml-screening")

    response = bobs.delete(f"{URL}{model.pk}/")

    assert response.status_code == 409
    assert "a reviewed model is never deleted" in response.json()["error"]["message"]
    assert AIModel.objects.filter(pk=model.pk).exists()


def test_a_model_owner_may_not_delete(alice, inventory):
    mine = AIModel.objects.get(model_name="chat-assist")

    response = Api(make_token(alice)).delete(f"{URL}{mine.pk}/")

    assert response.status_code == 403 and AIModel.objects.filter(pk=mine.pk).exists()
