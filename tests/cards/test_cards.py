"""Model, system and agent cards: content and its rules, each card in each format, CycloneDX
validation, publishing, versions and their diff, immutability, and roles on every path."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from pypdf import PdfReader

from cards import diff, document, formats, services
from cards.models import MODEL_CARD_SECTIONS, Agent, CardVersion, ImmutableError, ModelCardContent
from common.actors import Actor
from tests.factories import make_model, record_review

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 27)
NOW = dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC)
TRUSTED = Actor(name="tests", trusted=True)
FILLED = {
    "intended_use": "Score card transactions for fraud in real time.",
    "out_of_scope_uses": "Credit decisions.",
    "factors": "Merchant category, channel.",
    "metrics": "AUC 0.94 on the 2026 hold-out.",
    "training_data": "Card transactions 2023-2025.",
    "evaluation_data": "Q1 2026 transactions.",
    "ethical_considerations": "False positives block customers' cards.",
    "limitations": "Weak on new merchant types.",
    "recommendations": "Review declines above 0.9 by hand.",
}


def _publish(subject, kind="model", actor=TRUSTED, now=NOW):
    return services.publish_card(kind=kind, subject=subject, actor=actor, now=now, today=TODAY)


def _validate_bom(content: bytes) -> None:
    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(content.decode("utf-8"))
    assert error is None, error


def test_a_new_model_card_shows_every_section_empty_and_the_inventorys_facts():
    model = make_model(model_name="fraud-card", risk_tier="critical")
    record_review(model, outcome="warning")
    card = document.model_card(model, today=TODAY)

    assert card["empty_sections"] == [title for _, title in MODEL_CARD_SECTIONS]
    assert card["risk"]["tier"] == "critical" and card["risk"]["review_policy"]["cycle_days"] == 30
    assert card["reviews"]["count"] == 1 and card["reviews"]["by_outcome"]["warning"] == 1
    assert card["compliance"]["result"] in {"pass", "fail"} and card["compliance"]["ruleset"]["version"]
    assert card["model"]["state_hash"] == model.state_hash


def test_filled_sections_leave_the_empty_list_and_compliance_cites_its_rules(alice):
    model = make_model(model_name="no-class", owner=alice, data_classification="")
    services.update_card_content(model=model, changes={"intended_use": "Fraud scoring"}, actor=Actor.for_user(alice))
    card = document.model_card(model, today=TODAY)

    assert "Intended use" not in card["empty_sections"] and "Limitations" in card["empty_sections"]
    violation = next(v for v in card["compliance"]["violations"] if v["rule"] == "prod-without-classification")
    assert violation["citations"]["sr26_2"] and violation["citations"]["iso42001"]


@pytest.mark.parametrize("bad, field, words", [
    ({"intended_use": "x" * 20001}, "intended_use", "At most 20,000 characters"),
    ({"limitations": "a\x00b"}, "limitations", "limitations"),
    ({"limitations": 5}, "limitations", "Expected text"),
    ({"colour": "blue"}, "colour", "Unknown field 'colour'"),
])
def test_bad_content_is_refused_by_field_and_changes_nothing(bad, field, words):
    model = make_model()
    with pytest.raises(ValidationError) as refused:
        services.update_card_content(model=model, changes=bad, actor=TRUSTED)
    assert words in " ".join(refused.value.message_dict[field])
    assert not ModelCardContent.objects.exists()


def test_content_changes_keep_a_history():
    model = make_model()
    services.update_card_content(model=model, changes={"limitations": "one"}, actor=TRUSTED)
    services.update_card_content(model=model, changes={"limitations": "two"}, actor=TRUSTED)
    assert [h.limitations for h in ModelCardContent.history.order_by("history_date")] == ["one", "two"]
    assert {h.history_actor for h in ModelCardContent.history.all()} == {"tests"}


def test_each_model_card_format_renders_the_card():
    model = make_model(model_name="formats-model")
    services.update_card_content(model=model, changes=FILLED, actor=TRUSTED)
    card = document.model_card(model, today=TODAY)

    html = formats.render(card, "html").decode()
    assert "Model card: formats-model" in html and "Every section is filled in." in html
    data = json.loads(formats.render(card, "json"))
    assert data["card"] == card and data["publication"] is None
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(formats.render(card, "pdf"))).pages)
    assert "formats-model" in text and "Weak on new merchant types." in text
    bom = formats.render(card, "cyclonedx")
    _validate_bom(bom)
    component = json.loads(bom)["components"][0]
    assert component["type"] == "machine-learning-model" and component["name"] == "formats-model"
    assert component["modelCard"]["considerations"]["useCases"] == [FILLED["intended_use"]]
    assert formats.render(card, "cyclonedx") == bom  # deterministic: same card, same bytes


def test_an_empty_card_is_still_a_valid_bom_and_says_it_is_empty():
    card = document.model_card(make_model(), today=TODAY)
    bom = formats.render(card, "cyclonedx")
    _validate_bom(bom)
    assert "Still empty:" in formats.render(card, "html").decode()


def test_the_inventory_bom_has_one_component_per_model_in_fixed_queries(django_assert_max_num_queries):
    for n in range(3):
        make_model(model_name=f"bom-{n}")
    from inventory.models import AIModel

    with django_assert_max_num_queries(6):
        cards = document.model_cards(AIModel.objects.all(), today=TODAY)
    bom = formats.render_bom(cards, timestamp="2026-11-27T00:00:00Z")
    _validate_bom(bom)
    assert [c["name"] for c in json.loads(bom)["components"]] == ["bom-0", "bom-1", "bom-2"]


def test_system_and_agent_cards_cite_nist_and_iso_never_sr_26_2(alice):
    make_model(model_name="llm-core", model_type="generative_ai", owner=alice)
    system = services.save_system(data={"name": "Advice assistant", "purpose": "Answers staff questions",
                                        "ai_models": ["llm-core"]}, actor=Actor.for_user(alice))
    agent = services.save_agent(data={"name": "Refund agent", "autonomy_level": "conditional",
                                      "stop_procedure": "Ops on-call flips the kill switch", "ai_models": ["llm-core"]},
                                actor=Actor.for_user(alice))
    for kind, subject in (("system", system), ("agent", agent)):
        card = services.build_card(kind, subject, today=TODAY)
        frameworks = " ".join(f["framework"] for f in card["frameworks"])
        assert "NIST AI RMF" in frameworks and "ISO/IEC 42001" in frameworks and "SR 26-2" not in frameworks
        assert [m["name"] for m in card["models"]] == ["llm-core"]
        for fmt in ("html", "json", "pdf"):
            assert formats.render(card, fmt)
        with pytest.raises(ValueError, match="model cards only"):
            formats.render(card, "cyclonedx")
    assert system.owner == alice
    agent_card = services.build_card("agent", agent, today=TODAY)
    assert agent_card["agent"]["autonomy_level"] == "conditional"
    assert "Stop procedure: who can stop it, and how" not in agent_card["empty_sections"]
    assert "Decision boundaries" in agent_card["empty_sections"]


@pytest.mark.parametrize("data, field, words", [
    ({"name": ""}, "name", "Give it a name"),
    ({"name": "A", "ai_models": ["no-such-model"]}, "ai_models", "No model is named 'no-such-model'"),
    ({"name": "A", "autonomy_level": "rogue"}, "autonomy_level", "Choose one of"),
    ({"name": "A", "owner": "nobody-here"}, "owner", "No user account is named"),
])
def test_bad_agents_are_refused_by_field(data, field, words):
    with pytest.raises(ValidationError) as refused:
        services.save_agent(data=data, actor=TRUSTED)
    assert words in " ".join(refused.value.message_dict[field])
    assert not Agent.objects.exists()


def test_a_model_owner_cannot_hand_a_system_to_someone_else(alice, bob):
    with pytest.raises(ValidationError, match="Only model risk officers"):
        services.save_system(data={"name": "S", "owner": "bob"}, actor=Actor.for_user(alice))


def test_publishing_keeps_each_version_with_its_hashes_and_the_diff_shows_what_changed():
    model = make_model(model_name="versioned")
    first = _publish(model)
    services.update_card_content(model=model, changes={"limitations": "Weak on new merchants."}, actor=TRUSTED)
    second = _publish(model, now=NOW + dt.timedelta(hours=1))

    assert (first.version, second.version) == (1, 2)
    assert first.sha256 == hashlib.sha256(document.canonical_bytes(first.document)).hexdigest()
    assert first.state_hash == model.state_hash
    model.refresh_from_db()
    assert model.card_state_hash == model.state_hash
    changes = {c.path: (c.old, c.new) for c in diff.diff(first.document, second.document)}
    assert changes["sections.limitations.text"] == ("", "Weak on new merchants.")
    assert "empty_sections" in changes
    assert "model.name" not in changes


def test_a_published_version_can_be_neither_changed_nor_deleted():
    version = _publish(make_model())
    version.subject_name = "forged"
    with pytest.raises(ImmutableError):
        version.save()
    with pytest.raises(ImmutableError):
        version.delete()
    with pytest.raises(ImmutableError):
        CardVersion.objects.all().update(sha256="0" * 64)
    with pytest.raises(ImmutableError):
        CardVersion.objects.all().delete()
    # Raw SQL too: the database's triggers refuse it.
    for statement in ("UPDATE cards_cardversion SET sha256 = 'x'", "DELETE FROM cards_cardversion"):
        with pytest.raises(Exception, match="immutable"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert CardVersion.objects.get().sha256 == version.sha256


def test_a_model_change_makes_its_card_out_of_date():
    from inventory import services as inventory_services
    from inventory.models import AIModel

    model = make_model()
    _publish(model)
    assert not AIModel.objects.without_current_card().filter(pk=model.pk).exists()
    inventory_services.update_model(model=model, changes={"vendor": "Acme"}, actor=TRUSTED, today=TODAY)
    assert AIModel.objects.without_current_card().filter(pk=model.pk).exists()


def _card_rules(card) -> list[str]:
    return [violation["rule"] for violation in card["compliance"]["violations"]]


def test_a_published_card_records_compliance_with_itself_current():
    from inventory import services as inventory_services

    model = make_model(risk_tier="high", deployment_environment="prod")
    # As it reads before publication, the card names the rule its publication meets...
    assert "prod-without-current-card" in _card_rules(services.build_card("model", model, today=TODAY))

    first = _publish(model)
    # ... as published, it does not: the state it records is the one the publication brings about.
    assert "prod-without-current-card" not in _card_rules(first.document)
    assert first.state_hash == model.state_hash == type(model).objects.get(pk=model.pk).card_state_hash

    # A later definition change breaks the rule again; the next publication meets it again.
    inventory_services.update_model(model=model, changes={"vendor": "Acme"}, actor=TRUSTED, today=TODAY)
    assert "prod-without-current-card" in _card_rules(services.build_card("model", model, today=TODAY))
    second = _publish(model)
    assert "prod-without-current-card" not in _card_rules(second.document)
    assert second.version == 2 and second.state_hash != first.state_hash


def test_bulk_publishing_records_compliance_with_each_card_current():
    from inventory.models import AIModel

    models = [make_model(risk_tier="critical", deployment_environment="prod") for _ in range(2)]

    services.publish_model_cards(models=AIModel.objects.filter(pk__in=[m.pk for m in models]), actor=TRUSTED,
                                 now=NOW, today=TODAY)

    for version in CardVersion.objects.all():
        assert "prod-without-current-card" not in _card_rules(version.document)
    assert not AIModel.objects.without_current_card().exists()


def test_version_numbers_are_unique_per_card():
    model = make_model()
    version = _publish(model)
    with pytest.raises(IntegrityError), transaction.atomic():
        CardVersion(kind="model", subject_id=model.pk, subject_name="x", version=version.version, document={},
                    sha256="0", state_hash="0", published_by="x", published_at=NOW).save()


# service -> the personas it allows (alice owns the model and the system)
WRITES = {
    "edit a model card": lambda m, s, a: services.update_card_content(model=m, changes={"factors": "x"}, actor=a),
    "publish a model card": lambda m, s, a: _publish(m, actor=a),
    "change a system": lambda m, s, a: services.save_system(data={"purpose": "x"}, actor=a, system=s),
    "publish a system card": lambda m, s, a: _publish(s, kind="system", actor=a),
}


@pytest.mark.parametrize("write", sorted(WRITES))
@pytest.mark.parametrize("persona, allowed", [("alice", True), ("bob", True), ("carol", True), ("erin", False),
                                              ("charlie", False), ("dave", False)])
def test_each_card_service_allows_exactly_its_roles(write, persona, allowed, request, alice):
    from tests.conftest import make_user

    user = make_user("dave", "model-owner") if persona == "dave" else request.getfixturevalue(persona)
    model = make_model(owner=alice)
    system = services.save_system(data={"name": "Owned by alice"}, actor=Actor.for_user(alice))
    if allowed:
        WRITES[write](model, system, Actor.for_user(user))
        return
    with pytest.raises(PermissionDenied, match=f"{persona} \\(role: "):
        WRITES[write](model, system, Actor.for_user(user))
    assert not ModelCardContent.objects.exists() and not CardVersion.objects.exists()
    system.refresh_from_db()
    assert system.purpose == ""


def test_registering_systems_and_agents_needs_a_role_that_adds_models(erin, charlie):
    for user in (erin, charlie):
        with pytest.raises(PermissionDenied):
            services.save_agent(data={"name": "A"}, actor=Actor.for_user(user))
    with pytest.raises(PermissionDenied, match="neither a user account"):
        services.save_system(data={"name": "S"}, actor=Actor(name="forgot"))


def test_publishing_leaves_the_model_in_agreement_with_its_history_and_the_trail_verified():
    from reviews.agreement import check_models

    model = make_model()
    record_review(model)
    _publish(model)
    assert check_models() == []
    assert model.history.latest("history_date").history_change_reason == "model card version 1 published"
