"""Compliance in the console: the validation page and the compliance panel on each model's page."""

from __future__ import annotations

import datetime as dt
import functools

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compliance.engine import evaluate, evaluate_model
from compliance.rules import RULESET
from compliance.views import PAGE_SIZE, compliance_panel
from inventory import services as inventory_services
from inventory.models import AIModel
from tests import factories
from tests.conftest import TODAY
from tests.factories import decommission, record_review

# Every model made here has a current model card (published at once), so that the card rule
# (prod-without-current-card, tested in test_card_rule.py) stays out of the other rules' cases.
make_model = functools.partial(factories.make_model, with_current_card=True)

URL = reverse("compliance:evaluation")
ACTOR = inventory_services.Actor(name="tests", trusted=True)
# Deployed on this day, a model of any tier is not yet due for its first review on TODAY.
RECENT = dt.date(2026, 11, 1)
LONG_AGO = dt.date(2026, 1, 5)
VENDOR = {"vendor": "OpenAI", "api_endpoint": "https://api.openai.example/v1", "data_classification": "restricted"}


# The views take "today" from the clock; pin it to the personas' TODAY (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


@pytest.fixture
def inventory() -> dict[str, AIModel]:
    """Three failing models (one per severity), one passing, one retired, one decommissioned in production."""
    models = {
        "credit-limit": make_model(model_name="credit-limit", risk_tier="critical", deployment_date=RECENT, **VENDOR),
        "aml-screening": make_model(
            model_name="aml-screening", deployment_date=LONG_AGO, business_line="Financial Crime"
        ),
        "chat-assistant": make_model(
            model_name="chat-assistant", risk_tier="low", deployment_date=RECENT, data_classification="",
            business_line="Retail",
        ),
        "doc-summarizer": make_model(model_name="doc-summarizer", risk_tier="medium", deployment_date=RECENT),
        "old-scorer": decommission(make_model(model_name="old-scorer", deployment_date=RECENT)),
        "retired-bot": decommission(
            make_model(model_name="retired-bot", deployment_date=RECENT, deployment_environment="staging")
        ),
    }
    return models


def listed(response) -> list[str]:
    return [item.result.model_name for item in response.context["listed"]]


# The validation page


def test_it_lists_failing_models_most_severe_first(client, erin, inventory):
    client.force_login(erin)

    response = client.get(URL)

    assert response.status_code == 200
    assert listed(response) == ["credit-limit", "aml-screening", "old-scorer", "chat-assistant"]
    assert [item.result.worst_severity for item in response.context["listed"]] == ["critical", "high", "high", "medium"]


def test_each_violation_shows_its_message_severity_and_citations(client, erin, inventory):
    client.force_login(erin)

    html = client.get(URL).content.decode()

    assert "Restricted data goes to OpenAI at an external endpoint, and no review is recorded" in html
    assert "Never reviewed: the first review was due 2026-04-05 (236 days ago)" in html
    assert "Decommissioned but still marked as production" in html
    assert '<span class="badge badge--severity-critical">' in html
    citations = RULESET.get("sensitive-data-unreviewed-vendor").citations
    for text in ("SR 26-2", "SR 11-7 (legacy)", "NIST AI RMF", "ISO/IEC 42001", "Control",
                 citations.sr26_2, citations.sr11_7, "GOVERN 6.1, MAP 4.1, MEASURE 2.10", "A.10.3, A.7.5",
                 citations.control):
        assert text in html


def test_the_summary_is_the_engines(client, erin, inventory):
    client.force_login(erin)

    response = client.get(URL)

    summary = evaluate(today=TODAY).summary
    assert response.context["summary"] == summary
    assert (summary.evaluated, summary.passed, summary.failed, summary.compliance_rate) == (5, 1, 4, 20.0)
    html = response.content.decode()
    assert "<dt>Compliance rate</dt><dd>20.0%</dd>" in html
    assert "<dt>Evaluated</dt><dd>5</dd>" in html
    assert "2026-11-27" in html
    assert f"ruleset {RULESET.version}" in html
    assert f'title="{RULESET.content_hash}">{RULESET.content_hash[:12]}</span>' in html
    assert f"Evaluated models are {RULESET.parameters['evaluated']}; other decommissioned models are retired" in html


def test_all_lists_passing_models_after_the_failures(client, erin, inventory):
    client.force_login(erin)

    response = client.get(URL, {"result": "all"})

    assert listed(response) == ["credit-limit", "aml-screening", "old-scorer", "chat-assistant", "doc-summarizer"]
    assert 'class="verdict verdict--compliant"' in response.content.decode()
    assert "retired-bot" not in response.content.decode()


def test_violations_by_rule_count_and_link_to_each_rule(client, erin, inventory):
    client.force_login(erin)

    response = client.get(URL, {"risk_tier": "high"})

    counts = {rule.id: count for rule, count in response.context["rule_counts"]}
    assert counts == {**{rule.id: 0 for rule in RULESET.rules}, "never-reviewed": 1, "decommissioned-in-production": 1}
    assert [rule.severity for rule, _ in response.context["rule_counts"]][:2] == ["critical", "critical"]
    html = response.content.decode()
    assert 'href="?risk_tier=high&amp;rule=never-reviewed"' in html
    assert "Never reviewed, first review past due" in html


def test_the_rule_filter_lists_only_models_breaking_that_rule(client, erin, inventory):
    client.force_login(erin)

    response = client.get(URL, {"rule": "never-reviewed"})

    assert listed(response) == ["aml-screening"]
    assert response.context["summary"].evaluated == 5  # the population, not the rule's models
    html = response.content.decode()
    assert "Rule: Never reviewed, first review past due" in html
    assert "Applies to active and deprecated models without any review" in html
    assert 'class="table__row--highlight"' in html


def test_an_unknown_rule_is_ignored_and_explained(client, erin, inventory):
    client.force_login(erin)

    response = client.get(URL, {"rule": "no-such-rule"})

    assert listed(response) == ["credit-limit", "aml-screening", "old-scorer", "chat-assistant"]
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "evaluated", "names"),
    [
        ({"risk_tier": "critical"}, 1, ["credit-limit"]),
        ({"vendor": "openai"}, 1, ["credit-limit"]),
        ({"deployment_environment": "staging"}, 0, []),
        ({"status": "decommissioned"}, 1, ["old-scorer"]),
        ({"business_line": "retail"}, 1, ["chat-assistant"]),
        ({"risk_tier": "high", "status": "active"}, 1, ["aml-screening"]),
    ],
)
def test_filters_narrow_the_evaluated_population(client, erin, inventory, params, evaluated, names):
    client.force_login(erin)

    response = client.get(URL, params)

    assert response.context["summary"].evaluated == evaluated
    assert listed(response) == names


def test_it_says_when_nothing_is_evaluated_or_nothing_fails(client, erin, inventory):
    client.force_login(erin)

    nothing = client.get(URL, {"deployment_environment": "staging"}).content.decode()
    all_pass = client.get(URL, {"risk_tier": "medium"}).content.decode()

    assert "No evaluated model in this selection" in nothing
    assert "<dt>Compliance rate</dt><dd>—</dd>" in nothing
    assert "Every evaluated model is compliant" in all_pass


def test_it_paginates_fifty_a_page_and_keeps_the_filters(client, erin):
    for i in range(PAGE_SIZE + 2):
        make_model(model_name=f"overdue-{i:02d}", deployment_date=LONG_AGO)
    for name in ("passing-a", "passing-b"):
        make_model(model_name=name, deployment_date=RECENT)
    client.force_login(erin)

    first = client.get(URL, {"risk_tier": "high"})
    second = client.get(URL, {"risk_tier": "high", "page": "2"})
    second_all = client.get(URL, {"risk_tier": "high", "result": "all", "page": "2"})

    assert PAGE_SIZE == 50
    assert listed(first) == [f"overdue-{i:02d}" for i in range(50)]
    assert "Page 1 of 2, 52 models" in first.content.decode()
    assert 'href="?risk_tier=high&amp;page=2"' in first.content.decode()
    assert listed(second) == ["overdue-50", "overdue-51"]
    assert listed(second_all) == ["overdue-50", "overdue-51", "passing-a", "passing-b"]
    assert "Page 2 of 2, 54 models" in second_all.content.decode()


def test_a_page_of_only_passing_models_is_read_from_the_database(client, erin):
    make_model(model_name="failing", deployment_date=LONG_AGO)
    for i in range(PAGE_SIZE + 1):
        make_model(model_name=f"passing-{i:02d}", deployment_date=RECENT)
    client.force_login(erin)

    response = client.get(URL, {"result": "all", "page": "2"})

    assert listed(response) == ["passing-49", "passing-50"]


# Who may see it


@pytest.mark.parametrize("persona", ["alice", "erin", "bob", "carol"])
def test_everyone_who_can_see_the_inventory_sees_compliance(client, request, persona, inventory):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(URL)

    assert response.status_code == 200
    assert f'<a href="{URL}" aria-current="page">Compliance</a>' in response.content.decode()


def test_a_user_without_a_role_is_refused(client, charlie, inventory):
    client.force_login(charlie)

    response = client.get(URL)

    assert response.status_code == 403
    assert f'href="{URL}"' not in response.content.decode()


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# Query budget


def _mixed_inventory(count: int) -> None:
    for i in range(count):
        kind = i % 3
        if kind == 0:
            make_model(deployment_date=RECENT)
        elif kind == 1:
            make_model(deployment_date=LONG_AGO)
        else:
            make_model(deployment_date=RECENT, **{**VENDOR, "data_classification": ""})


def _page_queries(client, django_assert_max_num_queries, **params) -> int:
    with django_assert_max_num_queries(10) as captured:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(captured)


def test_the_page_takes_constant_queries_whatever_the_inventory_size(client, carol, django_assert_max_num_queries):
    # Budget: session, user, user permissions, group permissions, the evaluated count, the failing
    # models, the page's violation facts, the audit-trail alarm banner's check = 8; "all" reads the
    # page's passing models too = 9.
    client.force_login(carol)
    _mixed_inventory(3)
    with_three = [_page_queries(client, django_assert_max_num_queries, **params)
                  for params in ({}, {"result": "all"}, {"risk_tier": "high", "rule": "never-reviewed"})]
    _mixed_inventory(27)
    with_thirty = [_page_queries(client, django_assert_max_num_queries, **params)
                   for params in ({}, {"result": "all"}, {"risk_tier": "high", "rule": "never-reviewed"})]

    assert with_three == with_thirty == [8, 9, 8]


# The compliance panel on a model's page


def compliance_section(html: str) -> str:
    start = html.index('id="compliance"')
    return html[start:html.index("</section>", start)]


def test_a_compliant_model_says_so_before_its_reviews(client, erin):
    model = make_model(deployment_date=RECENT)
    client.force_login(erin)

    response = client.get(model.get_absolute_url())

    html = response.content.decode()
    section = compliance_section(html)
    assert 'class="verdict verdict--compliant">Compliant<' in section
    assert "breaks none of the ruleset's rules" in section
    assert html.index('id="compliance"') < html.index('id="reviews"')
    assert response.context["panels"][0].context["state"] == "compliant"


def test_a_failing_model_lists_each_violation_with_citations(client, alice):
    model = make_model(owner=alice, risk_tier="critical", deployment_date=LONG_AGO, **{**VENDOR, "vendor": "Anthropic"})
    client.force_login(alice)

    section = compliance_section(client.get(model.get_absolute_url()).content.decode())

    assert 'class="verdict verdict--not-compliant">Not compliant<' in section
    assert "verdict--compliant" not in section
    assert "2 rules broken" in section
    assert section.index("Restricted data goes to Anthropic") < section.index("Never reviewed: the first review")
    assert "SR 11-7 (legacy)" in section and "V. Validation of vendor and third-party products" in section
    assert "ISO/IEC 42001" in section and "A.6.2.4" in section
    assert f'href="{URL}?rule=never-reviewed"' in section


def test_a_model_changed_since_its_review_is_not_compliant(client, bob):
    model = make_model(deployment_date=RECENT)
    record_review(model, review_date=dt.date(2026, 11, 20))
    inventory_services.update_model(
        model=model, changes={"use_case": "Now also scores loans"}, actor=ACTOR, today=TODAY
    )
    client.force_login(bob)

    section = compliance_section(client.get(model.get_absolute_url()).content.decode())

    assert "Not compliant" in section
    assert "changed since its review of 2026-11-20" in section


def test_a_retired_model_is_not_evaluated_and_never_called_compliant(client, erin):
    model = decommission(make_model(deployment_date=RECENT, deployment_environment="dev"))
    client.force_login(erin)

    response = client.get(model.get_absolute_url())

    section = compliance_section(response.content.decode())
    assert 'class="verdict verdict--not-evaluated">Not evaluated<' in section
    assert "outside the evaluated population" in section
    assert "verdict--compliant" not in section
    assert evaluate_model(model, today=TODAY).passed  # passes by definition, so the page must not trust that alone


def test_a_decommissioned_model_still_in_production_is_not_compliant(client, erin):
    model = decommission(make_model(deployment_date=RECENT))
    client.force_login(erin)

    section = compliance_section(client.get(model.get_absolute_url()).content.decode())

    assert "Not compliant" in section
    assert "Decommissioned but still marked as production" in section


@pytest.mark.parametrize("state", ["compliant", "not-compliant", "not-evaluated"])
def test_the_panel_costs_one_query_in_every_state(erin, state):
    model = {
        "compliant": lambda: make_model(deployment_date=RECENT),
        "not-compliant": lambda: make_model(deployment_date=LONG_AGO, **{**VENDOR, "data_classification": ""}),
        "not-evaluated": lambda: decommission(make_model(deployment_date=RECENT, deployment_environment="staging")),
    }[state]()
    model = AIModel.objects.for_detail().get(pk=model.pk)  # as the page loads it, with its policy
    request = RequestFactory().get(model.get_absolute_url())
    request.user = erin
    erin.has_perm("inventory.view_aimodel")  # the page has loaded the permissions already

    with CaptureQueriesContext(connection) as captured:
        panel = compliance_panel(request, model, TODAY)
        [violation.message for violation in panel.context["violations"]]
    # Until the model changes, its verdict is not read again.
    with CaptureQueriesContext(connection) as again:
        same = compliance_panel(request, model, TODAY)
        messages = [violation.message for violation in same.context["violations"]]

    assert len(captured) == 1 and len(again) == 0
    assert panel.context["state"] == same.context["state"] == state
    assert messages == [violation.message for violation in panel.context["violations"]]


def test_the_cached_verdict_follows_every_change_of_the_model_and_the_day(client, erin):
    # A medium tier model: the card rule (high and critical only) stays out of it.
    model = make_model(deployment_date=RECENT, deployment_environment="prod", data_classification="internal",
                       risk_tier="medium")
    client.force_login(erin)
    assert "Not compliant" not in compliance_section(client.get(model.get_absolute_url()).content.decode())

    # A change through the service, and one made behind its back (a bulk update writes no history).
    inventory_services.update_model(model=model, changes={"data_classification": ""},
                                    actor=inventory_services.Actor(name="tests", trusted=True), today=TODAY)
    assert "Not compliant" in compliance_section(client.get(model.get_absolute_url()).content.decode())
    AIModel.objects.filter(pk=model.pk).update(data_classification="internal")
    assert "Not compliant" not in compliance_section(client.get(model.get_absolute_url()).content.decode())

    # The same model on a later day, once its review is overdue.
    request = RequestFactory().get(model.get_absolute_url())
    request.user = erin
    loaded = AIModel.objects.for_detail().get(pk=model.pk)
    later = loaded.next_review_date + dt.timedelta(days=1)
    assert compliance_panel(request, loaded, TODAY).context["state"] == "compliant"
    assert compliance_panel(request, loaded, later).context["state"] == "not-compliant"
