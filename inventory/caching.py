"""Caches of what changes only when the inventory does, keyed on its latest change.

Every change made through MLTrack writes a change-history entry (see ``history.latest_change_id``),
so a value computed from the inventory and cached under that entry's id is never served after a
change: the next request reads a new id and computes it afresh. The id is read once per request
(one indexed query), however many caches the page consults.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.http import HttpRequest

from inventory.history import latest_change_id

T = TypeVar("T")

# A cached value lives at most this long even when nothing changed (changes made outside MLTrack,
# by hand in the database, show within this time).
CACHE_SECONDS = 300
_REQUEST_ATTRIBUTE = "_mltrack_change_id"


def change_id(request: HttpRequest | None) -> int:
    """The inventory's latest change id, read once per request (every call without a request reads it)."""
    if request is None:
        return latest_change_id()
    found = getattr(request, _REQUEST_ATTRIBUTE, None)
    if found is None:
        found = latest_change_id()
        setattr(request, _REQUEST_ATTRIBUTE, found)
    return found


def per_change(request: HttpRequest | None, name: str, compute: Callable[[], T]) -> T:
    """``compute()``, computed once per change of the inventory (and at most every CACHE_SECONDS)."""
    return cache.get_or_set(f"inventory:{name}:{change_id(request)}", compute, CACHE_SECONDS)
