"""The dashboard: where the inventory, or a filtered slice of it, stands today.

Every number comes from reports.portfolio.build_portfolio. This view narrows the inventory with
the inventory list's own filter set, turns each figure into a link to the list of exactly its
models (the current filters plus the figure's own), and renders the whole page or, for the
auto-refresh script (static/js/dashboard.js asks with ``partial=1``), only the panels.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache

from common.forms import rendering_key
from inventory import caching, permissions
from inventory.filters import AIModelFilterSet
from inventory.models import DUE_SOON_DAYS, AIModel, Environment, RiskTier, Status
from registries.figures import untracked_in_registries
from reports.portfolio import CACHE_SECONDS, TREND_DAYS, Figure, ModelLine, Portfolio, cached_portfolio

# The inventory-list filters the dashboard offers; other list parameters (search, review state,
# sort) are ignored here, so a bookmarked dashboard never narrows by something it does not show.
FILTER_PARAMS = ("risk_tier", "vendor", "deployment_environment", "status", "business_line")
# Auto-refresh intervals in seconds ("" is off), kept in the URL as ``refresh``.
REFRESH_CHOICES = (("", "Off"), ("30", "30 s"), ("60", "1 min"), ("300", "5 min"))
PAGE_TEMPLATE = "reports/dashboard.html"
PANELS_TEMPLATE = "reports/includes/dashboard_panels.html"
FIGURES_TEMPLATE = "reports/includes/dashboard_figures.html"
ENVIRONMENT_LABELS = dict(Environment.choices)


@dataclass(frozen=True)
class Number:
    """A figure as shown: its count and the list of exactly its models (None: no such list)."""

    key: str
    label: str
    count: int
    url: str | None
    share: float = 0.0


@dataclass(frozen=True)
class Row:
    """A model in one of the short lists, with the words its row needs."""

    line: ModelLine
    environment: str
    due: str

    @property
    def retired(self) -> bool:
        # Decommissioned models have no review due; the high-risk list still shows them when
        # they are marked as production, since that is a finding in itself.
        return not self.line.due.scheduled

    @property
    def overdue(self) -> bool:
        return self.line.due.overdue

    @property
    def due_soon(self) -> bool:
        return self.line.due.due_soon


class Linker:
    """Links from figures to the inventory list, keeping the dashboard's filters."""

    def __init__(self, filters: dict[str, str]) -> None:
        self.filters = filters
        self.inventory = reverse("inventory:list")

    def url(self, params: dict[str, str] | None, base: str | None = None) -> str | None:
        if params is None:
            return None
        for name, value in params.items():
            current = self.filters.get(name)
            # A figure that contradicts a filter (another tier than the one chosen) counts no
            # model here, and its own list would show models outside the selection: no link.
            if current and current.casefold() != value.casefold():
                return None
        query = urlencode({**self.filters, **params})
        return f"{base or self.inventory}?{query}" if query else base or self.inventory

    def number(self, figure: Figure, *, total: int = 0) -> Number:
        return Number(figure.key, figure.label, figure.count, self.url(figure.params), figure.share_of(total))

    def numbers(self, figures: Iterable[Figure], *, total: int = 0) -> list[Number]:
        return [self.number(figure, total=total) for figure in figures]


def _dashboard_url(params: dict[str, str]) -> str:
    query = urlencode(params)
    return f"{reverse('reports:dashboard')}?{query}" if query else reverse("reports:dashboard")


def _rows(lines: list[ModelLine]) -> list[Row]:
    return [
        Row(line, ENVIRONMENT_LABELS.get(line.environment, "—"), line.due.words())
        for line in lines
    ]


def _trend_scope_label(scope: str | None) -> str:
    if scope is None:
        return ""
    return f"{RiskTier(scope).label} risk tier" if scope else "Whole inventory"


def figures_context(portfolio: Portfolio, filters: dict[str, str], *, refresh: str) -> dict[str, Any]:
    """Everything the figures show, links included: plain data, no query left for the template, and
    nothing but the portfolio, the filters and the refresh choice (so it can be rendered once)."""
    links = Linker(filters)
    # Snapshots exist for the whole inventory and each tier: the chosen tier alone, or everything.
    trend_filters = {"risk_tier": filters["risk_tier"]} if "risk_tier" in filters else {}
    total = portfolio.total
    active = next(figure for figure in portfolio.by_status if figure.key == Status.ACTIVE)
    return {
        "portfolio": portfolio,
        "filtered": bool(filters),
        "due_soon_days": DUE_SOON_DAYS,
        "total": Number("total", "Models", total, links.url({})),
        "active": links.number(active, total=total),
        "compliance": portfolio.compliance,
        "compliance_url": links.url({}, base=reverse("compliance:evaluation")),
        "overdue": links.number(portfolio.overdue, total=total),
        "due_soon": links.number(portfolio.due_soon, total=total),
        "never_reviewed": links.number(portfolio.never_reviewed, total=total),
        "changed": links.number(portfolio.changed_since_review, total=total),
        "by_tier": links.numbers(portfolio.by_tier, total=total),
        "by_environment": links.numbers(portfolio.by_environment, total=total),
        "by_vendor": links.numbers(portfolio.by_vendor, total=total),
        "by_business_line": links.numbers(portfolio.by_business_line, total=total),
        "overdue_by_age": links.numbers(portfolio.overdue_by_age, total=portfolio.overdue.count),
        "high_risk_in_production": links.numbers(portfolio.high_risk_in_production),
        "recent_additions": _rows(portfolio.recent_additions),
        "recent_url": links.url({"sort": "-added"}),
        "reviews_needed": _rows(portfolio.reviews_needed),
        "high_risk_models": _rows(portfolio.high_risk_models),
        "trend": portfolio.trend,
        "trend_scope": portfolio.trend_scope,
        "trend_scope_label": _trend_scope_label(portfolio.trend_scope),
        "trend_days": TREND_DAYS,
        "trend_tier": RiskTier(filters["risk_tier"]).label if "risk_tier" in filters else "",
        "trend_url": _dashboard_url({**trend_filters, **({"refresh": refresh} if refresh else {})}),
    }


def figures_html(portfolio: Portfolio, context: dict[str, Any], *, filters: dict[str, str], refresh: str,
                 untracked: int | None) -> str:
    """The figures rendered, once per portfolio build and per input of figures_context (most of the
    page's rendering time). The key holds every one of those inputs: the build (a new portfolio,
    after a change or once the cached one expires, renders anew), the filters and refresh choice
    that shape the links, and the registries' figure, which depends on the role (None for a user
    who may not see registries), so the same HTML is only ever served for the same inputs."""
    key = "dashboard-figures:" + hashlib.sha256(json.dumps(
        [portfolio.build_id, list(filters.items()), refresh, untracked]).encode()).hexdigest()
    html = cache.get(key)
    if html is None:
        html = render_to_string(FIGURES_TEMPLATE, context)
        cache.set(key, html, CACHE_SECONDS)
    return mark_safe(html)  # rendered by our template, which escaped every value


def _filter_data(query: QueryDict) -> QueryDict:
    data = QueryDict(mutable=True)
    for name in FILTER_PARAMS:
        if query.get(name):
            data[name] = query[name]
    return data


def _active_filters(filterset: AIModelFilterSet) -> dict[str, str]:
    """The filters in force: valid values only (an invalid one is shown as an error and ignored)."""
    form = filterset.form
    form.is_valid()
    return {name: str(form.cleaned_data[name]) for name in FILTER_PARAMS if form.cleaned_data.get(name)}


def _chips(filterset: AIModelFilterSet, filters: dict[str, str], refresh: str) -> list[dict[str, str]]:
    """The filters in force as removable chips: label, value as shown, and the URL without it."""
    chips = []
    for name, value in filters.items():
        field = filterset.form.fields[name]
        shown = dict(getattr(field, "choices", ())).get(value, value)
        rest = {key: kept for key, kept in filters.items() if key != name}
        if refresh:
            rest["refresh"] = refresh
        chips.append({"label": field.label, "value": str(shown), "remove_url": _dashboard_url(rest)})
    return chips


@never_cache
def dashboard(request: HttpRequest) -> HttpResponse:
    """The first page after login: the portfolio of the (filtered) inventory, each number a link.

    Query budget, whatever the inventory size: session, user, user permissions, group
    permissions, the latest change id, then (when the inventory changed since the portfolio was
    cached) build_portfolio's seven at most (every count in two; three short lists, the high-risk
    one in up to two queries; the trend), and the registries' untracked models = 13; 6 when cached.
    """
    permissions.require_view(request.user)
    today = timezone.localdate()
    filterset = AIModelFilterSet(_filter_data(request.GET), queryset=AIModel.objects.all(), today=today)
    filters = _active_filters(filterset)
    portfolio = cached_portfolio(filterset.qs, today=today, filters=filters, change_id=caching.change_id(request))
    refresh = request.GET.get("refresh", "")
    if refresh not in dict(REFRESH_CHOICES):
        refresh = ""
    context = figures_context(portfolio, filters, refresh=refresh)
    # Not narrowed by the filters: a registered model missing from the inventory has no tier or vendor yet.
    untracked = untracked_in_registries(request.user)
    context["untracked"] = None if untracked is None else Number(
        "untracked", "Untracked in registries", untracked, reverse("registries:list"))
    context["figures"] = figures_html(portfolio, context, filters=filters, refresh=refresh, untracked=untracked)
    context["updated_at"] = timezone.localtime()
    if request.GET.get("partial") == "1":
        return render(request, PANELS_TEMPLATE, context)

    # Suggestions for the free-text filters, from the groups already counted (no extra query).
    filterset.form.fields["vendor"].widget.attrs["list"] = "dashboard-vendors"
    filterset.form.fields["business_line"].widget.attrs["list"] = "dashboard-business-lines"
    return render(
        request,
        PAGE_TEMPLATE,
        {
            **context,
            "filter_fields": [filterset.form[name] for name in FILTER_PARAMS],
            "chips": _chips(filterset, filters, refresh),
            "refresh": refresh,
            "refresh_choices": REFRESH_CHOICES,
            "clear_url": _dashboard_url({"refresh": refresh} if refresh else {}),
            # The form's fields, the refresh choice and the Clear link (which keeps it).
            "filter_key": rendering_key(filterset.form, refresh),
            "vendor_options": [n.label for n in context["by_vendor"] if n.url],
            "business_line_options": [n.label for n in context["by_business_line"] if n.url],
            "can_add": permissions.can_add(request.user),
        },
    )
