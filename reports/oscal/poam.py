"""A report's failures as an OSCAL 1.1.2 Plan of Action and Milestones (POA&M).

One POA&M item per failing (model, requirement) pair, each tied to the same risk, observation and
finding UUIDs as the Assessment Results of the same report (reports.oscal.parts.check), so that an
examiner can follow an item to its finding. The milestone is the model's next review date, as in
the risk's deadline. Exam packages carry it beside the results (packages/).
"""

from __future__ import annotations

from typing import Any

from reports.data import Report
from reports.evidence import Scope
from reports.oscal import backmatter, parts
from reports.oscal.ids import OSCAL_VERSION, day_start, instant, prop, props, reviewer_uuid, single_line, stable_uuid


def build_poam(report: Report, scope: Scope) -> dict[str, Any]:
    metadata = report.metadata
    digest = report.data_sha256
    day = metadata.as_of.isoformat()
    collected = day_start(metadata.as_of)
    components, observations, risks, findings, items, reviews = [], [], [], [], [], []
    for model in scope.models:
        failures = scope.failures.get(model.pk)
        if not failures:
            continue
        subject = parts.Subject(model, scope.latest_review.get(model.pk))
        components.append(parts.component(subject))
        if subject.latest is not None:
            reviews.append(subject.latest)
        for rule in scope.rules_for(model):
            message = failures.get(rule.id)
            if message is None:
                continue
            observation, finding, risk = parts.check(subject, rule, as_of=day, collected=collected, message=message)
            observations.append(observation)
            findings.append(finding)
            risks.append(risk)
            items.append({
                "uuid": stable_uuid("poam-item", model.pk, rule.id, day),
                "title": risk["title"],
                "description": (
                    f"Bring {model.model_name} back within requirement {rule.id} ({rule.title.lower()}) by its next "
                    f"review, due {model.next_review_date.isoformat()}."
                ),
                "props": props(prop("severity", rule.severity), prop("control-id", rule.citations.control)),
                "related-findings": [{"finding-uuid": finding["uuid"]}],
                "related-observations": [{"observation-uuid": observation["uuid"]}],
                "related-risks": [{"risk-uuid": risk["uuid"]}],
            })
    poam: dict[str, Any] = {
        "uuid": stable_uuid("poam", digest),
        "metadata": {
            "title": f"Plan of action and milestones for {metadata.institution}'s models as of {day}",
            "last-modified": instant(metadata.generated_at),
            "version": f"{day}-{digest[:12]}",
            "oscal-version": OSCAL_VERSION,
            "props": props(prop("data-sha256", digest), prop("model-count", metadata.model_count)),
            "roles": [{"id": "model-reviewer", "title": "Model reviewer"}],
            "parties": [{"uuid": reviewer_uuid(name), "type": "person", "name": single_line(name)}
                        for name in sorted({review.reviewer for review in reviews})] or None,
            "remarks": f"One item per failing requirement of a model, from MLTrack report data SHA-256 {digest}.",
        },
        "system-id": {"identifier-type": "https://ietf.org/rfc/rfc4122",
                      "id": stable_uuid("model-inventory", metadata.institution)},
    }
    if components:
        # The platform is the risks' origin (the assessor): MLTrack's compliance engine.
        poam["local-definitions"] = {"components": components,
                                     "assessment-assets": {"assessment-platforms": [parts.platform()]}}
    if observations:
        poam["observations"] = observations
        poam["risks"] = risks
        poam["findings"] = findings
    poam["poam-items"] = items
    if reviews:
        # The latest review record of each failing model: the evidence its observations cite.
        poam["back-matter"] = {"resources": [backmatter.review_resource(review) for review in reviews]}
    if poam["metadata"]["parties"] is None:
        del poam["metadata"]["parties"]
    return {"plan-of-action-and-milestones": poam}
