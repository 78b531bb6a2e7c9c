from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet

from inventory.models import AIModel
from reviews.models import ModelReview, Outcome


INVERTED_RANGE_MESSAGE = "“Reviewed from” ({start}) is after “Reviewed until” ({end}): no review can match. Swap them."


class TrailFilterForm(forms.Form):
    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", INVERTED_RANGE_MESSAGE.format(start=start.isoformat(), end=end.isoformat()))
        return cleaned


# The largest id a database stores (a bigger number would overflow the query, not find nothing).
MAX_ID = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """A whole-number id, within what the database stores."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, min_value=1, max_value=MAX_ID, **kwargs)


class ModelReviewFilterSet(django_filters.FilterSet):
    model = django_filters.CharFilter(method="filter_model_name", label="Model")
    # One model's whole trail (the link on its page); not shown as a form field.
    model_id = IdFilter(field_name="model_id", widget=forms.HiddenInput)
    reviewer = django_filters.CharFilter(field_name="reviewer", lookup_expr="icontains", label="Reviewer")
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices, label="Outcome")
    date_from = django_filters.DateFilter(
        field_name="review_date", lookup_expr="gte", label="Reviewed from",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        field_name="review_date", lookup_expr="lte", label="Reviewed until",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = ModelReview
        fields: list[str] = []
        form = TrailFilterForm

    def filter_model_name(self, queryset: QuerySet[ModelReview], name: str, value: str) -> QuerySet[ModelReview]:
        # Match names in the inventory (100,000 rows), then use the review table's model index,
        # rather than scanning a million review rows for the text.
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(model_id__in=AIModel.objects.filter(model_name__icontains=value).values("pk"))
