"""The inventory pages of the console: list, detail with history, add/edit, lifecycle, delete."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from inventory.models import DUPLICATE_NAME_MESSAGE, AIModel, Status
from inventory.services import FINAL_STATUS_MESSAGE, HAS_REVIEWS_MESSAGE
from tests.conftest import TODAY
from tests.factories import make_model, model_data

LIST_URL = reverse("inventory:list")
CREATE_URL = reverse("inventory:create")
SAMPLE_URL = reverse("reviews:sample-data")


# The views take "today" from the clock; pin it to the personas' TODAY (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def form_data(**overrides: Any) -> dict[str, str]:
    """A complete, valid add/edit form submission."""
    data = model_data(**overrides)
    posted = {key: value.isoformat() if isinstance(value, dt.date) else str(value) for key, value in data.items()}
    posted.setdefault("notes", "")
    return posted


def message_texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def listed_names(response) -> list[str]:
    return [model.model_name for model in response.context["models"]]


# List page


def test_it_lists_models_with_their_schedule(client, bob):
    overdue = make_model(model_name="credit-scoring-v1", risk_tier="critical", deployment_date=dt.date(2026, 1, 5))
    make_model(model_name="doc-summarizer", risk_tier="low", vendor="Anthropic")
    client.force_login(bob)

    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert listed_names(response) == ["credit-scoring-v1", "doc-summarizer"]
    html = response.content.decode()
    assert f'href="{overdue.get_absolute_url()}"' in html
    assert 'class="badge badge--tier-critical">Critical<' in html
    assert "Overdue" in html
    assert "Page 1 of 1, 2 models" in html
    assert "Add a model" in html


def test_it_filters_by_risk_tier(client, bob):
    make_model(model_name="trading-algo", risk_tier="critical")
    make_model(model_name="chatbot", risk_tier="high")
    client.force_login(bob)

    response = client.get(LIST_URL, {"risk_tier": "critical"})

    assert listed_names(response) == ["trading-algo"]


def test_it_filters_by_vendor_without_regard_to_case(client, bob):
    make_model(model_name="in-house-model", vendor="In-house")
    make_model(model_name="vendor-model", vendor="Anthropic")
    client.force_login(bob)

    response = client.get(LIST_URL, {"vendor": "IN-HOUSE"})

    assert listed_names(response) == ["in-house-model"]


def test_it_filters_overdue_models(client, bob):
    # High tier: 90-day cycle from deployment, so 2026-01-05 was due on 2026-04-05.
    make_model(model_name="late", deployment_date=dt.date(2026, 1, 5))
    make_model(model_name="on-time", deployment_date=dt.date(2026, 11, 1))
    decommissioned = make_model(model_name="retired", deployment_date=dt.date(2026, 1, 5))
    AIModel.objects.filter(pk=decommissioned.pk).update(status=Status.DECOMMISSIONED)
    client.force_login(bob)

    response = client.get(LIST_URL, {"review": "overdue"})

    assert listed_names(response) == ["late"]


def test_it_searches_names_and_use_cases(client, bob):
    make_model(model_name="aml-monitor", use_case="AML transaction monitoring")
    make_model(model_name="chatbot", use_case="Customer questions")
    client.force_login(bob)

    response = client.get(LIST_URL, {"q": "transaction"})

    assert listed_names(response) == ["aml-monitor"]


def test_it_sorts_by_a_column_and_flips_the_direction(client, bob):
    for name in ("bravo", "alpha", "charlie"):
        make_model(model_name=name)
    client.force_login(bob)

    response = client.get(LIST_URL, {"sort": "-name", "risk_tier": "high"})

    assert listed_names(response) == ["charlie", "bravo", "alpha"]
    html = response.content.decode()
    # The active column links to the other direction and keeps the filters.
    assert 'href="?risk_tier=high&amp;sort=name"' in html
    assert 'aria-sort="descending"' in html


def test_it_paginates_and_keeps_the_filters_in_page_links(client, bob, settings):
    settings.MLTRACK_PAGE_SIZE = 2
    for i in range(5):
        make_model(model_name=f"model-{i}")
    make_model(model_name="other-tier", risk_tier="low")
    client.force_login(bob)

    first = client.get(LIST_URL, {"risk_tier": "high"})
    last = client.get(LIST_URL, {"risk_tier": "high", "page": "3"})

    assert listed_names(first) == ["model-0", "model-1"]
    assert "Page 1 of 3, 5 models" in first.content.decode()
    assert 'href="?risk_tier=high&amp;page=2"' in first.content.decode()
    assert listed_names(last) == ["model-4"]
    assert "Page 3 of 3, 5 models" in last.content.decode()


def test_it_shows_an_empty_state_when_nothing_matches(client, bob):
    make_model(model_name="chatbot")
    client.force_login(bob)

    response = client.get(LIST_URL, {"q": "no-such-model"})

    assert response.context["models"] == []
    assert "No models match" in response.content.decode()


# Detail page and history


def test_it_shows_every_field_and_the_schedule_on_the_detail_page(client, erin, alice):
    model = make_model(
        model_name="fraud-scorer",
        vendor="FICO",
        model_version="3.1.0",
        api_endpoint="https://fico.example.com/score",
        business_line="Cards",
        deployment_date=dt.date(2026, 1, 5),
        owner=alice,
    )
    client.force_login(erin)

    response = client.get(model.get_absolute_url())

    html = response.content.decode()
    for text in ("fraud-scorer", "FICO", "3.1.0", "https://fico.example.com/score", "Cards", "alice",
                 "Jane Smith (Cards)", "Fraud Data Science", "2026-01-05", "Confidential", "Production"):
        assert text in html
    # Due 2026-04-05 (90 days after deployment), 236 days before TODAY.
    assert (TODAY - model.next_review_date).days == 236
    assert "Overdue by 236 days" in html
    assert "Review policy v1" in html


def test_it_says_when_the_next_review_is_due(client, bob):
    model = make_model(deployment_date=dt.date(2026, 11, 1))
    client.force_login(bob)

    response = client.get(model.get_absolute_url())

    days = (model.next_review_date - TODAY).days
    assert f"due in {days} days" in response.content.decode()
    assert response.context["due"].overdue is False


def test_it_shows_old_and_new_values_after_an_edit(client, alice):
    model = make_model(model_name="chatbot", vendor="In-house", owner=alice)
    client.force_login(alice)

    response = client.post(
        reverse("inventory:edit", args=[model.pk]), form_data(model_name="chatbot", vendor="Anthropic")
    )

    assert response.status_code == 302
    assert response["Location"] == model.get_absolute_url()
    detail = client.get(model.get_absolute_url())
    latest = detail.context["history"][0]
    assert (latest.kind, latest.actor) == ("changed", "alice")
    assert [(c.field, c.old, c.new) for c in latest.changes] == [("vendor", "In-house", "Anthropic")]
    html = detail.content.decode()
    assert '<span class="changes__old">In-house</span>' in html
    assert '<span class="changes__new">Anthropic</span>' in html
    assert detail.context["history"][-1].kind == "created"


def test_it_answers_404_for_a_model_that_does_not_exist(client, bob):
    client.force_login(bob)

    response = client.get(reverse("inventory:detail", args=[999999]))

    assert response.status_code == 404
    assert "This page does not exist" in response.content.decode()


# Add form


def test_it_adds_a_model_and_redirects_to_it(client, bob):
    client.force_login(bob)

    response = client.post(CREATE_URL, form_data(model_name="kyc-verifier", risk_tier="high"))

    model = AIModel.objects.get(model_name="kyc-verifier")
    assert response.status_code == 302
    assert response["Location"] == model.get_absolute_url()
    assert model.next_review_date == dt.date(2026, 6, 1) + dt.timedelta(days=90)
    assert "Added kyc-verifier." in message_texts(response)


@pytest.mark.parametrize(
    ("overrides", "field", "expected"),
    [
        ({"model_name": ""}, "model_name", "This field is required."),
        ({"use_case": ""}, "use_case", "This field is required."),
        ({"risk_tier": "extreme"}, "risk_tier", "Select a valid choice."),
        ({"deployment_date": "2026-12-25"}, "deployment_date", "cannot be in the future"),
        ({"deployment_date": "25/12/2026"}, "deployment_date", "must be a date written YYYY-MM-DD"),
        # Ambiguous (January 6 or June 1?): refused, not guessed.
        ({"deployment_date": "01/06/2026"}, "deployment_date", "must be a date written YYYY-MM-DD"),
        ({"vendor": "   "}, "vendor", "This field is required."),
        ({"model_name": "x" * 201}, "model_name", "at most 200 characters"),
        ({"api_endpoint": "ftp://x"}, "api_endpoint", "Enter a full http:// or https:// URL"),
    ],
)
def test_it_rejects_bad_input_field_by_field(client, bob, overrides, field, expected):
    client.force_login(bob)

    response = client.post(CREATE_URL, form_data(**overrides))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert expected in " ".join(errors[field])
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert 'aria-invalid="true"' in html
    assert 'role="alert"' in html
    assert not AIModel.objects.exists()


def test_it_reports_every_bad_field_in_one_round(client, bob):
    make_model(model_name="Fraud-Detector")
    client.force_login(bob)

    response = client.post(
        CREATE_URL, form_data(model_name="FRAUD-detector", vendor="", api_endpoint="ftp://x", deployment_date="2099-01-01")
    )

    errors = response.context["form"].errors
    assert {"model_name", "vendor", "api_endpoint", "deployment_date"} <= set(errors)
    assert AIModel.objects.count() == 1


def test_it_rejects_a_duplicate_name_that_differs_only_by_case(client, bob):
    make_model(model_name="Fraud-Detector")
    client.force_login(bob)

    response = client.post(CREATE_URL, form_data(model_name="fraud-DETECTOR"))

    assert response.status_code == 200
    assert response.context["form"].errors["model_name"] == [DUPLICATE_NAME_MESSAGE.format(existing="Fraud-Detector")]
    assert AIModel.objects.count() == 1


def test_it_marks_required_fields_and_links_help_text(client, bob):
    client.force_login(bob)

    html = client.get(CREATE_URL).content.decode()

    assert '<label for="id_model_name" class="field__label">' in html
    assert 'aria-describedby="id_model_name_helptext"' in html
    assert html.count('class="field__required"') >= 7


# Lifecycle


def test_it_moves_a_model_forward_through_its_lifecycle(client, bob):
    model = make_model()
    client.force_login(bob)
    status_url = reverse("inventory:status", args=[model.pk])

    deprecated = client.post(status_url, {"status": "deprecated"})
    model.refresh_from_db()
    assert model.status == Status.DEPRECATED
    assert deprecated["Location"] == model.get_absolute_url()

    # Decommissioning (final) needs a reason: a bare status change is refused, the confirmation page takes it.
    without_reason = client.post(status_url, {"status": "decommissioned"})
    model.refresh_from_db()
    assert model.status == Status.DEPRECATED
    assert message_texts(without_reason)[-1].startswith(f"Say why {model.model_name} is decommissioned")
    confirm_url = reverse("inventory:decommission", args=[model.pk])
    assert "Decommissioning is final." in client.get(confirm_url).content.decode()
    assert client.post(confirm_url, {"reason": " "}).status_code == 400
    client.post(confirm_url, {"reason": "Replaced by the 2027 scorecard."})
    model.refresh_from_db()
    assert model.status == Status.DECOMMISSIONED
    assert model.history.latest("history_date").history_change_reason == (
        "decommissioned: Replaced by the 2027 scorecard.")
    page = client.get(model.get_absolute_url()).content.decode()
    assert "decommissioned: Replaced by the 2027 scorecard." in page
    assert reverse("inventory:edit", args=[model.pk]) not in page
    assert reverse("inventory:delete", args=[model.pk]) not in page

    refused = client.post(status_url, {"status": "active"})
    model.refresh_from_db()
    assert model.status == Status.DECOMMISSIONED
    # Earlier messages are still queued because no page was rendered in between.
    assert message_texts(refused)[-1] == FINAL_STATUS_MESSAGE


def test_it_offers_only_the_allowed_transitions(client, bob):
    model = make_model()
    client.force_login(bob)

    html = client.get(model.get_absolute_url()).content.decode()

    assert 'value="deprecated"' in html
    assert f'href="{reverse("inventory:decommission", args=[model.pk])}"' in html
    assert 'name="status" value="active"' not in html


def test_it_shows_the_refusal_message_on_the_model_page(client, bob):
    model = make_model()
    AIModel.objects.filter(pk=model.pk).update(status=Status.DECOMMISSIONED)
    client.force_login(bob)

    response = client.post(reverse("inventory:status", args=[model.pk]), {"status": "active"}, follow=True)

    assert FINAL_STATUS_MESSAGE in response.content.decode()
    assert "message--error" in response.content.decode()


# Delete


def test_it_deletes_a_model_that_was_never_reviewed(client, bob):
    model = make_model(model_name="short-lived")
    client.force_login(bob)

    confirm = client.get(reverse("inventory:delete", args=[model.pk]))
    response = client.post(reverse("inventory:delete", args=[model.pk]))

    assert "This is permanent" in confirm.content.decode()
    assert response["Location"] == LIST_URL
    assert not AIModel.objects.filter(pk=model.pk).exists()
    assert AIModel.history.filter(id=model.pk, history_type="-").get().history_actor == "bob"


def test_it_refuses_to_delete_a_reviewed_model(client, bob):
    model = make_model(model_name="reviewed-model")
    AIModel.objects.filter(pk=model.pk).update(last_review_date=dt.date(2026, 9, 1))
    client.force_login(bob)

    confirm = client.get(reverse("inventory:delete", args=[model.pk]))
    response = client.post(reverse("inventory:delete", args=[model.pk]))

    assert "cannot be deleted" in confirm.content.decode()
    assert response["Location"] == model.get_absolute_url()
    assert message_texts(response) == [HAS_REVIEWS_MESSAGE.format(name="reviewed-model")]
    assert AIModel.objects.filter(pk=model.pk).exists()


# Sample data


def test_it_generates_sample_data_for_an_administrator(client, carol):
    client.force_login(carol)

    response = client.post(SAMPLE_URL, {"count": "7"})

    assert response["Location"] == LIST_URL
    assert AIModel.objects.count() == 7
    from reviews.models import ModelReview

    reviews = ModelReview.objects.count()
    assert reviews == AIModel.objects.filter(last_review_date__isnull=False).count()
    assert message_texts(response) == [f"Added 7 sample models and {reviews} review records."]


@pytest.mark.parametrize("count", ["0", "1001", "many"])
def test_it_refuses_a_bad_sample_count(client, carol, count):
    client.force_login(carol)

    response = client.post(SAMPLE_URL, {"count": count})

    assert not AIModel.objects.exists()
    assert message_texts(response) == ["Count must be a whole number from 1 to 1000."]


# Query budgets


def _list_queries(client, django_assert_max_num_queries) -> int:
    # The first view after a change also counts the selection, reads the filters' suggestions and,
    # for an administrator, whether the inventory is still a demo (one query each, then cached until
    # the next change).
    with django_assert_max_num_queries(11) as first:
        client.get(LIST_URL, {"sort": "next_review"})
    with django_assert_max_num_queries(11) as captured:
        response = client.get(LIST_URL, {"sort": "next_review"})
    assert response.status_code == 200
    assert len(first) == len(captured) + 3
    return len(captured)


def test_it_lists_in_a_constant_number_of_queries(client, carol, alice, django_assert_max_num_queries):
    # Budget: session, user, user permissions, group permissions, the page rows (owner joined), the
    # latest change (read once: the selection's count, the filters' suggestions and, for an
    # administrator, whether the inventory is still a demo, all cached per change), the audit-trail
    # alarm banner's check = 7; the template must add none, so 3 and 30 models cost the same.
    client.force_login(carol)
    for _ in range(3):
        make_model(owner=alice)
    with_three = _list_queries(client, django_assert_max_num_queries)
    for _ in range(27):
        make_model(owner=alice)
    with_thirty = _list_queries(client, django_assert_max_num_queries)

    assert with_three == with_thirty == 7


def _detail_queries(client, model, django_assert_max_num_queries) -> int:
    with django_assert_max_num_queries(11) as captured:
        response = client.get(model.get_absolute_url())
    assert response.status_code == 200
    return len(captured)


def test_it_shows_a_model_in_a_constant_number_of_queries(client, carol, alice, django_assert_max_num_queries):
    # Budget: session, user, user permissions, group permissions, the model (owner and policy
    # joined), its history snapshots, the owner names and the policy versions named in that
    # history, the compliance panel's verdict (messages included) and the reviews panel's latest
    # reviews, the audit-trail alarm banner's check = 11, however many models the inventory has and
    # however long the history is; 10 while the model is unchanged (its verdict is cached per
    # state: compliance.page_cache). The reviews panel adds one more when the model has drifted
    # since its last review (tests/reviews covers the drift).
    from django.core.cache import cache

    client.force_login(carol)
    model = make_model(owner=alice)
    for _ in range(2):
        make_model(owner=alice)
    with_three = _detail_queries(client, model, django_assert_max_num_queries)
    with_three_unchanged = _detail_queries(client, model, django_assert_max_num_queries)

    for _ in range(27):
        make_model(owner=alice)
    for i in range(10):
        client.post(reverse("inventory:edit", args=[model.pk]), form_data(
            model_name=model.model_name, vendor=f"Vendor {i}", owner=str(alice.pk)
        ))
    assert len(client.get(model.get_absolute_url()).context["history"]) == 11
    with_thirty_unchanged = _detail_queries(client, model, django_assert_max_num_queries)
    cache.clear()
    with_thirty = _detail_queries(client, model, django_assert_max_num_queries)

    assert with_three == with_thirty == 11
    assert with_three_unchanged == with_thirty_unchanged == 10


# Sign-in pages


def test_it_renders_the_login_form_with_labels(client):
    response = client.get(reverse("login"))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_username"' in html
    assert '<label for="id_password"' in html
    assert "Log out" not in html


def test_it_explains_a_wrong_password(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})

    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "correct username and password" in response.content.decode()


def test_it_shows_the_lockout_page_after_too_many_failures(client, alice, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "alice", "password": "wrong"})

    response = client.post(reverse("login"), {"username": "alice", "password": "correct-horse-battery"})

    html = response.content.decode()
    assert response.status_code == 429
    assert "Sign-in temporarily locked" in html
    assert "for about 15 minutes" in html
    assert "<form" not in html


def test_it_shows_the_signed_in_user_and_a_logout_form(client, bob):
    client.force_login(bob)

    html = client.get(LIST_URL).content.decode()

    assert "bob" in html
    assert f'<form method="post" action="{reverse("logout")}"' in html
    assert 'class="skip-link" href="#main"' in html


# Review policy


def test_it_lists_policy_versions_and_highlights_the_one_in_force(client, erin):
    client.force_login(erin)

    response = client.get(reverse("inventory:policy"))

    html = response.content.decode()
    assert response.context["in_force"].version == 1
    assert "In force today: version 1" in html
    assert 'class="table__row--highlight"' in html
    assert reverse("inventory:policy-publish") not in html


def test_it_links_policy_managers_to_the_publishing_form(client, carol):
    client.force_login(carol)

    html = client.get(reverse("inventory:policy")).content.decode()

    assert reverse("inventory:policy-publish") in html


def test_editing_a_reviewed_models_definition_asks_to_confirm_first(client, bob):
    from tests.factories import record_review

    model = make_model(model_name="credit-v1")
    record_review(model)
    client.force_login(bob)
    url = reverse("inventory:edit", args=[model.pk])
    data = {**{name: getattr(model, name) or "" for name in (
        "model_name", "vendor", "risk_tier", "use_case", "business_owner", "technical_owner", "model_version",
        "deployment_environment", "api_endpoint", "data_classification", "model_type", "business_line", "notes")},
        "deployment_date": model.deployment_date.isoformat(), "owner": model.owner_id or ""}

    first = client.post(url, {**data, "vendor": "Acme"})
    model.refresh_from_db()
    assert first.status_code == 200 and model.vendor != "Acme"
    assert "Saving makes credit-v1 “changed since review”" in first.content.decode()

    confirmed = client.post(url, {**data, "vendor": "Acme", "confirm_review_change": "yes"})
    model.refresh_from_db()
    assert confirmed.status_code == 302 and model.vendor == "Acme"


def test_the_pager_links_to_page_numbers_not_only_the_next_one(client, bob, settings):
    settings.MLTRACK_PAGE_SIZE = 1
    for index in range(12):
        make_model(model_name=f"paged-{index:02d}")
    client.force_login(bob)

    html = client.get(reverse("inventory:list"), {"page": 6}).content.decode()

    for number in (1, 4, 5, 7, 8, 12):
        assert f'aria-label="Page {number}">{number}</a>' in html
    assert '<span class="pagination__current" aria-current="page">6</span>' in html
    assert html.count('class="pagination__gap"') == 2
    assert 'aria-label="Page 2"' not in html


def test_vendor_and_business_line_filters_find_part_of_a_name_in_any_case_and_suggest_values(client, bob):
    for index in range(3):
        make_model(model_name=f"rating-{index}", vendor="Moody's Analytics", business_line="Credit Risk")
    make_model(model_name="other", vendor="OpenAI", business_line="Retail")
    client.force_login(bob)

    by_vendor = client.get(reverse("inventory:list"), {"vendor": "moody"})
    by_line = client.get(reverse("inventory:list"), {"business_line": "credit"})

    assert {model.model_name for model in by_vendor.context["models"]} == {"rating-0", "rating-1", "rating-2"}
    assert {model.model_name for model in by_line.context["models"]} == {"rating-0", "rating-1", "rating-2"}
    html = by_vendor.content.decode()
    assert 'list="vendor-values"' in html and '<option value="Moody&#x27;s Analytics">' in html
    assert '<datalist id="business_line-values"><option value="Credit Risk"></option><option value="Retail">' in html


def test_the_sample_data_box_shows_only_to_administrators_while_the_inventory_is_a_demo(client, carol):
    from common.actors import Actor
    from inventory import sample_data

    client.force_login(carol)
    assert "Generate sample data" in client.get(reverse("inventory:list")).content.decode()
    sample_data.generate(count=2, seed=1, actor=Actor(name="tests", trusted=True), today=dt.date(2026, 11, 27))
    assert "Generate sample data" in client.get(reverse("inventory:list")).content.decode()

    make_model(model_name="a-real-model")

    assert "Generate sample data" not in client.get(reverse("inventory:list")).content.decode()


def test_the_cached_demo_answer_never_shows_the_box_to_another_role(client, carol, bob):
    # The administrator's view caches "the inventory is a demo"; the model risk officer, who may not
    # generate sample data, still gets no box from it.
    client.force_login(carol)
    assert "Generate sample data" in client.get(LIST_URL).content.decode()

    client.force_login(bob)

    assert "Generate sample data" not in client.get(LIST_URL).content.decode()


def test_the_sort_headers_keep_every_filter_and_mark_the_default_order(client, bob):
    make_model(model_name="alpha", vendor="A&B Labs/EU")
    client.force_login(bob)

    html = client.get(LIST_URL, {"vendor": "A&B Labs/", "q": "alp"}).content.decode()

    # Name ascending is the default order; its link flips it, the other columns sort ascending first.
    assert '<th scope="col" aria-sort="ascending">' in html
    assert 'href="?q=alp&amp;vendor=A%26B%20Labs/&amp;sort=-name"' in html
    assert 'href="?q=alp&amp;vendor=A%26B%20Labs/&amp;sort=vendor"' in html
    assert html.count("aria-sort=") == 1


def test_the_cached_filter_form_shows_each_query_its_own_values_and_errors(client, bob):
    make_model(model_name="alpha", risk_tier="high")
    client.force_login(bob)

    high = client.get(LIST_URL, {"risk_tier": "high"}).content.decode()
    low = client.get(LIST_URL, {"risk_tier": "low"}).content.decode()
    bad = client.get(LIST_URL, {"risk_tier": "bogus"}).content.decode()
    high_again = client.get(LIST_URL, {"risk_tier": "high"}).content.decode()

    assert '<option value="high" selected>' in high and '<option value="low" selected>' not in high
    assert '<option value="low" selected>' in low and '<option value="high" selected>' not in low
    assert "Select a valid choice. bogus is not one of the available choices." in bad
    assert "Select a valid choice" not in high_again and '<option value="high" selected>' in high_again


def test_the_cached_count_follows_changes_filters_and_the_day(client, bob):
    import time_machine

    for name in ("alpha", "bravo"):
        make_model(model_name=name, risk_tier="high")
    client.force_login(bob)
    assert client.get(LIST_URL).context["page"].paginator.count == 2
    assert client.get(LIST_URL, {"risk_tier": "low"}).context["page"].paginator.count == 0

    make_model(model_name="charlie", risk_tier="low")

    assert client.get(LIST_URL).context["page"].paginator.count == 3
    assert client.get(LIST_URL, {"risk_tier": "low"}).context["page"].paginator.count == 1
    assert "3 models match" in client.get(LIST_URL).content.decode()
    # The same inventory a year later: the low tier's review (a yearly cycle) is overdue too, though
    # nothing changed.
    assert client.get(LIST_URL, {"review": "overdue"}).context["page"].paginator.count == 2
    with time_machine.travel(dt.datetime.combine(TODAY + dt.timedelta(days=400), dt.time(12), tzinfo=dt.UTC)):
        client.force_login(bob)  # the session of a year ago has expired
        assert client.get(LIST_URL, {"review": "overdue"}).context["page"].paginator.count == 3
