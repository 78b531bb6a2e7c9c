"""Compliance in the console: the validation page, and the compliance panel on each model's page.

Every verdict and number comes from compliance.engine; these views choose what to list and render it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from common.paging import paginate
from common.panels import Panel
from compliance.engine import ModelResult, Violation, evaluate
from compliance.filters import ComplianceFilterSet
from compliance.forms import ComplianceListingForm
from compliance.page_cache import evaluate_model_cached
from compliance.rules import RULESET, Rule, Severity
from inventory import permissions as inventory_permissions
from inventory.models import AIModel

# Models per page of the validation listing.
PAGE_SIZE = 50


@dataclass(frozen=True)
class Listed:
    """One model on the page with its violations, messages already written (none left for the template)."""

    result: ModelResult
    violations: tuple[Violation, ...]


def _rules_by_severity() -> list[Rule]:
    return sorted(RULESET.rules, key=lambda rule: Severity.ORDER.index(rule.severity))


def _most_severe_first(violations: tuple[Violation, ...]) -> tuple[Violation, ...]:
    # The engine lists a model's violations in ruleset order; people read the worst first.
    return tuple(sorted(violations, key=lambda violation: Severity.ORDER.index(violation.rule.severity)))


def compliance(request: HttpRequest) -> HttpResponse:
    """The validation page: evaluate the filtered inventory once, list failures first, 50 a page.

    Query budget, whatever the inventory size: session, user, user permissions, group permissions,
    the evaluated count, the failing models, and the page's violation facts = 7; listing "all" adds
    one for a page that reaches the passing models = 8.
    """
    inventory_permissions.require_view(request.user)
    today = timezone.localdate()
    filterset = ComplianceFilterSet(request.GET, queryset=AIModel.objects.all(), today=today)
    listing = ComplianceListingForm(request.GET, rules=[(rule.id, rule.title) for rule in _rules_by_severity()])
    show_all, rule_id = listing.listing()

    # The engine orders the failures itself; the filter set's sort would only cost the database.
    evaluation = evaluate(today=today, queryset=filterset.qs.order_by())
    results = evaluation.listing(show_all=show_all, rule_id=rule_id)
    paged = paginate(request, results, PAGE_SIZE)
    # The page's messages in one query, not every failing model's.
    evaluation.load_messages(paged.items)
    listed = [Listed(result, _most_severe_first(result.violations)) for result in paged.items]

    query = paged.query
    # Links to one rule keep the population filters and drop what the rule link replaces.
    population = query.copy()
    for name in ("rule", "result"):
        population.pop(name, None)
    counts = evaluation.summary.violations_by_rule
    return render(
        request,
        "compliance/evaluation.html",
        {
            "filter": filterset,
            "listing": listing,
            "evaluation": evaluation,
            "summary": evaluation.summary,
            "metadata": evaluation.metadata(),
            "rule_counts": [(rule, counts.get(rule.id, 0)) for rule in _rules_by_severity()],
            "rule": RULESET.get(rule_id) if rule_id else None,
            "show_all": show_all and not rule_id,
            "page": paged.page,
            "listed": listed,
            "query": query.urlencode(),
            "population_query": population.urlencode(),
        },
    )


def compliance_panel(request: HttpRequest, model: AIModel, today: dt.date) -> Panel | None:
    """The model page's compliance section: the engine's verdict on this model and each violation.

    One query (compliance.engine.evaluate_model), messages included, made once per state of the
    model (compliance.page_cache).
    """
    if not inventory_permissions.can_view(request.user):
        return None
    result = evaluate_model_cached(model, today=today)
    if not result.evaluated:
        state = "not-evaluated"
    elif result.passed:
        state = "compliant"
    else:
        state = "not-compliant"
    return Panel(
        "compliance/includes/model_panel.html",
        {"model": model, "state": state, "violations": _most_severe_first(result.violations), "today": today,
         "ruleset": RULESET.describe()},
    )
