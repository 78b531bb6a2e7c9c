"""The dashboard page: its numbers, filters, links to the lists behind them, roles and query budget."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compliance.engine import summarize
from inventory import services as inventory_services
from inventory.models import AIModel
from inventory.permissions import NO_ACCESS_MESSAGE
from reports.models import ComplianceSnapshot
from reports.portfolio import Figure, TrendPoint
from reports.templatetags.charts import bar_chart, compliance_donut, trend_chart
from tests.conftest import TODAY
from tests.factories import decommission, make_model, record_review

URL = reverse("reports:dashboard")
LIST_URL = reverse("inventory:list")
COMPLIANCE_URL = reverse("compliance:evaluation")
ACTOR = inventory_services.Actor(name="tests", trusted=True)
# Session, user, user permissions, group permissions, the latest change id, then the portfolio's seven
# queries (the high-risk list takes two when fewer than ten critical models are in production, as
# here), the audit-trail alarm banner's check, and the registries' untracked models.
QUERY_BUDGET = 14
# Session, user, user and group permissions, the latest change id that keys the cache, the banner's
# check, the registries' untracked models.
CACHED_QUERY_BUDGET = 7


# The views take "today" from the clock; pin it to the personas' TODAY (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


@pytest.fixture
def inventory() -> dict[str, AIModel]:
    """Eight models. Due dates (default policy: critical 30 days, high 90, medium 180, low 365):

    aml-screening 236 days overdue, fraud-scorer 14 days overdue (reviewed), credit-limit due in 4
    days, pricing-gbm due in 23 (reviewed, then changed), two decommissioned (one in production).
    """
    models = {
        "credit-limit": make_model(model_name="credit-limit", risk_tier="critical", vendor="OpenAI",
                                   deployment_date=dt.date(2026, 11, 1), business_line="Retail Credit"),
        "aml-screening": make_model(model_name="aml-screening", deployment_date=dt.date(2026, 1, 5),
                                    business_line="Financial Crime"),
        "fraud-scorer": make_model(model_name="fraud-scorer", deployment_date=dt.date(2026, 5, 1),
                                   business_line="Cards"),
        "pricing-gbm": make_model(model_name="pricing-gbm", risk_tier="critical", business_line="Retail Credit"),
        "chat-assistant": make_model(model_name="chat-assistant", risk_tier="low", vendor="OpenAI",
                                     deployment_environment="staging", deployment_date=dt.date(2026, 11, 1)),
        "doc-summarizer": make_model(model_name="doc-summarizer", risk_tier="medium", deployment_environment="dev",
                                     deployment_date=dt.date(2026, 8, 1)),
        "old-scorer": decommission(make_model(model_name="old-scorer", risk_tier="medium",
                                              deployment_environment="staging", deployment_date=dt.date(2025, 1, 1))),
        "legacy-limits": decommission(make_model(model_name="legacy-limits")),
    }
    record_review(models["fraud-scorer"], review_date=dt.date(2026, 8, 15))
    record_review(models["pricing-gbm"], review_date=dt.date(2026, 11, 20))
    inventory_services.update_model(model=models["pricing-gbm"], changes={"model_version": "2.0"}, actor=ACTOR,
                                    today=TODAY)
    return models


class _FigureLinks(HTMLParser):
    """The page's numbers: (data-figure, data-count, href or None) of each element with data-figure."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "data-figure" in attributes:
            self.found.append((attributes["data-figure"], attributes["data-count"], attributes.get("href")))


def figures(response) -> list[tuple[str, str, str | None]]:
    parser = _FigureLinks()
    parser.feed(response.content.decode())
    return parser.found


def figure(response, key: str) -> tuple[str, str | None]:
    """The count and link of one figure, by its data-figure key."""
    matches = [(count, href) for found, count, href in figures(response) if found == key]
    assert matches, f"no figure {key}"
    return matches[0]


def listed_count(client, href: str) -> int:
    response = client.get(href)
    assert response.status_code == 200, href
    return response.context["page"].paginator.count


# What the page shows


def test_it_shows_the_numbers_of_a_known_inventory(client, bob, inventory):
    client.force_login(bob)

    response = client.get(URL)

    assert response.status_code == 200
    context = response.context
    assert (context["total"].count, context["active"].count) == (8, 6)
    assert (context["overdue"].count, context["due_soon"].count) == (2, 2)
    assert (context["never_reviewed"].count, context["changed"].count) == (6, 1)
    assert {n.key: n.count for n in context["by_tier"]} == {"critical": 2, "high": 3, "medium": 2, "low": 1}
    assert {n.key: n.count for n in context["by_environment"]} == {"prod": 5, "staging": 2, "dev": 1}
    assert {n.key: n.count for n in context["by_vendor"]} == {"In-house": 6, "OpenAI": 2}
    assert [n.count for n in context["overdue_by_age"]] == [1, 0, 1]
    # A decommissioned model still marked as production counts: it is a finding in itself.
    assert {n.key: n.count for n in context["high_risk_in_production"]} == {"critical": 2, "high": 3}
    assert context["compliance"] == summarize(today=TODAY, by_rule=False)

    html = response.content.decode()
    assert "Dashboard" in html and "2026-11-27" in html
    assert re.search(r"Updated <time datetime=\"[^\"]+\">\d\d:\d\d:\d\d</time>", html)
    rate = summarize(today=TODAY, by_rule=False).compliance_rate
    assert f"{rate}%" in html


def test_reviews_needed_show_due_in_days_and_overdue_flags(client, bob, inventory):
    client.force_login(bob)

    response = client.get(URL)

    rows = response.context["reviews_needed"]
    assert [(row.line.name, row.line.due_in_days, row.due) for row in rows] == [
        ("aml-screening", -236, "236 days overdue"),
        ("fraud-scorer", -14, "14 days overdue"),
        ("credit-limit", 4, "in 4 days"),
        ("pricing-gbm", 23, "in 23 days"),
    ]
    assert [row.overdue for row in rows] == [True, True, False, False]
    html = response.content.decode()
    section = html[html.index('id="needed-title"'):html.index('id="ages-title"')]
    assert section.count('<span class="flag flag--overdue">Overdue</span>') == 2
    assert f'href="{reverse("inventory:detail", args=[inventory["aml-screening"].pk])}"' in section


def test_the_high_risk_list_says_a_retired_model_has_no_review_due(client, bob, inventory):
    client.force_login(bob)

    rows = {row.line.name: row for row in client.get(URL).context["high_risk_models"]}

    assert set(rows) == {"credit-limit", "pricing-gbm", "aml-screening", "fraud-scorer", "legacy-limits"}
    assert (rows["legacy-limits"].due, rows["legacy-limits"].overdue) == ("no review due", False)


def test_recent_additions_are_newest_first_and_link_to_the_full_list(client, bob, inventory):
    client.force_login(bob)

    response = client.get(URL)

    assert [row.line.name for row in response.context["recent_additions"]][:2] == ["legacy-limits", "old-scorer"]
    assert response.context["recent_url"] == f"{LIST_URL}?sort=-added"


def test_the_charts_are_svg_images_with_a_title_and_their_numbers_as_text(client, bob, inventory):
    client.force_login(bob)

    html = client.get(URL).content.decode()

    # The donut, tiers, overdue ages, vendors, environments and business lines (no snapshot, no trend).
    # The five panels' charts and the trend (today's live point at least).
    assert html.count('<svg class="chart') == 7
    assert ("<title>Models by risk tier</title>"
            "<desc>Critical: 2 models; High: 3 models; Medium: 2 models; Low: 1 model. Total 8.</desc>") in html
    assert "<title>Compliance rate</title>" in html
    assert "<script" not in html.split("</head>")[1]  # the only script is our own file, loaded in the head
    assert 'src="/static/js/dashboard.js"' in html


def test_labels_from_the_data_are_escaped_in_charts_and_text(client, bob):
    make_model(model_name="x", vendor='<img src=x onerror="alert(1)">')
    client.force_login(bob)

    html = client.get(URL).content.decode()

    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


def test_the_trend_is_drawn_from_the_daily_snapshots(client, bob, inventory):
    for days_ago, passed in ((2, 1), (1, 2), (0, 3)):
        ComplianceSnapshot.objects.create(
            day=TODAY - dt.timedelta(days=days_ago), scope="", evaluated=4, passed=passed, failed=4 - passed,
            overdue=1, ruleset_version="v", ruleset_hash="h", source="scheduled", taken_at=dt.datetime.now(dt.UTC),
        )
    client.force_login(bob)

    html = client.get(URL).content.decode()
    live = summarize(today=TODAY)

    assert "<title>Compliance rate over time</title>" in html
    # Today's point is the live figure (the headline's), not today's earlier snapshot (75.0%).
    assert (f"<desc>3 daily snapshots from 2026-11-25 to 2026-11-27. 25.0% on 2026-11-25, {live.compliance_rate}% on "
            "2026-11-27;") in html
    assert (f"Today: <strong>{live.compliance_rate}%</strong> ({live.passed} of {live.evaluated} evaluated, "
            in html)
    assert "live, as in the headline." in html
    assert "2 earlier daily snapshots." in html
    assert 'class="chart__axis" x="42"' in html  # the y axis labels
    assert ">2026-11-25</text>" in html and ">2026-11-27</text>" in html


def test_without_snapshots_the_trend_panel_says_so(client, bob, inventory):
    client.force_login(bob)

    html = client.get(URL).content.decode()

    assert "No earlier daily snapshot yet." in html


# Filters


def test_filters_narrow_every_panel(client, bob, inventory):
    client.force_login(bob)

    response = client.get(URL, {"risk_tier": "high"})

    context = response.context
    assert (context["total"].count, context["active"].count) == (3, 2)
    assert (context["overdue"].count, context["due_soon"].count, context["changed"].count) == (2, 0, 0)
    assert {n.key: n.count for n in context["by_tier"]} == {"critical": 0, "high": 3, "medium": 0, "low": 0}
    assert {n.key: n.count for n in context["by_environment"]} == {"prod": 3, "staging": 0, "dev": 0}
    assert {n.key: n.count for n in context["by_vendor"]} == {"In-house": 3}
    assert [n.count for n in context["overdue_by_age"]] == [1, 0, 1]
    assert {n.key: n.count for n in context["high_risk_in_production"]} == {"critical": 0, "high": 3}
    high = AIModel.objects.filter(risk_tier="high")
    assert context["compliance"] == summarize(today=TODAY, queryset=high, by_rule=False)
    lists = ("recent_additions", "reviews_needed", "high_risk_models")
    names = {row.line.name for key in lists for row in context[key]}
    assert names == {"aml-screening", "fraud-scorer", "legacy-limits"}
    assert context["trend_scope"] == "high"


def test_filters_combine(client, bob, inventory):
    client.force_login(bob)

    response = client.get(URL, {"vendor": "openai", "deployment_environment": "prod", "status": "active"})

    assert response.context["total"].count == 1
    assert [row.line.name for row in response.context["recent_additions"]] == ["credit-limit"]
    # No snapshot matches a vendor: the page says so and offers the whole inventory's trend.
    assert response.context["trend_scope"] is None
    html = response.content.decode()
    assert "No trend for this selection" in html
    assert f'<a href="{URL}">See the trend of the whole inventory</a>' in html


def test_the_filters_stay_in_the_form_and_show_as_removable_chips(client, bob, inventory):
    client.force_login(bob)

    response = client.get(URL, {"risk_tier": "high", "business_line": "Cards", "refresh": "60"})

    html = response.content.decode()
    assert '<option value="high" selected>High</option>' in html
    assert 'name="business_line" value="Cards"' in html
    assert '<option value="60" selected>1 min</option>' in html
    assert 'data-refresh="60"' in html
    chips = response.context["chips"]
    assert [(chip["label"], chip["value"]) for chip in chips] == [("Risk tier", "High"), ("Business line", "Cards")]
    assert chips[0]["remove_url"] == f"{URL}?business_line=Cards&refresh=60"
    assert response.context["clear_url"] == f"{URL}?refresh=60"


def test_a_bad_filter_value_is_reported_and_ignored(client, bob, inventory):
    client.force_login(bob)

    response = client.get(URL, {"risk_tier": "extreme", "refresh": "5"})

    assert response.context["total"].count == 8
    assert "Select a valid choice" in response.content.decode()
    assert response.context["refresh"] == ""


def test_list_parameters_the_dashboard_does_not_offer_are_ignored(client, bob, inventory):
    client.force_login(bob)

    response = client.get(URL, {"review": "overdue", "q": "aml"})

    assert response.context["total"].count == 8


# Links from numbers


def test_links_combine_the_filters_with_the_figures_own(client, bob, inventory):
    client.force_login(bob)

    response = client.get(URL, {"risk_tier": "high", "deployment_environment": "prod"})

    assert figure(response, "tile:overdue") == (
        "2", f"{LIST_URL}?risk_tier=high&deployment_environment=prod&review=overdue"
    )
    assert figure(response, "tile:total") == ("3", f"{LIST_URL}?risk_tier=high&deployment_environment=prod")
    assert figure(response, "vendor:In-house") == (
        "3", f"{LIST_URL}?risk_tier=high&deployment_environment=prod&vendor=In-house"
    )
    assert response.context["compliance_url"] == f"{COMPLIANCE_URL}?risk_tier=high&deployment_environment=prod"


@pytest.mark.parametrize(
    "params", [{}, {"risk_tier": "high"}, {"deployment_environment": "prod", "vendor": "In-house"}]
)
def test_every_number_links_to_a_list_of_exactly_that_many_models(client, bob, inventory, params):
    client.force_login(bob)

    found = figures(client.get(URL, params))

    links = [(key, count, href) for key, count, href in found if href and href.startswith(LIST_URL)]
    assert len(links) >= 15
    for key, count, href in links:
        assert listed_count(client, href) == int(count), (key, href)


def test_a_figure_that_contradicts_a_filter_is_not_a_link(client, bob, inventory):
    client.force_login(bob)

    response = client.get(URL, {"risk_tier": "high"})

    assert figure(response, "tier:critical") == ("0", None)
    assert figure(response, "production:critical") == ("0", None)
    assert figure(response, "tier:high")[1] == f"{LIST_URL}?risk_tier=high"
    # The same tier in another case is no contradiction.
    assert figure(client.get(URL, {"vendor": "in-house"}), "vendor:In-house")[1] == f"{LIST_URL}?vendor=In-house"


def test_groups_without_one_list_are_not_links(client, bob):
    for index in range(12):
        make_model(vendor=f"Vendor {index:02}")
    make_model(deployment_environment="")
    client.force_login(bob)

    response = client.get(URL)

    assert figure(response, "vendor:others") == ("3", None)
    assert figure(response, "environment:") == ("1", None)
    assert response.context["portfolio"].vendor_count == 13


def test_the_compliance_rate_links_to_the_compliance_page_of_the_same_selection(client, bob, inventory):
    client.force_login(bob)
    dashboard = client.get(URL, {"risk_tier": "high"})

    compliance = client.get(dashboard.context["compliance_url"])

    assert compliance.status_code == 200
    summary, shown = compliance.context["summary"], dashboard.context["compliance"]
    assert (summary.evaluated, summary.passed, summary.failed) == (shown.evaluated, shown.passed, shown.failed)
    assert summary.compliance_rate == shown.compliance_rate
    assert figure(dashboard, "tile:compliance")[0] == str(dashboard.context["compliance"].compliance_rate)


# The auto-refresh's partial


def test_partial_returns_only_the_panels(client, bob, inventory):
    client.force_login(bob)

    response = client.get(URL, {"partial": "1", "risk_tier": "high"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "<form" not in html and "site-header" not in html
    assert 'data-figure="tile:total" data-count="3"' in html
    assert "Updated <time" in html
    assert "no-store" in response["Cache-Control"]


def test_the_page_loads_the_refresh_script_and_marks_the_panels(client, bob):
    client.force_login(bob)

    html = client.get(URL, {"refresh": "30"}).content.decode()

    assert '<div id="dashboard-panels" class="dashboard" data-refresh="30">' in html
    assert '<noscript><meta http-equiv="refresh" content="30"></noscript>' in html
    assert '<link rel="stylesheet" href="/static/css/dashboard.css">' in html


# Roles


@pytest.mark.parametrize("params", [{}, {"partial": "1"}])
def test_a_user_without_a_role_is_refused(client, charlie, params):
    client.force_login(charlie)

    response = client.get(URL, params)

    assert response.status_code == 403
    assert NO_ACCESS_MESSAGE in response.content.decode()


@pytest.mark.parametrize("params", [{}, {"partial": "1"}])
def test_an_anonymous_visitor_is_sent_to_log_in(client, params):
    response = client.get(URL, params)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("persona, can_add", [("alice", True), ("bob", True), ("carol", True), ("erin", False)])
def test_every_role_that_sees_the_inventory_sees_the_dashboard(client, request, persona, can_add):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(URL)

    assert response.status_code == 200
    assert ('href="/models/new/"' in response.content.decode()) is can_add


# Query budget


def test_queries_do_not_grow_with_the_inventory(client, bob, django_assert_max_num_queries):
    ComplianceSnapshot.objects.create(
        day=TODAY, scope="", evaluated=1, passed=1, failed=0, overdue=0, ruleset_version="v", ruleset_hash="h",
        source="scheduled", taken_at=dt.datetime.now(dt.UTC),
    )
    for index in range(3):
        make_model(vendor=f"Vendor {index}", business_line=f"Line {index}")
    client.force_login(bob)
    with CaptureQueriesContext(connection) as with_3:
        client.get(URL)
    for index in range(3, 30):
        make_model(vendor=f"Vendor {index}", business_line=f"Line {index}", risk_tier=("high", "low")[index % 2])

    with CaptureQueriesContext(connection) as with_30:
        response = client.get(URL, {"risk_tier": "high", "refresh": "30"})
    with django_assert_max_num_queries(16):
        client.get(URL, {"partial": "1"})

    assert response.context["total"].count == 16
    assert len(with_3) == len(with_30) == QUERY_BUDGET, [query["sql"] for query in with_30.captured_queries]
    # Until the inventory changes again, the same dashboard is served from the cache.
    with CaptureQueriesContext(connection) as cached:
        again = client.get(URL, {"risk_tier": "high", "refresh": "30"})
    assert len(cached) == CACHED_QUERY_BUDGET and again.context["total"].count == 16
    make_model(risk_tier="high")
    assert client.get(URL, {"risk_tier": "high"}).context["total"].count == 17


# The figures' cache (rendered once per portfolio)


def _figure(html: str, key: str) -> str:
    return re.search(rf'data-figure="{key}" data-count="([^"]*)"', html).group(1)


def test_the_rendered_figures_change_when_the_inventory_does(client, bob):
    make_model(risk_tier="high")
    client.force_login(bob)
    before = client.get(URL).content.decode()
    assert client.get(URL).content.decode().count('data-figure="tile:total" data-count="1"') == 1

    make_model(risk_tier="critical")
    after = client.get(URL).content.decode()

    assert _figure(before, "tile:total") == "1" and _figure(after, "tile:total") == "2"
    assert _figure(after, "tier:critical") == "1"
    # A filtered selection is rendered for itself, not served the whole inventory's figures.
    assert _figure(client.get(URL, {"risk_tier": "high"}).content.decode(), "tile:total") == "1"


def test_a_rebuilt_portfolio_is_rendered_anew_though_the_inventory_did_not_change(client, bob):
    # The portfolio expires after a while (the trend's snapshots are not inventory changes): the
    # figures rendered from the old build must not outlive it.
    from django.core.cache import cache

    make_model()
    client.force_login(bob)
    assert "No earlier daily snapshot yet." in client.get(URL).content.decode()
    ComplianceSnapshot.objects.create(
        day=TODAY - dt.timedelta(days=1), scope="", evaluated=1, passed=1, failed=0, overdue=0, ruleset_version="v",
        ruleset_hash="h", source="scheduled", taken_at=dt.datetime.now(dt.UTC),
    )
    # Expire the cached portfolio alone (locmem's stored keys carry a ":1:" version prefix).
    cache.delete_many([key.split(":", 2)[2] for key in cache._cache if key.split(":", 2)[2].startswith("portfolio:")])

    assert "1 earlier daily snapshot." in client.get(URL).content.decode()


def test_the_cached_filter_form_keeps_each_querys_choices(client, bob):
    make_model()
    client.force_login(bob)

    thirty = client.get(URL, {"refresh": "30", "risk_tier": "high"}).content.decode()
    off = client.get(URL, {"risk_tier": "low"}).content.decode()

    assert '<option value="30" selected>' in thirty and '<option value="high" selected>' in thirty
    assert 'href="/?refresh=30"' in thirty
    assert '<option value="" selected>Off' in off and '<option value="low" selected>' in off
    assert "selected>30 s" not in off and '<option value="high" selected>' not in off


# The chart helpers


def test_a_day_without_an_evaluated_model_breaks_the_trend_line():
    days = [TODAY - dt.timedelta(days=n) for n in (4, 3, 2, 1, 0)]
    rates = [50.0, 60.0, None, 70.0, 80.0]
    points = [TrendPoint(day, 10, int(rate or 0) // 10, rate, 0, "scheduled") for day, rate in zip(days, rates)]

    svg = trend_chart(points)

    assert svg.count("<polyline") == 2
    assert "lowest 50.0% on 2026-11-23, highest 80.0% on 2026-11-27." in svg
    assert trend_chart(points[-1:]).count('class="chart__dot"') == 1


def test_a_small_count_still_shows_as_a_sliver_of_bar():
    svg = bar_chart([Figure("a", "Big", 10_000), Figure("b", "Small", 1), Figure("c", "None", 0)], title="T")

    widths = re.findall(r'class="chart__bar [^"]*" x="\d+" y="[\d.]+" width="([\d.]+)"', svg)
    assert widths == ["150", "2", "0"]
    assert "<desc>Big: 10000 models; Small: 1 model; None: 0 models. Total 10001.</desc>" in svg


def test_the_donut_without_evaluated_models_says_there_is_no_rate():
    svg = compliance_donut(passed=0, evaluated=0, rate=None)

    assert "chart__ring--empty" in svg and "chart__ring--passed" not in svg
    assert "<desc>No evaluated model, so no compliance rate.</desc>" in svg
