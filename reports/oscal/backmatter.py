"""The back matter of an OSCAL export: the embedded assessment plan, the ruleset and its rules
(the requirements), and review records as hashed evidence.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from compliance.rules import RULESET, Rule
from reports.data import Report
from reports.evidence import ReviewRow
from reports.oscal.ids import OSCAL_VERSION, prop, props, review_uuid, single_line, stable_uuid, token
from reports.oscal.parts import OUTCOMES, RULESET_UUID, objective_id, platform, reviewed_controls


def review_resource(review: ReviewRow) -> dict[str, Any]:
    outcome = OUTCOMES.get(review.outcome, review.outcome).lower()
    day = review.review_date.isoformat()
    result: dict[str, Any] = {
        "uuid": review_uuid(review),
        "title": f"Review record {review.sequence}: {review.model_name}, {day} ({outcome})",
        "description": (
            f"{single_line(review.reviewer)} reviewed {review.model_name} (model id {review.model_id}) on "
            f"{day}: {outcome}. The link is the record's id; its SHA-256 is the "
            "record's chain hash (docs/audit-trail.md)."
        ),
        "props": props(
            prop("type", "evidence", ns=None),
            prop("outcome", review.outcome),
            prop("reviewer", review.reviewer),
            prop("model-state-sha256", review.model_state_hash),
        ),
        "rlinks": [{
            "href": f"urn:uuid:{review.id}",
            "media-type": "application/json",
            "hashes": [{"algorithm": "SHA-256", "value": review.chain_hash}],
        }],
    }
    if review.notes.strip():
        result["remarks"] = review.notes.strip()
    return result


def ruleset_resource() -> dict[str, Any]:
    return {
        "uuid": RULESET_UUID,
        "title": f"MLTrack compliance ruleset {RULESET.version}",
        "description": (
            "The requirements every model is evaluated against (docs/compliance.md). Its SHA-256 covers every "
            "rule, citation and parameter."
        ),
        "props": props(prop("type", "policy", ns=None), prop("ruleset-version", RULESET.version),
                       prop("ruleset-sha256", RULESET.content_hash)),
    }


def rule_resources() -> list[dict[str, Any]]:
    return [_rule_resource(rule) for rule in RULESET.rules]


def _rule_resource(rule: Rule) -> dict[str, Any]:
    citations = rule.citations
    return {
        "uuid": stable_uuid("rule", rule.id),
        "title": f"Requirement {rule.id}: {rule.title}",
        "description": f"{rule.title}. Applies to {rule.applies_to}. Severity: {rule.severity}.",
        "props": props(
            prop("rule-id", rule.id),
            prop("control-id", citations.control),
            prop("objective-id", objective_id(rule)),
            prop("severity", rule.severity),
            prop("sr26-2", citations.sr26_2),
            prop("sr11-7", citations.sr11_7),
            *(prop("nist-ai-rmf", token(item)) for item in citations.nist_ai_rmf),
            *(prop("iso-42001", token(item)) for item in citations.iso42001),
        ),
        "citation": {"text": (
            f"SR 26-2: {citations.sr26_2}. SR 11-7 (legacy): {citations.sr11_7}. "
            f"NIST AI RMF: {', '.join(citations.nist_ai_rmf)}. ISO/IEC 42001 Annex A: {', '.join(citations.iso42001)}."
        )},
    }


def assessment_plan(report: Report, *, digest: str, as_of: str) -> dict[str, Any]:
    """The minimal assessment plan the results import: what is assessed, against which controls."""
    metadata = report.metadata
    system = stable_uuid("model-inventory", metadata.institution)
    return {
        "assessment-plan": {
            "uuid": stable_uuid("assessment-plan", digest),
            "metadata": {
                "title": f"Assessment plan of the {metadata.title.lower()} as of {metadata.as_of.isoformat()}",
                "last-modified": as_of,
                "version": f"{metadata.as_of.isoformat()}-{digest[:12]}",
                "oscal-version": OSCAL_VERSION,
            },
            "import-ssp": {"href": f"#{system}"},
            "reviewed-controls": reviewed_controls(),
            "assessment-subjects": [{
                "type": "component",
                "description": "Every model in the report's scope, against every requirement that applies to it.",
                "include-all": {},
            }],
            "assessment-assets": {"assessment-platforms": [platform()]},
            "back-matter": {"resources": [
                {"uuid": system, "title": f"Model inventory of {single_line(metadata.institution)}",
                 "description": "The system assessed: the institution's AI/ML model inventory in MLTrack."},
                ruleset_resource(),
            ]},
        }
    }


def assessment_plan_resource(report: Report, *, digest: str, as_of: str) -> dict[str, Any]:
    plan = json.dumps(assessment_plan(report, digest=digest, as_of=as_of), ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode()
    return {
        "uuid": stable_uuid("assessment-plan-resource", digest),
        "title": "Assessment plan (OSCAL 1.1.2, embedded)",
        "description": "The assessment plan these results import, as an OSCAL JSON document.",
        "props": props(prop("type", "plan", ns=None)),
        "base64": {
            "filename": "assessment-plan.json",
            "media-type": "application/oscal.ap+json",
            "value": base64.b64encode(plan).decode("ascii"),
        },
    }
