"""The sections of an exam package, each written from the package's data (packages/content.py).

A section is a title, what the framework asks for, and blocks: paragraphs, tables and figures.
Where MLTrack holds no records of what a section asks for, it says so plainly ("No monitoring
records are held in MLTrack"), so that an examiner sees the gap instead of an empty heading.
The same sections become the PDF and ``package.json``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from compliance.rules import RULESET, Severity
from inventory.models import DataClassification, Environment, ModelType, RiskTier, Status
from packages.controls import CONTROLS
from packages.frameworks import Framework, Section
from reports.evidence import ModelRow

GENAI_TYPES = (ModelType.GENERATIVE_AI, ModelType.AGENTIC_AI)
AI_600_1_RISKS = (
    "CBRN information or capabilities", "Confabulation", "Dangerous, violent or hateful content", "Data privacy",
    "Environmental impacts", "Harmful bias and homogenization", "Human-AI configuration", "Information integrity",
    "Information security", "Intellectual property", "Obscene, degrading or abusive content",
    "Value chain and component integration",
)
# What MLTrack does not hold, by the gap fillers' names, in the words a section prints.
GAPS = {
    "board-oversight": "No board or committee reports, minutes or risk-appetite metrics are held in MLTrack.",
    "development": "No development documentation, data lineage, assumptions or developer test records are held in "
                   "MLTrack. The inventory records each model's use case, version and owners (see the inventory).",
    "effective-challenge": "No records of reviewers' challenges and developers' responses are held in MLTrack beyond "
                           "the review records' notes (see validation).",
    "limitations": "No limitations register, overlays or conditional approvals are held in MLTrack.",
    "internal-audit": "No internal-audit reports or external validation engagements are held in MLTrack.",
}


@dataclass
class Block:
    kind: str  # "text", "gap", "figures" or "table"
    text: str = ""
    title: str = ""
    columns: tuple[str, ...] = ()
    rows: list[tuple[Any, ...]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind}
        if self.text:
            data["text"] = self.text
        if self.title:
            data["title"] = self.title
        if self.kind in ("figures", "table"):
            data["columns"] = list(self.columns)
            data["rows"] = [list(row) for row in self.rows]
        return data


def text(value: str) -> Block:
    return Block("text", text=value)


def gap(value: str) -> Block:
    return Block("gap", text=value)


def table(title: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]], *, empty: str) -> Block:
    return Block("table", title=title, columns=columns, rows=rows) if rows else gap(empty)


def figures(title: str, pairs: list[tuple[str, Any]]) -> Block:
    return Block("figures", title=title, columns=("Figure", "Value"), rows=pairs)


@dataclass
class Written:
    title: str
    asks: str
    blocks: list[Block]

    def as_dict(self) -> dict[str, Any]:
        return {"title": self.title, "asks": self.asks, "blocks": [block.as_dict() for block in self.blocks]}


class Facts:
    """The package's data as the sections read it (worked out once)."""

    def __init__(self, data, evidence_files: list[tuple[str, str, int]]) -> None:
        self.data = data
        self.framework: Framework = data.framework
        self.as_of: dt.date = data.as_of
        evidence = data.compliance.evidence
        self.models: list[ModelRow] = evidence.models
        self.failures: dict[int, dict[str, str]] = evidence.failures
        self.summary = data.compliance.body["summary"]
        self.results = data.compliance.body["models"]
        self.evidence_files = evidence_files
        self.latest = evidence.latest_review
        self.in_use = [m for m in self.models if m.status != Status.DECOMMISSIONED]

    def overdue(self) -> list[ModelRow]:
        return sorted((m for m in self.in_use if m.next_review_date < self.as_of), key=lambda m: m.next_review_date)

    def issues(self) -> list[tuple[str, str, str, str, str, str]]:
        """(model, tier, rule, severity, message, deadline), most severe first."""
        by_pk = {m.pk: m for m in self.models}
        rows = []
        for pk, failed in self.failures.items():
            model = by_pk[pk]
            for rule_id, message in failed.items():
                rule = RULESET.get(rule_id)
                rows.append((model.model_name, label(model.risk_tier), rule_id, rule.severity, message,
                             model.next_review_date.isoformat()))
        return sorted(rows, key=lambda row: (Severity.ORDER.index(row[3]), row[0], row[2]))

    def control_status(self, control_id: str) -> tuple[str, str]:
        """(status, evidence) of one internal control over the scope."""
        rules = [rule for rule in RULESET.rules if rule.citations.control == control_id]
        if not rules:
            return "Not assessed in MLTrack", "No records held in MLTrack"
        failing = sum(1 for failed in self.failures.values() if any(rule.id in failed for rule in rules))
        evidence = "data/compliance.csv; oscal/assessment-results.json (objectives " + ", ".join(
            f"{rule.id}_obj" for rule in rules) + ")"
        if failing:
            return f"Not effective: {failing} model(s) fail", evidence
        return "Effective: no model in scope fails", evidence


LABELS = {value: label for choices in (RiskTier, Status, ModelType, Environment, DataClassification)
          for value, label in choices.choices}


def label(value: str) -> str:
    """A coded value as the console shows it (prod as Production); "—" for none."""
    return LABELS.get(value, value) if value else "—"


def _counts(values, order) -> list[tuple[str, int]]:
    counter = Counter(values)
    named = [key for key in order if counter[key]] + sorted((key for key in counter if key not in order), key=str)
    return [(label(key) if key else "not recorded", counter[key]) for key in named]


# -- fillers ----------------------------------------------------------------------------------

def _summary(facts: Facts) -> list[Block]:
    summary, models = facts.summary, facts.models
    overdue = facts.overdue()
    current = len(facts.in_use) - len(overdue)
    issues = facts.issues()
    rate = summary["compliance_rate"]
    by_severity = Counter(row[3] for row in issues)
    return [
        text(f"{len(models)} model(s) in scope as of {facts.as_of.isoformat()}; {summary['evaluated']} evaluated "
             f"against MLTrack's ruleset {RULESET.version}: {summary['passed']} pass, {summary['failed']} fail"
             f" ({'no rate' if rate is None else f'{rate:.1f}% compliant'})."),
        figures("Models by risk tier", _counts([m.risk_tier for m in models], RiskTier.values)),
        figures("Models by status", _counts([m.status for m in models], Status.values)),
        figures("Models by type", _counts([m.model_type for m in models], ModelType.values)),
        figures("Validation currency", [
            ("Models in use", len(facts.in_use)),
            ("Review current", current),
            ("Review overdue", len(overdue)),
            ("Current (%)", round(100 * current / len(facts.in_use), 1) if facts.in_use else "n/a"),
            ("Vendor models", sum(1 for m in models if m.external_service)),
            ("Generative or agentic AI", sum(1 for m in models if m.model_type in GENAI_TYPES)),
        ]),
        figures("Open issues by severity", [(level, by_severity[level]) for level in Severity.ORDER]),
    ]


def _scope(facts: Facts) -> list[Block]:
    data, framework = facts.data, facts.framework
    statement = f"{framework.citation}."
    if framework.legacy:
        statement += f" {framework.statement}"
    return [
        text(f"Scope: {data.scope.describe()} ({facts.data.model_count} model(s)), as of {facts.as_of.isoformat()}."),
        text(statement),
        text(f"Method: every model in use (and every decommissioned model still in production) was evaluated by "
             f"MLTrack's compliance engine against ruleset {RULESET.version} (SHA-256 "
             f"{RULESET.content_hash}); results are in compliance/ and oscal/. The review records of the models in "
             f"scope are in reviews/ with the chain segment that proves them unaltered and complete."),
        text(f"Generated {data.generated_at.isoformat(timespec='seconds')} by {data.generated_by}; the audit "
             f"trail's head was record {data.chain_head[0]} ({data.chain_head[1]})."),
    ]


def _inventory(facts: Facts) -> list[Block]:
    rows = [(m.model_name, label(m.risk_tier), label(m.status), label(m.model_type), m.vendor,
             label(m.deployment_environment), m.business_line or "—", m.business_owner or "—", m.technical_owner or "—")
            for m in facts.models]
    return [
        table("Models in scope", ("Model", "Tier", "Status", "Type", "Vendor", "Environment", "Business line",
                                  "Business owner", "Technical owner"), rows, empty="No models are in scope."),
        text("Review dates are in the validation section; every stored field is in data/inventory.csv and .json."),
    ]


def _model_definition(facts: Facts) -> list[Block]:
    genai = [m for m in facts.models if m.model_type in GENAI_TYPES]
    blocks = [figures("Register by model type", _counts([m.model_type for m in facts.models], ModelType.values)),
              gap("No register of tools assessed as non-models, or of the rationale for each determination, is "
                  "held in MLTrack.")]
    if facts.framework.id == "sr26-2" and genai:
        blocks.append(text(f"{len(genai)} generative or agentic AI system(s) are outside SR 26-2's scope and are "
                           "governed under NIST AI RMF and ISO/IEC 42001 (see those packages): "
                           + ", ".join(m.model_name for m in genai) + "."))
    return blocks


def _tiering(facts: Facts) -> list[Block]:
    policies = [(p["version"], p["effective_date"].isoformat(), p["critical_days"], p["high_days"], p["medium_days"],
                 p["low_days"], p["approval_reference"] or "—") for p in facts.data.policies]
    return [
        figures("Models by risk tier", _counts([m.risk_tier for m in facts.models], RiskTier.values)),
        table("Review cycle by tier (days), by policy version", ("Version", "Effective", "Critical", "High", "Medium",
                                                                 "Low", "Approval"), policies,
              empty="No review policy is recorded."),
        gap("No materiality assessment (exposure and purpose) is held in MLTrack: each model's tier is recorded "
            "with its history, not the assessment behind it."),
    ]


def _validation(facts: Facts) -> list[Block]:
    rows = []
    for m in facts.models:
        latest = facts.latest.get(m.pk)
        state = "overdue" if m.status != Status.DECOMMISSIONED and m.next_review_date < facts.as_of else "current"
        rows.append((m.model_name, label(m.risk_tier), latest.review_date.isoformat() if latest else "never",
                     latest.reviewer if latest else "—", latest.outcome if latest else "—",
                     m.next_review_date.isoformat(), state))
    records = facts.data.records_in_scope
    outcomes = Counter(record["outcome"] for record in records)
    return [
        table("Review schedule against the latest review", ("Model", "Tier", "Latest review", "Reviewer", "Outcome",
                                                            "Next due", "State"), rows,
              empty="No models are in scope."),
        figures("Review records in scope by outcome", sorted(outcomes.items()) or [("records", 0)]),
        text(f"{len(records)} review record(s) of models in scope are in reviews/records.json, each with its chain "
             "hash and signature."),
    ]


def _monitoring(facts: Facts) -> list[Block]:
    return [gap("No monitoring records (KPIs, thresholds, breaches, back-tests or benchmarks) are held in MLTrack. "
                "The periodic reviews under the review policy are the only recurring checks it records (see "
                "validation).")]


def _governance(facts: Facts) -> list[Block]:
    return [*_policy(facts), *_roles(facts), gap(GAPS["board-oversight"]), gap(GAPS["internal-audit"])]


def _policy(facts: Facts) -> list[Block]:
    rows = [(p["version"], p["effective_date"].isoformat(), p["approval_reference"] or "—", p["created_by"])
            for p in facts.data.policies]
    return [table("Review policy versions", ("Version", "Effective", "Approval reference", "Published by"), rows,
                  empty="No review policy is recorded.")]


def _roles(facts: Facts) -> list[Block]:
    users = facts.data.users_by_role
    return [
        figures("Active accounts by role", [(role.replace("-", " "), count) for role, count in users.items()]),
        text("Each model's business and technical owners are listed in the inventory section."),
        gap("No independence attestations of reviewers, and no RACI beyond model ownership and roles, are held in "
            "MLTrack."),
    ]


def _vendor(facts: Facts) -> list[Block]:
    vendors = [m for m in facts.models if m.external_service]
    rows = [(m.model_name, m.vendor, label(m.data_classification), label(m.risk_tier),
             "fails" if "sensitive-data-unreviewed-vendor" in facts.failures.get(m.pk, {}) else "meets")
            for m in vendors]
    return [
        figures("Models by vendor", _counts([m.vendor for m in facts.models], ())),
        table("Models called at a vendor's endpoint", ("Model", "Vendor", "Data", "Tier", "Vendor review rule"), rows,
              empty="No model in scope is called at an outside vendor's endpoint."),
        gap("No vendor due-diligence records or contingency plans are held in MLTrack."),
    ]


def _changes(facts: Facts) -> list[Block]:
    changed = [(m.model_name, label(m.risk_tier), m.state_hash[:16]) for m in facts.models
               if m.pk in facts.failures and "changed-since-review" in facts.failures[m.pk]]
    retired = [(m.model_name, label(m.status), m.status_changed_on.isoformat() if m.status_changed_on else "—")
               for m in facts.models if m.status != Status.ACTIVE]
    return [
        table("Models changed since their last review", ("Model", "Tier", "State SHA-256 (start)"), changed,
              empty="No model in scope has changed since its last review."),
        table("Deprecated and decommissioned models", ("Model", "Status", "Since"), retired,
              empty="No model in scope is deprecated or decommissioned."),
    ]


def _documentation(facts: Facts) -> list[Block]:
    incomplete = [(m.model_name, facts.failures[m.pk]["missing-required-fields"]) for m in facts.models
                  if "missing-required-fields" in facts.failures.get(m.pk, {})]
    complete = len(facts.models) - len(incomplete)
    uncarded = [(m.model_name, label(m.risk_tier), facts.failures[m.pk]["prod-without-current-card"])
                for m in facts.models if "prod-without-current-card" in facts.failures.get(m.pk, {})]
    return [
        figures("Required fields recorded", [("Models complete", complete), ("Models incomplete", len(incomplete))]),
        table("Models with required fields missing", ("Model", "Finding"), incomplete,
              empty="Every model in scope has its required fields recorded."),
        table("High and critical production models without a current model card", ("Model", "Tier", "Finding"),
              uncarded, empty="Every high and critical production model in scope has a current model card "
                              "(cards/model-cards.json)."),
    ]


def _issues(facts: Facts) -> list[Block]:
    return [table("Open issues", ("Model", "Tier", "Requirement", "Severity", "Finding", "Deadline"), facts.issues(),
                  empty="No open issues: every model in scope meets every requirement.")]


def _applicability(facts: Facts) -> list[Block]:
    return [
        text(f"{facts.data.model_count} model(s) are in scope; MLTrack applies review cycles by risk tier "
             "(see materiality and tiering)."),
        gap("No institution profile (total assets against the $30 billion reference, complexity, extent of model "
            "use) is held in MLTrack."),
    ]


def _risk_categories(facts: Facts) -> list[Block]:
    tier_1_2 = [m.model_name for m in facts.models if m.risk_tier in (RiskTier.CRITICAL, RiskTier.HIGH)]
    blocks = [gap("No mapping of models to banking risk categories (strategic, operational, reputation, compliance, "
                  "credit, liquidity, interest-rate, price) is held in MLTrack.")]
    if tier_1_2:
        blocks.append(text(f"Critical and high-tier models that need one ({len(tier_1_2)}): " + ", ".join(tier_1_2) + "."))
    return blocks


def _self_assessment(facts: Facts) -> list[Block]:
    summary = facts.summary
    return [
        figures("Quantity of risk", [
            ("Critical and high-tier models", sum(1 for m in facts.models if m.risk_tier in ("critical", "high"))),
            ("Models failing a requirement", summary["failed"]),
            ("Reviews overdue", len(facts.overdue())),
        ]),
        gap("No self-assessment of the quality of risk management (policies, processes, personnel, control "
            "systems) is held in MLTrack."),
    ]


def _genai(facts: Facts) -> list[Block]:
    systems = [m for m in facts.models if m.model_type in GENAI_TYPES]
    if not systems:
        return [gap("No generative or agentic AI system is in scope.")]
    return [
        table("Generative and agentic AI systems", ("System", "Type", "Tier", "Vendor"),
              [(m.model_name, label(m.model_type), label(m.risk_tier), m.vendor) for m in systems], empty=""),
        table("The profile's twelve risks", ("Risk (NIST AI 600-1 §2)", "Status"),
              [(f"2.{i} {risk}", "Not assessed in MLTrack") for i, risk in enumerate(AI_600_1_RISKS, 1)], empty=""),
        gap("No generative AI risk assessments or suggested-action records are held in MLTrack."),
    ]


def _scope_aims(facts: Facts) -> list[Block]:
    return [*_scope(facts)[:1], gap("No record of the management system's context, interested parties or the "
                                    "organisation's role (provider, producer, customer, user) is held in MLTrack.")]


def _matrix(facts: Facts) -> list[Block]:
    framework_id = facts.framework.id
    rows = []
    for control in CONTROLS:
        requirement = control.references(framework_id)
        if not requirement:
            continue
        status, evidence = facts.control_status(control.id)
        rows.append((requirement, f"{control.id}: {control.title}", status, evidence))
    return [table("Requirement, control, status and evidence", ("Requirement", "Control", "Status", "Evidence"), rows,
                  empty="")]


def _crosswalk(facts: Facts) -> list[Block]:
    rows = [(control.sr11_7, control.sr26_2, f"{control.id}: {control.title}") for control in CONTROLS if control.sr11_7]
    return [table("SR 11-7 / OCC 2011-12 requirement and its place in SR 26-2", ("Legacy requirement", "SR 26-2 topic",
                                                                              "Control"), rows, empty="")]


def _coverage_nist(facts: Facts) -> list[Block]:
    from packages.reference import NIST_AI_RMF_SUBCATEGORIES

    covering: dict[str, list[str]] = {}
    for control in CONTROLS:
        for item in control.nist_ai_rmf:
            covering.setdefault(item, []).append(control.id)
    rows = []
    for subcategory in NIST_AI_RMF_SUBCATEGORIES:
        controls = covering.get(subcategory, [])
        statuses = [facts.control_status(control)[0] for control in controls]
        assessed = [status for status in statuses if status != "Not assessed in MLTrack"]
        status = assessed[0] if len(assessed) == 1 else ("; ".join(assessed) if assessed else
                                                          "Not assessed in MLTrack" if controls else "No control mapped")
        rows.append((subcategory, ", ".join(controls) or "—", status))
    return [table("AI RMF subcategories", ("Subcategory", "Controls", "Status"), rows, empty="")]


def _soa_iso(facts: Facts) -> list[Block]:
    from packages.reference import ISO_42001_ANNEX_A

    covering: dict[str, list[str]] = {}
    for control in CONTROLS:
        for item in control.iso42001:
            covering.setdefault(item, []).append(control.id)
    rows = []
    for identifier, title in ISO_42001_ANNEX_A:
        controls = covering.get(identifier, [])
        statuses = [facts.control_status(control)[0] for control in controls]
        assessed = [status for status in statuses if status != "Not assessed in MLTrack"]
        rows.append((identifier, title, "Applicable" if controls else "Applicability not recorded",
                     "; ".join(assessed) or ("Not assessed in MLTrack" if controls else "—"),
                     ", ".join(controls) or "—"))
    return [table("Annex A controls", ("Control", "Title", "Applicable", "Status", "MLTrack controls"), rows, empty="")]


def _evidence(facts: Facts) -> list[Block]:
    rows = [(name, kind, digest) for name, kind, digest in facts.evidence_files]
    return [
        table("Files of this package", ("File", "Kind", "SHA-256"), rows, empty="No files."),
        text("manifest.json lists every file with its size and SHA-256 and is signed (manifest.sig); the PDF is "
             "not listed here because its own digest cannot be printed inside it: it is in the manifest."),
    ]


FILLERS: dict[str, Callable[[Facts], list[Block]]] = {
    "summary": _summary, "scope": _scope, "inventory": _inventory, "model_definition": _model_definition,
    "tiering": _tiering, "validation": _validation, "monitoring": _monitoring, "governance": _governance,
    "policy": _policy, "roles": _roles, "vendor": _vendor, "changes": _changes, "documentation": _documentation,
    "issues": _issues, "applicability": _applicability, "risk_categories": _risk_categories,
    "self_assessment": _self_assessment, "genai": _genai, "scope_aims": _scope_aims, "matrix": _matrix,
    "crosswalk": _crosswalk, "coverage_nist": _coverage_nist, "soa_iso": _soa_iso, "evidence": _evidence,
}


def write_section(section: Section, facts: Facts) -> Written:
    if section.fill.startswith("gap:"):
        blocks = [gap(GAPS[section.fill.removeprefix("gap:")])]
    else:
        blocks = FILLERS[section.fill](facts)
    return Written(section.title, section.asks, blocks)


def write_sections(facts: Facts) -> list[Written]:
    return [write_section(section, facts) for section in facts.framework.sections]

