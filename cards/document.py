"""What a card says: one builder per kind, returning the card as plain JSON data.

Every renderer (cards/formats.py) is a pure function of this data. Builders read inside
``common.db.read_snapshot()``, so a card's parts (the model, its reviews, its compliance) describe
one state of the database; model cards are built for a whole queryset in a fixed number of
queries (the ML-BOM of the inventory), whatever its size.

A card's SHA-256 is over its canonical JSON: keys sorted, no whitespace, UTF-8 (not ASCII
escapes); every value is a string, an integer, a boolean, null, a list or an object (no floats).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from typing import Any

from django.db.models import Count, QuerySet

from cards.models import MODEL_CARD_SECTIONS, Agent, AISystem, CardKind, ModelCardContent
from common.db import read_snapshot
from compliance.engine import evaluate
from compliance.rules import RULESET
from inventory.models import AIModel
from reviews.models import ModelReview

FORMAT = "mltrack-card/1"

SYSTEM_SECTIONS = (
    ("purpose", "Purpose"),
    ("components", "Components and data pipelines"),
    ("deployment_context", "Deployment context"),
    ("safeguards", "Safeguards"),
)
AGENT_SECTIONS = (
    ("purpose", "Purpose"),
    ("tools_and_permissions", "Tools and permissions"),
    ("decision_boundaries", "Decision boundaries"),
    ("human_oversight", "Human oversight and escalation"),
    ("stop_procedure", "Stop procedure: who can stop it, and how"),
)

# Generative and agentic AI sit outside SR 26-2: system and agent cards answer to these instead.
NIST_AI_RMF = "NIST AI RMF 1.0 (NIST AI 100-1)"
NIST_AI_600_1 = "NIST AI 600-1, Generative AI Profile"
ISO_42001 = "ISO/IEC 42001:2023"
SYSTEM_FRAMEWORKS = (
    {"framework": NIST_AI_RMF, "ids": ["GOVERN 1.6", "MAP 1.1", "MEASURE 2.8"],
     "about": "the system is inventoried, its context of use is set out, and it is documented openly"},
    {"framework": NIST_AI_600_1, "ids": ["GV-1.6-003"],
     "about": "generative components are inventoried with what they depend on"},
    {"framework": ISO_42001, "ids": ["A.6.2.3", "A.6.2.7", "A.8.2"],
     "about": "design and technical documentation, and information for the system's users"},
)
AGENT_FRAMEWORKS = (
    {"framework": NIST_AI_RMF, "ids": ["GOVERN 3.2", "MAP 3.5", "MANAGE 2.4"],
     "about": "roles for human oversight are defined, and the agent can be disengaged or deactivated"},
    {"framework": NIST_AI_600_1, "ids": ["GV-1.6-003", "GV-3.2-003"],
     "about": "the agent is inventoried, and people oversee what it does"},
    {"framework": ISO_42001, "ids": ["A.6.2.7", "A.9.2", "A.9.4"],
     "about": "technical documentation, processes for responsible use, and its intended use"},
)


def canonical_bytes(document: Any) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def card_sha256(document: Any) -> str:
    return hashlib.sha256(canonical_bytes(document)).hexdigest()


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _sections(source: Any, sections: tuple[tuple[str, str], ...]) -> tuple[list[dict[str, str]], list[str]]:
    filled = [{"key": key, "title": title, "text": (getattr(source, key, "") if source else "") or ""}
              for key, title in sections]
    return filled, [section["title"] for section in filled if not section["text"].strip()]


def _review_counts(model_ids: list[int]) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (ModelReview.objects.filter(model_id__in=model_ids).order_by().values("model_id", "outcome")
            .annotate(n=Count("pk")))
    for row in rows:
        counts[row["model_id"]][row["outcome"]] = row["n"]
    return counts


def _model_card(model: AIModel, content: ModelCardContent | None, counts: dict[str, int], result: Any,
                today: dt.date) -> dict[str, Any]:
    sections, empty = _sections(content, MODEL_CARD_SECTIONS)
    policy = model.review_policy
    if result is None or not result.evaluated:
        compliance = {"result": "not evaluated", "violations": []}
    else:
        compliance = {
            "result": "pass" if result.passed else "fail",
            "violations": [{"rule": v.rule.id, "title": v.rule.title, "severity": v.rule.severity,
                            "message": v.message, "citations": v.rule.citations.as_dict()}
                           for v in result.violations],
        }
    compliance["ruleset"] = {"version": RULESET.version, "hash": RULESET.content_hash}
    return {
        "card": CardKind.MODEL.value,
        "format": FORMAT,
        "as_of": today.isoformat(),
        "model": {
            "name": model.model_name, "version": model.model_version, "vendor": model.vendor,
            "model_type": model.model_type, "use_case": model.use_case, "business_line": model.business_line,
            "business_owner": model.business_owner, "technical_owner": model.technical_owner,
            "owner_account": model.owner.get_username() if model.owner else None,
            "deployment_date": _date(model.deployment_date), "environment": model.deployment_environment,
            "api_endpoint": model.api_endpoint, "data_classification": model.data_classification,
            "status": model.status, "state_hash": model.state_hash,
        },
        "risk": {
            "tier": model.risk_tier,
            "review_policy": {"version": policy.version, "effective_date": _date(policy.effective_date),
                              "approval_reference": policy.approval_reference,
                              "cycle_days": policy.cycle_days(model.risk_tier)},
            "last_review_date": _date(model.last_review_date),
            "next_review_date": _date(model.next_review_date),
        },
        "reviews": {
            "count": sum(counts.values()),
            "by_outcome": {outcome: counts.get(outcome, 0) for outcome in ("passed", "warning", "failed")},
            "first_on": _date(model.earliest_outcome_on),
            "latest_on": _date(model.latest_outcome_on),
            "latest_outcome": model.latest_outcome or None,
        },
        "compliance": compliance,
        "sections": sections,
        "empty_sections": empty,
    }


def model_cards(queryset: QuerySet[AIModel], *, today: dt.date) -> list[dict[str, Any]]:
    """The model cards of every model in ``queryset``, by name, in one snapshot and a fixed number
    of queries (models, card contents, review counts, the compliance evaluation)."""
    with read_snapshot():
        models = list(queryset.select_related("owner", "review_policy").order_by("model_name", "pk"))
        ids = [model.pk for model in models]
        contents = {content.model_id: content for content in ModelCardContent.objects.filter(model_id__in=ids)}
        counts = _review_counts(ids)
        evaluation = evaluate(today=today, queryset=AIModel.objects.filter(pk__in=ids), every_result=True)
        results = {result.model_id: result for result in evaluation.results()}
        return [_model_card(model, contents.get(model.pk), counts.get(model.pk, {}), results.get(model.pk), today)
                for model in models]


def model_card(model: AIModel, *, today: dt.date) -> dict[str, Any]:
    return model_cards(AIModel.objects.filter(pk=model.pk), today=today)[0]


def _member(model: AIModel) -> dict[str, Any]:
    return {"name": model.model_name, "risk_tier": model.risk_tier, "status": model.status,
            "environment": model.deployment_environment, "state_hash": model.state_hash,
            "card_current": bool(model.card_state_hash) and model.card_state_hash == model.state_hash}


def _subject_card(kind: str, subject: AISystem | Agent, sections_spec, frameworks, extra: dict[str, Any],
                  today: dt.date) -> dict[str, Any]:
    with read_snapshot():
        members = [_member(model) for model in subject.ai_models.order_by("model_name", "pk")]
    sections, empty = _sections(subject, sections_spec)
    return {
        "card": kind,
        "format": FORMAT,
        "as_of": today.isoformat(),
        kind: {"name": subject.name, "owner_account": subject.owner.get_username() if subject.owner else None,
               **extra},
        "models": members,
        "sections": sections,
        "empty_sections": empty,
        "frameworks": [dict(entry, ids=list(entry["ids"])) for entry in frameworks],
    }


def system_card(system: AISystem, *, today: dt.date) -> dict[str, Any]:
    return _subject_card(CardKind.SYSTEM.value, system, SYSTEM_SECTIONS, SYSTEM_FRAMEWORKS, {}, today)


def agent_card(agent: Agent, *, today: dt.date) -> dict[str, Any]:
    extra = {"autonomy_level": agent.autonomy_level, "autonomy": agent.get_autonomy_level_display()}
    return _subject_card(CardKind.AGENT.value, agent, AGENT_SECTIONS, AGENT_FRAMEWORKS, extra, today)


def subject_state_hash(document: dict[str, Any]) -> str:
    """The state a card describes: a model's own state hash; for a system or an agent, SHA-256 over
    its members' names and state hashes (canonical JSON), so a change to any member shows."""
    if document["card"] == CardKind.MODEL.value:
        return document["model"]["state_hash"]
    members = {member["name"]: member["state_hash"] for member in document["models"]}
    return card_sha256(members)


def published_model_cards(models: QuerySet[AIModel]) -> list[dict[str, Any]]:
    """Each model's latest published card, by name: the card as published with its publication, and
    whether it is current (published at the model's present state hash); null for a model never
    published. Two queries whatever the number of models (for an exam package's snapshot)."""
    from django.db.models import Exists, OuterRef

    from cards.models import CardVersion

    rows = list(models.order_by("model_name", "pk").values_list("pk", "model_name", "state_hash", "card_state_hash"))
    newer = CardVersion.objects.filter(kind=CardKind.MODEL, subject_id=OuterRef("subject_id"),
                                       version__gt=OuterRef("version"))
    latest = {version.subject_id: version for version in CardVersion.objects.filter(
        kind=CardKind.MODEL, subject_id__in=models.order_by().values("pk")).exclude(Exists(newer))}
    entries = []
    for pk, name, state_hash, card_state_hash in rows:
        version = latest.get(pk)
        entries.append({
            "model": name,
            "current": bool(card_state_hash) and card_state_hash == state_hash,
            "publication": None if version is None else {
                "version": version.version, "sha256": version.sha256, "state_hash": version.state_hash,
                "published_by": version.published_by, "published_at": version.published_at.isoformat()},
            "card": None if version is None else version.document,
        })
    return entries
