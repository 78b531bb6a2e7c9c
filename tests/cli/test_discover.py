"""mltrack discover: a configured registry (recorded) or an MLflow URL (ad hoc), with a fake
registry in place of the network (the real server: tests/registries/test_mlflow_live.py)."""

from __future__ import annotations

import json

import pytest

from registries import services
from registries.models import Reconciliation
from tests.conftest import make_user
from tests.registries.fakes import FakeRegistry, make_registry, version

pytestmark = pytest.mark.django_db
FEED = FakeRegistry(version("fraud", 2, stage="Production"), version("churn", 1))


@pytest.fixture(autouse=True)
def _fake_network(monkeypatch):
    monkeypatch.setattr(services, "adapter_for", lambda registry: FEED)
    monkeypatch.setattr(services, "MLflowAdapter", lambda url: FEED)


def test_discover_source_reconciles_and_records(run):
    make_registry()
    result = run("discover", "--source", "MLFLOW-PROD")
    assert result.code == 0, result.err
    assert "untracked: 2" in result.out and "fraud v2 Production" in result.out
    assert Reconciliation.objects.get().started_by == "os:ops-jane"


def test_discover_json(run):
    make_registry()
    result = run("discover", "--source", "mlflow-prod", "--json")
    data = json.loads(result.out)
    assert data["counts"] == {"untracked": 2, "orphaned": 0, "changed": 0, "linked": 0}
    assert data["findings"][0] == {"kind": "untracked", "registered_name": "churn", "version": "1", "stage": "",
                                   "model": ""}


def test_discover_mlflow_records_nothing(run):
    result = run("discover", "--mlflow", "http://mlflow.test/", "--json")
    assert result.code == 0 and {f["registered_name"] for f in json.loads(result.out)["findings"]} == {"fraud", "churn"}
    assert not Reconciliation.objects.exists()


def test_an_unknown_registry_names_the_ones_there_are(run):
    make_registry()
    result = run("discover", "--source", "nope")
    assert result.code == 1 and "There is no registry named 'nope'; the registries are: mlflow-prod." in result.err


def test_a_bad_url_is_a_usage_error(run):
    result = run("discover", "--mlflow", "ftp://mlflow.test/")
    assert result.code == 2 and "http:// or https://" in result.err


@pytest.mark.parametrize("argv", [("discover",), ("discover", "--source", "a", "--mlflow", "http://x.test/")])
def test_one_source_exactly(run, argv):
    assert run(*argv).code == 2


def test_an_unreachable_registry_exits_1(run, monkeypatch):
    monkeypatch.setattr(services, "adapter_for", lambda registry: FakeRegistry(down=True))
    make_registry()
    result = run("discover", "--source", "mlflow-prod", "--json")
    assert result.code == 1 and "could not be reached" in json.loads(result.out)["error"]["message"]
    assert Reconciliation.objects.get().outcome == "unreachable"


def test_an_examiner_is_refused(run):
    make_user("erin", "examiner")
    make_registry()
    result = run("--user", "erin", "discover", "--source", "mlflow-prod")
    assert result.code == 1 and "Permission denied: erin (role: examiner)" in result.err
    assert not Reconciliation.objects.exists()
