"""The compliance rules: each with an id, a severity, a message, the models it applies to, the
condition that breaks it (both SQL conditions) and its regulatory citations. The ruleset has a
version and a content hash that every result records. See docs/compliance.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import cached_property
from typing import Any

from django.db.models import Q

from inventory.models import (
    CHANGED_SINCE_REVIEW,
    REGISTRY_VERSION_CHANGED,
    WITHOUT_CURRENT_CARD,
    DataClassification,
    Environment,
    RiskTier,
    Status,
)

RULESET_VERSION = "2026.12.1"
# Days a deprecated model may stay in production before it is a violation.
DEPRECATION_GRACE_DAYS = 90
# Vendor names that mean the bank's own infrastructure (compared without regard to case).
IN_HOUSE_VENDORS = ("in-house", "inhouse", "internal")
SENSITIVE_CLASSIFICATIONS = (DataClassification.CONFIDENTIAL, DataClassification.RESTRICTED)
# Tiers whose production models must have a current model card (one published for the definition
# as it stands).
CARD_TIERS = (RiskTier.CRITICAL, RiskTier.HIGH)
# Required fields of the original tool, owners included (checked together: one violation).
REQUIRED_FIELDS = ("vendor", "risk_tier", "use_case", "business_owner", "technical_owner")

IN_USE = Q(status__in=[Status.ACTIVE, Status.DEPRECATED])
EVALUATED = IN_USE | Q(status=Status.DECOMMISSIONED, deployment_environment=Environment.PROD)


class Severity:
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    ORDER = (CRITICAL, HIGH, MEDIUM, LOW)


@dataclass(frozen=True)
class Citations:
    """Where a rule comes from. Control ids are OSCAL tokens (see reference mapping, docs/compliance.md)."""

    control: str
    sr26_2: str
    sr11_7: str
    nist_ai_rmf: tuple[str, ...]
    iso42001: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        """The citations as JSON data (a new dict each time; see shared_dict)."""
        data = asdict(self)
        data["nist_ai_rmf"] = list(self.nist_ai_rmf)
        data["iso42001"] = list(self.iso42001)
        return data

    @cached_property
    def shared_dict(self) -> dict[str, Any]:
        """as_dict() made once per rule, for outputs that repeat it per violation (a report of a
        hundred thousand models); read-only by convention."""
        return self.as_dict()


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    severity: str
    # Formatted with the failing model's facts (see _facts); shown to people and in JSON.
    message: str
    applies_to: str
    scope: Q
    violated: Callable[[dt.date], Q]
    citations: Citations

    def describe(self) -> dict[str, Any]:
        """The rule as data: what the ruleset hash covers and what reports print."""
        return {
            "id": self.id,
            "title": self.title,
            "severity": self.severity,
            "message": self.message,
            "applies_to": self.applies_to,
            "citations": self.citations.as_dict(),
        }


def _overdue(today: dt.date) -> Q:
    # Due today is not overdue.
    return Q(next_review_date__lt=today)


def _external_vendor_service() -> Q:
    in_house = Q()
    for name in IN_HOUSE_VENDORS:
        in_house |= Q(vendor__iexact=name)
    return ~in_house & ~Q(api_endpoint="")


# A model called at an outside vendor's endpoint (a hosted service) rather than run in-house. The
# one definition: the vendor rule tests it, and the OSCAL evidence reads it as a column.
EXTERNAL_VENDOR_SERVICE = _external_vendor_service()


# Both retirement rules answer to the same requirements.
RETIREMENT_CITATIONS = Citations(
    control="mrm-retirement",
    sr26_2="Model lifecycle: retirement",
    sr11_7="VI. Model inventory (recently retired models)",
    nist_ai_rmf=("GOVERN 1.7", "MANAGE 2.4"),
    iso42001=("A.6.2.6",),
)

RULES: tuple[Rule, ...] = (
    Rule(
        id="review-overdue",
        title="Periodic review overdue",
        severity=Severity.HIGH,
        message="Review overdue by {overdue} ({tier} requires {cycle_days} days)",
        applies_to="active and deprecated models that have been reviewed",
        scope=IN_USE & (Q(last_review_date__isnull=False) | Q(latest_outcome_on__isnull=False)),
        violated=_overdue,
        citations=Citations(
            control="mrm-monitoring",
            sr26_2="Validation and monitoring: risk-based review frequency",
            sr11_7="V. Ongoing monitoring",
            nist_ai_rmf=("GOVERN 1.5", "MEASURE 2.4", "MANAGE 4.1"),
            iso42001=("A.6.2.6",),
        ),
    ),
    Rule(
        id="never-reviewed",
        title="Never reviewed, first review past due",
        severity=Severity.HIGH,
        message="Never reviewed: the first review was due {next_review_date} ({overdue} ago)",
        applies_to="active and deprecated models without any review",
        scope=IN_USE & Q(last_review_date__isnull=True, latest_outcome_on__isnull=True),
        violated=_overdue,
        citations=Citations(
            control="mrm-validation",
            sr26_2="Validation and monitoring",
            sr11_7="V. Validation",
            nist_ai_rmf=("MEASURE 2.9", "GOVERN 1.5"),
            iso42001=("A.6.2.4",),
        ),
    ),
    Rule(
        id="last-review-failed",
        title="Last review failed",
        severity=Severity.CRITICAL,
        message="The latest review ({latest_review_on}) failed; the model stays non-compliant until a review passes",
        applies_to="active and deprecated models",
        scope=IN_USE,
        violated=lambda today: Q(latest_outcome="failed"),
        citations=Citations(
            control="mrm-issues",
            sr26_2="Governance and controls: issues and remediation",
            sr11_7="VI. Policies and procedures (exceptions, remediation)",
            nist_ai_rmf=("MANAGE 1.2", "MANAGE 1.3"),
            iso42001=("A.6.2.4",),
        ),
    ),
    Rule(
        id="changed-since-review",
        title="Definition changed since the last review",
        severity=Severity.HIGH,
        message="The model's definition changed since its review of {latest_review_on} (state hash no longer matches)",
        applies_to="active and deprecated models that have a review record",
        # The inventory's own definition (AIModel.objects.changed_since_review()), so that the
        # dashboard's count and the inventory list behind it are this rule's.
        scope=IN_USE & Q(latest_outcome_on__isnull=False),
        violated=lambda today: CHANGED_SINCE_REVIEW,
        citations=Citations(
            control="mrm-change-mgmt",
            sr26_2="Validation and monitoring: event triggers for re-review",
            sr11_7="V. Validation (material changes)",
            nist_ai_rmf=("MANAGE 4.2", "MEASURE 2.4"),
            iso42001=("A.6.2.5",),
        ),
    ),
    Rule(
        id="registry-version-changed",
        title="Production model's registry version changed since its last review",
        severity=Severity.HIGH,
        message="The registry now serves version {registered_version} of {registered_name}; the review of "
        "{latest_review_on} covered version {reviewed_registry_version}",
        applies_to="active and deprecated production models linked to a model registry that have a review record",
        # The registries app records the version a review vouched for (inventory.scheduling.note_review)
        # and the version the registry serves (registries.services), so this is a column comparison.
        scope=IN_USE & Q(deployment_environment=Environment.PROD, latest_outcome_on__isnull=False) & ~Q(registered_name=""),
        violated=lambda today: REGISTRY_VERSION_CHANGED,
        citations=Citations(
            control="mrm-change-mgmt",
            sr26_2="Validation and monitoring: event triggers for re-review",
            sr11_7="V. Validation (material changes)",
            nist_ai_rmf=("MANAGE 4.2", "MAP 3.4"),
            iso42001=("A.6.2.5", "A.6.2.6"),
        ),
    ),
    Rule(
        id="prod-without-classification",
        title="Production model without data classification",
        severity=Severity.MEDIUM,
        message="Production model missing data classification",
        applies_to="active and deprecated models in production",
        scope=IN_USE & Q(deployment_environment=Environment.PROD),
        violated=lambda today: Q(data_classification=""),
        citations=Citations(
            control="mrm-data",
            sr26_2="Model development and use: data",
            sr11_7="IV. Model development (data quality and relevance)",
            nist_ai_rmf=("MAP 2.3", "MEASURE 2.10"),
            iso42001=("A.4.3", "A.7.5"),
        ),
    ),
    Rule(
        id="missing-required-fields",
        title="Required inventory fields missing",
        severity=Severity.MEDIUM,
        message="Missing required fields: {missing_fields}",
        applies_to="every evaluated model",
        scope=EVALUATED,
        violated=lambda today: _any_blank(REQUIRED_FIELDS),
        citations=Citations(
            control="mrm-inventory",
            sr26_2="Governance and controls: enterprise model inventory",
            sr11_7="VI. Model inventory",
            nist_ai_rmf=("GOVERN 1.6", "GOVERN 2.1"),
            iso42001=("A.4.2", "A.3.2"),
        ),
    ),
    Rule(
        id="deprecated-in-production",
        title="Deprecated model still in production past the grace period",
        severity=Severity.MEDIUM,
        message="Deprecated since {status_changed_on} and still in production (grace period {grace_days} days)",
        applies_to="deprecated models in production",
        scope=Q(status=Status.DEPRECATED, deployment_environment=Environment.PROD),
        violated=lambda today: Q(status_changed_on__isnull=True)
        | Q(status_changed_on__lt=today - dt.timedelta(days=DEPRECATION_GRACE_DAYS)),
        citations=RETIREMENT_CITATIONS,
    ),
    Rule(
        id="decommissioned-in-production",
        title="Decommissioned model still marked as production",
        severity=Severity.HIGH,
        message="Decommissioned but still marked as production",
        applies_to="decommissioned models",
        scope=Q(status=Status.DECOMMISSIONED),
        violated=lambda today: Q(deployment_environment=Environment.PROD),
        citations=RETIREMENT_CITATIONS,
    ),
    Rule(
        id="sensitive-data-unreviewed-vendor",
        title="Sensitive data sent to an external vendor without a recorded review",
        severity=Severity.CRITICAL,
        message="{data_classification} data goes to {vendor} at an external endpoint, and no review is recorded",
        applies_to="active and deprecated models with confidential or restricted data and an external vendor endpoint",
        scope=IN_USE & Q(data_classification__in=SENSITIVE_CLASSIFICATIONS),
        violated=lambda today: EXTERNAL_VENDOR_SERVICE & Q(latest_outcome_on__isnull=True),
        citations=Citations(
            control="mrm-vendor",
            sr26_2="Vendor and other third-party products",
            sr11_7="V. Validation of vendor and third-party products",
            nist_ai_rmf=("GOVERN 6.1", "MAP 4.1", "MEASURE 2.10"),
            iso42001=("A.10.3", "A.7.5"),
        ),
    ),
    Rule(
        id="prod-without-current-card",
        title="High or critical production model without a current model card",
        severity=Severity.MEDIUM,
        message="No current model card: {card_state}",
        applies_to="active and deprecated high and critical models in production",
        scope=IN_USE & Q(deployment_environment=Environment.PROD, risk_tier__in=CARD_TIERS),
        # The inventory's own definition (AIModel.objects.without_current_card()): the card is
        # current while the state hash it was published at is the model's state hash.
        violated=lambda today: WITHOUT_CURRENT_CARD,
        citations=Citations(
            control="mrm-development-doc",
            sr26_2="Governance and controls: documentation",
            sr11_7="VI. Documentation",
            nist_ai_rmf=("GOVERN 4.2", "MAP 1.1", "MAP 2.2"),
            iso42001=("A.6.2.7", "A.6.2.3"),
        ),
    ),
)


def _any_blank(fields: tuple[str, ...]) -> Q:
    condition = Q()
    for name in fields:
        condition |= Q(**{name: ""})
    return condition


@dataclass(frozen=True)
class Ruleset:
    version: str
    rules: tuple[Rule, ...]
    parameters: dict[str, Any]

    @property
    def content_hash(self) -> str:
        """SHA-256 of the rules as data: any change to a rule, a citation or a parameter changes it."""
        document = {"version": self.version, "parameters": self.parameters, "rules": [r.describe() for r in self.rules]}
        text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def describe(self) -> dict[str, Any]:
        return {"version": self.version, "hash": self.content_hash, "parameters": self.parameters}

    def get(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise UnknownRule(f"There is no rule {rule_id!r}; the rules are {', '.join(r.id for r in self.rules)}.")


class UnknownRule(LookupError):
    """A rule id the ruleset does not have (the message lists the ones it has)."""


RULESET = Ruleset(
    version=RULESET_VERSION,
    rules=RULES,
    parameters={
        "deprecation_grace_days": DEPRECATION_GRACE_DAYS,
        "in_house_vendors": list(IN_HOUSE_VENDORS),
        "required_fields": list(REQUIRED_FIELDS),
        "card_tiers": [tier.value for tier in CARD_TIERS],
        "evaluated": "active and deprecated models, and decommissioned models still marked as production",
    },
)


