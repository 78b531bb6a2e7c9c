"""What every endpoint shares: who acts, today's date, reading a request body, and filter sets
that need today's date (the inventory's review-state filters)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers
from rest_framework.request import Request

from common.actors import Actor


def actor_of(request: Request) -> Actor:
    return Actor.for_user(request.user)


def read_input(serializer_class: type[serializers.Serializer], request: Request) -> dict:
    """The request body, checked by ``serializer_class`` (400 with each field's errors)."""
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class Today:
    """Views that work "as of today": the institution's date, read once per request."""

    def today(self) -> dt.date:
        cached = getattr(self, "_today", None)
        if cached is None:
            cached = self._today = timezone.localdate()
        return cached

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "today": self.today()}


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, giving a view's FilterSet today's date when it takes one
    (inventory.filters.AIModelFilterSet: overdue, due within 30 days)."""

    def get_filterset_kwargs(self, request, queryset, view) -> dict:
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        if getattr(view, "filterset_takes_today", False):
            kwargs["today"] = view.today()
        return kwargs
