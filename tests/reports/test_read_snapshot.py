"""Every export is read from one snapshot: an edit committed by someone else while a report is
being read changes nothing in it, and does not wait for it (SQLite in WAL mode and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
from django.db import DatabaseError, connections

from common.db import read_snapshot
from inventory.models import AIModel
from reports import data
from reports.data import build_report
from reports.oscal import render_oscal
from tests.factories import make_model, record_review
from tests.reports.test_oscal import NOW, TODAY

pytestmark = pytest.mark.usefixtures("transactional_reviews")


def _commit_elsewhere(action) -> None:
    """Run ``action`` on another connection, as a colleague in the console would, and wait for it
    to commit; fail the test if it could not."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            action()
        except BaseException as exc:  # reported on the test's thread
            failures.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive(), "the other connection's write waited for the export"
    assert not failures, failures


def _edit_the_inventory() -> None:
    make_model(model_name="added-mid-export", risk_tier="critical", today=TODAY)
    AIModel.objects.filter(model_name="reviewed-model").update(risk_tier="low")
    AIModel.objects.filter(model_name="unreviewed-model").delete()


@pytest.fixture
def inventory():
    reviewed = make_model(model_name="reviewed-model", risk_tier="critical", today=TODAY, with_current_card=True)
    record_review(reviewed, today=TODAY, reviewer="Dana Reviewer")
    # Deployed two years ago and never reviewed: overdue, so it fails.
    make_model(model_name="unreviewed-model", risk_tier="high", today=TODAY,
               deployment_date=TODAY - dt.timedelta(days=730))
    make_model(model_name="third-model", risk_tier="medium", today=TODAY)


def test_an_edit_between_the_reports_reads_does_not_reach_its_oscal_document(inventory, monkeypatch):
    read_evidence = data.read_evidence

    def edit_then_read(models, *, today):
        # The report's figures are read; someone else commits before the evidence is.
        _commit_elsewhere(_edit_the_inventory)
        return read_evidence(models, today=today)

    monkeypatch.setattr(data, "read_evidence", edit_then_read)
    report = build_report("compliance", filters={}, today=TODAY, now=NOW, generated_by="bob", evidence=True)

    # The edit committed (it was not blocked), but the report saw the database as it was before.
    assert AIModel.objects.filter(model_name="added-mid-export").exists()
    assert not AIModel.objects.filter(model_name="unreviewed-model").exists()
    evidence = report.evidence
    names = {row.model_name for row in evidence.models}
    assert names == {"reviewed-model", "unreviewed-model", "third-model"}
    assert report.metadata.model_count == evidence.summary.evaluated == len(names)
    assert {row.model_name: row.risk_tier for row in evidence.models}["reviewed-model"] == "critical"
    failing_in_body = {model["model"] for model in report.body["models"] if model["result"] == "fail"}
    failing_in_evidence = {row.model_name for row in evidence.models if row.pk in evidence.failures}
    assert failing_in_body == failing_in_evidence == {"unreviewed-model"}

    document = json.loads(render_oscal(report))
    results = document["assessment-results"]
    stated = {prop["name"]: prop["value"] for prop in results["metadata"]["props"]}
    assert stated["data-sha256"] == report.data_sha256
    assert stated["model-count"] == str(len(names))
    titles = {item["title"] for item in results["results"][0]["local-definitions"]["components"]}
    assert titles == names


def test_a_snapshot_sees_the_database_as_at_its_first_read_and_does_not_block_writers(inventory):
    with read_snapshot():
        before = AIModel.objects.count()
        _commit_elsewhere(lambda: make_model(model_name="committed-meanwhile", today=TODAY))
        during = AIModel.objects.count()
        seen = AIModel.objects.filter(model_name="committed-meanwhile").exists()

    assert (before, during, seen) == (3, 3, False)
    assert AIModel.objects.count() == 4


def test_nothing_can_be_written_inside_a_snapshot(inventory):
    with pytest.raises(DatabaseError), read_snapshot():
        AIModel.objects.count()
        AIModel.objects.filter(model_name="third-model").update(risk_tier="low")

    assert AIModel.objects.get(model_name="third-model").risk_tier == "medium"
    # The connection is usable again afterwards.
    make_model(model_name="after-the-snapshot", today=TODAY)
    assert AIModel.objects.count() == 4


def test_a_snapshot_within_a_snapshot_holds_to_the_outer_one(inventory):
    with read_snapshot():
        before = AIModel.objects.count()
        with read_snapshot():
            _commit_elsewhere(lambda: make_model(model_name="committed-meanwhile", today=TODAY))
            inner = AIModel.objects.count()
        after_inner = AIModel.objects.count()

    assert (before, inner, after_inner) == (3, 3, 3)
    assert AIModel.objects.count() == 4
