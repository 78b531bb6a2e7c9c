"""Registry discovery against a real MLflow tracking server (marked ``mlflow``): models and versions
registered with MLflow's own client, then discovery, adoption, a stage change, an alias move, a
deleted registered model and a stopped server, each checked through MLTrack's services, CLI and pages."""

from __future__ import annotations

import datetime as dt
import json
import os

import pytest
from django.urls import reverse

from compliance.engine import evaluate_model
from inventory.models import AIModel
from mltrack_site.cli import main
from registries import services
from registries.mlflow import MLflowAdapter
from registries.models import Reconciliation
from tests.factories import record_review
from tests.registries.fakes import SYSTEM, TODAY, make_registry
from tests.registries.mlflow_server import VENV, MLflowServer

pytestmark = [
    pytest.mark.mlflow,
    # Outside CI only: there `make install` has made it, and a missing one must fail, not skip.
    pytest.mark.skipif(not (VENV / "bin" / "mlflow").exists() and not os.environ.get("CI"),
                       reason="MLflow's test virtualenv (.venv-mlflow) is missing: run `make install`"),
]


@pytest.fixture(scope="module")
def mlflow_server(tmp_path_factory):
    server = MLflowServer(tmp_path_factory.mktemp("mlflow")).start()
    server.client(
        {"do": "register", "name": "card-fraud", "description": "Card fraud scoring"},
        {"do": "version", "name": "card-fraud", "source": "s3://models/card-fraud/1",
         "tags": {"sha256": "1111", "business_owner": "Cards", "team": "Fraud DS"}},
        {"do": "version", "name": "card-fraud", "source": "s3://models/card-fraud/2", "tags": {"sha256": "2222"}},
        {"do": "stage", "name": "card-fraud", "version": 1, "stage": "Production"},
        {"do": "register", "name": "churn"},
        {"do": "version", "name": "churn", "source": "s3://models/churn/1"},
        {"do": "alias", "name": "churn", "alias": "champion", "version": 1},
    )
    yield server
    server.stop()


def groups(run: Reconciliation) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    for finding in run.findings.order_by("registered_name"):
        found.setdefault(finding.kind, []).append((finding.registered_name, finding.version))
    return found


def reconcile(registry) -> Reconciliation:
    return services.reconcile_registry(registry=registry, actor=SYSTEM, now=dt.datetime.now(dt.UTC))


@pytest.mark.django_db
def test_the_adapter_reads_versions_stages_aliases_tags_and_digests(mlflow_server):
    versions = {(v.name, v.version): v for v in MLflowAdapter(mlflow_server.url).versions()}
    assert {("card-fraud", "1"), ("card-fraud", "2"), ("churn", "1")} <= versions.keys()
    first = versions[("card-fraud", "1")]
    assert (first.stage, first.digest, first.source) == ("Production", "1111", "s3://models/card-fraud/1")
    assert first.tags["business_owner"] == "Cards"
    assert versions[("churn", "1")].aliases == ("champion",)


def test_paging_follows_next_page_tokens(mlflow_server, monkeypatch):
    from registries import mlflow as adapter_module

    monkeypatch.setattr(adapter_module, "PAGE_SIZE", 1)
    names = sorted((v.name, v.version) for v in MLflowAdapter(mlflow_server.url).versions())
    assert {("card-fraud", "1"), ("card-fraud", "2"), ("churn", "1")} <= set(names)


@pytest.mark.django_db
def test_discover_adopt_change_and_delete(mlflow_server, client, bob, frozen_clock):
    registry = make_registry(name="mlflow-live", url=mlflow_server.url)
    # Its own registered models: the other tests read the module's server as the fixture left it.
    mlflow_server.client(
        {"do": "register", "name": "loan-default", "description": "Loan default scoring"},
        {"do": "version", "name": "loan-default", "source": "s3://models/loan/1",
         "tags": {"sha256": "1111", "business_owner": "Lending", "team": "Credit DS"}},
        {"do": "version", "name": "loan-default", "source": "s3://models/loan/2", "tags": {"sha256": "2222"}},
        {"do": "stage", "name": "loan-default", "version": 1, "stage": "Production"},
        {"do": "register", "name": "deposit-churn"},
        {"do": "version", "name": "deposit-churn", "source": "s3://models/churn/1"},
        {"do": "alias", "name": "deposit-churn", "alias": "champion", "version": 1},
    )

    # Discovery: everything registered is untracked; the production version is the current one.
    run = reconcile(registry)
    assert run.outcome == "ok"
    found = groups(run)
    assert {("loan-default", "1"), ("deposit-churn", "1"), ("card-fraud", "1")} <= set(found["untracked"])

    # Adopt loan-default from the console: the add form comes prefilled from the registry.
    finding = run.findings.get(registered_name="loan-default")
    client.force_login(bob)
    page = client.get(reverse("registries:adopt", args=[finding.pk]))
    assert page.status_code == 200
    assert page.context["form"].initial["business_owner"] == "Lending"
    assert page.context["form"].initial["model_version"] == "1"
    data = {**{k: v for k, v in page.context["form"].initial.items() if v}, "risk_tier": "high",
            "deployment_date": "2026-06-01", "deployment_environment": "prod", "data_classification": "internal"}
    response = client.post(reverse("registries:adopt", args=[finding.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    model = AIModel.objects.get(model_name="loan-default")
    assert (model.registry_name, model.registered_version, model.registry_stage, model.registry_digest) == (
        "mlflow-live", "1", "Production", "1111")
    record_review(model, today=TODAY)

    # In MLflow: version 2 goes to Production (a stage change), and aml-alerts is deleted.
    mlflow_server.client({"do": "stage", "name": "loan-default", "version": 2, "stage": "Production"},
                         {"do": "stage", "name": "loan-default", "version": 1, "stage": "Archived"})
    run = reconcile(registry)
    assert ("loan-default", "2") in groups(run)["changed"]
    model.refresh_from_db()
    assert (model.registered_version, model.registry_digest) == ("2", "2222")
    assert "registry-version-changed" in {v.rule.id for v in evaluate_model(model, today=TODAY).violations}

    # Link deposit-churn by hand from its model page, then delete it in MLflow: orphaned, and the model stays.
    from tests.factories import make_model

    churn = make_model(model_name="customer-churn")
    response = client.post(reverse("registries:link", args=[churn.pk]),
                           {"registry": registry.pk, "registered_name": "deposit-churn"})
    assert response.status_code == 302
    assert AIModel.objects.get(pk=churn.pk).registered_name == "deposit-churn"
    mlflow_server.client({"do": "delete", "name": "deposit-churn"})
    run = reconcile(registry)
    found = groups(run)
    assert ("deposit-churn", "1") in found["orphaned"] and ("loan-default", "2") in found["changed"]
    assert AIModel.objects.filter(pk=churn.pk).exists()

    # The page shows the groups; the CLI says the same.
    page = client.get(reverse("registries:detail", args=[registry.pk]), {"group": "orphaned"})
    assert "deposit-churn" in page.content.decode()


@pytest.mark.django_db
def test_mltrack_discover_against_the_server(mlflow_server, capsys, settings, frozen_clock, monkeypatch):
    import getpass

    monkeypatch.setattr(getpass, "getuser", lambda: "ops-jane")
    monkeypatch.delenv("MLTRACK_USER", raising=False)
    settings.MLTRACK_CLI_REQUIRE_ACCOUNT = False
    make_registry(name="mlflow-cli", url=mlflow_server.url)

    assert main(["discover", "--mlflow", mlflow_server.url, "--json"]) == 0
    adhoc = json.loads(capsys.readouterr().out)
    assert {f["registered_name"] for f in adhoc["findings"] if f["kind"] == "untracked"} >= {"card-fraud"}
    assert not Reconciliation.objects.exists()

    assert main(["discover", "--source", "mlflow-cli"]) == 0
    out = capsys.readouterr().out
    assert "untracked:" in out and "card-fraud" in out
    assert Reconciliation.objects.get().outcome == "ok"


@pytest.mark.django_db
def test_a_stopped_server_is_reported_never_an_empty_registry(tmp_path, capsys, settings, frozen_clock, monkeypatch):
    import getpass

    monkeypatch.setattr(getpass, "getuser", lambda: "ops-jane")
    settings.MLTRACK_CLI_REQUIRE_ACCOUNT = False
    server = MLflowServer(tmp_path / "stopping").start()
    server.client({"do": "register", "name": "scorecard"}, {"do": "version", "name": "scorecard", "source": "s3://x/1"})
    registry = make_registry(name="mlflow-stops", url=server.url)
    reconcile(registry)
    from tests.factories import make_model

    model = services.link_model(model=make_model(model_name="scorecard"), registry=registry,
                                registered_name="scorecard", actor=SYSTEM)
    server.stop()

    run = reconcile(registry)

    assert run.outcome == "unreachable" and "could not be reached" in run.error
    assert run.orphaned == 0 and AIModel.objects.get(pk=model.pk).registered_name == "scorecard"
    assert main(["discover", "--source", "mlflow-stops"]) == 1
    assert "was not reconciled" in capsys.readouterr().err
