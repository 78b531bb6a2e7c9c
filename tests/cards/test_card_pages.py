"""The console's card pages: a card and its downloads, editing, publishing, versions, the diff, and
the lists of AI systems and agents; their query budgets and what each role is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from cards import services
from cards.models import Agent, AISystem, CardVersion, ModelCardContent
from common.actors import Actor
from tests.factories import make_model

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
TRUSTED = Actor(name="tests", trusted=True)


def _publish(subject, kind="model", hour=9):
    return services.publish_card(kind=kind, subject=subject, actor=TRUSTED, today=dt.date(2026, 11, 27),
                                 now=dt.datetime(2026, 11, 27, hour, tzinfo=dt.UTC))


@pytest.fixture
def model(alice):
    return make_model(model_name="page-card", owner=alice)


def test_the_card_page_shows_empty_sections_and_offers_every_format(client, erin, model):
    client.force_login(erin)
    response = client.get(reverse("cards:card", args=["model", model.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and "Still empty:" in html
    assert "?format=cyclonedx" in html and "Publish this card" not in html  # an examiner only reads


@pytest.mark.parametrize("fmt, media", [("json", "application/json"), ("cyclonedx", "application/vnd.cyclonedx+json"),
                                        ("pdf", "application/pdf"), ("html", "text/html; charset=utf-8")])
def test_each_format_downloads(client, erin, model, fmt, media):
    client.force_login(erin)
    response = client.get(reverse("cards:card", args=["model", model.pk]), {"format": fmt})
    assert response.status_code == 200 and response["Content-Type"] == media
    assert "attachment" in response["Content-Disposition"]


def test_an_unknown_format_is_400_naming_the_formats(client, erin, model):
    client.force_login(erin)
    response = client.get(reverse("cards:card", args=["model", model.pk]), {"format": "docx"})
    assert response.status_code == 400 and b"html, pdf, json, cyclonedx" in response.content


def test_the_owner_edits_and_publishes_and_the_versions_compare(client, alice, model):
    client.force_login(alice)
    url = reverse("cards:edit", args=["model", model.pk])
    assert client.post(url, {"intended_use": "Fraud", "limitations": "One"}).status_code == 302
    client.post(reverse("cards:publish", args=["model", model.pk]))
    client.post(url, {"intended_use": "Fraud", "limitations": "Two"})
    client.post(reverse("cards:publish", args=["model", model.pk]))
    assert list(CardVersion.objects.values_list("version", flat=True).order_by("version")) == [1, 2]

    diff = client.get(reverse("cards:diff", args=["model", model.pk]), {"from": 1, "to": 2}).content.decode()
    assert "sections.limitations.text" in diff and "One" in diff and "Two" in diff
    version = client.get(reverse("cards:version", args=["model", model.pk, 1]))
    assert "Published version 1" in version.content.decode()


def test_bad_content_on_the_page_names_the_field_and_saves_nothing(client, alice, model):
    client.force_login(alice)
    response = client.post(reverse("cards:edit", args=["model", model.pk]), {"limitations": "x" * 20001})
    assert response.status_code == 200 and "At most 20,000 characters" in response.content.decode()
    assert not ModelCardContent.objects.exists()


@pytest.mark.parametrize("query, status", [({}, 400), ({"from": "x", "to": "1"}, 400), ({"from": 1, "to": 7}, 404)])
def test_a_diff_needs_two_published_versions(client, erin, model, query, status):
    _publish(model)
    client.force_login(erin)
    assert client.get(reverse("cards:diff", args=["model", model.pk]), query).status_code == status


@pytest.mark.parametrize("persona", ["erin", "charlie"])
def test_who_may_not_write_a_card_is_refused_and_nothing_changes(client, request, persona, model):
    client.force_login(request.getfixturevalue(persona))
    for name in ("edit", "publish"):
        assert client.post(reverse(f"cards:{name}", args=["model", model.pk]), {"limitations": "x"}).status_code == 403
    assert client.post(reverse("cards:create", args=["agent"]), {"name": "A", "autonomy_level": "supervised"}
                       ).status_code == 403
    assert not (ModelCardContent.objects.exists() or CardVersion.objects.exists() or Agent.objects.exists())


def test_another_owners_model_card_is_refused(client, alice, bob):
    theirs = make_model(owner=bob)
    client.force_login(alice)
    assert client.post(reverse("cards:publish", args=["model", theirs.pk])).status_code == 403
    assert not CardVersion.objects.exists()


def test_an_owner_adds_an_agent_and_publishes_its_card(client, alice, model):
    client.force_login(alice)
    response = client.post(reverse("cards:create", args=["agent"]), {
        "name": "Dispute agent", "autonomy_level": "conditional", "ai_models": "page-card\n",
        "stop_procedure": "Operations on call disables its service account."})
    agent = Agent.objects.get()
    assert response.status_code == 302 and agent.owner == alice and list(agent.ai_models.all()) == [model]
    client.post(reverse("cards:publish", args=["agent", agent.pk]))
    html = client.get(reverse("cards:card", args=["agent", agent.pk])).content.decode()
    assert "Agent card: Dispute agent" in html and "NIST AI 600-1" in html and "v1" in html


def test_an_unknown_model_name_in_a_system_is_named(client, bob):
    client.force_login(bob)
    response = client.post(reverse("cards:create", args=["system"]), {"name": "S", "ai_models": "ghost"})
    assert "No model is named &#x27;ghost&#x27;" in response.content.decode() and not AISystem.objects.exists()


def test_unknown_kinds_are_404(client, bob):
    client.force_login(bob)
    assert client.get("/cards/model/").status_code == 404
    assert client.get("/cards/widget/1/").status_code == 404


def _systems(count: int) -> None:
    for n in range(count):
        services.save_system(data={"name": f"system-{count}-{n}", "ai_models": []}, actor=TRUSTED)


@pytest.mark.parametrize("count", [1, 12])
def test_the_lists_and_cards_take_constant_queries(client, bob, django_assert_max_num_queries, count):
    models = [make_model(model_name=f"q-{count}-{n}") for n in range(count)]
    _systems(count)
    system = AISystem.objects.first()
    system.ai_models.set(models)
    client.force_login(bob)
    # Session, user and its groups (2), messages, the page's count and rows, their members' prefetch: 9.
    with django_assert_max_num_queries(9):
        assert client.get(reverse("cards:list", args=["system"])).status_code == 200
    with django_assert_max_num_queries(9):  # filtered by a member model: the same count, rows and prefetch
        assert client.get(reverse("cards:list", args=["system"]), {"model": models[0].model_name}).status_code == 200
    # The system and its owner, its members in one snapshot, and the versions: 10.
    with django_assert_max_num_queries(10):
        assert client.get(reverse("cards:card", args=["system", system.pk])).status_code == 200
    # The model, its card content, review counts, the compliance evaluation, versions, the reads of the role: 14.
    with django_assert_max_num_queries(14):
        assert client.get(reverse("cards:card", args=["model", models[0].pk])).status_code == 200


def test_the_system_list_leads_to_the_agents_and_back(client, erin):
    client.force_login(erin)
    systems = client.get(reverse("cards:list", args=["system"])).content.decode()
    agents = client.get(reverse("cards:list", args=["agent"])).content.decode()
    assert reverse("cards:list", args=["agent"]) in systems and reverse("cards:list", args=["system"]) in agents
    assert "Add an AI system" not in systems  # an examiner registers nothing


def _names(response) -> list[str]:
    html = response.content.decode()
    return [name for name in ("Fraud platform", "Credit platform", "Chat platform", "Pay bot", "Claims bot")
            if f">{name}</a>" in html]


def test_the_system_list_filters_by_name_owner_and_model_as_the_api_does(client, erin, alice, model):
    services.save_system(data={"name": "Fraud platform", "ai_models": ["page-card"], "owner": alice}, actor=TRUSTED)
    services.save_system(data={"name": "Credit platform", "ai_models": []}, actor=TRUSTED)
    services.save_system(data={"name": "Chat platform", "ai_models": []}, actor=TRUSTED)
    client.force_login(erin)
    url = reverse("cards:list", args=["system"])
    assert _names(client.get(url)) == ["Fraud platform", "Credit platform", "Chat platform"]
    assert _names(client.get(url, {"q": "CREDIT"})) == ["Credit platform"]
    assert _names(client.get(url, {"owner": "alice"})) == ["Fraud platform"]
    assert _names(client.get(url, {"model": "page-card"})) == ["Fraud platform"]
    empty = client.get(url, {"q": "nothing like it"}).content.decode()
    assert "None matches these filters." in empty and "None registered yet." not in empty


def test_the_agent_list_filters_by_autonomy_and_names_a_bad_level_on_its_field(client, erin):
    services.save_agent(data={"name": "Pay bot", "ai_models": [], "autonomy_level": "autonomous"}, actor=TRUSTED)
    services.save_agent(data={"name": "Claims bot", "ai_models": [], "autonomy_level": "assistive"}, actor=TRUSTED)
    client.force_login(erin)
    url = reverse("cards:list", args=["agent"])
    assert _names(client.get(url, {"autonomy_level": "autonomous"})) == ["Pay bot"]
    refused = client.get(url, {"autonomy_level": "reckless"})
    assert refused.status_code == 200 and "Select a valid choice. reckless is not one of the available choices." in (
        refused.content.decode())
    assert _names(refused) == ["Pay bot", "Claims bot"]  # the refused filter is left out, not guessed


def test_the_filtered_lists_pages_keep_their_filter(client, erin, settings):
    settings.MLTRACK_PAGE_SIZE = 2
    for n in range(3):
        services.save_system(data={"name": f"Batch platform {n}", "ai_models": []}, actor=TRUSTED)
    services.save_system(data={"name": "Other", "ai_models": []}, actor=TRUSTED)
    client.force_login(erin)
    html = client.get(reverse("cards:list", args=["system"]), {"q": "batch"}).content.decode()
    assert "Page 1 of 2, 3 AI systems" in html and "?q=batch&amp;page=2" in html


def test_a_system_card_version_and_its_diff(client, bob, model):
    system = services.save_system(data={"name": "Fraud platform", "ai_models": ["page-card"]}, actor=TRUSTED)
    _publish(system, kind="system")
    services.save_system(data={"safeguards": "Manual review of declines"}, actor=TRUSTED, system=system)
    _publish(system, kind="system", hour=10)
    client.force_login(bob)
    version = client.get(reverse("cards:version", args=["system", system.pk, 1]), {"format": "json"})
    assert version.status_code == 200 and b'"version": 1' in version.content
    diff = client.get(reverse("cards:diff", args=["system", system.pk]), {"from": 1, "to": 2}).content.decode()
    assert "sections.safeguards.text" in diff and "Manual review of declines" in diff


def test_a_model_card_is_under_the_inventory_in_the_menu(client, erin, model):
    client.force_login(erin)
    html = client.get(reverse("cards:card", args=["model", model.pk])).content.decode()
    assert 'aria-current="page">Inventory' in html and 'aria-current="page">Systems and agents' not in html
    html = client.get(reverse("cards:list", args=["agent"])).content.decode()
    assert 'aria-current="page">Systems and agents' in html
