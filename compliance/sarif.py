"""A compliance evaluation as a SARIF 2.1.0 log, so code-scanning tools can show its violations.

Pure functions from an evaluation to a dict (the caller writes the JSON). One run: the driver is
``mltrack`` with one reporting descriptor per compliance rule, one result per violation located
at the model by name (a logical location: models are not files), and one invocation saying
whether the evaluation ran. See docs/cli.md#sarif.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from compliance.engine import Evaluation, ModelResult
    from compliance.rules import Rule

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
TOOL_NAME = "mltrack"
# Severity -> SARIF level, and the 0.1-10 score code-scanning tools rank findings by.
LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "2.5"}
TAGS = ("compliance", "model-risk")
LOCATION_KIND = "module"
FINGERPRINT_KEY = "mltrackModelRule/v1"
CITATION_LABELS = (
    ("sr26_2", "SR 26-2"),
    ("sr11_7", "SR 11-7 (legacy)"),
    ("nist_ai_rmf", "NIST AI RMF"),
    ("iso42001", "ISO/IEC 42001"),
    ("control", "Control"),
)


def escape(text: str) -> str:
    """A SARIF message string: literal braces are doubled (single braces mark placeholders)."""
    return text.replace("{", "{{").replace("}", "}}")


def rule_name(rule_id: str) -> str:
    """``review-overdue`` -> ``ReviewOverdue``: SARIF's identifier-like rule name."""
    return "".join(part.capitalize() for part in rule_id.split("-"))


def citation_lines(rule: Rule) -> list[tuple[str, str]]:
    cited = rule.citations.as_dict()
    lines = []
    for key, label in CITATION_LABELS:
        value = cited[key]
        lines.append((label, ", ".join(value) if isinstance(value, list) else value))
    return lines


def reporting_descriptor(rule: Rule) -> dict[str, Any]:
    cited = citation_lines(rule)
    help_text = f"{rule.title}. Applies to {rule.applies_to}.\nCitations:\n" + "\n".join(
        f"- {label}: {value}" for label, value in cited
    )
    help_markdown = f"**{rule.title}.** Applies to {rule.applies_to}.\n\n**Citations**\n\n" + "\n".join(
        f"- {label}: {value}" for label, value in cited
    )
    return {
        "id": rule.id,
        "name": rule_name(rule.id),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": f"{rule.title} (severity {rule.severity}). Applies to {rule.applies_to}."},
        "help": {"text": help_text, "markdown": help_markdown},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {
            "tags": [*TAGS, rule.severity, rule.citations.control],
            "severity": rule.severity,
            "security-severity": SECURITY_SEVERITY[rule.severity],
            "citations": rule.citations.as_dict(),
        },
    }


def _fingerprint(model_name: str, rule_id: str) -> str:
    # Names are unique without regard to case, so the lower-cased name identifies the model.
    return hashlib.sha256(f"{model_name.lower()}\x00{rule_id}".encode()).hexdigest()


def _driver(evaluation: Evaluation | None, tool_version: str) -> dict[str, Any]:
    driver: dict[str, Any] = {"name": TOOL_NAME, "version": tool_version}
    if evaluation is not None:
        ruleset = evaluation.ruleset
        driver["rules"] = [reporting_descriptor(rule) for rule in ruleset.rules]
        driver["properties"] = {"ruleset": {"version": ruleset.version, "hash": ruleset.content_hash}}
    else:
        driver["rules"] = []
    return driver


def sarif_log(
    evaluation: Evaluation, failures: Iterable[ModelResult], *, tool_version: str, exit_code: int
) -> dict[str, Any]:
    """The SARIF log of ``evaluation``: a result for each violation of the failing models given
    (normally ``evaluation.failures``, most severe first)."""
    rules = evaluation.ruleset.rules
    index = {rule.id: i for i, rule in enumerate(rules)}
    results = []
    for model in failures:
        location = [{"logicalLocations": [{"name": model.model_name, "kind": LOCATION_KIND}]}]
        properties = {"riskTier": model.risk_tier, "status": model.status}
        for violation in model.violations:
            rule = violation.rule
            results.append({
                "ruleId": rule.id,
                "ruleIndex": index[rule.id],
                "level": LEVELS[rule.severity],
                "kind": "fail",
                "message": {"text": escape(violation.message)},
                "locations": location,
                "partialFingerprints": {FINGERPRINT_KEY: _fingerprint(model.model_name, rule.id)},
                "properties": properties,
            })
    run = {
        "tool": {"driver": _driver(evaluation, tool_version)},
        "invocations": [{"executionSuccessful": True, "exitCode": exit_code}],
        "results": results,
        "properties": {**evaluation.metadata(), "summary": evaluation.summary.as_dict()},
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def sarif_error_log(message: str, *, code: str, tool_version: str, exit_code: int) -> dict[str, Any]:
    """A SARIF log for a run that could not evaluate (an unknown model, a usage error): no results,
    and an invocation that did not succeed, with the reason as a notification."""
    invocation = {
        "executionSuccessful": False,
        "exitCode": exit_code,
        "toolExecutionNotifications": [
            {"level": "error", "message": {"text": escape(message)}, "descriptor": {"id": code}}
        ],
    }
    run = {"tool": {"driver": _driver(None, tool_version)}, "invocations": [invocation], "results": []}
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
