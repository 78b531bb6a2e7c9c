"""The dashboard's registry figure: registered models missing from the inventory, as the latest
successful reconciliation of each registry counted them (one query)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import OuterRef, Subquery, Sum

from registries import permissions
from registries.models import Reconciliation


def untracked_in_registries(user: AbstractBaseUser) -> int | None:
    """The total, or None when the user may not see registries or none has been reconciled."""
    if not permissions.can_view(user):
        return None
    latest_ok = Reconciliation.objects.filter(registry=OuterRef("registry"), outcome=Reconciliation.Outcome.OK)
    runs = Reconciliation.objects.filter(pk=Subquery(latest_ok.order_by("-started_at", "-pk").values("pk")[:1]))
    return runs.aggregate(total=Sum("untracked"))["total"]
