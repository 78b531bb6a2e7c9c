"""Pages of every API listing: ?page=N (from 1) and ?page_size= up to MLTRACK_API_MAX_PAGE_SIZE.

Each page is one COUNT and one read of its rows, however large the inventory; a page past the end
is 404 with a message.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from django.conf import settings
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


class Pages(PageNumberPagination):
    page_size_query_param = "page_size"

    def get_page_size(self, request) -> int:
        # Read per request, so that the settings (and a test's override) apply.
        self.page_size = settings.MLTRACK_API_PAGE_SIZE
        self.max_page_size = settings.MLTRACK_API_MAX_PAGE_SIZE
        return super().get_page_size(request)

    def envelope(self) -> dict[str, Any]:
        """count, page, pages, next, previous: the listing's place, before its rows."""
        return OrderedDict([
            ("count", self.page.paginator.count),
            ("page", self.page.number),
            ("pages", self.page.paginator.num_pages),
            ("next", self.get_next_link()),
            ("previous", self.get_previous_link()),
        ])

    def get_paginated_response(self, data) -> Response:
        return Response({**self.envelope(), "results": data})

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {"type": "object", "required": ["count", "page", "pages", "next", "previous", "results"],
                "properties": {**envelope_schema(), "results": schema}}


def envelope_schema() -> dict[str, Any]:
    link = {"type": "string", "format": "uri", "nullable": True}
    return {
        "count": {"type": "integer", "minimum": 0},
        "page": {"type": "integer", "minimum": 1},
        "pages": {"type": "integer", "minimum": 1},
        "next": link,
        "previous": link,
    }
