"""mltrack card: a card in each format to a file or standard output, a published version, the
inventory's ML-BOM, and the errors (unknown model or version, PDF without a file, no role)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from cards import services
from common.actors import Actor
from tests.factories import make_model

pytestmark = pytest.mark.django_db
TRUSTED = Actor(name="tests", trusted=True)


@pytest.fixture
def model():
    model = make_model(model_name="cli-card")
    services.update_card_content(model=model, changes={"intended_use": "Fraud scoring"}, actor=TRUSTED)
    return model


@pytest.mark.parametrize("fmt, starts", [("html", b"<!DOCTYPE html>"), ("pdf", b"%PDF"), ("json", b"{"),
                                         ("cyclonedx", b"{")])
def test_each_format_is_written_to_the_file(run, model, tmp_path, fmt, starts):
    out = tmp_path / f"card.{fmt}"
    result = run("card", "CLI-CARD", "--format", fmt, "--output", str(out))
    assert result.code == 0, result.err
    assert out.read_bytes().startswith(starts) and "SHA-256" in result.err
    if fmt == "cyclonedx":
        assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(out.read_text()) is None


def test_json_goes_to_standard_output_and_a_version_is_the_published_card(run, model):
    services.publish_card(kind="model", subject=model, actor=TRUSTED, today=dt.date(2026, 11, 27),
                          now=dt.datetime(2026, 11, 27, 9, tzinfo=dt.UTC))
    services.update_card_content(model=model, changes={"intended_use": "Changed since"}, actor=TRUSTED)
    now = json.loads(run("card", "cli-card").out)
    published = json.loads(run("card", "cli-card", "--version", "1").out)
    assert now["publication"] is None and now["card"]["sections"][0]["text"] == "Changed since"
    assert published["publication"]["version"] == 1 and published["card"]["sections"][0]["text"] == "Fraud scoring"


def test_all_is_the_ml_bom_of_every_model(run, model):
    make_model(model_name="another")
    bom = json.loads(run("card", "--all", "--format", "cyclonedx").out)
    assert [c["name"] for c in bom["components"]] == ["another", "cli-card"]


@pytest.mark.parametrize("argv, code, words", [
    (("card", "no-such-model"), 1, 'No model named "no-such-model"'),
    (("card", "cli-card", "--version", "3"), 1, "no published version 3 (none is published)"),
    (("card", "cli-card", "--format", "pdf"), 2, "--format pdf writes a file"),
    (("card", "--all"), 2, "--all makes the CycloneDX ML-BOM"),
    (("card",), 2, "Name a model, system or agent"),
    (("card", "nobody", "--kind", "agent"), 1, 'No agent named "nobody"'),
])
def test_errors_say_what_is_wrong(run, model, argv, code, words):
    result = run(*argv)
    assert result.code == code and words in result.err


def test_a_system_card_as_html_and_not_as_a_bom(run, model):
    services.save_system(data={"name": "Fraud platform", "ai_models": ["cli-card"]}, actor=TRUSTED)
    assert "System card: Fraud platform" in run("card", "Fraud platform", "--kind", "system", "-f", "html").out
    result = run("card", "Fraud platform", "--kind", "system", "-f", "cyclonedx")
    assert result.code == 2 and "model cards only" in result.err


def test_someone_without_a_role_is_refused(run, model, charlie):
    result = run("--user", "charlie", "card", "cli-card")
    assert result.code == 1 and "Permission denied" in result.err


def rules_broken(run) -> list[str]:
    return [v["rule"] for v in json.loads(run("check", "cli-card", "--json").out)["models"][0]["violations"]]


def test_publish_makes_the_card_current_and_says_which_version(run, model, bob, frozen_clock):
    assert "prod-without-current-card" in rules_broken(run)  # high, in production, never published

    result = run("card", "cli-card", "--publish", "--user", "bob")

    version = services.CardVersion.objects.get(kind="model", subject_id=model.pk)
    assert result.code == 0, result.err
    assert result.out == f"Published version 1 of the model card of cli-card (SHA-256 {version.sha256}).\n"
    assert version.published_by == "bob"
    assert "prod-without-current-card" not in rules_broken(run)


def test_publish_with_output_writes_the_published_version(run, model, bob, tmp_path):
    out = tmp_path / "card.json"

    result = run("card", "cli-card", "--publish", "--user", "bob", "--output", str(out))

    assert result.code == 0, result.err
    assert json.loads(out.read_text())["publication"]["version"] == 1


@pytest.mark.parametrize("argv", [("--all",), ("--version", "1"), ()], ids=["all", "version", "no-name"])
def test_publish_names_one_card_as_it_reads_now(run, model, bob, argv):
    name = () if argv == () else ("cli-card",)
    result = run("card", *name, "--publish", "--user", "bob", *argv)

    assert result.code == 2 and "--publish publishes one card" in result.err
    assert not services.CardVersion.objects.exists()


@pytest.mark.parametrize("persona", ["erin", "alice"])
def test_publish_is_refused_to_whoever_may_not_edit_the_model(run, model, request, persona):
    request.getfixturevalue(persona)  # alice owns other models, not this one; erin only reads

    result = run("card", "cli-card", "--publish", "--user", persona)

    assert result.code == 1 and "Permission denied" in result.err and "publish the card of cli-card" in result.err
    assert not services.CardVersion.objects.exists()
