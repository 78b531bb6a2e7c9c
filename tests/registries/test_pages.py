"""The registries' console pages: the list, a registry's groups, reconciling, adopting and linking,
each refused to roles that may not, and each in a constant number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inventory.models import AIModel
from registries import services
from registries.models import Reconciliation
from tests.factories import make_model
from tests.registries.fakes import FakeRegistry, make_registry, reconcile, version

pytestmark = pytest.mark.django_db


@pytest.fixture
def reconciled():
    registry = make_registry()
    reconcile(registry, FakeRegistry(*[version(f"registered-{i}", i + 1, stage="Production") for i in range(3)]))
    return registry


def test_the_list_shows_each_registry_with_its_last_run(client, erin, reconciled):
    client.force_login(erin)
    page = client.get(reverse("registries:list")).content.decode()
    assert "mlflow-prod" in page and "Configure registries" not in page


def test_the_detail_page_lists_a_group_and_offers_adoption_to_those_who_may(client, bob, erin, reconciled):
    url = reverse("registries:detail", args=[reconciled.pk])
    client.force_login(bob)
    page = client.get(url).content.decode()
    assert "registered-0" in page and "Adopt" in page and "Reconcile now" in page
    client.force_login(erin)
    page = client.get(url).content.decode()
    assert "registered-0" in page and "Adopt" not in page and "Reconcile now" not in page


def test_pages_make_the_same_queries_whatever_the_registry_size(client, bob, django_assert_max_num_queries):
    small, large = make_registry(name="small", url="http://s.test/"), make_registry(name="large", url="http://l.test/")
    reconcile(small, FakeRegistry(*[version(f"s{i}", 1) for i in range(3)]))
    reconcile(large, FakeRegistry(*[version(f"l{i}", 1) for i in range(120)]))
    client.force_login(bob)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("registries:detail", args=[small.pk]))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("registries:detail", args=[large.pk]), {"page": 2})
    assert len(few) == len(many)
    # Session, user, permissions (user and groups), the alarm banner, the registry, the runs (two),
    # the page's count and rows.
    with django_assert_max_num_queries(11):
        client.get(reverse("registries:list"))


def test_roles_without_access_are_refused(client, charlie, alice, reconciled):
    for user in (charlie, alice):
        client.force_login(user)
        assert client.get(reverse("registries:list")).status_code == 403
        assert client.post(reverse("registries:reconcile", args=[reconciled.pk])).status_code == 403
    assert Reconciliation.objects.count() == 1


def test_an_examiner_cannot_reconcile_adopt_or_link(client, erin, reconciled):
    client.force_login(erin)
    finding = reconciled.reconciliations.get().findings.first()
    model = make_model()
    assert client.post(reverse("registries:reconcile", args=[reconciled.pk])).status_code == 403
    assert client.get(reverse("registries:adopt", args=[finding.pk])).status_code == 403
    client.post(reverse("registries:link", args=[model.pk]), {"registry": reconciled.pk,
                                                                "registered_name": "registered-0"})
    assert AIModel.objects.get(pk=model.pk).registered_name == "" and Reconciliation.objects.count() == 1


def test_reconciling_from_the_page_reports_an_unreachable_registry(client, bob, monkeypatch, reconciled):
    monkeypatch.setattr(services, "adapter_for", lambda registry: FakeRegistry(down=True))
    client.force_login(bob)
    response = client.post(reverse("registries:reconcile", args=[reconciled.pk]), follow=True)
    page = response.content.decode()
    assert "was not reconciled" in page and "could not be reached" in page
    # The groups still show the last run that read the registry.
    assert "registered-0" in page


def test_adopting_prefills_the_form_and_a_bad_field_changes_nothing(client, bob, reconciled):
    finding = reconciled.reconciliations.get().findings.get(registered_name="registered-1")
    url = reverse("registries:adopt", args=[finding.pk])
    client.force_login(bob)
    page = client.get(url)
    assert page.context["form"].initial["model_name"] == "registered-1"
    response = client.post(url, {"model_name": "registered-1", "vendor": "In-house", "risk_tier": "extreme",
                                 "use_case": "u", "business_owner": "b", "technical_owner": "t",
                                 "deployment_date": "2026-06-01"})
    assert response.status_code == 400 and "risk_tier" in response.context["form"].errors
    assert not AIModel.objects.exists()
    response = client.post(url, {"model_name": "registered-1", "vendor": "In-house", "risk_tier": "low",
                                 "use_case": "u", "business_owner": "b", "technical_owner": "t",
                                 "deployment_date": "2026-06-01"})
    model = AIModel.objects.get()
    assert response.status_code == 302 and model.registered_name == "registered-1"


def test_the_model_page_links_by_hand_and_then_shows_the_identity(client, bob, reconciled):
    model = make_model(model_name="hand-linked")
    url = reverse("registries:link", args=[model.pk])
    client.force_login(bob)
    assert f'href="{url}"' in client.get(model.get_absolute_url()).content.decode()
    form = client.get(url).content.decode()
    assert "registered-2" in form and "mlflow-prod" in form
    response = client.post(url, {"registry": reconciled.pk, "registered_name": "nowhere"})
    assert response.status_code == 400 and "is not among the registered models" in response.content.decode()
    response = client.post(url, {"registry": 999, "registered_name": "registered-2"})
    assert response.status_code == 400 and "registry" in response.context["form"].errors
    assert client.post(url, {"registry": reconciled.pk, "registered_name": "registered-2"}).status_code == 302
    page = client.get(model.get_absolute_url()).content.decode()
    assert "registered-2" in page and "Production" in page and f'href="{url}"' not in page


def test_the_model_page_offers_no_link_to_those_who_may_not(client, alice, erin, reconciled):
    owned = make_model(model_name="alices", owner=alice)
    for user in (alice, erin):
        client.force_login(user)
        assert "registry-link" not in client.get(owned.get_absolute_url()).content.decode()


def test_the_dashboard_counts_untracked_models_and_links_to_the_registries(client, bob, reconciled):
    client.force_login(bob)
    response = client.get(reverse("reports:dashboard"))
    assert response.context["untracked"].count == 3
    assert response.context["untracked"].url == reverse("registries:list")


def test_the_dashboard_has_no_registry_figure_before_any_reconciliation(client, bob):
    client.force_login(bob)
    assert client.get(reverse("reports:dashboard")).context["untracked"] is None


def test_the_admin_never_shows_the_token_back(client, carol):
    registry = make_registry(token="very-s3cret-value")
    client.force_login(carol)
    page = client.get(reverse("admin:registries_registry_change", args=[registry.pk])).content.decode()
    assert "very-s3cret-value" not in page and registry.token_encrypted not in page
    response = client.post(reverse("admin:registries_registry_add"), {"name": "second", "kind": "mlflow",
                                                                     "url": "ftp://nope", "token": "x"})
    assert response.status_code == 200 and "http:// or https://" in response.content.decode()
    response = client.post(reverse("admin:registries_registry_add"), {"name": "second", "kind": "mlflow",
                                                                     "url": "https://second.test/", "token": "x",
                                                                     "enabled": "on"})
    assert response.status_code == 302
    assert services.adapter_for(type(registry).objects.get(name="second")).token == "x"


def test_the_api_lists_registries_and_findings_without_the_token(bob):
    from tests.api.conftest import Api, make_token

    registry = make_registry(token="never-shown")
    reconcile(registry, FakeRegistry(version("fraud", 2, stage="Production"), version("churn", 1)))
    api = Api(make_token(bob))
    listing = api.get("/api/v1/registries/").json()
    assert listing[0]["name"] == "mlflow-prod" and listing[0]["token_stored"] is True
    assert listing[0]["last_run"]["untracked"] == 2 and "never-shown" not in str(listing)
    findings = api.get(f"/api/v1/registries/{registry.pk}/findings/", {"kind": "untracked"}).json()
    assert [f["registered_name"] for f in findings["results"]] == ["churn", "fraud"]
    bad = api.get(f"/api/v1/registries/{registry.pk}/findings/", {"kind": "lost"})
    assert bad.status_code == 400 and "Choose one of" in bad.content.decode()


def test_the_api_findings_make_the_same_queries_for_3_rows_as_for_60(bob):
    from tests.api.conftest import Api, make_token

    small, large = make_registry(name="small", url="http://s.test/"), make_registry(name="large", url="http://l.test/")
    reconcile(small, FakeRegistry(*[version(f"s{i}", 1) for i in range(3)]))
    reconcile(large, FakeRegistry(*[version(f"l{i}", 1) for i in range(60)]))
    api = Api(make_token(bob))
    api.get("/api/v1/me/")  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as few:
        api.get(f"/api/v1/registries/{small.pk}/findings/")
    with CaptureQueriesContext(connection) as many:
        api.get(f"/api/v1/registries/{large.pk}/findings/")
    assert len(few) == len(many)


def test_the_cached_dashboard_shows_each_role_its_own_registry_figure(client, alice, bob, reconciled):
    # The figures are rendered once and cached; a model owner, who may not see registries, never
    # gets the model risk officer's rendering, whichever of them comes first.
    for first, second in ((bob, alice), (alice, bob)):
        pages = {}
        for user in (first, second):
            client.force_login(user)
            pages[user.username] = client.get(reverse("reports:dashboard")).content.decode()
        assert "Untracked in registries" in pages["bob"]
        assert "Untracked in registries" not in pages["alice"]
