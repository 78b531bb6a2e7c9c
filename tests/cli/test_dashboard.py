"""mltrack dashboard: the portfolio's figures in the spec's layout, filters, JSON, usage errors,
permissions, --watch, and a constant query budget."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rich.console import Console

from compliance.engine import summarize
from inventory import services
from inventory.filters import AIModelFilterSet
from inventory.models import AIModel
from reports.cli import dashboard
from reports.cli.output.dashboard import NO_TREND_MESSAGE, Dashboard, sparkline
from reports.models import ComplianceSnapshot
from reports.portfolio import Portfolio, build_portfolio
from tests.factories import make_model, record_review

pytestmark = pytest.mark.django_db

PANEL_TITLES = [
    "Model Inventory Summary", "Recent Additions", "Reviews Needed (30 days)", "High Risk in Prod",
    "By Vendor", "By Environment", "Overdue by Age",
]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@pytest.fixture(autouse=True)
def _eighty_columns(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")


@pytest.fixture
def inventory(today):
    """Deployed 2026-06-01 unless reviewed: critical due 07-01 (149 days overdue), high due 08-30
    (89 days overdue), medium due 11-28 (tomorrow), low due 2027-06-01."""
    make_model(model_name="fraud", risk_tier="critical", vendor="In-house")
    make_model(model_name="late", risk_tier="high", vendor="OpenAI")
    make_model(model_name="docs", risk_tier="medium", vendor="OpenAI", deployment_environment="dev")
    make_model(model_name="search", risk_tier="low", vendor="Anthropic", deployment_environment="staging")
    credit = make_model(model_name="credit", risk_tier="high", vendor="Anthropic", deployment_environment="staging")
    record_review(credit, review_date=today)
    services.update_model(model=AIModel.objects.get(pk=credit.pk), changes={"use_case": "Retail credit scoring"},
                          actor=services.Actor(name="tests", trusted=True), today=today)


def portfolio_for(filters: dict[str, str], today: dt.date) -> Portfolio:
    models = AIModelFilterSet(filters, queryset=AIModel.objects.all(), today=today).qs
    return build_portfolio(models, today=today, filters=filters)


def figure(out: str, label: str) -> str:
    match = re.search(rf"{re.escape(label)}\s+(n/a|[\d,.]+%?)", out)
    assert match, f"{label!r} not in\n{out}"
    return match.group(1)


def line_with(out: str, *words: str) -> str:
    for line in out.splitlines():
        if all(word in line for word in words):
            return line
    raise AssertionError(f"no line with {words} in\n{out}")


def stop_after(monkeypatch, sleeps: int, between=lambda: None) -> list[float]:
    """Make the watch's sleep raise KeyboardInterrupt (Ctrl-C) on call number ``sleeps``."""
    calls: list[float] = []

    def sleep(seconds: float) -> None:
        calls.append(seconds)
        if len(calls) == sleeps:
            raise KeyboardInterrupt
        between()

    monkeypatch.setattr(dashboard.time, "sleep", sleep)
    return calls


# The layout and its figures ------------------------------------------------------------------


def test_it_shows_the_portfolio_figures_in_the_spec_layout(run, inventory, today):
    expected = portfolio_for({}, today)

    result = run("dashboard")

    assert result.code == 0, result.err
    out = result.out
    for title in PANEL_TITLES:
        assert title in out
    assert figure(out, "Total Models") == str(expected.total) == "5"
    assert figure(out, "Active Models") == str(expected.active)
    assert figure(out, "Compliance") == f"{expected.compliance.compliance_rate:.1f}%"
    assert figure(out, "Overdue Reviews") == str(expected.overdue.count) == "2"
    for tier in expected.by_tier:
        assert figure(out, tier.key.upper()) == str(tier.count)
    assert figure(out, "Due in 30 Days") == str(expected.due_soon.count) == "1"
    assert figure(out, "Never Reviewed") == str(expected.never_reviewed.count) == "4"
    assert figure(out, "Changed Since Review") == str(expected.changed_since_review.count) == "1"
    assert figure(out, "High Risk in Prod") == str(expected.high_risk_in_production_count) == "2"
    assert "as of 2026-11-27" in out


def test_it_lists_models_and_draws_bars_scaled_to_the_largest(run, inventory):
    out = run("dashboard").out

    assert re.search(r"credit\s+HIGH\s+11-27", out)  # Recent Additions: model, risk, added MM-DD
    assert re.search(r"fraud\s+CRIT\s+149d\s+overdue", out)  # Reviews Needed: due in Nd, overdue
    assert re.search(r"docs\s+MED\s+1d\s+SOON", out)
    assert re.search(r"fraud\s+In-house", out)  # High Risk in Prod: model, vendor
    bars = {
        label: line_with(out, label, "█").split(label, 1)[1].split("│")[0].count("█")
        for label in ("Anthropic", "OpenAI", "In-house", "PROD", "STAGING", "DEV", "31–90 days", "over 90 days")
    }
    assert bars["Anthropic"] == bars["OpenAI"] > bars["In-house"] > 0
    assert bars["PROD"] == bars["STAGING"] > bars["DEV"] > 0
    assert bars["31–90 days"] == bars["over 90 days"]
    assert re.search(r"1–30 days\s+0 │", out)


def test_it_fits_80_columns_and_uses_more_width_when_there_is_more(run, inventory, monkeypatch):
    narrow = run("dashboard").out
    monkeypatch.setenv("COLUMNS", "160")
    wide = run("dashboard").out
    monkeypatch.setenv("COLUMNS", "300")
    widest = run("dashboard").out

    assert max(len(line) for line in narrow.splitlines()) == 80
    assert max(len(line) for line in wide.splitlines()) == 160
    assert max(len(line) for line in widest.splitlines()) == 160  # it stops growing there
    # Wider lists show the vendor, and the high-risk list the risk tier and the next review.
    assert re.search(r"Model\s+Risk\s+Added", narrow) and re.search(r"Model\s+Vendor\s+Risk\s+Added", wide)
    assert re.search(r"fraud\s+In-house\s+CRIT\s+2026-07-01", wide)


def test_it_stacks_the_panels_on_a_narrow_terminal(run, inventory, monkeypatch):
    monkeypatch.setenv("COLUMNS", "50")

    out = run("dashboard").out

    assert max(len(line) for line in out.splitlines()) == 50
    assert line_with(out, "Recent Additions").count("╮") == 1  # one panel per row
    assert figure(out, "Total Models") == "5"


def test_it_is_laid_out_at_100_columns_without_a_terminal(run, inventory, monkeypatch):
    monkeypatch.delenv("COLUMNS")

    out = run("dashboard").out

    assert max(len(line) for line in out.splitlines()) == dashboard.UNATTENDED_WIDTH


def test_it_shows_an_empty_inventory(run):
    out = run("dashboard").out

    assert figure(out, "Total Models") == "0"
    assert figure(out, "Compliance") == "n/a"
    assert "none" in line_with(out, "│ none")


# Filters -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "filters"),
    [
        (["--risk", "HIGH"], {"risk_tier": "high"}),
        (["--vendor", "openai"], {"vendor": "openai"}),
        (["--environment", "Staging"], {"deployment_environment": "staging"}),
        (["--status", "active", "--risk", "critical"], {"risk_tier": "critical", "status": "active"}),
        (["--business-line", "nowhere"], {"business_line": "nowhere"}),
    ],
)
def test_filters_narrow_every_figure(run, inventory, today, args, filters):
    expected = portfolio_for(filters, today)

    out = run("dashboard", *args).out

    assert figure(out, "Total Models") == str(expected.total)
    assert expected.total < AIModel.objects.count()
    assert figure(out, "Overdue Reviews") == str(expected.overdue.count)
    assert figure(out, "Compliance") == (
        "n/a" if expected.compliance.compliance_rate is None else f"{expected.compliance.compliance_rate:.1f}%"
    )
    for tier in expected.by_tier:
        assert figure(out, tier.key.upper()) == str(tier.count)


def test_the_filters_are_named_under_the_summary(run, inventory):
    out = run("dashboard", "--risk", "high", "--vendor", "[red]OpenAI").out

    assert "as of 2026-11-27 · risk high · vendor [red]OpenAI" in out  # as typed, not console markup
    assert figure(out, "Total Models") == "0"


def test_it_prints_the_portfolio_as_json_with_its_filters(run, inventory, today):
    result = run("dashboard", "--json", "--risk", "HIGH", "--vendor", " openai ")

    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert list(data)[0] == "filters"
    filters = data.pop("filters")
    assert filters == {"risk_tier": "high", "vendor": "openai"}
    assert data == json.loads(json.dumps(portfolio_for(filters, today).as_dict()))
    assert data["total"] == 1


def test_json_without_filters_is_the_whole_inventory(run, inventory, today):
    data = json.loads(run("dashboard", "--json").out)

    assert data.pop("filters") == {}
    assert data == json.loads(json.dumps(build_portfolio(AIModel.objects.all(), today=today).as_dict()))


# The compliance trend ------------------------------------------------------------------------


def snapshot(day: dt.date, passed: int, *, scope: str = "", evaluated: int = 4) -> None:
    ComplianceSnapshot.objects.create(
        day=day, scope=scope, evaluated=evaluated, passed=passed, failed=evaluated - passed, overdue=0,
        ruleset_version="test", ruleset_hash="0" * 64, source=ComplianceSnapshot.Source.SCHEDULED,
        taken_at=dt.datetime(2026, 11, 27, tzinfo=dt.UTC),
    )


def test_it_draws_the_compliance_trend_as_a_sparkline(run, inventory, today):
    for days_ago, passed in zip((3, 2, 1, 0), (1, 2, 3, 4), strict=True):
        snapshot(today - dt.timedelta(days=days_ago), passed)

    out = run("dashboard").out
    live = summarize(today=today).compliance_rate

    # Today's point is the live figure, the one the headline shows, not today's snapshot.
    assert "Compliance since 11-24 " in out and f"latest {live:.1f}%" in out


def test_a_risk_tier_has_its_own_trend_and_other_filters_none(run, inventory, today):
    snapshot(today, 4)
    snapshot(today - dt.timedelta(days=1), 1, scope="high", evaluated=2)
    snapshot(today, 2, scope="high", evaluated=2)

    tier = run("dashboard", "--risk", "high").out
    vendor = run("dashboard", "--vendor", "OpenAI").out
    nothing_yet = run("dashboard", "--risk", "low").out

    live = summarize(today=today, queryset=AIModel.objects.filter(risk_tier="high")).compliance_rate
    assert "Compliance since 11-26 " in tier and f"latest {live:.1f}%" in tier
    assert NO_TREND_MESSAGE in vendor
    # No snapshot of the low tier yet: the trend is today's live figure alone.
    assert "Compliance since 11-27 █ latest" in nothing_yet and NO_TREND_MESSAGE not in nothing_yet


def test_the_sparkline_scales_buckets_and_leaves_gaps():
    assert sparkline([50.0, 75.0, 100.0], width=10) == "▁▅█"
    assert sparkline([None, 50.0, 100.0], width=10) == " ▁█"
    assert sparkline([0.0, 0.0, 0.0, 100.0, 100.0, 100.0], width=2) == "▁█"
    assert sparkline([100.0, 100.0], width=10) == "██"  # flat: drawn at its height on 0-100
    assert sparkline([None, None], width=10) == "  "


# Usage errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--risk", "extreme"], "--risk: 'extreme' is not allowed. Allowed values: critical, high, medium, low."),
        (["--environment", "qa"], "argument --environment: 'qa' is not allowed. Allowed values: prod, staging, dev."),
        (["--status", "retired"], "Allowed values: active, deprecated, decommissioned."),
        (["--interval", "10"], dashboard.INTERVAL_WITHOUT_WATCH_MESSAGE),
        (["--watch", "--interval", "4"], "argument --interval: 4 is less than the minimum of 5 seconds"),
        (["--watch", "--interval", "3601"], "argument --interval: 3601 is more than the maximum of 3600 seconds"),
        (["--watch", "--interval", "soon"], "argument --interval: 'soon' is not a whole number of seconds"),
        (["--watch", "--json"], "argument --json: not allowed with argument --watch"),
    ],
)
def test_bad_options_are_usage_errors(run, args, message):
    result = run("dashboard", *args)

    assert result.code == 2
    assert message in result.err
    assert "usage: mltrack dashboard" in result.err
    assert result.out == ""


# Permissions ---------------------------------------------------------------------------------


def test_an_account_without_a_role_is_refused(run, charlie, inventory):
    for args in ([], ["--watch"]):
        result = run("--user", "charlie", "dashboard", *args)

        assert result.code == 1
        assert result.err == "Permission denied: charlie (role: none) may not view the inventory.\n"
        assert result.out == ""
    as_json = run("--user", "charlie", "dashboard", "--json")

    assert (as_json.code, as_json.err) == (1, "")
    assert json.loads(as_json.out) == {"error": {
        "code": "permission_denied",
        "message": "Permission denied: charlie (role: none) may not view the inventory.",
        "suggestions": [],
    }}


def test_every_role_may_view_it(run, erin, alice, inventory):
    assert run("dashboard", "--user", "erin").code == 0
    assert run("dashboard", "--user", "alice", "--json").code == 0


# --watch -------------------------------------------------------------------------------------


def test_watch_redraws_with_fresh_figures_until_ctrl_c(run, today, monkeypatch):
    make_model(model_name="first")
    sleeps = stop_after(monkeypatch, 2, between=lambda: make_model(model_name="second"))

    result = run("dashboard", "--watch", "--interval", "5")

    # Without a terminal each frame follows the last, for a log.
    assert result.code == 0
    assert result.err == ""
    assert sleeps == [5, 5]
    frames = result.out.split("Model Inventory Summary")[1:]
    assert len(frames) == 2
    assert figure(frames[0], "Total Models") == "1" and figure(frames[1], "Total Models") == "2"
    assert "every 5s · Ctrl-C to stop" in frames[1]


def test_watch_redraws_in_place_in_a_terminal(run, monkeypatch):
    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # rich treats the captured stdout as a terminal
    monkeypatch.setenv("LINES", "40")
    make_model(model_name="first")
    sleeps = stop_after(monkeypatch, 3, between=lambda: make_model())

    result = run("dashboard", "--watch")

    assert result.code == 0
    assert result.err == ""
    assert sleeps == [dashboard.DEFAULT_INTERVAL] * 3
    out = ANSI.sub("", result.out)
    # Live draws the first frame, one per redraw, and the last one in full when it stops.
    frames = out.split("Model Inventory Summary")[1:]
    assert len(frames) == 4
    assert [figure(frame, "Total Models") for frame in frames] == ["1", "2", "3", "3"]
    assert "Ctrl-C to stop" in frames[-1]


def test_a_live_dashboard_fits_the_terminal_height(today):
    for i in range(12):
        make_model(model_name=f"m-{i:02}", vendor=f"Vendor {i}")
    portfolio = build_portfolio(AIModel.objects.all(), today=today)

    def lines(fit_height: bool) -> list[str]:
        console = Console(width=80, height=30, file=io.StringIO(), color_system=None)
        console.print(Dashboard(portfolio, {}, fit_height=fit_height))
        return console.file.getvalue().splitlines()

    assert len(lines(fit_height=False)) > 30
    fitted = lines(fit_height=True)
    assert len(fitted) < 30  # a line is left for the cursor
    assert re.search(r"\+\d+ more", "\n".join(fitted))  # the lists were shortened


def test_watch_stops_when_the_account_loses_its_role(run, bob, monkeypatch):
    make_model(model_name="first")
    stop_after(monkeypatch, 5, between=bob.groups.clear)

    result = run("--user", "bob", "dashboard", "--watch")

    # The account is looked up again for each frame.
    assert result.code == 1
    assert result.err == "Permission denied: bob (role: none) may not view the inventory.\n"
    assert result.out.count("Model Inventory Summary") == 1


# Query budget --------------------------------------------------------------------------------


def queries_for(run, *args: str) -> int:
    with CaptureQueriesContext(connection) as context:
        result = run("dashboard", *args)
    assert result.code == 0, result.err
    return len(context)


@pytest.mark.parametrize("args", [[], ["--json"], ["--user", "bob", "--risk", "high", "--vendor", "OpenAI"]])
def test_its_queries_do_not_grow_with_the_inventory(run, bob, today, args):
    make_model(model_name="one", vendor="OpenAI")
    small = queries_for(run, *args)
    make_model(model_name="two", vendor="OpenAI", deployment_environment="dev", risk_tier="critical")
    make_model(model_name="three", vendor="Anthropic", risk_tier="low", business_line="Cards")
    record_review(make_model(model_name="four", vendor="AWS"), review_date=today)
    large = queries_for(run, *args)

    assert small == large
    # Budget: the acting account (1; with --user its permissions, 2 more), then the portfolio: the
    # counts grouped by tier, status, environment, vendor and business line, the conditional counts,
    # recent additions, reviews needed, high-risk models (critical, then high while there is room:
    # 2 here), and the trend unless the filters have none (7, or 6).
    assert small == (1 + 2 + 6 if "--user" in args else 1 + 7)
