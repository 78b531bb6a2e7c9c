"""The inventory filters of the compliance page."""

from __future__ import annotations

from inventory.filters import AIModelFilterSet


class ComplianceFilterSet(AIModelFilterSet):
    """The inventory filters that narrow the population the compliance page evaluates.

    The same filters and behaviour as the inventory list; search, sorting and the review-date
    filters are dropped because the engine decides order and what counts as overdue.
    """

    # Declared as None, an inherited filter is left out (django-filter's rule for subclasses).
    q = model_type = data_classification = review = sort = None
