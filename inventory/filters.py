"""The inventory's filters: one definition for the console list, the CLI and the API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import quote

import django_filters
from django import forms
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from inventory.models import (
    DUE_SOON_DAYS,
    OVERDUE_AGES,
    AIModel,
    DataClassification,
    Environment,
    ModelType,
    RiskTier,
    Status,
)

RISK_RANK = Case(
    *[When(risk_tier=tier, then=Value(rank)) for rank, tier in enumerate(RiskTier.values)],
    output_field=IntegerField(),
)

SORTS = {
    "name": "model_name",
    "vendor": "vendor",
    "risk": "risk_tier",
    "status": "status",
    "environment": "deployment_environment",
    "deployed": "deployment_date",
    "next_review": "next_review_date",
    "last_review": "last_review_date",
    "added": "created_at",
}


class AIModelFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    risk_tier = django_filters.ChoiceFilter(choices=RiskTier.choices, label="Risk tier")
    # Part of the name, any case ("moody" finds Moody's Analytics); the page suggests the values in use.
    vendor = django_filters.CharFilter(field_name="vendor", lookup_expr="icontains", label="Vendor")
    deployment_environment = django_filters.ChoiceFilter(choices=Environment.choices, label="Environment")
    status = django_filters.ChoiceFilter(choices=Status.choices, label="Status")
    model_type = django_filters.ChoiceFilter(choices=ModelType.choices, label="Model type")
    data_classification = django_filters.ChoiceFilter(choices=DataClassification.choices, label="Data classification")
    business_line = django_filters.CharFilter(field_name="business_line", lookup_expr="icontains", label="Business line")
    review = django_filters.ChoiceFilter(
        choices=[
            ("overdue", "Overdue"),
            *[(key, f"Overdue {label}") for key, label, _, _ in OVERDUE_AGES],
            ("due_30", "Due in 30 days"),
            ("never", "Never reviewed"),
            ("changed", "Changed since last review"),
        ],
        method="review_state",
        label="Review",
    )
    sort = django_filters.OrderingFilter(
        fields=[(field, key) for key, field in SORTS.items()],
        label="Sort by",
        empty_label="Name (default)",
    )

    class Meta:
        model = AIModel
        fields: list[str] = []

    def __init__(self, *args, today: dt.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def search(self, queryset: QuerySet[AIModel], name: str, value: str) -> QuerySet[AIModel]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(model_name__icontains=value)
            | Q(vendor__icontains=value)
            | Q(use_case__icontains=value)
            | Q(business_owner__icontains=value)
            | Q(technical_owner__icontains=value)
        )

    def review_state(self, queryset: QuerySet[AIModel], name: str, value: str) -> QuerySet[AIModel]:
        if value == "overdue":
            return queryset.overdue(today=self.today)
        for key, _, min_days, max_days in OVERDUE_AGES:
            if value == key:
                return queryset.overdue_between(today=self.today, min_days=min_days, max_days=max_days)
        if value == "due_30":
            return queryset.due_within(today=self.today, days=DUE_SOON_DAYS)
        if value == "changed":
            return queryset.changed_since_review()
        return queryset.filter(last_review_date__isnull=True)

    @property
    def qs(self) -> QuerySet[AIModel]:
        queryset = super().qs
        # Tiers sort by severity (critical first), not alphabetically; then a stable order for
        # paging: the chosen sort, then the primary key.
        ordering = [
            RISK_RANK.asc() if key == "risk_tier" else RISK_RANK.desc() if key == "-risk_tier" else key
            for key in queryset.query.order_by
        ] or ["model_name"]
        return queryset.order_by(*ordering, "pk")


# The list's sortable columns, in the order of the table: (key of SORTS, header).
SORT_COLUMNS = (
    ("name", "Model"),
    ("vendor", "Vendor"),
    ("risk", "Risk tier"),
    ("environment", "Environment"),
    ("status", "Status"),
    ("last_review", "Last review"),
    ("next_review", "Next review"),
)
DEFAULT_SORT = "name"


@dataclass(frozen=True)
class SortHeader:
    """A sortable column header: its label, its current order ("ascending", "descending" or ""),
    and the link that sorts by it (the other direction when it is the active column), keeping the
    other filters."""

    label: str
    order: str
    href: str


def sort_headers(form: forms.Form) -> list[SortHeader]:
    """The list's column headers, built once per page rather than by a template per column."""
    current = form.data.get("sort", "") or ""
    # The other filters as the form holds them, in the form's order (BoundField.value(), as shown).
    kept = "".join(
        f"{field.name}={quote(str(value))}&" for field in form if field.name != "sort" and (value := field.value())
    )
    headers = []
    for key, label in SORT_COLUMNS:
        descending = f"-{key}"
        ascending = current == key or (not current and key == DEFAULT_SORT)
        order = "ascending" if ascending else "descending" if current == descending else ""
        headers.append(SortHeader(label, order, f"?{kept}sort={descending if ascending else key}"))
    return headers
