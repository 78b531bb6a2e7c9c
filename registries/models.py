"""Model registries, each reconciliation run against the inventory, and what the last run found."""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from inventory.models import AIModel


class Registry(models.Model):
    """A model registry MLTrack reads (MLflow's tracking server). Its token is kept encrypted
    (registries.secrets) and never shown back."""

    class Kind(models.TextChoices):
        MLFLOW = "mlflow", "MLflow"

    name = models.CharField(max_length=100, unique=True, help_text="How MLTrack names it, e.g. mlflow-prod.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MLFLOW)
    url = models.CharField("URL", max_length=500, help_text="The tracking server's base URL, e.g. https://mlflow.bank.example.")
    # Fernet token of the bearer token (registries.secrets); blank = none.
    token_encrypted = models.TextField(blank=True, default="", editable=False)
    enabled = models.BooleanField(default=True, help_text="Reconciled by the daily job.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "registries"
        ordering = ["name"]
        permissions = [
            ("manage_registries", "Can configure model registries"),
            ("reconcile_registries", "Can reconcile registries and adopt or link registered models"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registries:detail", args=[self.pk])

    @property
    def has_token(self) -> bool:
        return bool(self.token_encrypted)


class ReconciliationQuerySet(models.QuerySet["Reconciliation"]):
    def latest_per_registry(self) -> ReconciliationQuerySet:
        """The most recent finished run of each registry (one query)."""
        latest = Reconciliation.objects.filter(registry=models.OuterRef("registry")).exclude(finished_at=None)
        return self.filter(pk=models.Subquery(latest.order_by("-started_at", "-pk").values("pk")[:1]))


class Reconciliation(models.Model):
    """One run: when, by whom, whether the registry answered, and how many of each finding."""

    class Outcome(models.TextChoices):
        RUNNING = "running", "Running"
        OK = "ok", "OK"
        UNREACHABLE = "unreachable", "Registry unreachable"

    registry = models.ForeignKey(Registry, on_delete=models.CASCADE, related_name="reconciliations")
    # The day a scheduled run claims (one per registry and day); null for runs by hand.
    day = models.DateField(null=True, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.CharField(max_length=150)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.RUNNING)
    error = models.TextField(blank=True, default="")
    versions_read = models.PositiveIntegerField(default=0)
    untracked = models.PositiveIntegerField(default=0)
    orphaned = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    linked = models.PositiveIntegerField(default=0)
    updated_models = models.PositiveIntegerField(default=0)

    objects = ReconciliationQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            # The daily job's claim: a retry or a second beat finds the day taken.
            models.UniqueConstraint(fields=["registry", "day"], name="reconciliation_once_a_day"),
        ]
        indexes = [
            # The latest run of each registry (the reconciliation page, the dashboard figure).
            models.Index(fields=["registry", "-started_at"], name="reconciliation_latest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.registry} at {self.started_at:%Y-%m-%d %H:%M}"


class Finding(models.Model):
    """What one run found about one registered model or one linked inventory model."""

    class Kind(models.TextChoices):
        UNTRACKED = "untracked", "Untracked (in the registry, not the inventory)"
        ORPHANED = "orphaned", "Orphaned (linked, gone from the registry)"
        CHANGED = "changed", "Changed since review"
        LINKED = "linked", "Linked"

    reconciliation = models.ForeignKey(Reconciliation, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    registered_name = models.CharField(max_length=250)
    version = models.CharField(max_length=50, blank=True, default="")
    stage = models.CharField(max_length=250, blank=True, default="")
    run_id = models.CharField(max_length=100, blank=True, default="")
    source = models.CharField(max_length=1000, blank=True, default="")
    digest = models.CharField(max_length=200, blank=True, default="")
    description = models.TextField(blank=True, default="")
    tags = models.JSONField(default=dict, blank=True)
    model = models.ForeignKey(AIModel, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["kind", "registered_name"]
        indexes = [
            # One group of a run's findings, by name (the reconciliation page).
            models.Index(fields=["reconciliation", "kind", "registered_name"], name="finding_group_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.registered_name}"
