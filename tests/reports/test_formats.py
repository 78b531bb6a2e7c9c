"""CSV, JSON and the report data: deterministic, complete, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import subprocess
from pathlib import Path

import orjson
import pytest

from compliance.engine import evaluate
from reports import data
from reports.data import build_report
from reports.formats import neutralise, render_csv, render_json
from tests.factories import make_model, record_review

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
LATER = dt.datetime(2026, 11, 27, 16, 45, tzinfo=dt.UTC)


def build(kind, today, *, now=NOW, filters=None, generated_by="bob"):
    return build_report(kind, filters=filters or {}, today=today, now=now, generated_by=generated_by)


def read_csv(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


@pytest.fixture
def inventory(db, today):
    reviewed = make_model(model_name="credit-scoring-v3", risk_tier="critical", vendor="FICO")
    record_review(reviewed, review_date=today)
    make_model(model_name="=HYPERLINK(\"http://evil.example\")", risk_tier="low", vendor="+cmd|' /C calc'!A0")
    make_model(model_name="chatbot", risk_tier="high", vendor="Anthropic", deployment_environment="prod",
               data_classification="", business_owner="@admin", use_case="-2+3")
    make_model(model_name="retired", risk_tier="medium", status="decommissioned", deployment_environment="dev")
    return reviewed


@pytest.mark.parametrize("kind", ["compliance", "inventory", "risk"])
def test_the_same_data_gives_the_same_bytes_but_for_when_it_was_generated(inventory, today, kind):
    first, second = build(kind, today), build(kind, today, now=LATER, generated_by="erin")
    assert first.data_sha256 == second.data_sha256
    a, b = render_json(first).decode(), render_json(second).decode()
    differing = [(x, y) for x, y in zip(a.splitlines(), b.splitlines()) if x != y]
    assert [x.split(":")[0].strip(' "') for x, _ in differing] == ["generated_at", "generated_by"]
    # The CSV holds only the table: the same data, the same bytes, whoever generated it and when.
    assert render_csv(first) == render_csv(second)
    for render in (render_csv, render_json):
        assert render(first) == render(build(kind, today))  # byte-identical when nothing differs


def test_a_change_to_the_data_changes_its_digest(inventory, today):
    before = build("inventory", today)
    make_model(model_name="new-one")
    assert build("inventory", today).data_sha256 != before.data_sha256


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_text_a_spreadsheet_would_run_is_neutralised(value):
    assert neutralise(value) == "'" + value
    assert neutralise("plain") == "plain" and neutralise(-5) == -5 and neutralise(None) is None


def test_csv_cells_cannot_inject_formulas(inventory, today):
    rows = read_csv(render_csv(build("inventory", today)))
    names = {row["model_name"] for row in rows}
    assert "'=HYPERLINK(\"http://evil.example\")" in names
    chatbot = next(row for row in rows if row["model_name"] == "chatbot")
    assert chatbot["business_owner"] == "'@admin" and chatbot["use_case"] == "'-2+3"
    assert any(row["vendor"] == "'+cmd|' /C calc'!A0" for row in rows)
    assert not any(value.startswith(("=", "+", "-", "@")) for row in rows for value in row.values() if value)


def test_the_inventory_report_has_every_field_of_every_model(inventory, today):
    report = build("inventory", today)
    rows = read_csv(render_csv(report))
    assert len(rows) == 4 and report.metadata.model_count == 4
    row = next(row for row in rows if row["model_name"] == "credit-scoring-v3")
    inventory.refresh_from_db()
    assert row["vendor"] == "FICO" and row["risk_tier"] == "critical"
    assert row["last_review_date"] == today.isoformat() and row["state_hash"] == inventory.state_hash
    assert row["review_policy_version"] == str(inventory.review_policy.version)
    body = json.loads(render_json(report))
    assert [model["model_name"] for model in body["models"]] == sorted(m["model_name"] for m in body["models"])


def test_the_compliance_report_is_the_engines_verdict(inventory, today):
    report = build("compliance", today)
    evaluation = evaluate(today=today)
    body = json.loads(render_json(report))
    assert body["summary"] == evaluation.summary.as_dict()
    assert body["metadata"]["model_count"] == evaluation.summary.evaluated
    rows = read_csv(render_csv(report))
    failing = {row["model"] for row in rows if row["result"] == "fail"}
    assert failing == {result.model_name for result in evaluation.failures}
    chatbot = [row for row in rows if row["model"] == "chatbot"]
    assert {row["rule"] for row in chatbot} >= {"prod-without-classification"}
    assert all(row["control"] and row["sr26_2"] for row in chatbot)


def test_metadata_names_the_chain_head_ruleset_filters_and_author(inventory, today):
    report = build("risk", today, filters={"risk_tier": "critical", "vendor": ""})
    metadata = json.loads(render_json(report))["metadata"]
    review = inventory.reviews.get()
    assert metadata["audit_chain_head"] == {"sequence": review.sequence, "chain_hash": review.chain_hash}
    assert metadata["filters"] == {"risk_tier": "critical"}
    assert metadata["generated_by"] == "bob" and metadata["generated_at"] == "2026-11-27T12:00:00+00:00"
    assert metadata["as_of"] == today.isoformat() and metadata["model_count"] == 1
    assert len(metadata["ruleset"]["hash"]) == 64
    assert metadata["data_sha256"] == report.data_sha256


def docs_recipe() -> str:
    """The jq recipe of docs/reports.md, as printed there."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "reports.md").read_text()
    block = text.split("To check a JSON\nreport by hand:\n\n```sh\n", 1)[1].split("```", 1)[0]
    return block.strip()


@pytest.mark.skipif(shutil.which("jq") is None, reason="needs jq (apt-get install jq; .ci/run installs it)")
@pytest.mark.parametrize("kind", ["compliance", "inventory", "risk"])
def test_the_documented_jq_recipe_recomputes_the_data_digest(inventory, today, kind, tmp_path):
    report = build(kind, today)
    (tmp_path / f"{kind}.json").write_bytes(render_json(report))
    recipe = docs_recipe().replace("compliance.json", f"{kind}.json")
    done = subprocess.run(["bash", "-c", recipe], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert done.stdout.split()[0] == report.data_sha256


def test_the_risk_report_has_every_distribution(inventory, today):
    body = json.loads(render_json(build("risk", today)))
    sections = {row["section"] for row in body["distribution"]}
    assert sections == {"Risk tier", "Status", "Environment", "Business line", "Overdue by age",
                        "High risk in production"}
    assert {row["vendor"] for row in body["vendors"]} == {"FICO", "+cmd|' /C calc'!A0", "Anthropic", "In-house"}
    assert [row["model"] for row in body["high_risk_in_production"]] == ["credit-scoring-v3", "chatbot"]


def test_a_bad_filter_is_refused_by_name(inventory, today):
    with pytest.raises(ValueError, match="risk_tier"):
        build("risk", today, filters={"risk_tier": "severe"})
    with pytest.raises(ValueError, match="Unknown report"):
        build("everything", today)


def test_building_a_report_does_not_query_per_model(db, today):
    for i in range(3):
        make_model(model_name=f"small-{i}")
    counts = {}
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for size in (3, 30):
        for i in range(3, size):
            make_model(model_name=f"small-{i}")
        for kind in ("compliance", "inventory", "risk"):
            with CaptureQueriesContext(connection) as queries:
                render_json(build(kind, today))
            counts[(kind, size)] = len(queries)
    for kind in ("compliance", "inventory", "risk"):
        assert counts[(kind, 3)] == counts[(kind, 30)], counts


@pytest.mark.parametrize("document", [
    {"rate": 50.0, "share": [12.5, 100.0], "count": 3},
    {"big": 1e16, "small": 5e-7, "negative_zero": -0.0, "fraction": 2.5e-3},
    {"note": "version 1.0, then 2.0]", "rate": 63.1},
    {"nested": [{"a": 1.0}, {"b": "x"}], "text": "1e+16,"},
    {"plain": "no numbers at all", "ints": [1, 2, 3]},
])
def test_the_digests_bytes_write_whole_floats_as_integers_whichever_path_they_take(document):
    exact = orjson.dumps(data._whole_floats_as_ints(document), option=orjson.OPT_SORT_KEYS)

    assert data.canonical_bytes(document) == exact
