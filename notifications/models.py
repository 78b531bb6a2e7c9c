"""What the notifications app keeps: who wants which digests, every email it claimed and sent,
scheduled reports and their runs, the nightly verifications and the alarms they raised."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from inventory.models import RiskTier
from reports.models import ReportJob

# reports.data.KINDS (a test holds them equal): importing the report builders here would load the
# compliance engine whenever Django starts, the mltrack command included.
REPORT_KINDS = ("compliance", "inventory", "risk")
REPORT_FORMATS = ("csv", "json", "pdf", "oscal")


class Frequency(models.TextChoices):
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"
    OFF = "off", "Off"


class DigestSubscription(models.Model):
    """One scope of one user's digest, and how often it comes. A user with no rows at all gets the
    default of their role (notifications.recipients); once they have rows, only the rows count, so
    a row with frequency "off" turns the default off."""

    class Scope(models.TextChoices):
        ALL = "all", "The whole inventory"
        BUSINESS_LINE = "business_line", "A business line"
        RISK_TIER = "risk_tier", "A risk tier"
        OWNED = "owned", "The models I own"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_subscriptions")
    scope = models.CharField(max_length=20, choices=Scope.choices)
    # The business line or risk tier; empty for the whole inventory and owned models.
    value = models.CharField(max_length=100, blank=True, default="")
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.DAILY)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["user_id", "scope", "value"]
        constraints = [
            models.UniqueConstraint(fields=["user", "scope", "value"], name="subscription_one_per_scope"),
            models.CheckConstraint(
                condition=Q(scope__in=["all", "owned"], value="")
                | Q(scope="business_line") & ~Q(value="")
                | Q(scope="risk_tier", value__in=RiskTier.values),
                name="subscription_value_fits_scope",
            ),
            models.CheckConstraint(condition=Q(frequency__in=Frequency.values), name="subscription_frequency_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.describe()} ({self.frequency})"

    def describe(self) -> str:
        if self.scope == self.Scope.RISK_TIER:
            return f"risk tier {RiskTier(self.value).label}"
        if self.scope == self.Scope.BUSINESS_LINE:
            return f"business line {self.value}"
        return self.get_scope_display().lower()


class DeliveryQuerySet(models.QuerySet["Delivery"]):
    def due_for_retry(self, *, now: dt.datetime, max_attempts: int) -> DeliveryQuerySet:
        """Failed sends with attempts left whose pause is over (the retry pass claims them)."""
        return self.filter(state=Delivery.State.FAILED, attempts__lt=max_attempts, next_attempt_at__lte=now)

    def stale_claims(self, *, before: dt.datetime) -> DeliveryQuerySet:
        """Claimed and never settled: the sender stopped between the claim and the outcome."""
        return self.filter(state=Delivery.State.CLAIMED, claimed_at__lt=before)

    def needing_attention(self) -> DeliveryQuerySet:
        return self.filter(state__in=[Delivery.State.FAILED, Delivery.State.CLAIMED]).order_by("-claimed_at", "-pk")


class Delivery(models.Model):
    """One email to one recipient for one period: claimed (this row, unique per recipient, kind and
    period) before it is sent, then marked sent or failed. The claim is what makes a retry, a second
    beat or a second worker send nothing twice.

    Until it is sent the row keeps the message itself, so a retry sends exactly what was claimed;
    once sent, only its subject and SHA-256 remain."""

    class Kind(models.TextChoices):
        DAILY_DIGEST = "daily_digest", "Daily digest"
        WEEKLY_DIGEST = "weekly_digest", "Weekly digest"
        ESCALATION = "escalation", "Escalation"
        SCHEDULED_REPORT = "scheduled_report", "Scheduled report"
        CHECKPOINT = "checkpoint", "Audit checkpoint"
        ALARM = "alarm", "Audit trail alarm"

    class State(models.TextChoices):
        CLAIMED = "claimed", "Claimed (sending)"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    recipient = models.CharField(max_length=254)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The day ("2026-11-27"), ISO week ("2026-W48") or run ("report-run-12") the email belongs to.
    period = models.CharField(max_length=40)
    subject = models.CharField(max_length=300)
    content_sha256 = models.CharField(max_length=64)
    state = models.CharField(max_length=10, choices=State.choices, default=State.CLAIMED)
    attempts = models.PositiveSmallIntegerField(default=1)
    last_error = models.TextField(blank=True)
    claimed_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    # A failed send is tried again from then on; empty once no retry is due (sent, or given up).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # The message while it is not yet sent: text, HTML and attachments ([name, content, media type]).
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    attachments = models.JSONField(default=list, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-claimed_at", "-pk"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["recipient", "kind", "period"], name="delivery_once_per_period"),
            models.CheckConstraint(condition=Q(state__in=["claimed", "sent", "failed"]), name="delivery_state_valid"),
        ]
        indexes = [
            # The retry pass and the failures page: unsent rows by when they are due, without the
            # sent ones that make up nearly all rows.
            models.Index(fields=["next_attempt_at"], name="delivery_unsent_idx",
                         condition=Q(state__in=["claimed", "failed"])),
            # Which recipients already have this period's digest (one read per run).
            models.Index(fields=["kind", "period"], name="delivery_period_idx"),
        ]
        permissions = [("manage_notifications",
                        "Can manage scheduled reports, see failed emails and acknowledge audit trail alarms")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period} to {self.recipient} ({self.state})"


class ScheduledReport(models.Model):
    """A report made on a schedule and emailed to a list of recipients (link and SHA-256)."""

    class Every(models.TextChoices):
        DAY = "daily", "Every day"
        WEEK = "weekly", "Every week"
        MONTH = "monthly", "Every month"

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=[(kind, kind.title()) for kind in REPORT_KINDS])
    format = models.CharField(max_length=10, choices=[(fmt, fmt.upper()) for fmt in REPORT_FORMATS])
    # The inventory filters of the report (as reports.data.clean_filters keeps them).
    filters = models.JSONField(default=dict, blank=True)
    # Addresses, one per line, as checked by the service.
    recipients = models.TextField()
    every = models.CharField(max_length=10, choices=Every.choices, default=Every.WEEK)
    enabled = models.BooleanField(default=True)
    created_by_name = models.CharField(max_length=150)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=list(REPORT_KINDS)), name="scheduled_report_kind_valid"),
            models.CheckConstraint(condition=Q(format__in=list(REPORT_FORMATS)),
                                   name="scheduled_report_format_valid"),
            models.CheckConstraint(condition=Q(every__in=["daily", "weekly", "monthly"]),
                                   name="scheduled_report_every_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    def recipient_list(self) -> list[str]:
        return [line for line in self.recipients.splitlines() if line]


class ScheduledReportRun(models.Model):
    """One period's report of a schedule: claimed once (unique per schedule and period), made by a
    background report job, then emailed."""

    schedule = models.ForeignKey(ScheduledReport, on_delete=models.CASCADE, related_name="runs")
    period = models.CharField(max_length=20)
    job = models.ForeignKey(ReportJob, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField()
    # When the run was settled: its emails sent (claimed), or its failure recorded; empty while the job runs.
    mailed_at = models.DateTimeField(null=True, blank=True)
    # Why the run produced no file (its filters no longer hold, or the job failed).
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["schedule", "period"], name="scheduled_run_once_per_period")]
        indexes = [
            # Runs whose emails are still to go (the scheduled-reports pass reads them every ten minutes).
            models.Index(fields=["created_at"], name="scheduled_run_unmailed_idx", condition=Q(mailed_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.schedule_id} {self.period}"


class Verification(models.Model):
    """One verification of the audit trail by the scheduler (or the command): its verdict, and the
    signed checkpoint it anchored. A nightly one is claimed by its day, so a night has one."""

    night = models.DateField(null=True, blank=True, unique=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    ok = models.BooleanField(null=True)
    summary = models.TextField(blank=True)
    record_count = models.PositiveBigIntegerField(default=0)
    checkpoint = models.ForeignKey("reviews.ChainCheckpoint", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        verdict = "running" if self.ok is None else "OK" if self.ok else "FAILED"
        return f"verification {self.started_at:%Y-%m-%d %H:%M}: {verdict}"


class AuditAlarmQuerySet(models.QuerySet["AuditAlarm"]):
    def open(self) -> AuditAlarmQuerySet:
        return self.filter(acknowledged_at__isnull=True)


class AuditAlarm(models.Model):
    """A failed verification of the audit trail: shown as a banner in the console until an
    administrator acknowledges it. The same failure seen again updates the open alarm."""

    raised_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    summary = models.TextField()
    verification = models.ForeignKey(Verification, on_delete=models.SET_NULL, null=True, related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                        related_name="+")
    acknowledged_by_name = models.CharField(max_length=150, blank=True)
    note = models.TextField(blank=True, max_length=2000)

    objects = AuditAlarmQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-pk"]
        indexes = [
            # The console's banner asks on every page whether an alarm is open.
            models.Index(fields=["raised_at"], name="alarm_open_idx", condition=Q(acknowledged_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"alarm {self.raised_at:%Y-%m-%d %H:%M}: {self.summary[:60]}"
