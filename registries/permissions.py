"""Who may do what with registries: administrators configure them; model risk officers and
administrators reconcile, adopt and link; whoever may read the inventory and the reconciliation
(examiners too) sees it."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

MANAGE = "registries.manage_registries"
RECONCILE = "registries.reconcile_registries"
VIEW = "registries.view_reconciliation"

NO_VIEW_MESSAGE = "Your role cannot see the registries' reconciliation."


def can_view(user: AbstractBaseUser) -> bool:
    return user.has_perm(VIEW)


def can_manage(user: AbstractBaseUser) -> bool:
    return user.has_perm(MANAGE)


def can_reconcile(user: AbstractBaseUser) -> bool:
    return user.has_perm(RECONCILE)
