"""The audit trail in the console: model page panel, recording form, trail, record page, verification."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse

from inventory import services as inventory_services
from inventory.models import AIModel
from reviews import db_guards
from reviews.models import ChainCheckpoint, ModelReview
from tests.factories import make_model
from tests.factories import record_review as record

# The views take "today" from the clock; pin it to the personas' TODAY (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def review_post(**overrides):
    data = {"review_date": "2026-11-20", "outcome": "passed", "reviewer": "Jane Smith (Model Risk)",
            "performed_by_me": "on", "notes": "Quarterly review", "corrects": ""}
    data.update(overrides)
    return data


def test_the_model_page_shows_reviews_with_hashes_and_no_drift(client, erin, today):
    model = make_model()
    review = record(model, notes="All good").review
    client.force_login(erin)
    html = client.get(model.get_absolute_url()).content.decode()
    assert "Reviews and audit trail" in html
    assert review.chain_hash in html and review.model_state_hash in html
    assert "Unchanged since its last review" in html
    assert "Record a review" not in html  # examiners read only


def test_the_model_page_says_which_fields_changed_since_the_last_review(client, bob, today):
    model = make_model(vendor="OpenAI")
    record(model)
    inventory_services.update_model(model=model, changes={"vendor": "Anthropic", "notes": "not a definition field"},
                                    actor=inventory_services.Actor(name="t", trusted=True), today=today)
    client.force_login(bob)
    response = client.get(model.get_absolute_url())
    panels = {panel.template: panel for panel in response.context["panels"]}
    drift = panels["reviews/includes/model_reviews_panel.html"].context["drift"]
    assert drift.changed and [c.field for c in drift.changes] == ["vendor"]
    assert "The model has changed since its last review" in response.content.decode()


def test_a_model_risk_officer_records_a_review_and_sees_was_and_now(client, bob, today):
    model = make_model(risk_tier="critical", deployment_date=dt.date(2026, 10, 1))
    client.force_login(bob)
    response = client.post(reverse("reviews:record", args=[model.pk]), review_post())
    review = ModelReview.objects.get()
    assert response.status_code == 302 and response.url == review.get_absolute_url()
    assert review.reviewer_user == bob and review.recorded_by == "bob"
    page = client.get(response.url).content.decode()
    assert "Effect on the review schedule" in page
    assert "2026-10-31" in page and "2026-12-20" in page  # next review was / now
    model.refresh_from_db()
    assert model.last_review_date == dt.date(2026, 11, 20)


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"review_date": "2026-12-01"}, "review_date", "cannot be dated in the future"),
        ({"review_date": "2026-01-01"}, "review_date", "before the model's deployment"),
        ({"review_date": "yesterday"}, "review_date", "Review date must be a date written YYYY-MM-DD"),
        ({"review_date": "11/01/2026"}, "review_date", "Review date must be a date written YYYY-MM-DD"),
        ({"outcome": ""}, "outcome", "This field is required"),
        ({"outcome": "great"}, "outcome", "Select a valid choice"),
        ({"reviewer": "   "}, "reviewer", "This field is required"),
        ({"review_date": "9999-12-30"}, "review_date",
         "Review date must be between 1900-01-01 and 2999-12-31 (YYYY-MM-DD), got 9999-12-30."),
        ({"review_date": "20261120"}, "review_date", "Review date must be a date written YYYY-MM-DD"),
        ({"reviewer": "Jane\x1b[8mSmith"}, "reviewer", "Reviewer must be printable text on one line"),
        ({"notes": "Done.\u202e"}, "notes", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ],
)
def test_bad_review_input_is_refused_field_by_field(client, bob, overrides, field, fragment):
    model = make_model(deployment_date=dt.date(2026, 6, 1))
    client.force_login(bob)
    response = client.post(reverse("reviews:record", args=[model.pk]), review_post(**overrides))
    assert response.status_code == 200
    assert any(fragment in e for e in response.context["form"].errors[field])
    assert not ModelReview.objects.exists()


def test_a_correction_is_a_new_record(client, bob, today):
    model = make_model()
    wrong = record(model, outcome="passed").review
    client.force_login(bob)
    client.post(reverse("reviews:record", args=[model.pk]), review_post(outcome="failed", corrects=str(wrong.pk)))
    fixed = ModelReview.objects.get(sequence=2)
    assert fixed.corrects == wrong
    assert "corrects #1" in client.get(model.get_absolute_url()).content.decode()


@pytest.mark.parametrize("persona", ["alice", "erin", "charlie"])
def test_only_risk_officers_and_administrators_record_reviews(client, request, persona):
    user = request.getfixturevalue(persona)
    model = make_model(owner=request.getfixturevalue("alice") if persona == "alice" else None)
    client.force_login(user)
    assert client.get(reverse("reviews:record", args=[model.pk])).status_code == 403
    assert client.post(reverse("reviews:record", args=[model.pk]), review_post()).status_code == 403
    assert not ModelReview.objects.exists()


@pytest.mark.parametrize("persona", ["alice", "erin", "bob", "carol"])
def test_every_role_reads_the_trail(client, request, persona):
    review = record(make_model()).review
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("reviews:trail")).status_code == 200
    assert client.get(review.get_absolute_url()).status_code == 200
    assert client.get(reverse("reviews:verify")).status_code == 200


def test_a_user_without_a_role_reads_nothing(client, charlie):
    review = record(make_model()).review
    client.force_login(charlie)
    for url in (reverse("reviews:trail"), review.get_absolute_url(), reverse("reviews:verify")):
        assert client.get(url).status_code == 403
    assert client.post(reverse("reviews:verify")).status_code == 403


def test_the_trail_filters_by_model_reviewer_outcome_and_dates(client, erin, today):
    fraud, chat = make_model(model_name="fraud-scorer"), make_model(model_name="chat-assistant")
    record(fraud, review_date=dt.date(2026, 9, 1), reviewer="Raj Patel", outcome="failed")
    record(fraud, review_date=dt.date(2026, 11, 1), reviewer="Jane Smith")
    record(chat, review_date=dt.date(2026, 10, 1), reviewer="Jane Smith", outcome="warning")
    client.force_login(erin)

    def listed(**params):
        response = client.get(reverse("reviews:trail"), params)
        return [(r.model_name, r.review_date.isoformat()) for r in response.context["reviews"]]

    assert listed(model="FRAUD") == [("fraud-scorer", "2026-11-01"), ("fraud-scorer", "2026-09-01")]
    assert listed(reviewer="jane") == [("fraud-scorer", "2026-11-01"), ("chat-assistant", "2026-10-01")]
    assert listed(outcome="failed") == [("fraud-scorer", "2026-09-01")]
    assert listed(date_from="2026-09-15", date_to="2026-10-15") == [("chat-assistant", "2026-10-01")]


def test_the_trail_and_model_page_take_constant_queries(client, carol, today, django_assert_max_num_queries):
    models = [make_model() for _ in range(3)]
    for model in models:
        record(model)
    client.force_login(carol)
    # session, user, perms (user + groups), count, page
    with django_assert_max_num_queries(7):
        client.get(reverse("reviews:trail"))
    for model in models:
        for day in range(1, 6):
            record(model, review_date=dt.date(2026, 10, day))
    with django_assert_max_num_queries(7):
        client.get(reverse("reviews:trail"))
    inventory_services.update_model(model=models[0], changes={"vendor": "X"}, actor=inventory_services.Actor(name="t", trusted=True), today=today)
    # the inventory page's 7 (no owner, so no owner names), the compliance verdict, the model's
    # latest reviews, the drift snapshot
    with django_assert_max_num_queries(10):
        client.get(models[0].get_absolute_url())


def test_verifying_in_the_console_saves_a_checkpoint(client, erin, today):
    record(make_model())
    client.force_login(erin)
    response = client.post(reverse("reviews:verify"), follow=True)
    assert "The trail is intact" in response.content.decode()
    assert ChainCheckpoint.objects.get().verified_by == "erin"


def test_the_verification_page_names_the_first_bad_record(client, erin, today):
    model = make_model()
    record(model, review_date=dt.date(2026, 10, 1))
    record(model, review_date=dt.date(2026, 11, 1))
    db_guards.drop(connection)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE reviews_modelreview SET outcome = 'failed' WHERE sequence = 2")
    client.force_login(erin)
    html = client.post(reverse("reviews:verify")).content.decode()
    assert "The chain is broken" in html and "First bad record: #2" in html
    assert not ChainCheckpoint.objects.exists()


def test_decommissioned_models_offer_no_review_form(client, bob, today):
    model = make_model()
    inventory_services.change_status(model=model, status="decommissioned", actor=inventory_services.Actor(name="t", trusted=True), today=today,
        reason="retired in tests")
    client.force_login(bob)
    assert "Record a review" not in client.get(model.get_absolute_url()).content.decode()
    response = client.post(reverse("reviews:record", args=[model.pk]), review_post())
    assert "decommissioned" in response.content.decode()
    assert not ModelReview.objects.exists()
    assert AIModel.objects.get(pk=model.pk).last_review_date is None


def test_the_trail_of_one_model_is_exact(client, erin, today):
    fraud, fraud_beta = make_model(model_name="fraud"), make_model(model_name="fraud-beta")
    record(fraud)
    record(fraud_beta)
    client.force_login(erin)
    response = client.get(reverse("reviews:trail"), {"model_id": fraud.pk})
    assert [r.model_name for r in response.context["reviews"]] == ["fraud"]
    assert [r.model_name for r in client.get(reverse("reviews:trail"), {"model": "FRAUD"}).context["reviews"]] == [
        "fraud-beta", "fraud"]


def test_an_owned_model_changed_since_its_review_stays_within_the_page_budget(
    client, carol, alice, today, django_assert_max_num_queries
):
    model = make_model(owner=alice)
    record(model)
    inventory_services.update_model(model=model, changes={"vendor": "X"}, actor=inventory_services.Actor(name="t", trusted=True), today=today)
    client.force_login(carol)
    # session, user, permissions (user + groups), the model, its history (read once for the
    # history table and the drift panel), owner names, policy versions, latest reviews, compliance,
    # the audit-trail alarm banner's check
    with django_assert_max_num_queries(11):
        response = client.get(model.get_absolute_url())
    drift = next(p for p in response.context["panels"] if "reviews_panel" in p.template).context["drift"]
    assert [c.field for c in drift.changes] == ["vendor"]


@pytest.mark.parametrize("model_id", ["9" * 30, "0", "1.5"])
def test_a_model_id_out_of_range_is_a_filter_error_not_a_crash(client, erin, model_id):
    record(make_model(model_name="kept"))
    client.force_login(erin)

    response = client.get(reverse("reviews:trail"), {"model_id": model_id})

    assert response.status_code == 200
    assert "model_id" in response.context["filter"].errors


def test_the_cached_review_form_is_each_users_own_and_follows_the_trail(client, bob, carol, erin, today):
    # The form's rendering is cached; each recorder still sees their own name, an examiner (who may
    # not record) sees no form, and a new record joins the records a review can correct.
    model = make_model()

    def form_of(user) -> str:
        client.force_login(user)
        html = client.get(model.get_absolute_url()).content.decode()
        return html[html.index('id="reviews"'):]

    assert 'name="reviewer" value="bob"' in form_of(bob)
    assert 'name="reviewer" value="carol"' in form_of(carol) and 'value="bob"' not in form_of(carol)
    assert 'name="reviewer"' not in form_of(erin)
    record(model, today=today, reviewer="A. Examiner")
    assert "· A. Examiner</option>" in form_of(bob)
