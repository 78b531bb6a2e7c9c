"""The portfolio's numbers: one definition each, shared with validation and the inventory list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compliance.engine import Summary, evaluate, summarize
from inventory import services
from inventory.filters import AIModelFilterSet
from inventory.models import AIModel
from reports.data import build_report
from reports.portfolio import VendorLine, build_portfolio
from tests.factories import make_model, record_review


def set_due(model: AIModel, due: dt.date) -> None:
    AIModel.objects.filter(pk=model.pk).update(next_review_date=due)


@pytest.fixture
def inventory(db, today):
    models = {
        "current": make_model(model_name="current", risk_tier="critical"),
        "late-5": make_model(model_name="late-5", risk_tier="high", vendor="OpenAI"),
        "late-45": make_model(model_name="late-45", risk_tier="medium", deployment_environment="dev"),
        "late-200": make_model(model_name="late-200", risk_tier="low", data_classification=""),
        "retired": make_model(model_name="retired", risk_tier="high", status="decommissioned"),
        "changed": make_model(model_name="changed", risk_tier="high", vendor="OpenAI"),
    }
    record_review(models["current"], review_date=today)
    record_review(models["changed"], review_date=today)
    services.update_model(model=models["changed"], changes={"model_version": "2.0"}, actor=services.Actor(name="t", trusted=True),
                          today=today)
    set_due(models["late-5"], today - dt.timedelta(days=5))
    set_due(models["late-45"], today - dt.timedelta(days=45))
    set_due(models["late-200"], today - dt.timedelta(days=200))
    set_due(models["retired"], today - dt.timedelta(days=300))  # retired: never overdue
    return models


def listed(params: dict[str, str], today: dt.date) -> set[str]:
    return set(AIModelFilterSet(params, queryset=AIModel.objects.all(), today=today).qs.values_list("model_name", flat=True))


def test_every_figure_lists_exactly_its_models(inventory, today):
    portfolio = build_portfolio(AIModel.objects.all(), today=today)
    figures = [portfolio.overdue, portfolio.due_soon, portfolio.never_reviewed, portfolio.changed_since_review,
               *portfolio.by_tier, *portfolio.by_status, *portfolio.by_environment, *portfolio.by_vendor,
               *portfolio.overdue_by_age, *portfolio.high_risk_in_production]
    for figure in figures:
        if figure.params is not None:
            assert len(listed(figure.params, today)) == figure.count, figure


def test_the_counts(inventory, today):
    portfolio = build_portfolio(AIModel.objects.all(), today=today)
    assert (portfolio.total, portfolio.active) == (6, 5)
    assert portfolio.overdue.count == 3
    assert [figure.count for figure in portfolio.overdue_by_age] == [1, 1, 1]
    assert portfolio.changed_since_review.count == 1
    assert {figure.key: figure.count for figure in portfolio.by_vendor} == {"In-house": 4, "OpenAI": 2}
    assert [line.name for line in portfolio.reviews_needed][:3] == ["late-200", "late-45", "late-5"]
    assert [line.due_in_days for line in portfolio.reviews_needed][:3] == [-200, -45, -5]
    # A retired model still marked as production is listed: it is a finding in itself.
    assert {line.name for line in portfolio.high_risk_models} == {"current", "late-5", "retired", "changed"}


def test_the_compliance_rate_is_the_engines(inventory, today):
    portfolio = build_portfolio(AIModel.objects.all(), today=today)
    summary = evaluate(today=today).summary
    assert summarize(today=today) == summary
    assert portfolio.compliance == Summary(summary.evaluated, summary.passed, summary.failed)
    assert portfolio.compliance.compliance_rate == summary.compliance_rate
    assert portfolio.changed_since_review.count == summary.violations_by_rule["changed-since-review"]
    high = AIModel.objects.filter(risk_tier="high")
    in_high = evaluate(today=today, queryset=high).summary
    assert build_portfolio(high, today=today).compliance == Summary(in_high.evaluated, in_high.passed, in_high.failed)


def test_a_filtered_slice_has_a_tier_trend_or_none(inventory, today):
    assert build_portfolio(AIModel.objects.all(), today=today, filters={}).trend_scope == ""
    assert build_portfolio(AIModel.objects.all(), today=today, filters={"risk_tier": "high"}).trend_scope == "high"
    assert build_portfolio(AIModel.objects.all(), today=today, filters={"vendor": "OpenAI"}).trend_scope is None


def test_queries_do_not_grow_with_the_inventory(db, today):
    counts = []
    for size in (3, 30):
        while AIModel.objects.count() < size:
            make_model()
        with CaptureQueriesContext(connection) as queries:
            build_portfolio(AIModel.objects.all(), today=today).as_dict()
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 7


def _plan(sql: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A test table is too small for the planner to prefer an index, and its statistics vary
            # with the tests before: leave it index-only scans, which it takes when an index covers
            # the query (and a disabled plan otherwise).
            for plan in ("seqscan", "indexscan", "bitmapscan"):
                cursor.execute(f"SET LOCAL enable_{plan} = off")
            cursor.execute(f"EXPLAIN {sql}")
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return "\n".join(str(row) for row in cursor.fetchall())


def test_the_groupings_are_read_from_their_index_alone(inventory, today):
    """Counting the primary key instead of rows would make PostgreSQL read every row of the table."""
    with CaptureQueriesContext(connection) as queries:
        build_portfolio(AIModel.objects.all(), today=today)
    grouped = [query["sql"] for query in queries.captured_queries if "GROUP BY" in query["sql"]]

    assert len(grouped) == 1
    plan = _plan(grouped[0])
    if connection.vendor == "postgresql":
        assert "Index Only Scan using aimodel_dashboard_idx" in plan, plan
    else:
        assert "USING COVERING INDEX aimodel_dashboard_idx" in plan, plan


def test_spellings_that_differ_only_in_case_are_one_vendor(db, today):
    make_model(model_name="a", vendor="OpenAI")
    make_model(model_name="b", vendor="OpenAI")
    make_model(model_name="c", vendor="openai", business_line="Cards")
    make_model(model_name="d", vendor="FICO", business_line="cards")
    portfolio = build_portfolio(AIModel.objects.all(), today=today)
    assert [(figure.label, figure.count) for figure in portfolio.by_vendor] == [("OpenAI", 3), ("FICO", 1)]
    assert portfolio.vendor_count == 2
    for figure in portfolio.by_vendor + portfolio.by_business_line:
        if figure.params:
            assert len(listed(figure.params, today)) == figure.count


def test_the_risk_reports_vendor_table_is_the_charts_vendors(db, today):
    make_model(model_name="a", vendor="OpenAI", risk_tier="critical")
    make_model(model_name="b", vendor="OpenAI", risk_tier="high", deployment_environment="dev")
    make_model(model_name="c", vendor="openai", risk_tier="low")
    make_model(model_name="d", vendor="FICO", risk_tier="high")
    portfolio = build_portfolio(AIModel.objects.all(), today=today)

    assert portfolio.vendors == [VendorLine("OpenAI", 3, 1, 1, 2), VendorLine("FICO", 1, 0, 1, 1)]
    report = build_report("risk", filters={}, today=today, now=dt.datetime.now(dt.UTC), generated_by="tests")
    chart = next(chart for chart in report.charts if chart.key == "vendors")
    table = next(table for table in report.tables if table.key == "vendors")
    assert [row[:2] for row in table.rows] == chart.bars == [("OpenAI", 3), ("FICO", 1)]
    assert table.rows[0] == ("OpenAI", 3, 75.0, 1, 1, 2)
