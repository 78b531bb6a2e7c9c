"""The compliance rules engine: every compliance number in MLTrack comes from here.

Each rule says which models it applies to and when a model violates it, both as SQL conditions,
so the whole inventory is evaluated in a fixed number of queries: one for the summary counts and
one for the failing models (and, when a listing needs them, one for the passing models).

What is evaluated: every model in use (active or deprecated), plus decommissioned models still
marked as production (they fail). Other decommissioned models are retired and not counted. The
compliance rate is passed / evaluated. See docs/compliance.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from functools import cached_property
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db.models import BooleanField, Case, ExpressionWrapper, F, IntegerField, Q, QuerySet, Value, When

from inventory.models import AIModel, DataClassification, Environment, RiskTier, Status

RULESET_VERSION = "2026.11.1"
# Days a deprecated model may stay in production before it is a violation.
DEPRECATION_GRACE_DAYS = 90
# Vendor names that mean the bank's own infrastructure (compared without regard to case).
IN_HOUSE_VENDORS = ("in-house", "inhouse", "internal")
SENSITIVE_CLASSIFICATIONS = (DataClassification.CONFIDENTIAL, DataClassification.RESTRICTED)
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
        data = asdict(self)
        data["nist_ai_rmf"] = list(self.nist_ai_rmf)
        data["iso42001"] = list(self.iso42001)
        return data


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


def _is_external() -> Q:
    in_house = Q()
    for name in IN_HOUSE_VENDORS:
        in_house |= Q(vendor__iexact=name)
    return ~in_house & ~Q(api_endpoint="")


RULES: tuple[Rule, ...] = (
    Rule(
        id="review-overdue",
        title="Periodic review overdue",
        severity=Severity.HIGH,
        message="Review overdue by {days_overdue} days ({tier} requires {cycle_days} days)",
        applies_to="active and deprecated models that have been reviewed",
        scope=IN_USE & (Q(last_review_date__isnull=False) | Q(latest_review_on__isnull=False)),
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
        message="Never reviewed: the first review was due {next_review_date} ({days_overdue} days ago)",
        applies_to="active and deprecated models without any review",
        scope=IN_USE & Q(last_review_date__isnull=True, latest_review_on__isnull=True),
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
        violated=lambda today: Q(latest_review_outcome="failed"),
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
        scope=IN_USE & Q(latest_review_on__isnull=False),
        violated=lambda today: ~Q(state_hash=F("latest_review_state_hash")),
        citations=Citations(
            control="mrm-change-mgmt",
            sr26_2="Validation and monitoring: event triggers for re-review",
            sr11_7="V. Validation (material changes)",
            nist_ai_rmf=("MANAGE 4.2", "MEASURE 2.4"),
            iso42001=("A.6.2.5",),
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
        citations=Citations(
            control="mrm-retirement",
            sr26_2="Model lifecycle: retirement",
            sr11_7="VI. Model inventory (recently retired models)",
            nist_ai_rmf=("GOVERN 1.7", "MANAGE 2.4"),
            iso42001=("A.6.2.6",),
        ),
    ),
    Rule(
        id="decommissioned-in-production",
        title="Decommissioned model still marked as production",
        severity=Severity.HIGH,
        message="Decommissioned but still marked as production",
        applies_to="decommissioned models",
        scope=Q(status=Status.DECOMMISSIONED),
        violated=lambda today: Q(deployment_environment=Environment.PROD),
        citations=Citations(
            control="mrm-retirement",
            sr26_2="Model lifecycle: retirement",
            sr11_7="VI. Model inventory (recently retired models)",
            nist_ai_rmf=("GOVERN 1.7", "MANAGE 2.4"),
            iso42001=("A.6.2.6",),
        ),
    ),
    Rule(
        id="sensitive-data-unreviewed-vendor",
        title="Sensitive data sent to an external vendor without a recorded review",
        severity=Severity.CRITICAL,
        message="{data_classification} data goes to {vendor} at an external endpoint, and no review is recorded",
        applies_to="active and deprecated models with confidential or restricted data and an external vendor endpoint",
        scope=IN_USE & Q(data_classification__in=SENSITIVE_CLASSIFICATIONS),
        violated=lambda today: _is_external() & Q(latest_review_on__isnull=True),
        citations=Citations(
            control="mrm-vendor",
            sr26_2="Vendor and other third-party products",
            sr11_7="V. Validation of vendor and third-party products",
            nist_ai_rmf=("GOVERN 6.1", "MAP 4.1", "MEASURE 2.10"),
            iso42001=("A.10.3", "A.7.5"),
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
        return next(rule for rule in self.rules if rule.id == rule_id)


RULESET = Ruleset(
    version=RULESET_VERSION,
    rules=RULES,
    parameters={
        "deprecation_grace_days": DEPRECATION_GRACE_DAYS,
        "in_house_vendors": list(IN_HOUSE_VENDORS),
        "required_fields": list(REQUIRED_FIELDS),
        "evaluated": "active and deprecated models, and decommissioned models still marked as production",
    },
)


@dataclass(frozen=True)
class Violation:
    rule: Rule
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule.id,
            "severity": self.rule.severity,
            "message": self.message,
            "citations": self.rule.citations.as_dict(),
        }


class ModelResult:
    """One model's result. Violation messages are written when first asked for, so evaluating the
    whole inventory for its numbers does not format a hundred thousand messages."""

    __slots__ = ("model_id", "model_name", "risk_tier", "status", "evaluated", "_mask", "_facts", "_violations")

    def __init__(
        self, model_id: int, model_name: str, risk_tier: str, status: str, *,
        mask: int = 0, facts: _FactsOfFailures | None = None, evaluated: bool = True,
    ) -> None:
        self.model_id, self.model_name, self.risk_tier, self.status = model_id, model_name, risk_tier, status
        # False for a retired model outside the evaluated population (it passes by definition).
        self.evaluated = evaluated
        self._mask, self._facts, self._violations = mask, facts, None

    @property
    def violations(self) -> tuple[Violation, ...]:
        if self._violations is None:
            facts = self._facts.for_model(self.model_id) if self._mask else {}
            self._violations = tuple(
                Violation(rule, rule.message.format(**facts)) for rule in rules_in(self._mask)
            )
        return self._violations

    @property
    def rule_ids(self) -> list[str]:
        return [rule.id for rule in rules_in(self._mask)]

    @property
    def worst_severity(self) -> str | None:
        rules = rules_in(self._mask)
        return min((r.severity for r in rules), key=Severity.ORDER.index) if rules else None

    @property
    def passed(self) -> bool:
        return not self._mask

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.model_name,
            "risk_tier": self.risk_tier,
            "status": self.status,
            "result": ("pass" if self.passed else "fail") if self.evaluated else "not evaluated",
            "violations": [v.as_dict() for v in self.violations],
        }


def rules_in(mask: int, ruleset: Ruleset | None = None) -> list[Rule]:
    """The rules whose bits are set in a violation mask, in ruleset order."""
    return [rule for i, rule in enumerate((ruleset or RULESET).rules) if mask & (1 << i)]


@dataclass(frozen=True)
class Summary:
    evaluated: int
    passed: int
    failed: int
    violations_by_rule: dict[str, int] = field(default_factory=dict)

    @property
    def compliance_rate(self) -> float | None:
        """passed / evaluated, as a percentage with one decimal; None when nothing is evaluated."""
        if not self.evaluated:
            return None
        return round(100 * self.passed / self.evaluated, 1)

    def as_dict(self) -> dict[str, Any]:
        return {
            "evaluated": self.evaluated,
            "passed": self.passed,
            "failed": self.failed,
            "compliance_rate": self.compliance_rate,
            "violations_by_rule": self.violations_by_rule,
        }


@dataclass
class Evaluation:
    """The result of evaluating a set of models against the ruleset on ``as_of``."""

    as_of: dt.date
    summary: Summary
    # (worst severity rank, name, pk, tier, status, mask), most severe first, then by name.
    failing_rows: list[tuple[int, str, int, str, str, int]]
    facts: _FactsOfFailures
    passing_queryset: QuerySet[AIModel]
    ruleset: Ruleset = RULESET

    @cached_property
    def failures(self) -> list[ModelResult]:
        return [
            ModelResult(pk, name, tier, status, mask=mask, facts=self.facts)
            for _, name, pk, tier, status, mask in self.failing_rows
        ]

    def passing(self, *, start: int = 0, stop: int | None = None) -> Iterator[ModelResult]:
        """The passing models, by name, streamed (one more query, only when asked for).
        ``start``/``stop`` take a slice of them in the database, for a page of a listing."""
        rows = (
            self.passing_queryset.order_by("model_name", "pk")
            .values_list("pk", "model_name", "risk_tier", "status")
        )[start:stop]
        for pk, name, tier, status in rows.iterator(chunk_size=5000):
            yield ModelResult(pk, name, tier, status)

    def load_messages(self, results: Iterable[ModelResult]) -> None:
        """Read the facts behind these results' messages (a page of them) in one query, rather than
        every failing model's: a listing shows fifty, the inventory may fail by the ten thousand."""
        self.facts.preload([result.model_id for result in results if not result.passed])

    def results(self) -> Iterator[ModelResult]:
        """Every evaluated model, failing ones first (most severe first), then passing ones by name."""
        yield from self.failures
        yield from self.passing()

    def metadata(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "ruleset": self.ruleset.describe()}

    def as_dict(self, results: Iterator[ModelResult] | list[ModelResult] | None = None) -> dict[str, Any]:
        """The documented JSON shape shared by validate, check, reports and the API (docs/compliance.md):
        as_of, ruleset, summary, and one entry per model (default: every evaluated model)."""
        return {
            **self.metadata(),
            "summary": self.summary.as_dict(),
            "models": [result.as_dict() for result in (self.results() if results is None else results)],
        }


# Columns read for each failing model: enough to write every rule's message.
FACT_COLUMNS = (
    "pk", "model_name", "risk_tier", "status", "next_review_date", "latest_review_on", "status_changed_on",
    "data_classification", "vendor", "review_policy_id", *REQUIRED_FIELDS,
)
TIERS = frozenset(RiskTier.values)


def _violation_mask(rules: tuple[Rule, ...], today: dt.date) -> ExpressionWrapper:
    """One integer per model: bit i is set when the model violates rule i (one column, not nine)."""
    bits = [Case(When(rule.scope & rule.violated(today), then=Value(1 << i)), default=Value(0)) for i, rule in enumerate(rules)]
    total = bits[0]
    for bit in bits[1:]:
        total = total + bit
    return ExpressionWrapper(total, output_field=IntegerField())


# The review cycle of the model's tier under its policy, read with the facts (no query of its own).
CYCLE_DAYS = Case(
    *[When(risk_tier=tier, then=F(f"review_policy__{tier}_days")) for tier in RiskTier.values],
    default=Value(None),
    output_field=IntegerField(),
)


def _facts(row: dict[str, Any], today: dt.date) -> dict[str, Any]:
    tier = row["risk_tier"]
    classification = row["data_classification"]
    return {
        "tier": tier.upper(),
        "cycle_days": "?" if row["cycle_days"] is None else row["cycle_days"],
        "days_overdue": (today - row["next_review_date"]).days,
        "next_review_date": row["next_review_date"].isoformat(),
        "latest_review_on": row["latest_review_on"].isoformat() if row["latest_review_on"] else "never",
        "status_changed_on": row["status_changed_on"].isoformat() if row["status_changed_on"] else "an unknown date",
        "grace_days": DEPRECATION_GRACE_DAYS,
        "missing_fields": ", ".join(name.replace("_", " ") for name in REQUIRED_FIELDS if row[name] == ""),
        "data_classification": classification.capitalize() if classification else "Unclassified",
        "vendor": row["vendor"],
    }


def _read_facts(models: QuerySet[AIModel], today: dt.date) -> dict[int, dict[str, Any]]:
    columns = (*FACT_COLUMNS, "cycle_days")
    rows = models.annotate(cycle_days=CYCLE_DAYS).values_list(*columns)
    return {values[0]: _facts(dict(zip(columns, values)), today) for values in rows.iterator(chunk_size=5000)}


class _FactsOfFailures:
    """The facts behind failing models' messages, read in one query the first time any is needed
    (or, after preload(), one query for a page of them)."""

    def __init__(
        self, failing: QuerySet[AIModel], today: dt.date, *, rows: dict[int, dict[str, Any]] | None = None
    ) -> None:
        self._failing, self._today, self._rows = failing, today, rows
        self._preloaded: dict[int, dict[str, Any]] = {}

    def preload(self, pks: list[int]) -> None:
        wanted = [pk for pk in pks if pk not in self._preloaded]
        if self._rows is None and wanted:
            self._preloaded.update(_read_facts(self._failing.filter(pk__in=wanted), self._today))

    def for_model(self, pk: int) -> dict[str, Any]:
        if self._rows is None:
            if pk in self._preloaded:
                return self._preloaded[pk]
            self._rows = _read_facts(self._failing, self._today)
        return self._rows[pk]


def evaluate(*, today: dt.date, queryset: QuerySet[AIModel] | None = None, ruleset: Ruleset = RULESET) -> Evaluation:
    """Evaluate models (default: the whole inventory) against the ruleset as of ``today``.

    Two queries whatever the number of models: how many are evaluated, and the failing ones with
    a bit mask of the rules each breaks. Failing models come most severe first, then by name.
    Violation messages need one more query, made the first time any message is read; passing
    models are streamed by Evaluation.passing() when a listing wants them.
    """
    base = (queryset if queryset is not None else AIModel.objects.all()).filter(EVALUATED)
    rules = ruleset.rules
    any_violation = Q()
    for rule in rules:
        any_violation |= rule.scope & rule.violated(today)
    evaluated = base.count()
    failing = base.filter(any_violation)
    facts = _FactsOfFailures(failing, today)
    rows = failing.annotate(violation_mask=_violation_mask(rules, today)).values_list(
        "pk", "model_name", "risk_tier", "status", "violation_mask"
    )
    # Few distinct masks occur; work out each one's worst severity once, and count per mask.
    worst_of: dict[int, int] = {}
    per_mask: Counter[int] = Counter()
    ranked = []
    for pk, name, tier, status, mask in rows.iterator(chunk_size=5000):
        worst = worst_of.get(mask)
        if worst is None:
            worst = worst_of[mask] = min(Severity.ORDER.index(rule.severity) for rule in rules_in(mask, ruleset))
        per_mask[mask] += 1
        ranked.append((worst, name, pk, tier, status, mask))
    ranked.sort(key=lambda item: item[:3])
    by_rule = {
        rule.id: sum(count for mask, count in per_mask.items() if mask & (1 << i)) for i, rule in enumerate(rules)
    }
    summary = Summary(evaluated=evaluated, passed=evaluated - len(ranked), failed=len(ranked), violations_by_rule=by_rule)
    return Evaluation(
        as_of=today, summary=summary, failing_rows=ranked, facts=facts, passing_queryset=base.exclude(any_violation)
    )


def evaluate_model(model: AIModel, *, today: dt.date) -> ModelResult:
    """One model's result. A retired model outside the evaluated population is "not evaluated".

    One query, messages included: whether the model is in the population, its violation mask
    and the facts its messages need, computed by the same conditions as evaluate().
    """
    rules = RULESET.rules
    row = (
        AIModel.objects.filter(pk=model.pk)
        .annotate(
            in_population=Case(When(EVALUATED, then=Value(True)), default=Value(False), output_field=BooleanField()),
            violation_mask=_violation_mask(rules, today),
            cycle_days=CYCLE_DAYS,
        )
        .values(*FACT_COLUMNS, "cycle_days", "in_population", "violation_mask")
        .first()
    )
    if row is None or not row["in_population"]:
        return ModelResult(model.pk, model.model_name, model.risk_tier, model.status, evaluated=False)
    if not row["violation_mask"]:
        return ModelResult(model.pk, model.model_name, model.risk_tier, model.status)
    facts = _FactsOfFailures(AIModel.objects.none(), today, rows={model.pk: _facts(row, today)})
    return ModelResult(
        model.pk, row["model_name"], row["risk_tier"], row["status"], mask=row["violation_mask"], facts=facts
    )
