"""Notifications in the console: each user's digest subscriptions; for administrators, scheduled
reports, emails that could not be sent, and the audit trail's alarms. Every write goes through a
service that checks the role itself."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from django_celery_beat.models import PeriodicTask

from common.actors import Actor
from common.forms import add_service_errors
from common.paging import paginate
from notifications import deliver, nightly, permissions, schedule, subscriptions
from notifications.forms import AcknowledgeForm, ScheduleForm, SubscriptionForm
from notifications.models import (
    AuditAlarm,
    Delivery,
    DigestSubscription,
    ScheduledReport,
    ScheduledReportRun,
    Verification,
)

NO_SUBSCRIBE_MESSAGE = "Your role cannot see the inventory, so it gets no digests."
ADMINISTRATORS_ONLY_MESSAGE = "Only administrators manage scheduled reports, failed emails and alarms."
RECENT_RUNS = 20
RECENT_VERIFICATIONS = 10


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _manager(request: HttpRequest) -> None:
    _require(permissions.can_manage(request.user), ADMINISTRATORS_ONLY_MESSAGE)


@require_http_methods(["GET", "POST"])
def subscriptions_page(request: HttpRequest) -> HttpResponse:
    """What the signed-in user receives; POST adds a scope or changes its frequency."""
    _require(permissions.can_subscribe(request.user), NO_SUBSCRIBE_MESSAGE)
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            subscriptions.save_subscription(
                user=request.user, scope=form.cleaned_data["scope"], value=form.value(),
                frequency=form.cleaned_data["frequency"], actor=Actor.for_user(request.user), now=timezone.now(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Your digest subscriptions are saved.")
            return redirect("notifications:subscriptions")
    return render(request, "notifications/subscriptions.html", {
        "form": form, "effective": subscriptions.effective_for(request.user),
        "can_manage": permissions.can_manage(request.user), "digest_hour": settings.MLTRACK_DIGEST_HOUR,
        "weekday": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][
            settings.MLTRACK_DIGEST_WEEKDAY - 1],
        "windows": settings.MLTRACK_DUE_SOON_WINDOWS, "escalation_days": settings.MLTRACK_ESCALATION_DAYS,
    }, status=400 if form.errors else 200)


@require_POST
def remove_subscription(request: HttpRequest, pk: int) -> HttpResponse:
    _require(permissions.can_subscribe(request.user), NO_SUBSCRIBE_MESSAGE)
    subscription = get_object_or_404(DigestSubscription, pk=pk, user=request.user)
    subscriptions.remove_subscription(subscription_id=subscription.pk, actor=Actor.for_user(request.user))
    messages.success(request, "Removed. With no subscription left, you get your role's default digest.")
    return redirect("notifications:subscriptions")


@require_http_methods(["GET"])
def deliveries(request: HttpRequest) -> HttpResponse:
    """Emails that failed or were never settled, newest first (two queries: count and page)."""
    _manager(request)
    paged = paginate(request, Delivery.objects.needing_attention().defer("body_text", "body_html", "attachments"),
                     settings.MLTRACK_PAGE_SIZE)
    return render(request, "notifications/deliveries.html", {
        "paged": paged, "max_attempts": settings.MLTRACK_DELIVERY_ATTEMPTS,
    })


@require_POST
def send_again(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    row = get_object_or_404(Delivery, pk=pk)
    try:
        deliver.send_again(delivery_id=row.pk, actor=Actor.for_user(request.user), now=timezone.now())
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"The email to {row.recipient} will be sent again within minutes.")
    return redirect("notifications:deliveries")


@require_http_methods(["GET", "POST"])
def schedules(request: HttpRequest) -> HttpResponse:
    """Scheduled reports and their latest runs, the scheduler's jobs; POST adds a schedule."""
    _manager(request)
    form = ScheduleForm(request.POST or None, initial={"enabled": True})
    if request.method == "POST" and _saved(request, form, None):
        return redirect("notifications:schedules")
    runs = ScheduledReportRun.objects.select_related("schedule", "job").order_by("-created_at", "-pk")[:RECENT_RUNS]
    return render(request, "notifications/schedules.html", {
        "form": form, "schedules": list(ScheduledReport.objects.all()), "runs": list(runs),
        "jobs": list(PeriodicTask.objects.select_related("interval", "crontab").order_by("name")),
    }, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def edit_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    instance = get_object_or_404(ScheduledReport, pk=pk)
    form = ScheduleForm(request.POST) if request.method == "POST" else ScheduleForm.for_schedule(instance)
    if request.method == "POST" and _saved(request, form, instance):
        return redirect("notifications:schedules")
    return render(request, "notifications/schedule_form.html", {"form": form, "schedule": instance},
                  status=400 if form.errors else 200)


def _saved(request: HttpRequest, form: ScheduleForm, instance: ScheduledReport | None) -> bool:
    if not form.is_valid():
        return False
    try:
        saved = schedule.save_schedule(data=form.data_for_service(), actor=Actor.for_user(request.user),
                                       now=timezone.now(), today=timezone.localdate(), schedule=instance)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return False
    messages.success(request, f"Scheduled report “{saved.name}” saved.")
    return True


@require_POST
def delete_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    instance = get_object_or_404(ScheduledReport, pk=pk)
    schedule.delete_schedule(schedule_id=instance.pk, actor=Actor.for_user(request.user))
    messages.success(request, f"Scheduled report “{instance.name}” removed; the reports it made are kept.")
    return redirect("notifications:schedules")


@require_http_methods(["GET"])
def alarms(request: HttpRequest) -> HttpResponse:
    """The audit trail's alarms and the latest scheduled verifications."""
    _require(permissions.can_see_alarms(request.user), "Your role cannot see the audit trail.")
    paged = paginate(request, AuditAlarm.objects.select_related("verification").order_by("-raised_at", "-pk"),
                     settings.MLTRACK_PAGE_SIZE)
    return render(request, "notifications/alarms.html", {
        "paged": paged, "form": AcknowledgeForm(), "can_manage": permissions.can_manage(request.user),
        "verifications": list(Verification.objects.select_related("checkpoint")[:RECENT_VERIFICATIONS]),
    })


@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    alarm = get_object_or_404(AuditAlarm, pk=pk)
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(message for errors in form.errors.values() for message in errors))
        return redirect("notifications:alarms")
    try:
        nightly.acknowledge_alarm(alarm_id=alarm.pk, actor=Actor.for_user(request.user),
                                  note=form.cleaned_data["note"], now=timezone.now())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Alarm acknowledged; the banner is gone.")
    return redirect("notifications:alarms")
