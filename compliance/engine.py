"""The compliance engine: evaluates models against the ruleset; every compliance number in MLTrack
comes from here.

The rules are SQL conditions, so the whole inventory is evaluated in a fixed number of queries:
how many models are evaluated, and the failing ones with a bit mask of the rules each breaks.
Messages and passing-model listings cost one more query each, and only when asked for.

What is evaluated: every model in use (active or deprecated), plus decommissioned models still
marked as production (they fail). Other decommissioned models are retired and not counted. The
compliance rate is passed / evaluated. See docs/compliance.md.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db import connections
from django.db.models import (
    Aggregate,
    BooleanField,
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.utils import timezone

from compliance.rules import DEPRECATION_GRACE_DAYS, EVALUATED, REQUIRED_FIELDS, RULESET, Rule, Ruleset, Severity
from inventory.models import AIModel, RiskTier


@dataclass(frozen=True)
class Violation:
    rule: Rule
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule.id,
            "severity": self.rule.severity,
            "message": self.message,
            "citations": self.rule.citations.shared_dict,
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
        if not self._mask:
            return ()
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


def rules_in(mask: int) -> list[Rule]:
    """The rules whose bits are set in a violation mask, in ruleset order."""
    return [rule for i, rule in enumerate(RULESET.rules) if mask & (1 << i)]


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
    # The passing models by name, when the evaluation read them already (evaluate(every_result=True)).
    passing_results: list[ModelResult] | None = None

    @property
    def ruleset(self) -> Ruleset:
        """The ruleset evaluated: there is one, versioned and hashed (compliance.rules)."""
        return RULESET

    @cached_property
    def failures(self) -> list[ModelResult]:
        return [
            ModelResult(pk, name, tier, status, mask=mask, facts=self.facts)
            for _, name, pk, tier, status, mask in self.failing_rows
        ]

    def passing(self, *, start: int = 0, stop: int | None = None) -> Iterator[ModelResult]:
        """The passing models, by name, streamed (one more query, only when asked for).
        ``start``/``stop`` take a slice of them in the database, for a page of a listing."""
        if self.passing_results is not None:
            yield from self.passing_results[start:stop]
            return
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

    def listing(self, *, show_all: bool = False, rule_id: str = "") -> Sequence[ModelResult]:
        """What a listing of this evaluation shows, for a paginator: the models breaking one rule,
        every evaluated model (failures first, then the passing ones, read a page at a time), or
        the failures. The console page lists it; the API will page it the same way."""
        if rule_id:
            RULESET.get(rule_id)  # an unknown rule raises UnknownRule naming it, not an empty listing
            return [result for result in self.failures if rule_id in result.rule_ids]
        if show_all:
            return FailingThenPassing(self)
        return self.failures

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


class FailingThenPassing(Sequence[ModelResult]):
    """Every evaluated model for a paginator: the failures in the engine's order (already in
    memory), then the passing models by name, of which only the page's slice is read."""

    def __init__(self, evaluation: Evaluation) -> None:
        self._failures = evaluation.failures
        self._evaluation = evaluation
        self._length = evaluation.summary.failed + evaluation.summary.passed

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index: int | slice):
        if not isinstance(index, slice):
            position = index + self._length if index < 0 else index
            if not 0 <= position < self._length:
                raise IndexError(index)
            return self[position:position + 1][0]
        start, stop, _ = index.indices(self._length)
        failing = len(self._failures)
        page = self._failures[start:stop]
        if stop > failing:
            page += list(self._evaluation.passing(start=max(start - failing, 0), stop=stop - failing))
        return page


# Columns read for each failing model: enough to write every rule's message.
FACT_COLUMNS = (
    "pk", "model_name", "risk_tier", "status", "next_review_date", "latest_outcome_on", "status_changed_on",
    "data_classification", "vendor", "review_policy_id", "card_published_at", *REQUIRED_FIELDS,
    "registered_name", "registered_version", "reviewed_registry_version",
)


def rule_mask(condition: Callable[[Rule], Q]) -> ExpressionWrapper:
    """One integer per model: bit i is set when ``condition(rule i)`` holds for it (one column, not
    nine). The engine's violation mask and the OSCAL evidence's applicability mask are both this."""
    bits = [Case(When(condition(rule), then=Value(1 << i)), default=Value(0)) for i, rule in enumerate(RULESET.rules)]
    total = bits[0]
    for bit in bits[1:]:
        total = total + bit
    return ExpressionWrapper(total, output_field=IntegerField())


def _violation_mask(today: dt.date) -> ExpressionWrapper:
    """Bit i is set when the model violates rule i."""
    return rule_mask(lambda rule: rule.scope & rule.violated(today))


# The review cycle of the model's tier under its policy, read with the facts (no query of its own).
CYCLE_DAYS = Case(
    *[When(risk_tier=tier, then=F(f"review_policy__{tier}_days")) for tier in RiskTier.values],
    default=Value(None),
    output_field=IntegerField(),
)


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def _date(value: dt.date | str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _card_state(published_at: dt.datetime | str | None) -> str:
    """What the card rule's message says is missing: a card never published, or one published for
    an earlier definition (on the day it was published, in the configured time zone)."""
    if published_at is None:
        return "never published"
    if isinstance(published_at, str):  # a database that hands back text
        published_at = dt.datetime.fromisoformat(published_at)
    day = timezone.localdate(published_at) if timezone.is_aware(published_at) else published_at.date()
    return f"the latest was published on {day.isoformat()} for an earlier definition"


def _facts(row: dict[str, Any], today: dt.date) -> dict[str, Any]:
    tier = row["risk_tier"]
    classification = row["data_classification"]
    due, latest, changed = _date(row["next_review_date"]), _date(row["latest_outcome_on"]), _date(row["status_changed_on"])
    return {
        "tier": tier.upper(),
        "cycle_days": "?" if row["cycle_days"] is None else row["cycle_days"],
        "overdue": _days((today - due).days),
        "next_review_date": due.isoformat(),
        "latest_review_on": latest.isoformat() if latest else "never",
        "status_changed_on": changed.isoformat() if changed else "an unknown date",
        "grace_days": DEPRECATION_GRACE_DAYS,
        "missing_fields": ", ".join(name.replace("_", " ") for name in REQUIRED_FIELDS if row[name] == ""),
        "data_classification": classification.capitalize() if classification else "Unclassified",
        "vendor": row["vendor"],
        "card_state": _card_state(row["card_published_at"]),
        "registered_name": row["registered_name"],
        "registered_version": row["registered_version"],
        "reviewed_registry_version": row["reviewed_registry_version"] or "(none recorded)",
    }


FACT_ROW = (*FACT_COLUMNS, "cycle_days")
DATE_FACTS = ("next_review_date", "latest_outcome_on", "status_changed_on")


def _fact_row_read_as_text(models: QuerySet[AIModel]) -> tuple[QuerySet[AIModel], tuple[str, ...]]:
    """On SQLite every date read is parsed twice (by the driver and by Django), which at 100,000
    models costs more than the query; reading every evaluated model, only the failing ones' dates
    are needed, so there the dates are read as the text SQLite stores (YYYY-MM-DD) and parsed
    when a message is written (_date). Other databases return dates natively."""
    if connections[models.db].vendor != "sqlite":
        return models, FACT_ROW
    texts = {f"{name}_text": Cast(name, CharField()) for name in DATE_FACTS}
    return models.annotate(**texts), tuple(f"{name}_text" if name in DATE_FACTS else name for name in FACT_ROW)


def _read_facts(models: QuerySet[AIModel], today: dt.date) -> dict[int, dict[str, Any]]:
    rows = models.annotate(cycle_days=CYCLE_DAYS).values_list(*FACT_ROW)
    return {values[0]: _facts(dict(zip(FACT_ROW, values)), today) for values in rows.iterator(chunk_size=5000)}


class _FactsOfFailures:
    """The facts behind failing models' messages, read in one query the first time any is needed
    (or, after preload(), one query for a page of them)."""

    def __init__(
        self, failing: QuerySet[AIModel], today: dt.date, *, rows: dict[int, dict[str, Any]] | None = None,
        read: dict[int, tuple[Any, ...]] | None = None,
    ) -> None:
        self._failing, self._today, self._rows = failing, today, rows
        # Rows of FACT_ROW already read with the evaluation: facts are worked out when first asked for.
        self._read = read
        self._preloaded: dict[int, dict[str, Any]] = {}

    def preload(self, pks: list[int]) -> None:
        wanted = [pk for pk in pks if pk not in self._preloaded]
        if self._rows is None and self._read is None and wanted:
            self._preloaded.update(_read_facts(self._failing.filter(pk__in=wanted), self._today))

    def for_model(self, pk: int) -> dict[str, Any]:
        if self._read is not None:
            return _facts(dict(zip(FACT_ROW, self._read[pk])), self._today)
        if self._rows is None:
            if pk in self._preloaded:
                return self._preloaded[pk]
            self._rows = _read_facts(self._failing, self._today)
        return self._rows[pk]


def evaluate(*, today: dt.date, queryset: QuerySet[AIModel] | None = None, every_result: bool = False) -> Evaluation:
    """Evaluate models (default: the whole inventory) against the ruleset as of ``today``.

    Two queries whatever the number of models: how many are evaluated, and the failing ones with
    a bit mask of the rules each breaks. Failing models come most severe first, then by name.
    Violation messages need one more query, made the first time any message is read; passing
    models are streamed by Evaluation.passing() when a listing wants them. That suits a page,
    which shows fifty results and a summary.

    ``every_result``: the caller will read every result and message (validate --json, the
    compliance report, OSCAL evidence), so read every evaluated model, its mask and its facts in
    one query instead of four (at 100,000 models, about a second less).
    """
    base = (queryset if queryset is not None else AIModel.objects.all()).filter(EVALUATED)
    any_violation = _any_violation(RULESET.rules, today)
    failing = base.filter(any_violation)
    if every_result:
        return _evaluate_every_model(base, failing, any_violation, today)
    evaluated = base.count()
    rows = failing.annotate(violation_mask=_violation_mask(today)).values_list(
        "pk", "model_name", "risk_tier", "status", "violation_mask"
    )
    ranking = _Ranking()
    for pk, name, tier, status, mask in rows.iterator(chunk_size=5000):
        ranking.add(pk, name, tier, status, mask)
    return Evaluation(
        as_of=today, summary=ranking.summary(evaluated), failing_rows=ranking.ranked(),
        facts=_FactsOfFailures(failing, today), passing_queryset=base.exclude(any_violation),
    )


def _evaluate_every_model(base: QuerySet[AIModel], failing: QuerySet[AIModel], any_violation: Q,
                          today: dt.date) -> Evaluation:
    models, columns = _fact_row_read_as_text(base.annotate(cycle_days=CYCLE_DAYS, violation_mask=_violation_mask(today)))
    rows = models.order_by("model_name", "pk").values_list(*columns, "violation_mask")
    ranking = _Ranking()
    read: dict[int, tuple[Any, ...]] = {}
    passing: list[ModelResult] = []
    for values in rows.iterator(chunk_size=5000):
        pk, name, tier, status = values[:4]
        mask = values[-1]
        if mask:
            ranking.add(pk, name, tier, status, mask)
            read[pk] = values
        else:
            passing.append(ModelResult(pk, name, tier, status))
    return Evaluation(
        as_of=today, summary=ranking.summary(len(read) + len(passing)), failing_rows=ranking.ranked(),
        facts=_FactsOfFailures(failing, today, read=read), passing_queryset=base.exclude(any_violation),
        passing_results=passing,
    )


class _Ranking:
    """Failing models ranked most severe first, then by name, and counted per rule."""

    def __init__(self) -> None:
        # Few distinct masks occur; work out each one's worst severity once, and count per mask.
        self._worst_of: dict[int, int] = {}
        self._per_mask: Counter[int] = Counter()
        self._rows: list[tuple[int, str, int, str, str, int]] = []

    def add(self, pk: int, name: str, tier: str, status: str, mask: int) -> None:
        worst = self._worst_of.get(mask)
        if worst is None:
            worst = self._worst_of[mask] = min(Severity.ORDER.index(rule.severity) for rule in rules_in(mask))
        self._per_mask[mask] += 1
        self._rows.append((worst, name, pk, tier, status, mask))

    def ranked(self) -> list[tuple[int, str, int, str, str, int]]:
        self._rows.sort(key=lambda item: item[:3])
        return self._rows

    def summary(self, evaluated: int) -> Summary:
        failed = len(self._rows)
        by_rule = {
            rule.id: sum(count for mask, count in self._per_mask.items() if mask & (1 << i))
            for i, rule in enumerate(RULESET.rules)
        }
        return Summary(evaluated=evaluated, passed=evaluated - failed, failed=failed, violations_by_rule=by_rule)


def _any_violation(rules: tuple[Rule, ...], today: dt.date) -> Q:
    condition = Q()
    for rule in rules:
        condition |= rule.scope & rule.violated(today)
    return condition


SUMMARY_PREFIX = "compliance__"


def summary_aggregates(*, today: dt.date, by_rule: bool = True) -> dict[str, Aggregate]:
    """The summary's counts as aggregates, so that a caller that needs other counts too (the
    dashboard, the risk report) reads them all in the same single query. Read the result back
    with summary_from(). The conditions are evaluate()'s; a test keeps the two equal.

    ``by_rule=False`` leaves out the count per rule (the dashboard shows the rate, not the rules),
    which halves the work of the query."""
    aggregates: dict[str, Aggregate] = {
        f"{SUMMARY_PREFIX}evaluated": Count("pk", filter=EVALUATED),
        f"{SUMMARY_PREFIX}failed": Count("pk", filter=EVALUATED & _any_violation(RULESET.rules, today)),
    }
    if by_rule:
        for i, rule in enumerate(RULESET.rules):
            aggregates[f"{SUMMARY_PREFIX}rule_{i}"] = Count("pk", filter=EVALUATED & rule.scope & rule.violated(today))
    return aggregates


def summary_from(row: dict[str, int]) -> Summary:
    """The Summary of summary_aggregates()' counts (violations_by_rule empty without by_rule)."""
    evaluated, failed = row[f"{SUMMARY_PREFIX}evaluated"], row[f"{SUMMARY_PREFIX}failed"]
    return Summary(
        evaluated=evaluated,
        passed=evaluated - failed,
        failed=failed,
        violations_by_rule={
            rule.id: row[f"{SUMMARY_PREFIX}rule_{i}"]
            for i, rule in enumerate(RULESET.rules) if f"{SUMMARY_PREFIX}rule_{i}" in row
        },
    )


def summarize(
    *, today: dt.date, queryset: QuerySet | None = None, by_rule: bool = True
) -> Summary:
    """The summary alone (evaluated, passed, failed, per-rule counts) in one query, without
    reading the failing models. The queryset may be of AIModel or of its history table (same
    columns). The dashboard and the daily snapshot read the same aggregates, summary_aggregates(),
    beside counts of their own in the same query."""
    queryset = queryset if queryset is not None else AIModel.objects.all()
    aggregates = summary_aggregates(today=today, by_rule=by_rule)
    return summary_from(queryset.order_by().aggregate(**aggregates))


def evaluate_model(model: AIModel, *, today: dt.date) -> ModelResult:
    """One model's result. A retired model outside the evaluated population is "not evaluated".

    One query, messages included: whether the model is in the population, its violation mask
    and the facts its messages need, computed by the same conditions as evaluate().
    """
    return result_from_row(model, model_row(model, today=today), today=today)


def model_row(model: AIModel, *, today: dt.date) -> dict[str, Any] | None:
    """What evaluate_model() reads (one query): plain values, read only from the model's own row and
    its review policy's, so a copy stays right for as long as those rows and the day do."""
    return (
        AIModel.objects.filter(pk=model.pk)
        .annotate(
            in_population=Case(When(EVALUATED, then=Value(True)), default=Value(False), output_field=BooleanField()),
            violation_mask=_violation_mask(today),
            cycle_days=CYCLE_DAYS,
        )
        .values(*FACT_COLUMNS, "cycle_days", "in_population", "violation_mask")
        .first()
    )


def result_from_row(model: AIModel, row: dict[str, Any] | None, *, today: dt.date) -> ModelResult:
    """The result of model_row()'s values (no query)."""
    if row is None or not row["in_population"]:
        return ModelResult(model.pk, model.model_name, model.risk_tier, model.status, evaluated=False)
    if not row["violation_mask"]:
        return ModelResult(model.pk, model.model_name, model.risk_tier, model.status)
    facts = _FactsOfFailures(AIModel.objects.none(), today, rows={model.pk: _facts(row, today)})
    return ModelResult(
        model.pk, row["model_name"], row["risk_tier"], row["status"], mask=row["violation_mask"], facts=facts
    )
