"""The audit-trail alarm's banner, on every console page until an administrator acknowledges it."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from common.banners import Banner
from notifications import permissions
from notifications.models import AuditAlarm


def alarm_banner(request: HttpRequest) -> Banner | None:
    """One query (the open-alarm index), for those who may read the audit trail."""
    if not permissions.can_see_alarms(request.user):
        return None
    alarm = AuditAlarm.objects.open().only("raised_at", "summary").order_by("-raised_at").first()
    if alarm is None:
        return None
    return Banner(
        title=f"The audit trail failed its verification on {alarm.raised_at:%Y-%m-%d %H:%M} UTC",
        text=alarm.summary, link=reverse("notifications:alarms"),
        link_label="Acknowledge" if permissions.can_manage(request.user) else "Details",
    )
