from __future__ import annotations

import django_filters
from django import forms

from reviews.models import ModelReview, Outcome


class ModelReviewFilterSet(django_filters.FilterSet):
    model = django_filters.CharFilter(field_name="model_name", lookup_expr="icontains", label="Model")
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
