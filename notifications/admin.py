"""Notifications in the admin, read-only: subscriptions and schedules are changed in the console
(through the services that check roles), emails and alarms are records. The scheduler's jobs are
edited here, under Periodic tasks (django-celery-beat)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from notifications.models import (
    AuditAlarm,
    Delivery,
    DigestSubscription,
    ScheduledReport,
    ScheduledReportRun,
    Verification,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["claimed_at", "kind", "period", "recipient", "state", "attempts", "subject"]
    list_filter = ["state", "kind"]
    search_fields = ["recipient", "period", "subject"]
    exclude = ["body_text", "body_html", "attachments"]
    show_full_result_count = False


@admin.register(DigestSubscription)
class DigestSubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["user", "scope", "value", "frequency", "updated_at"]
    list_filter = ["scope", "frequency"]
    list_select_related = ["user"]


@admin.register(ScheduledReport)
class ScheduledReportAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "format", "every", "enabled", "created_by_name"]


@admin.register(ScheduledReportRun)
class ScheduledReportRunAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "schedule", "period", "job", "mailed_at"]
    list_select_related = ["schedule", "job"]


@admin.register(Verification)
class VerificationAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "night", "ok", "record_count", "summary"]


@admin.register(AuditAlarm)
class AuditAlarmAdmin(ReadOnlyAdmin):
    list_display = ["raised_at", "last_seen_at", "summary", "acknowledged_at", "acknowledged_by_name"]
