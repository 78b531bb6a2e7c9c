"""mltrack report: every kind in every text format, files written whole or not at all."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import stat

import pytest
from django.conf import settings

from tests.factories import make_three_models


@pytest.fixture
def inventory(db, today):
    make_three_models(today)


@pytest.mark.parametrize("kind", ["compliance", "inventory", "risk"])
def test_terminal_output_shows_the_metadata_summary_and_tables(run, inventory, kind):
    result = run("report", kind)
    assert result.code == 0, result.err
    for text in ("As of", "2026-11-27", "Ruleset", "Audit chain head", "Data SHA-256", "Summary", "os:ops-jane"):
        assert text in result.out
    assert "credit-scoring-v3" in result.out


def test_json_goes_to_stdout_and_matches_the_filters(run, inventory):
    result = run("report", "inventory", "-f", "json", "--risk", "HIGH")
    assert result.code == 0, result.err
    body = json.loads(result.out)
    assert [model["model_name"] for model in body["models"]] == ["chatbot"]
    assert body["metadata"]["filters"] == {"risk_tier": "high"}
    assert body["metadata"]["generated_by"] == "os:ops-jane"


def test_csv_is_a_plain_table_whose_first_row_is_its_header(run, inventory):
    result = run("report", "compliance", "-f", "csv", "--vendor", "fico")
    assert result.code == 0, result.err
    assert result.out.startswith("model,")
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert {row["model"] for row in rows} == {"credit-scoring-v3"}


def test_a_file_is_written_whole_and_its_digest_printed(run, inventory, tmp_path):
    target = tmp_path / "risk.json"
    result = run("report", "risk", "-f", "json", "-o", str(target))
    assert result.code == 0, result.err
    content = target.read_bytes()
    assert f"SHA-256 {hashlib.sha256(content).hexdigest()}" in result.err
    assert json.loads(content)["summary"]["total"] == 3
    assert f"data SHA-256 {json.loads(content)['metadata']['data_sha256']}" in result.err
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left behind
    # Readable by others, as a file a shell redirection made: not the temporary file's 0600.
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_invalid_output_is_never_written(run, inventory, tmp_path, monkeypatch):
    from reports.oscal import stream

    built = stream.model_elements

    def build_broken(*args, **kwargs):
        elements = built(*args, **kwargs)
        elements["findings"][0]["uuid"] = "not-a-uuid"
        return elements

    monkeypatch.setattr(stream, "model_elements", build_broken)
    target = tmp_path / "ar.json"
    result = run("report", "compliance", "-f", "oscal", "-o", str(target))
    assert result.code == 1
    assert "Nothing was written: the OSCAL document failed validation" in result.err
    assert "findings[0].uuid: 'not-a-uuid' is not a version 4 or 5 UUID" in result.err
    assert not target.exists() and list(tmp_path.iterdir()) == []


def test_invalid_oscal_never_reaches_standard_output(run, inventory, monkeypatch):
    from reports.oscal import stream

    built = stream.model_elements

    def build_broken(*args, **kwargs):
        elements = built(*args, **kwargs)
        elements["findings"][-1]["uuid"] = "not-a-uuid"
        return elements

    monkeypatch.setattr(stream, "model_elements", build_broken)
    monkeypatch.setattr(settings, "MLTRACK_OSCAL_CHUNK_MODELS", 1)
    result = run("report", "compliance", "-f", "oscal")
    assert result.code == 1
    assert result.out == ""  # not even the parts validated before the broken one
    assert "Nothing was written: the OSCAL document failed validation" in result.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "risk", "--risk", "severe"], "argument --risk: 'severe' is not allowed. Allowed values: critical"),
        (["report", "risk", "--environment", "qa"], "argument --environment: 'qa' is not allowed"),
        (["report", "audit"], "invalid choice: 'audit'"),
        (["report", "risk", "-f", "xlsx"], "invalid choice: 'xlsx'"),
        (["report", "risk", "-f", "pdf"], "-f pdf writes a file: give -o FILE"),
        (["report", "risk", "-o", "x.txt"], "-o is for files"),
    ],
)
def test_bad_usage_exits_2_and_says_what_is_allowed(run, inventory, args, message):
    result = run(*args)
    assert result.code == 2
    assert message in result.err


def test_a_missing_folder_is_named(run, inventory, tmp_path):
    result = run("report", "risk", "-f", "csv", "-o", str(tmp_path / "nope" / "r.csv"))
    assert result.code == 1
    assert "the folder" in result.err and "does not exist" in result.err


def test_an_account_without_a_role_is_refused(run, inventory, charlie):
    result = run("--user", "charlie", "report", "risk")
    assert result.code == 1
    assert "Permission denied: charlie (role: none) may not view the inventory." in result.err


def test_an_examiner_may_generate_reports(run, inventory, erin):
    result = run("--user", "erin", "report", "inventory", "-f", "json")
    assert result.code == 0
    assert json.loads(result.out)["metadata"]["generated_by"] == "erin"
