"""/api/v1/systems/ and /api/v1/agents/: list (filters, pages), register, read, change, through the
card services (so their roles and checks apply); each bad input is 400 naming the field and changes
nothing. Their cards: as JSON, the published versions, publishing, and the diff between two."""

from __future__ import annotations

import pytest

from cards import services
from cards.models import Agent, AISystem, CardVersion
from common.actors import Actor
from tests.api.conftest import Api, make_token
from tests.conftest import NOW
from tests.factories import make_model

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
TRUSTED = Actor(name="tests", trusted=True)


@pytest.fixture
def models(alice):
    return [make_model(model_name="fraud-gbm", owner=alice), make_model(model_name="chat-llm", owner=alice)]


@pytest.fixture
def as_alice(alice):
    return Api(make_token(alice))


@pytest.fixture
def as_bob(bob):
    return Api(make_token(bob))


def _snapshot():
    return (list(AISystem.objects.order_by("pk").values()), list(Agent.objects.order_by("pk").values()),
            list(AISystem.ai_models.through.objects.order_by("pk").values()),
            list(AISystem.history.order_by("pk").values_list("pk", flat=True)), CardVersion.objects.count())


def test_an_owner_registers_a_system_reads_it_and_changes_it(as_alice, models):
    created = as_alice.post("/api/v1/systems/", {"name": "Fraud platform", "purpose": "Stops card fraud",
                                                 "ai_models": ["fraud-gbm", "chat-llm"]})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["owner"] == "alice" and sorted(body["ai_models"]) == ["chat-llm", "fraud-gbm"]
    assert created["Location"] == body["url"] and body["card_url"].endswith(f"/api/v1/systems/{body['id']}/card/")

    changed = as_alice.patch(f"/api/v1/systems/{body['id']}/", {"safeguards": "Manual review", "ai_models": ["chat-llm"]})
    assert changed.status_code == 200, changed.content
    assert changed.json()["safeguards"] == "Manual review" and changed.json()["ai_models"] == ["chat-llm"]
    assert changed.json()["purpose"] == "Stops card fraud"
    # The change history names the account, as the console's edits do.
    assert AISystem.history.filter(id=body["id"]).latest("history_date").history_actor == "alice"
    assert as_alice.get(f"/api/v1/systems/{body['id']}/").json() == changed.json()


@pytest.mark.parametrize("change", [{}, {"purpose": "Stops card fraud", "ai_models": ["chat-llm", "fraud-gbm"]}])
def test_a_change_that_changes_nothing_writes_nothing(as_alice, models, change):
    created = as_alice.post("/api/v1/systems/", {"name": "Fraud platform", "purpose": "Stops card fraud",
                                                 "ai_models": ["fraud-gbm", "chat-llm"]}).json()
    before = _snapshot()

    answer = as_alice.patch(f"/api/v1/systems/{created['id']}/", change)

    assert answer.status_code == 200, answer.content
    assert _snapshot() == before  # no history entry without a change


def test_an_agent_has_its_autonomy_level_and_oversight_fields(as_bob, models):
    created = as_bob.post("/api/v1/agents/", {"name": "Refund agent", "autonomy_level": "conditional",
                                              "stop_procedure": "Ops turn off the refund tool.", "owner": "alice",
                                              "ai_models": ["chat-llm"]})
    assert created.status_code == 201, created.content
    assert created.json()["autonomy_level"] == "conditional" and created.json()["owner"] == "alice"

    card = as_bob.get(f"/api/v1/agents/{created.json()['id']}/card/").json()
    assert card["publication"] is None and card["card"]["card"] == "agent"
    assert card["card"]["agent"]["autonomy_level"] == "conditional"
    assert [m["name"] for m in card["card"]["models"]] == ["chat-llm"]
    assert "Stop procedure: who can stop it, and how" not in card["card"]["empty_sections"]


def test_the_lists_filter_and_page(as_bob, models, alice):
    services.save_system(data={"name": "Fraud platform", "ai_models": ["fraud-gbm"], "owner": "alice"}, actor=TRUSTED)
    services.save_system(data={"name": "Chat platform", "ai_models": ["chat-llm"]}, actor=TRUSTED)
    services.save_agent(data={"name": "Refund agent", "autonomy_level": "autonomous"}, actor=TRUSTED)
    services.save_agent(data={"name": "Triage agent", "autonomy_level": "assistive"}, actor=TRUSTED)

    def names(url):
        response = as_bob.get(url)
        assert response.status_code == 200, response.content
        return [row["name"] for row in response.json()["results"]]

    assert names("/api/v1/systems/") == ["Chat platform", "Fraud platform"]
    assert names("/api/v1/systems/?q=FRAUD") == ["Fraud platform"]
    assert names("/api/v1/systems/?owner=alice") == ["Fraud platform"]
    assert names("/api/v1/systems/?model=chat-llm") == ["Chat platform"]
    assert names("/api/v1/agents/?autonomy_level=assistive") == ["Triage agent"]
    page = as_bob.get("/api/v1/agents/?page_size=1&page=2").json()
    assert page["count"] == 2 and page["pages"] == 2 and [r["name"] for r in page["results"]] == ["Triage agent"]
    refused = as_bob.get("/api/v1/agents/?autonomy_level=rogue")
    assert refused.status_code == 400 and "autonomy_level" in refused.json()["error"]["fields"]
    assert as_bob.get("/api/v1/agents/?page=9").status_code == 404


BAD_SYSTEMS = [
    ({"name": "S", "colour": "blue"}, "colour", "Unknown field"),
    ({"purpose": "no name"}, "name", "required"),
    ({"name": ""}, "name", "blank"),
    ({"name": "Taken"}, "name", "already named 'Taken'"),
    ({"name": "S", "ai_models": ["fraud-gbm", "no-such-model"]}, "ai_models", "No model is named 'no-such-model'"),
    ({"name": "S", "ai_models": "fraud-gbm"}, "ai_models", "list"),
    ({"name": "S", "owner": "nobody-here"}, "owner", "No user account is named 'nobody-here'"),
    ({"name": "S", "safeguards": "bell\x07here"}, "safeguards", "control"),
    ({"name": "S", "purpose": "x" * 20001}, "purpose", "At most 20,000 characters"),
    ({"name": "two\nlines"}, "name", ""),
]


@pytest.mark.parametrize("body, field, words", BAD_SYSTEMS)
def test_a_bad_system_is_400_naming_the_field_and_changes_nothing(as_bob, models, body, field, words):
    services.save_system(data={"name": "Taken"}, actor=TRUSTED)
    before = _snapshot()

    response = as_bob.post("/api/v1/systems/", body)

    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid" and field in error["fields"]
    assert words.lower() in " ".join(error["fields"][field]).lower()
    assert _snapshot() == before


@pytest.mark.parametrize("body, field", [
    ({"autonomy_level": "rogue"}, "autonomy_level"), ({"stop_procedure": "a\x00b"}, "stop_procedure"),
    ({"human_oversight": "\u202eevil"}, "human_oversight"), ({"owner": "nobody-here"}, "owner"),
    ({"ai_models": ["no-such-model"]}, "ai_models"), ({"id": 5}, "id"), ({"name": "Taken"}, "name"),
])
def test_a_bad_change_to_an_agent_is_400_naming_the_field_and_changes_nothing(as_bob, body, field):
    services.save_agent(data={"name": "Taken"}, actor=TRUSTED)
    agent = services.save_agent(data={"name": "Refund agent"}, actor=TRUSTED)
    before = _snapshot()

    response = as_bob.patch(f"/api/v1/agents/{agent.pk}/", body)

    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert _snapshot() == before


def test_a_model_owner_may_not_give_hers_away_nor_change_anothers(as_alice, alice, bob):
    mine = services.save_system(data={"name": "Mine"}, actor=Actor.for_user(alice))
    theirs = services.save_agent(data={"name": "Theirs"}, actor=TRUSTED)
    before = _snapshot()

    given = as_alice.patch(f"/api/v1/systems/{mine.pk}/", {"owner": "bob"})
    changed = as_alice.patch(f"/api/v1/agents/{theirs.pk}/", {"purpose": "x"})
    registered_for_bob = as_alice.post("/api/v1/systems/", {"name": "For bob", "owner": "bob"})

    assert given.status_code == 400 and "Only model risk officers" in given.json()["error"]["fields"]["owner"][0]
    assert changed.status_code == 403 and "alice" in changed.json()["error"]["message"]
    assert registered_for_bob.status_code == 400
    assert _snapshot() == before


def test_an_examiner_reads_but_registers_nothing(erin, models):
    api = Api(make_token(erin))
    system = services.save_system(data={"name": "Fraud platform"}, actor=TRUSTED)

    assert api.get(f"/api/v1/systems/{system.pk}/").status_code == 200
    refused = api.post("/api/v1/systems/", {"name": "Nope", "colour": "blue"})
    assert refused.status_code == 403 and "erin" in refused.json()["error"]["message"]
    assert api.patch(f"/api/v1/systems/{system.pk}/", {"purpose": "x"}).status_code == 403
    assert api.post(f"/api/v1/systems/{system.pk}/card/versions/", None).status_code == 403
    assert AISystem.objects.count() == 1 and not CardVersion.objects.exists()


def test_unknown_ids_and_methods(as_bob):
    assert as_bob.get("/api/v1/systems/999/").status_code == 404
    assert as_bob.get("/api/v1/agents/999/card/").status_code == 404
    agent = services.save_agent(data={"name": "A"}, actor=TRUSTED)
    assert as_bob.delete(f"/api/v1/agents/{agent.pk}/").status_code == 405
    assert as_bob.put(f"/api/v1/agents/{agent.pk}/", {"name": "B"}).status_code == 405
    # A system's sections are its own fields: changed on it, not on its card.
    assert as_bob.patch(f"/api/v1/agents/{agent.pk}/card/", {"purpose": "x"}).status_code == 405
    assert as_bob.get(f"/api/v1/agents/{agent.pk}/card/cyclonedx/").status_code == 404
    assert Agent.objects.get().name == "A"


@pytest.mark.parametrize("kind, path, save, keyword", [
    ("system", "systems", services.save_system, "system"), ("agent", "agents", services.save_agent, "agent")])
def test_publishing_versions_and_the_diff(as_alice, alice, models, kind, path, save, keyword):
    subject = save(data={"name": "Subject", "ai_models": ["fraud-gbm"]}, actor=Actor.for_user(alice))
    base = f"/api/v1/{path}/{subject.pk}/card"

    first = as_alice.post(f"{base}/versions/", None)
    assert first.status_code == 201, first.content
    assert first.json()["publication"]["version"] == 1 and first.json()["card"]["card"] == kind
    as_alice.patch(f"/api/v1/{path}/{subject.pk}/", {"purpose": "Now with a purpose", "ai_models": []})
    second = as_alice.post(f"{base}/versions/", None).json()["publication"]

    listed = as_alice.get(f"{base}/versions/").json()
    assert [v["version"] for v in listed] == [2, 1]
    assert listed[0]["sha256"] == second["sha256"] and listed[0]["published_by"] == "alice"
    one = as_alice.get(f"{base}/versions/1/").json()
    assert one["publication"]["version"] == 1 and one["card"]["models"][0]["name"] == "fraud-gbm"
    assert as_alice.get(f"{base}/versions/3/").status_code == 404

    changed = as_alice.get(f"{base}/diff/?from=1&to=2")
    assert changed.status_code == 200, changed.content
    body = changed.json()
    assert body["from"]["version"] == 1 and body["to"]["version"] == 2
    by_path = {change["path"]: change for change in body["changes"]}
    assert by_path["sections.purpose.text"] == {"path": "sections.purpose.text", "old": "",
                                                "new": "Now with a purpose"}
    assert by_path["models[0].name"]["old"] == "fraud-gbm" and by_path["models[0].name"]["new"] is None
    assert as_alice.get(f"{base}/diff/?from=1&to=1").json()["changes"] == []


@pytest.mark.parametrize("query, status, field", [
    ("", 400, "from"), ("?from=1", 400, "to"), ("?from=one&to=2", 400, "from"), ("?from=0&to=1", 400, "from"),
    (f"?from=1&to={2**40}", 400, "to"), ("?from=1&to=7", 404, None)])
def test_a_diff_needs_two_published_versions(as_bob, models, query, status, field):
    model = models[0]
    services.publish_card(kind="model", subject=model, actor=TRUSTED, now=NOW, today=NOW.date())

    response = as_bob.get(f"/api/v1/models/{model.pk}/card/diff/{query}")

    assert response.status_code == status, response.content
    if field:
        assert field in response.json()["error"]["fields"]
    else:
        assert "no version 7" in response.json()["error"]["message"]
