"""The three reports (compliance, inventory, risk), each built once as plain data.

A Report holds its metadata, the figures of its summary, charts, tables and a JSON body; the
renderers (terminal, CSV, JSON, OSCAL, PDF) only lay that data out, so every format of a report
says the same thing. Numbers come from the compliance engine and the portfolio (reports.portfolio),
the same services as the dashboard and ``mltrack validate``.

The data's SHA-256 (``Report.data_sha256``) covers everything except when and by whom the report
was generated, so two reports of the same data have the same digest, printed on the PDF's cover
and in every other format's metadata.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import orjson
from django.conf import settings
from django.db.models import QuerySet

from common.db import read_snapshot
from compliance.engine import evaluate
from compliance.rules import RULESET, Severity
from inventory.models import AIModel, Environment
from reports.evidence import Scope, read_evidence
from reports.portfolio import HIGH_RISK_TIERS, Portfolio, build_portfolio, share
from reviews.services import chain_head

KINDS = ("compliance", "inventory", "risk")
TITLES = {
    "compliance": "Model compliance report",
    "inventory": "Model inventory report",
    "risk": "Model risk report",
}
# The inventory filters a report accepts (the inventory list's, as in ``mltrack list``).
FILTER_PARAMS = ("risk_tier", "vendor", "deployment_environment", "status", "business_line", "q")

Cell = str | int | float | None


@dataclass(frozen=True)
class Metadata:
    kind: str
    title: str
    institution: str
    generated_at: dt.datetime
    generated_by: str
    as_of: dt.date
    filters: dict[str, str]
    ruleset_version: str
    ruleset_hash: str
    model_count: int
    chain_head_sequence: int
    chain_head_hash: str

    def identity(self) -> dict[str, Any]:
        """What the data's digest covers: everything but when and by whom it was generated."""
        return {
            "kind": self.kind,
            "as_of": self.as_of.isoformat(),
            "filters": dict(sorted(self.filters.items())),
            "ruleset": {"version": self.ruleset_version, "hash": self.ruleset_hash},
            "model_count": self.model_count,
            "audit_chain_head": {"sequence": self.chain_head_sequence, "chain_hash": self.chain_head_hash},
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "report": self.kind,
            "title": self.title,
            "institution": self.institution,
            "generated_at": self.generated_at.isoformat(timespec="seconds"),
            "generated_by": self.generated_by,
            **{key: value for key, value in self.identity().items() if key != "kind"},
        }


@dataclass(frozen=True)
class Column:
    key: str
    label: str


@dataclass
class Table:
    key: str
    title: str
    columns: tuple[Column, ...]
    rows: list[tuple[Cell, ...]]


@dataclass
class Chart:
    """A bar chart: (label, value) pairs, largest meaning most."""

    key: str
    title: str
    bars: list[tuple[str, int]]


@dataclass
class Report:
    metadata: Metadata
    # The summary: (label, value) pairs, in reading order.
    highlights: list[tuple[str, Cell]]
    charts: list[Chart]
    # Every table; ``tables[0]`` is the report's main table and what its CSV holds.
    tables: list[Table]
    # The JSON body (kind-specific; see docs/reports.md), without the metadata.
    body: dict[str, Any] = field(default_factory=dict)
    # Each model's row, applicable rules, failures and latest review record, for the formats that
    # cite evidence (OSCAL); read only when asked for (build_report(evidence=True)).
    evidence: Scope | None = None

    @cached_property
    def data_sha256(self) -> str:
        document = {"metadata": self.metadata.identity(), "body": self.body}
        return hashlib.sha256(canonical_bytes(document)).hexdigest()

    def as_dict(self) -> dict[str, Any]:
        return {"metadata": {**self.metadata.as_dict(), "data_sha256": self.data_sha256}, **self.body}


# What may be a whole-number float as orjson writes it (50.0, or 1e+16 in exponent form), where it
# ends a value. The same bytes inside a string ("v1.0,") only send the document down the slower,
# exact path.
_WHOLE_FLOAT = re.compile(rb"[0-9](?:\.0|e\+[0-9]+)(?=[,}\]])")


def canonical_bytes(document: Any) -> bytes:
    """Keys sorted, no spaces, UTF-8; a whole-number float as an integer (50.0 as 50), as jq
    writes it, so that the digest can be recomputed with jq (docs/reports.md).

    Most documents hold no whole-number float, and walking a report of 100,000 models to rewrite
    them costs more than serialising it; so the document is serialised as it is, and walked only
    when the bytes show something that may be one."""
    encoded = orjson.dumps(document, option=orjson.OPT_SORT_KEYS, default=_plain)
    if _WHOLE_FLOAT.search(encoded) is None:
        return encoded
    return orjson.dumps(_whole_floats_as_ints(document), option=orjson.OPT_SORT_KEYS, default=_plain)


def _whole_floats_as_ints(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _whole_floats_as_ints(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_whole_floats_as_ints(item) for item in value]
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON data")


class BadReportRequest(ValueError):
    """An unknown report kind or a filter value the inventory list would refuse (the message
    names it, for the person who asked)."""


def clean_filters(params: dict[str, str]) -> dict[str, str]:
    """The report filters among ``params``, blanks dropped, in a fixed order."""
    return {key: params[key].strip() for key in FILTER_PARAMS if (params.get(key) or "").strip()}


def filtered_models(filters: dict[str, str], *, today: dt.date) -> QuerySet[AIModel]:
    """The inventory narrowed by report filters, through the inventory list's own filter set."""
    from inventory.filters import AIModelFilterSet

    filterset = AIModelFilterSet(filters, queryset=AIModel.objects.all(), today=today)
    if not filterset.is_valid():
        errors = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in filterset.errors.items())
        raise BadReportRequest(f"Bad report filter: {errors}")
    return filterset.qs.order_by("model_name", "pk")


def _metadata(kind: str, *, filters: dict[str, str], today: dt.date, now: dt.datetime, generated_by: str,
              model_count: int) -> Metadata:
    sequence, head_hash = chain_head()
    return Metadata(
        kind=kind, title=TITLES[kind], institution=settings.MLTRACK_INSTITUTION_NAME, generated_at=now,
        generated_by=generated_by, as_of=today, filters=filters, ruleset_version=RULESET.version,
        ruleset_hash=RULESET.content_hash, model_count=model_count, chain_head_sequence=sequence,
        chain_head_hash=head_hash,
    )


def build_report(kind: str, *, filters: dict[str, str], today: dt.date, now: dt.datetime, generated_by: str,
                 evidence: bool = False) -> Report:
    """Build one report of the filtered inventory as of ``today``, and with ``evidence`` the
    evidence its OSCAL document cites. Raises BadReportRequest for a bad kind or filter (the
    caller names it to the user)."""
    if kind not in KINDS:
        raise BadReportRequest(f"Unknown report {kind!r}: choose compliance, inventory or risk.")
    filters = clean_filters(filters)
    return build_report_of(kind, filtered_models(filters, today=today), filters=filters, today=today, now=now,
                           generated_by=generated_by, evidence=evidence)


def build_report_of(kind: str, models: QuerySet[AIModel], *, filters: dict[str, str], today: dt.date,
                    now: dt.datetime, generated_by: str, evidence: bool = False) -> Report:
    """Build one report of ``models``, which ``filters`` (recorded in the metadata) selected.

    Everything is read in one snapshot of the database (common.db.read_snapshot), so the
    figures, tables, digest, chain head and evidence agree even while others edit the inventory;
    the renderers then only lay the data out."""
    builder = {"compliance": _compliance, "inventory": _inventory, "risk": _risk}[kind]
    with read_snapshot():
        report = builder(models, filters=filters, today=today, now=now, generated_by=generated_by)
        if evidence:
            report.evidence = read_evidence(models, today=today)
    return report


# -- compliance -------------------------------------------------------------------------------

COMPLIANCE_COLUMNS = (
    Column("model", "Model"), Column("risk_tier", "Risk tier"), Column("status", "Status"),
    Column("result", "Result"), Column("rule", "Rule"), Column("severity", "Severity"),
    Column("message", "Message"), Column("control", "Control"), Column("sr26_2", "SR 26-2"),
    Column("sr11_7", "SR 11-7 (legacy)"), Column("nist_ai_rmf", "NIST AI RMF"), Column("iso42001", "ISO/IEC 42001"),
)


def _compliance(models: QuerySet[AIModel], *, filters, today, now, generated_by) -> Report:
    evaluation = evaluate(today=today, queryset=models.order_by(), every_result=True)
    summary = evaluation.summary
    results = evaluation.as_dict()["models"]
    rows: list[tuple[Cell, ...]] = []
    for result in results:
        if not result["violations"]:
            rows.append((result["model"], result["risk_tier"], result["status"], result["result"],
                         None, None, None, None, None, None, None, None))
        for violation in result["violations"]:
            citations = violation["citations"]
            rows.append((
                result["model"], result["risk_tier"], result["status"], result["result"], violation["rule"],
                violation["severity"], violation["message"], citations["control"], citations["sr26_2"],
                citations["sr11_7"], "; ".join(citations["nist_ai_rmf"]), "; ".join(citations["iso42001"]),
            ))
    by_rule = summary.violations_by_rule
    rules = sorted(RULESET.rules, key=lambda rule: Severity.ORDER.index(rule.severity))
    rule_rows = [(rule.id, rule.title, rule.severity, by_rule.get(rule.id, 0), rule.citations.control) for rule in rules]
    return Report(
        metadata=_metadata("compliance", filters=filters, today=today, now=now, generated_by=generated_by,
                           model_count=summary.evaluated),
        highlights=[
            ("Models evaluated", summary.evaluated),
            ("Passed", summary.passed),
            ("Failed", summary.failed),
            ("Compliance rate", "n/a" if summary.compliance_rate is None else f"{summary.compliance_rate:.1f}%"),
            ("Ruleset", f"{RULESET.version} ({RULESET.content_hash[:12]}…)"),
        ],
        charts=[
            Chart("result", "Result", [("Passed", summary.passed), ("Failed", summary.failed)]),
            Chart("violations", "Violations by rule", [(rule.title, by_rule.get(rule.id, 0)) for rule in rules]),
        ],
        tables=[
            Table("results", "Results by model", COMPLIANCE_COLUMNS, rows),
            Table("rules", "Violations by rule", (
                Column("rule", "Rule"), Column("title", "Title"), Column("severity", "Severity"),
                Column("models", "Models"), Column("control", "Control"),
            ), rule_rows),
        ],
        body={
            "summary": summary.as_dict(),
            "rules": [rule.describe() for rule in RULESET.rules],
            "models": results,
        },
    )


# -- inventory --------------------------------------------------------------------------------

# Every stored field of a model, in the order of the export.
INVENTORY_COLUMNS = (
    Column("model_name", "Model name"), Column("vendor", "Vendor"), Column("risk_tier", "Risk tier"),
    Column("use_case", "Use case"), Column("business_owner", "Business owner"),
    Column("technical_owner", "Technical owner"), Column("deployment_date", "Deployment date"),
    Column("model_version", "Version"), Column("deployment_environment", "Environment"),
    Column("api_endpoint", "API endpoint"), Column("data_classification", "Data classification"),
    Column("status", "Status"), Column("model_type", "Model type"), Column("business_line", "Business line"),
    Column("owner", "Owner account"), Column("last_review_date", "Last review"),
    Column("next_review_date", "Next review"), Column("review_policy_version", "Review policy version"),
    Column("latest_outcome_on", "Latest review record"), Column("latest_outcome", "Latest outcome"),
    Column("state_hash", "State SHA-256"), Column("status_changed_on", "Status since"),
    Column("notes", "Notes"), Column("created_at", "Added"), Column("updated_at", "Updated"),
    Column("registry_name", "Registry"), Column("registered_name", "Registered model"),
    Column("registered_version", "Registry version"), Column("registry_stage", "Registry stage"),
    Column("registry_run_id", "Registry run id"), Column("registry_digest", "Artifact digest"),
)
_INVENTORY_VALUES = tuple(
    {"owner": "owner__username", "review_policy_version": "review_policy__version"}.get(column.key, column.key)
    for column in INVENTORY_COLUMNS
)


def _cell(value: Any) -> Cell:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _inventory(models: QuerySet[AIModel], *, filters, today, now, generated_by) -> Report:
    rows = [tuple(_cell(value) for value in row) for row in models.values_list(*_INVENTORY_VALUES).iterator(chunk_size=5000)]
    keys = [column.key for column in INVENTORY_COLUMNS]
    portfolio = build_portfolio(models, today=today, filters=filters)
    return Report(
        metadata=_metadata("inventory", filters=filters, today=today, now=now, generated_by=generated_by,
                           model_count=len(rows)),
        highlights=_portfolio_highlights(portfolio),
        charts=[_chart("tiers", "Models by risk tier", portfolio.by_tier),
                _chart("environments", "Models by environment", portfolio.by_environment)],
        tables=[Table("models", "Models", INVENTORY_COLUMNS, rows)],
        body={"models": [dict(zip(keys, row)) for row in rows]},
    )


# -- risk -------------------------------------------------------------------------------------

def _chart(key: str, title: str, figures) -> Chart:
    return Chart(key, title, [(figure.label, figure.count) for figure in figures])


def _portfolio_highlights(portfolio: Portfolio) -> list[tuple[str, Cell]]:
    rate = portfolio.compliance.compliance_rate
    return [
        ("Models", portfolio.total),
        ("Active", portfolio.active),
        ("Compliance rate", "n/a" if rate is None else f"{rate:.1f}%"),
        ("Overdue reviews", portfolio.overdue.count),
        ("Due in 30 days", portfolio.due_soon.count),
        ("High risk in production", portfolio.high_risk_in_production_count),
        ("Changed since last review", portfolio.changed_since_review.count),
    ]


def _vendor_concentration(portfolio: Portfolio) -> list[tuple[Cell, ...]]:
    """Per vendor: models, share, critical, high, in production (the vendors of the chart)."""
    return [
        (line.vendor, line.models, share(line.models, portfolio.total),
         line.critical, line.high, line.in_production)
        for line in portfolio.vendors
    ]


def _model_rows(models: QuerySet[AIModel], today: dt.date) -> list[tuple[Cell, ...]]:
    rows = models.values_list(
        "model_name", "vendor", "risk_tier", "deployment_environment", "status", "next_review_date",
        "latest_outcome_on",
    ).iterator(chunk_size=5000)
    return [
        (name, vendor, tier, env, status, due.isoformat(), (due - today).days,
         latest.isoformat() if latest else None)
        for name, vendor, tier, env, status, due, latest in rows
    ]


MODEL_LIST_COLUMNS = (
    Column("model", "Model"), Column("vendor", "Vendor"), Column("risk_tier", "Risk tier"),
    Column("environment", "Environment"), Column("status", "Status"), Column("next_review_date", "Next review"),
    Column("due_in_days", "Due in (days)"), Column("latest_outcome_on", "Latest review"),
)
FIGURE_COLUMNS = (Column("section", "Section"), Column("item", "Item"), Column("models", "Models"),
                  Column("share_percent", "Share (%)"))


def _risk(models: QuerySet[AIModel], *, filters, today, now, generated_by) -> Report:
    portfolio = build_portfolio(models, today=today, filters=filters)
    total = portfolio.total
    sections = [
        ("Risk tier", portfolio.by_tier), ("Status", portfolio.by_status),
        ("Environment", portfolio.by_environment), ("Business line", portfolio.by_business_line),
        ("Overdue by age", portfolio.overdue_by_age), ("High risk in production", portfolio.high_risk_in_production),
    ]
    figure_rows = [(section, figure.label, figure.count, figure.share_of(total)) for section, figures in sections
                   for figure in figures]
    vendors = _vendor_concentration(portfolio)
    high_risk = _model_rows(
        models.filter(risk_tier__in=HIGH_RISK_TIERS, deployment_environment=Environment.PROD)
        .order_by("risk_tier", "model_name"), today)
    changed = _model_rows(models.changed_since_review().order_by("model_name"), today)
    vendor_columns = (Column("vendor", "Vendor"), Column("models", "Models"), Column("share_percent", "Share (%)"),
                      Column("critical", "Critical"), Column("high", "High"), Column("production", "In production"))
    return Report(
        metadata=_metadata("risk", filters=filters, today=today, now=now, generated_by=generated_by, model_count=total),
        highlights=_portfolio_highlights(portfolio),
        charts=[
            _chart("tiers", "Models by risk tier", portfolio.by_tier),
            _chart("vendors", "Vendor concentration", portfolio.by_vendor),
            _chart("environments", "Models by environment", portfolio.by_environment),
            _chart("overdue", "Overdue reviews by age", portfolio.overdue_by_age),
        ],
        tables=[
            Table("figures", "Distribution", FIGURE_COLUMNS, figure_rows),
            Table("vendors", "Vendor concentration", vendor_columns, vendors),
            Table("high_risk_in_production", "High-risk models in production", MODEL_LIST_COLUMNS, high_risk),
            Table("changed_since_review", "Models changed since their last review", MODEL_LIST_COLUMNS, changed),
        ],
        body={
            "summary": {
                "total": total, "active": portfolio.active, "compliance": portfolio.compliance.as_dict(),
                "overdue": portfolio.overdue.count, "due_in_30_days": portfolio.due_soon.count,
                "never_reviewed": portfolio.never_reviewed.count,
                "changed_since_review": portfolio.changed_since_review.count,
            },
            "distribution": [dict(zip((c.key for c in FIGURE_COLUMNS), row)) for row in figure_rows],
            "vendors": [dict(zip((c.key for c in vendor_columns), row)) for row in vendors],
            "high_risk_in_production": [dict(zip((c.key for c in MODEL_LIST_COLUMNS), row)) for row in high_risk],
            "changed_since_review": [dict(zip((c.key for c in MODEL_LIST_COLUMNS), row)) for row in changed],
        },
    )
