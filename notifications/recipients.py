"""Who receives which digest: every active account with an email address that may read the
inventory, with its subscriptions, or its role's default when it has none.

Defaults: administrators (superusers included) and model risk officers get the whole inventory
daily; everyone else who may read the inventory gets the models they own daily (a digest with
nothing in it is not sent, so an examiner who owns nothing gets nothing). A user's own rows replace
the default; a row with frequency "off" turns it off.

Read in a fixed number of queries, however many users there are.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from common.roles import ADMINISTRATOR, MODEL_RISK_OFFICER
from notifications.models import DigestSubscription, Frequency
from notifications.scan import Scope

# The permission that lets an account read the inventory (inventory.permissions.VIEW).
VIEW_APP, VIEW_CODENAME = "inventory", "view_aimodel"
WHOLE_INVENTORY: Scope = (DigestSubscription.Scope.ALL, "")
OWNED: Scope = (DigestSubscription.Scope.OWNED, "")


@dataclass(frozen=True)
class Subscriber:
    user_id: int
    email: str
    name: str
    administrator: bool
    daily: tuple[Scope, ...]
    weekly: tuple[Scope, ...]
    # True when the scopes are the role's default (the user has no subscription rows).
    default: bool


def _view_permission() -> Permission | None:
    return Permission.objects.filter(content_type__app_label=VIEW_APP, codename=VIEW_CODENAME).first()


def subscribers() -> list[Subscriber]:
    """Every account that may get a digest, with its scopes (six queries)."""
    user_model = get_user_model()
    users = list(
        user_model.objects.filter(is_active=True).exclude(email="").order_by("pk")
        .values_list("pk", "email", "username", "first_name", "last_name", "is_superuser")
    )
    permission = _view_permission()
    viewer_groups: set[str] = set()
    direct: set[int] = set()
    if permission is not None:
        viewer_groups = set(Group.objects.filter(permissions=permission).values_list("name", flat=True))
        direct = set(
            user_model.user_permissions.through.objects.filter(permission=permission).values_list("user_id", flat=True)
        )
    groups: dict[int, set[str]] = defaultdict(set)
    for user_id, name in user_model.groups.through.objects.values_list("user_id", "group__name"):
        groups[user_id].add(name)
    rows: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    for user_id, scope, value, frequency in DigestSubscription.objects.values_list("user_id", "scope", "value",
                                                                                   "frequency"):
        rows[user_id].append((scope, value, frequency))

    found = []
    for pk, email, username, first, last, superuser in users:
        names = groups.get(pk, set())
        if not (superuser or pk in direct or names & viewer_groups):
            continue  # a role that cannot read the inventory gets no digest, whatever it subscribed to
        administrator = superuser or ADMINISTRATOR in names
        own = rows.get(pk)
        if own is None:
            default = WHOLE_INVENTORY if administrator or MODEL_RISK_OFFICER in names else OWNED
            daily, weekly = (default,), ()
        else:
            daily = tuple((scope, value) for scope, value, frequency in own if frequency == Frequency.DAILY)
            weekly = tuple((scope, value) for scope, value, frequency in own if frequency == Frequency.WEEKLY)
        name = f"{first} {last}".strip() or username
        found.append(Subscriber(pk, email.strip(), name, administrator, daily, weekly, own is None))
    return found


def administrators(everyone: list[Subscriber]) -> list[Subscriber]:
    """The administrators among the accounts (alarms and the default escalation go to them)."""
    return [subscriber for subscriber in everyone if subscriber.administrator]


def administrator_addresses() -> list[str]:
    """Every active administrator's (and superuser's) address, for alarms; a fixed number of queries."""
    user_model = get_user_model()
    rows = (
        user_model.objects.filter(is_active=True).exclude(email="")
        .filter(Q(is_superuser=True) | Q(groups__name=ADMINISTRATOR)).order_by("pk").values_list("email", flat=True)
    )
    return list(dict.fromkeys(email.strip() for email in rows))
