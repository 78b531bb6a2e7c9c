"""Who may do what with notifications. Anyone who may read the inventory manages their own digest
subscriptions; administrators schedule reports, see and resend failed emails, and acknowledge
audit-trail alarms; anyone who may read the audit trail sees its alarm."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from inventory import permissions as inventory_permissions
from reviews import permissions as review_permissions

MANAGE = "notifications.manage_notifications"


def can_subscribe(user: AbstractBaseUser) -> bool:
    return inventory_permissions.can_view(user)


def can_manage(user: AbstractBaseUser) -> bool:
    return user.has_perm(MANAGE)


def can_see_alarms(user: AbstractBaseUser) -> bool:
    return review_permissions.can_view(user)
