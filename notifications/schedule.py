"""Scheduled reports: administrators schedule any report kind and format, with filters, for a list
of recipients; each period's report is made once, stored with its SHA-256, and emailed as links.

``run_scheduled_reports`` (every ten minutes, and ``manage.py run_scheduled_reports``):

1. From MLTRACK_DIGEST_HOUR on, each enabled schedule due this period (daily: the day; weekly: the
   ISO week, from MLTRACK_DIGEST_WEEKDAY; monthly: the month) gets a run, claimed by its unique
   (schedule, period) row, and the run a background report job (reports.jobs): the file is made by a
   worker, with a lease that survives a dead worker, and stored with its SHA-256.
2. Every run whose job is done is emailed to the schedule's recipients (each email claimed, so once)
   with links to the job page and the file; a run whose job failed keeps the reason, which the
   console's schedule page shows.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from common.actors import Actor
from common.authz import require
from common.text import clean_line
from notifications import deliver, emails, permissions
from notifications.deliver import Clock
from notifications.digests import week_of
from notifications.models import REPORT_FORMATS, REPORT_KINDS, ScheduledReport, ScheduledReportRun
from reports.data import TITLES, BadReportRequest, clean_filters, filtered_models
from reports.jobs import queue_scheduled_report
from reports.models import ReportJob

MAX_RECIPIENTS = 50
NAME_MESSAGE = "Give the schedule a name of 1 to 100 characters."
DUPLICATE_NAME_MESSAGE = 'A schedule named "{name}" exists already.'
KIND_MESSAGE = "Choose a report: compliance, inventory or risk."
FORMAT_MESSAGE = "Choose a format: CSV, JSON, PDF or OSCAL."
EVERY_MESSAGE = "Choose how often: every day, week or month."
RECIPIENTS_MISSING_MESSAGE = "Give at least one email address."
RECIPIENT_MESSAGE = "{address!r} is not an email address."
TOO_MANY_MESSAGE = "At most {limit} recipients ({count} given)."
SCHEDULER = "scheduled reports"
_SEPARATORS = re.compile(r"[\s,;]+")


def parse_recipients(raw: str) -> list[str]:
    """Addresses separated by commas, semicolons, spaces or lines; each checked, duplicates dropped."""
    addresses = list(dict.fromkeys(part for part in _SEPARATORS.split(raw or "") if part))
    if not addresses:
        raise ValidationError(RECIPIENTS_MISSING_MESSAGE)
    if len(addresses) > MAX_RECIPIENTS:
        raise ValidationError(TOO_MANY_MESSAGE.format(limit=MAX_RECIPIENTS, count=len(addresses)))
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError(RECIPIENT_MESSAGE.format(address=address[:80])) from None
    return addresses


def clean_schedule(data: dict[str, object], *, today: dt.date, instance: ScheduledReport | None) -> dict[str, object]:
    """The schedule's fields as stored, or ValidationError naming each bad field."""
    errors: dict[str, str] = {}
    cleaned: dict[str, object] = {}
    try:
        name = clean_line(str(data.get("name") or ""), label="Name")
        if not 1 <= len(name) <= 100:
            raise ValidationError(NAME_MESSAGE)
        clash = ScheduledReport.objects.filter(name__iexact=name)
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            raise ValidationError(DUPLICATE_NAME_MESSAGE.format(name=name))
        cleaned["name"] = name
    except ValidationError as exc:
        errors["name"] = exc.messages[0]
    for key, allowed, message in (("kind", REPORT_KINDS, KIND_MESSAGE), ("format", REPORT_FORMATS, FORMAT_MESSAGE),
                                  ("every", ScheduledReport.Every.values, EVERY_MESSAGE)):
        if data.get(key) in allowed:
            cleaned[key] = data[key]
        else:
            errors[key] = message
    try:
        cleaned["recipients"] = "\n".join(parse_recipients(str(data.get("recipients") or "")))
    except ValidationError as exc:
        errors["recipients"] = exc.messages[0]
    raw_filters = data.get("filters") or {}
    filters = clean_filters({key: str(value) for key, value in dict(raw_filters).items()})  # type: ignore
    try:
        filtered_models(filters, today=today)  # the report's own check, so a bad filter is refused now
        cleaned["filters"] = filters
    except BadReportRequest as exc:
        errors["filters"] = str(exc)
    cleaned["enabled"] = bool(data.get("enabled", True))
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def save_schedule(*, data: dict[str, object], actor: Actor, now: dt.datetime, today: dt.date,
                  schedule: ScheduledReport | None = None) -> ScheduledReport:
    """Create a schedule, or change one (administrators only)."""
    require(actor, permissions.can_manage, "schedule reports")
    fields = clean_schedule(data, today=today, instance=schedule)
    if schedule is None:
        return ScheduledReport.objects.create(**fields, created_by_name=actor.name, created_at=now, updated_at=now)
    for key, value in fields.items():
        setattr(schedule, key, value)
    schedule.updated_at = now
    schedule.save()
    return schedule


def delete_schedule(*, schedule_id: int, actor: Actor) -> None:
    """Remove a schedule and its runs' records (the report jobs and their files stay)."""
    require(actor, permissions.can_manage, "remove scheduled reports")
    ScheduledReport.objects.filter(pk=schedule_id).delete()


def period_of(every: str, *, today: dt.date) -> str | None:
    """The period a schedule's report is due for today, or None (a weekly one before its weekday)."""
    if every == ScheduledReport.Every.DAY:
        return today.isoformat()
    if every == ScheduledReport.Every.WEEK:
        return week_of(today) if today.isoweekday() >= settings.MLTRACK_DIGEST_WEEKDAY else None
    return f"{today:%Y-%m}"


@dataclass
class RunResult:
    queued: int = 0
    emailed: int = 0
    failed_runs: int = 0
    failed_emails: int = 0
    waiting: bool = False
    dry_run: bool = False

    def summary(self) -> str:
        verb = "would queue" if self.dry_run else "queued"
        when = " (new runs wait for the morning)" if self.waiting else ""
        return (f"scheduled reports: {verb} {self.queued}{when}; {self.emailed} email(s) sent, "
                f"{self.failed_emails} failed (retried later); {self.failed_runs} run(s) failed")


def run_scheduled_reports(*, now: dt.datetime, clock: Clock | None = None, wait_for_hour: bool = True,
                          dry_run: bool = False) -> RunResult:
    """Queue the reports due this period and email the finished ones (see the module's docstring)."""
    local = timezone.localtime(now)
    result = RunResult(dry_run=dry_run, waiting=wait_for_hour and local.hour < settings.MLTRACK_DIGEST_HOUR)
    _mail_finished(now=now, clock=clock or (lambda: now), result=result)
    if not result.waiting:
        _queue_due(now=now, today=local.date(), result=result)
    return result


def _queue_due(*, now: dt.datetime, today: dt.date, result: RunResult) -> None:
    due = [(schedule, period) for schedule in ScheduledReport.objects.filter(enabled=True)
           if (period := period_of(schedule.every, today=today)) is not None]
    made = set(ScheduledReportRun.objects.filter(schedule__in=[s for s, _ in due], period__in={p for _, p in due})
               .values_list("schedule_id", "period"))
    for schedule, period in due:
        if (schedule.pk, period) in made:
            continue
        if result.dry_run:
            result.queued += 1
            continue
        if _start_run(schedule, period=period, now=now, today=today):
            result.queued += 1


def _start_run(schedule: ScheduledReport, *, period: str, now: dt.datetime, today: dt.date) -> bool:
    try:
        with transaction.atomic():
            run = ScheduledReportRun.objects.create(schedule=schedule, period=period, created_at=now)
            try:
                filtered_models(clean_filters(schedule.filters), today=today)  # refused now, not by the worker
                run.job = queue_scheduled_report(schedule.kind, fmt=schedule.format, filters=schedule.filters,
                                                 actor=Actor.system(SCHEDULER), now=now, today=today)
            except BadReportRequest as exc:  # filters that held when saved but no longer do
                run.error, run.mailed_at = str(exc), now
            run.save(update_fields=["job", "error", "mailed_at"])
    except IntegrityError:
        return False  # another worker started this period's run
    return True


def _mail_finished(*, now: dt.datetime, clock: Clock, result: RunResult) -> None:
    runs = ScheduledReportRun.objects.filter(mailed_at__isnull=True).select_related("schedule", "job")
    sender = None
    try:
        for run in runs:
            job = run.job
            if job is None or job.state == ReportJob.State.FAILED:
                result.failed_runs += 1
                if not result.dry_run:
                    error = job.error if job is not None else "The report job is gone."
                    ScheduledReportRun.objects.filter(pk=run.pk, mailed_at=None).update(mailed_at=now, error=error)
                continue
            if job.state != ReportJob.State.DONE:
                continue
            context = _context(run)
            for address in run.schedule.recipient_list():
                if result.dry_run:
                    result.emailed += 1
                    continue
                sender = sender or deliver.Sender()
                message = emails.scheduled_report(to=address, period=f"report-run-{run.pk}", context=context)
                outcome = deliver.deliver(message, sender=sender, clock=clock)
                result.emailed += outcome == deliver.SENT
                result.failed_emails += outcome == deliver.FAILED
            if not result.dry_run:
                ScheduledReportRun.objects.filter(pk=run.pk, mailed_at=None).update(mailed_at=now)
    finally:
        if sender is not None:
            sender.close()


def _context(run: ScheduledReportRun) -> dict[str, object]:
    job = run.job
    return {
        "schedule": run.schedule.name, "title": TITLES[job.kind], "format": job.format.upper(), "period": run.period,
        "as_of": job.as_of.isoformat(), "filters": job.filters, "model_count": job.model_count,
        "sha256": job.sha256, "size": job.size, "file_name": job.file_name,
        "job_url": emails.absolute(reverse("reports:job", args=[job.pk])),
        "file_url": emails.absolute(reverse("reports:job-file", args=[job.pk])),
        "schedules_url": emails.absolute(reverse("notifications:schedules")),
    }
