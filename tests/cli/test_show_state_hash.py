"""docs/audit-trail.md tells examiners to recompute a model's state hash from ``mltrack show NAME --json``
with jq and sha256sum. These tests run that documented command on the CLI's output and compare with
the hash the review records use."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from inventory import services
from inventory.models import DEFINITION_FIELDS, AIModel
from reviews.hashing import model_state_hash
from tests.factories import make_model

pytestmark = pytest.mark.django_db

AUDIT_TRAIL_DOC = Path(__file__).resolve().parents[2] / "docs" / "audit-trail.md"
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def documented_command() -> str:
    """The shell command of the "Model state hash" section that reads model.json with jq."""
    text = AUDIT_TRAIL_DOC.read_text(encoding="utf-8")
    start = text.index("## Model state hash")
    section = text[start : text.index("\n## ", start + 1)]
    commands = [block for block in re.findall(r"```sh\n(.*?)```", section, re.DOTALL) if "jq " in block]
    assert len(commands) == 1, "docs/audit-trail.md should show one jq recipe for the model state hash"
    assert "model.json" in commands[0]
    return commands[0].strip()


MODELS = {
    "only required fields": {"deployment_environment": "", "data_classification": ""},
    "every field": {
        "model_version": "2.1",
        "deployment_environment": "staging",
        "api_endpoint": "https://api.example.com/v1/score",
        "data_classification": "restricted",
        "model_type": "generative_ai",
        "business_line": "Crédit à la consommation — Zürich",
        "use_case": 'Scores "thin-file" applicants \\ with a fallback',
        "notes": "Not part of the definition.",
    },
}


def show_json(run, name: str) -> dict:
    result = run("show", name, "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


@pytest.mark.parametrize("fields", MODELS.values(), ids=MODELS.keys())
def test_its_json_carries_the_definition_as_stored(run, fields):
    model = make_model(**fields)

    data = show_json(run, model.model_name)["model"]

    for name in DEFINITION_FIELDS:
        value = data[name]
        assert isinstance(value, str), (name, value)  # never null, never a label
        stored = getattr(model, name)
        assert value == (stored.isoformat() if name == "deployment_date" else stored), name
    assert ISO_DATE.fullmatch(data["deployment_date"])


@pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed (the documented recipe uses it)")
@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="sha256sum is not installed (the documented recipe uses it)")
@pytest.mark.parametrize("fields", MODELS.values(), ids=MODELS.keys())
def test_the_documented_jq_recipe_gives_the_model_state_hash(run, tmp_path, fields, bob, today):
    model = make_model(**fields)
    # A changed model: the recipe must follow the current definition, not the first one.
    services.update_model(
        model=model, changes={"status": "deprecated"}, actor=services.Actor.for_user(bob), today=today
    )
    (tmp_path / "model.json").write_text(run("show", model.model_name, "--json").out, encoding="utf-8")

    done = subprocess.run(
        ["sh", "-c", documented_command()], cwd=tmp_path, capture_output=True, text=True, timeout=30
    )

    assert done.returncode == 0, done.stderr
    expected = model_state_hash(AIModel.objects.get(pk=model.pk).definition())
    assert done.stdout.split()[0] == expected
