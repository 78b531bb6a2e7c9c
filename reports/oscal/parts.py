"""The pieces of an OSCAL result: models (components, inventory items) and their checks.

Each function returns one OSCAL object as a dict with its keys in a fixed order. UUIDs come from
reports.oscal.ids.stable_uuid; the names they are made of are listed in docs/oscal.md.
"""

from __future__ import annotations

from typing import Any

from compliance.rules import RULESET, Rule
from inventory.models import Environment, Status
from reports.evidence import ModelRow, ReviewRow
from reports.oscal.ids import NS, day_end, prop, props, review_uuid, reviewer_uuid, stable_uuid
from reviews.models import Outcome

PLATFORM_UUID = stable_uuid("assessment-platform", "mltrack")
RULESET_UUID = stable_uuid("ruleset", RULESET.version, RULESET.content_hash)
OUTCOMES = dict(Outcome.choices)
ENVIRONMENTS = dict(Environment.choices)


# Every object is built afresh (none is shared between places or documents), so that a caller
# that edits one part of a document never edits another.

def platform() -> dict[str, Any]:
    return {
        "uuid": PLATFORM_UUID,
        "title": "MLTrack compliance engine",
        "props": [{"name": "ruleset-version", "ns": NS, "value": RULESET.version}],
    }


def platform_origin() -> dict[str, Any]:
    return {"actors": [{"type": "assessment-platform", "actor-uuid": PLATFORM_UUID}]}


def objective_id(rule: Rule) -> str:
    """The control objective a rule checks: one per rule, as several rules share a control."""
    return f"{rule.id}_obj"


# -- models -----------------------------------------------------------------------------------

class Subject:
    """A model's UUIDs and evidence, worked out once for all of its checks."""

    __slots__ = ("model", "latest", "component_uuid", "evidence_href", "evidence_text")

    def __init__(self, model: ModelRow, latest: ReviewRow | None) -> None:
        self.model, self.latest = model, latest
        self.component_uuid = stable_uuid("model", model.pk)
        self.evidence_href = self.evidence_text = ""
        if latest is not None:
            outcome = OUTCOMES.get(latest.outcome, latest.outcome).lower()
            self.evidence_href = f"#{review_uuid(latest)}"
            self.evidence_text = f"Latest review record: {latest.review_date.isoformat()}, {outcome}."


def component(subject: Subject) -> dict[str, Any]:
    model = subject.model
    since = f" since {model.status_changed_on.isoformat()}" if model.status_changed_on else ""
    result: dict[str, Any] = {
        "uuid": subject.component_uuid,
        "type": "service" if model.external_service else "software",
        "title": model.model_name,
        "description": model.use_case.strip() or "No use case recorded.",
        "props": props(
            prop("risk-tier", model.risk_tier),
            prop("vendor", model.vendor),
            prop("model-type", model.model_type),
            prop("business-line", model.business_line),
            prop("business-owner", model.business_owner),
            prop("technical-owner", model.technical_owner),
            prop("data-classification", model.data_classification),
            prop("last-review-date", model.last_review_date),
            prop("next-review-date", model.next_review_date),
            prop("state-sha256", model.state_hash),
        ),
        "status": {
            "state": "disposition" if model.status == Status.DECOMMISSIONED else "operational",
            "remarks": f"{model.status.capitalize()}{since}.",
        },
    }
    if subject.latest is not None:
        result["links"] = [{"href": subject.evidence_href, "rel": "reference", "text": "Latest review record"}]
        reviewer = reviewer_uuid(subject.latest.reviewer)
        result["responsible-roles"] = [{"role-id": "model-reviewer", "party-uuids": [reviewer]}]
    return result


def inventory_item(subject: Subject) -> dict[str, Any]:
    model = subject.model
    environment = ENVIRONMENTS.get(model.deployment_environment, "no recorded environment")
    version = f" {model.model_version}" if model.model_version else ""
    deployed = model.deployment_date.isoformat()
    return {
        "uuid": stable_uuid("inventory-item", model.pk),
        "description": f"{model.model_name}{version}, deployed {deployed}, in {environment.lower()}.",
        "props": props(
            prop("asset-id", model.model_name, ns=None),
            prop("model-id", model.pk),
            prop("deployment-environment", model.deployment_environment),
            prop("api-endpoint", model.api_endpoint),
        ),
        "implemented-components": [{"component-uuid": subject.component_uuid}],
    }


# -- checks -----------------------------------------------------------------------------------

def check(
    subject: Subject, rule: Rule, *, as_of: str, collected: str, message: str | None
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any] | None]:
    """The observation, the finding and (for a failure) the risk of one model and one requirement
    (rule) that applies to it. A passing pair has no message and no risk."""
    model = subject.model
    identity = f"{model.pk}:{rule.id}:{as_of}"
    observation_uuid = stable_uuid("observation", identity)
    if message is None:
        statement = f"{model.model_name} meets requirement {rule.id} ({rule.title.lower()})."
    else:
        statement = f"{message}."
    observation: dict[str, Any] = {
        "uuid": observation_uuid,
        "description": statement,
        "methods": ["EXAMINE"],
        "subjects": [{"subject-uuid": subject.component_uuid, "type": "component"}],
    }
    if subject.latest is not None:
        observation["relevant-evidence"] = [{"href": subject.evidence_href, "description": subject.evidence_text}]
    observation["collected"] = collected
    finding: dict[str, Any] = {
        "uuid": stable_uuid("finding", identity),
        "title": f"{model.model_name}: {rule.title}",
        "description": statement,
        "target": {
            "type": "objective-id",
            "target-id": objective_id(rule),
            "status": {"state": "satisfied", "reason": "pass"} if message is None
            else {"state": "not-satisfied", "reason": "fail"},
        },
        "related-observations": [{"observation-uuid": observation_uuid}],
    }
    if message is None:
        return observation, finding, None
    risk_uuid = stable_uuid("risk", identity)
    finding["related-risks"] = [{"risk-uuid": risk_uuid}]
    risk = {
        "uuid": risk_uuid,
        "title": finding["title"],
        "description": statement,
        "statement": (
            f"{model.model_name} ({model.risk_tier} risk tier) breaks requirement {rule.id} of control "
            f"{rule.citations.control}, of {rule.severity} severity, until it is resolved."
        ),
        "status": "open",
        "origins": [platform_origin()],
        "characterizations": [{
            "origin": platform_origin(),
            "facets": [
                {"name": "severity", "system": NS, "value": rule.severity},
                {"name": "risk-tier", "system": NS, "value": model.risk_tier},
            ],
        }],
        # Resolved at the latest by the model's next review; in the past when that review is overdue.
        "deadline": day_end(model.next_review_date),
        "related-observations": [{"observation-uuid": observation_uuid}],
    }
    return observation, finding, risk


def reviewed_controls() -> dict[str, Any]:
    controls = sorted({rule.citations.control for rule in RULESET.rules})
    return {
        "links": [{"href": f"#{RULESET_UUID}", "rel": "reference", "text": "MLTrack compliance ruleset"}],
        "control-selections": [{"include-controls": [{"control-id": control} for control in controls]}],
        "control-objective-selections": [
            {"include-objectives": [{"objective-id": objective_id(rule)} for rule in RULESET.rules]}
        ],
    }
