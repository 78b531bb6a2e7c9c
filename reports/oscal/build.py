"""A report as an OSCAL 1.1.2 Assessment Results document (a dict; reports.oscal renders it).

One result per document: the compliance of the report's models as of its date, whatever the
report's kind (compliance, inventory or risk). Models are components and inventory items; each
(model, requirement that applies to it) pair has one observation and one finding; each failure is
an open risk whose deadline is the model's next review date; review records are back-matter
evidence with their SHA-256 chain hashes, and their reviewers are parties. The mapping is
docs/oscal.md.

Everything is in a fixed order (models by name then id, rules in ruleset order, reviews newest
first), and every UUID is stable (reports.oscal.ids), so the same data gives the same document.
"""

from __future__ import annotations

from typing import Any

from compliance.rules import RULESET
from reports.data import Report
from reports.evidence import ModelRow, Scope
from reports.oscal import backmatter, parts
from reports.oscal.ids import (
    OSCAL_VERSION,
    day_start,
    instant,
    institution_uuid,
    prop,
    props,
    reviewer_uuid,
    single_line,
    stable_uuid,
)

RESULT_TITLES = {
    "compliance": "Compliance of the models in the compliance report",
    "inventory": "Compliance of the models in the inventory report",
    "risk": "Compliance of the models in the risk report",
}
# The risk report's portfolio figures (its JSON body's summary), as result properties.
PORTFOLIO_FIGURES = ("total", "active", "overdue", "due_in_30_days", "never_reviewed", "changed_since_review")


# The arrays that hold one model's elements, in the order they appear in the document. Each
# model's elements refer only to each other and to the document's shared parts (metadata parties
# and roles, the platform, the reviewed objectives, the rule and ruleset resources), which is what
# lets reports.oscal.stream validate and write a document a few models at a time.
ELEMENT_ARRAYS = ("components", "inventory-items", "observations", "risks", "findings", "resources")
Elements = dict[str, list[Any]]


def build_document(report: Report, scope: Scope) -> dict[str, Any]:
    """The whole document: the shared parts with every model's elements."""
    return assemble(report, scope, model_elements(report, scope, scope.models))


def document_uuid(report: Report) -> str:
    return stable_uuid("assessment-results", report.data_sha256)


def model_elements(report: Report, scope: Scope, models: list[ModelRow]) -> Elements:
    """The elements of ``models`` (components, inventory items, observations, risks, findings and
    their latest review records as back-matter resources), by array, in document order."""
    day = report.metadata.as_of.isoformat()
    collected = day_start(report.metadata.as_of)
    elements: Elements = {name: [] for name in ELEMENT_ARRAYS}
    components, items, observations = elements["components"], elements["inventory-items"], elements["observations"]
    risks, findings, reviews = elements["risks"], elements["findings"], elements["resources"]
    for model in models:
        subject = parts.Subject(model, scope.latest_review.get(model.pk))
        components.append(parts.component(subject))
        items.append(parts.inventory_item(subject))
        if subject.latest is not None:
            reviews.append(backmatter.review_resource(subject.latest))
        failures = scope.failures.get(model.pk, {})
        for rule in scope.rules_for(model):
            observation, finding, risk = parts.check(
                subject, rule, as_of=day, collected=collected, message=failures.get(rule.id)
            )
            observations.append(observation)
            findings.append(finding)
            if risk is not None:
                risks.append(risk)
    return elements


def assemble(report: Report, scope: Scope, elements: Elements) -> dict[str, Any]:
    """The document's shared parts around ``elements`` (some or all of the models'); an array
    with no elements is left out, as OSCAL has no empty arrays."""
    metadata = report.metadata
    digest = report.data_sha256
    as_of = day_start(metadata.as_of)
    reviewers = sorted({review.reviewer for review in scope.reviews})
    plan = backmatter.assessment_plan_resource(report, digest=digest, as_of=as_of)
    resources = [plan, backmatter.ruleset_resource(), *backmatter.rule_resources(), *elements["resources"]]
    return {
        "assessment-results": {
            "uuid": document_uuid(report),
            "metadata": _metadata(report, digest=digest, reviewers=reviewers),
            "import-ap": {
                "href": f"#{plan['uuid']}",
                "remarks": "The assessment plan is embedded as a back-matter resource (base64 OSCAL JSON).",
            },
            "results": [_result(report, scope, elements, digest=digest, as_of=as_of)],
            "back-matter": {"resources": resources},
        }
    }


def _metadata(report: Report, *, digest: str, reviewers: list[str]) -> dict[str, Any]:
    metadata = report.metadata
    institution = institution_uuid(metadata.institution)
    responsible = [{"role-id": "prepared-for", "party-uuids": [institution]}]
    if reviewers:
        responsible.append({"role-id": "model-reviewer", "party-uuids": [reviewer_uuid(name) for name in reviewers]})
    filters = [
        prop(f"filter-{key.replace('_', '-')}", value, cls="filter") for key, value in sorted(metadata.filters.items())
    ]
    as_of = metadata.as_of.isoformat()
    return {
        "title": f"{metadata.title} of {metadata.institution} as of {as_of}: OSCAL assessment results",
        "last-modified": instant(metadata.generated_at),
        "version": f"{as_of}-{digest[:12]}",
        "oscal-version": OSCAL_VERSION,
        "props": props(
            prop("report-kind", metadata.kind),
            prop("as-of", metadata.as_of),
            prop("data-sha256", digest),
            prop("ruleset-version", metadata.ruleset_version),
            prop("ruleset-sha256", metadata.ruleset_hash),
            prop("model-count", metadata.model_count),
            prop("audit-chain-head-sequence", metadata.chain_head_sequence),
            prop("audit-chain-head-sha256", metadata.chain_head_hash),
            *filters,
        ),
        "roles": [
            {"id": "prepared-for", "title": "Prepared for"},
            {"id": "model-reviewer", "title": "Model reviewer",
             "remarks": "Performed a review of a model that this document cites as evidence."},
        ],
        "parties": [
            {"uuid": institution, "type": "organization", "name": single_line(metadata.institution)},
            *({"uuid": reviewer_uuid(name), "type": "person", "name": single_line(name)} for name in reviewers),
        ],
        "responsible-parties": responsible,
        "remarks": (
            f"Exported by MLTrack from its {metadata.kind} report (report data SHA-256 {digest}). "
            "Only last-modified depends on when the export was made; everything else follows from the data."
        ),
    }


def _result(report: Report, scope: Scope, elements: Elements, *, digest: str, as_of: str) -> dict[str, Any]:
    metadata = report.metadata
    summary = scope.summary
    local: dict[str, Any] = {}
    if elements["components"]:
        local["components"] = elements["components"]
        local["inventory-items"] = elements["inventory-items"]
    local["assessment-assets"] = {"assessment-platforms": [parts.platform()]}
    result: dict[str, Any] = {
        "uuid": stable_uuid("result", digest),
        "title": f"{RESULT_TITLES[metadata.kind]} as of {metadata.as_of.isoformat()}",
        "description": (
            f"{len(scope.models)} model(s) in the {metadata.kind} report's scope; {summary.evaluated} evaluated "
            f"against MLTrack ruleset {RULESET.version}: {summary.passed} passed, {summary.failed} failed. Each model "
            "is a component and an inventory item; each requirement that applies to a model has one observation and "
            "one finding; each failure is an open risk."
        ),
        "start": as_of,
        "props": _result_props(report, scope),
        "local-definitions": local,
        "reviewed-controls": parts.reviewed_controls(),
    }
    for key in ("observations", "risks", "findings"):
        if elements[key]:
            result[key] = elements[key]
    result["remarks"] = (
        f"Results as of {metadata.as_of.isoformat()} (start is 00:00 of that day in the site's time zone). "
        "Retired models (decommissioned and out of production) are listed but not evaluated."
    )
    return result


def _result_props(report: Report, scope: Scope) -> list[dict[str, str]]:
    summary = scope.summary
    figures = [
        prop("models-in-scope", len(scope.models)),
        prop("models-evaluated", summary.evaluated),
        prop("models-passed", summary.passed),
        prop("models-failed", summary.failed),
        prop("compliance-rate-percent", summary.compliance_rate),
        *(prop(f"violations-{rule_id}", count, cls="violations-by-rule")
          for rule_id, count in summary.violations_by_rule.items()),
    ]
    if report.metadata.kind == "risk":
        portfolio = report.body.get("summary", {})
        figures += [
            prop(f"portfolio-{name.replace('_', '-')}", portfolio.get(name), cls="portfolio")
            for name in PORTFOLIO_FIGURES
        ]
    return props(*figures)

