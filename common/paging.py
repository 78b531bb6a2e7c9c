"""One page of a console listing, and the query string its page links keep."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, QueryDict


@dataclass(frozen=True)
class Paged:
    page: Page
    # The page's rows, read here so that each view's query budget is visible in the view.
    items: list[Any]
    # The request's GET parameters without "page", for links to other pages.
    query: QueryDict


def paginate(request: HttpRequest, rows: Sequence[Any], per_page: int, *, count: int | None = None) -> Paged:
    """``count``: the number of rows when the caller knows it (a cached count), saving the COUNT query."""
    paginator = Paginator(rows, per_page)
    if count is not None:
        paginator.count = count  # Paginator.count is a cached_property: this is its value
    page = paginator.get_page(request.GET.get("page"))
    # The page numbers the pager links to: the first, the last, and two either side of this one
    # (Paginator.ELLIPSIS between), so a reader can jump, not only step.
    page.numbers = list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    query = request.GET.copy()
    query.pop("page", None)
    return Paged(page=page, items=list(page.object_list), query=query)
