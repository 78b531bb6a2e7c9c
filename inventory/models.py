"""The model inventory: AI/ML models under governance and the review policy that schedules them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from common.text import is_clean_line, name_key
from inventory.history import HistoricalActor


class RiskTier(models.TextChoices):
    CRITICAL = "critical", "Critical"
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class Environment(models.TextChoices):
    PROD = "prod", "Production"
    STAGING = "staging", "Staging"
    DEV = "dev", "Development"


class DataClassification(models.TextChoices):
    PUBLIC = "public", "Public"
    INTERNAL = "internal", "Internal"
    CONFIDENTIAL = "confidential", "Confidential"
    RESTRICTED = "restricted", "Restricted"


class Status(models.TextChoices):
    ACTIVE = "active", "Active"
    DEPRECATED = "deprecated", "Deprecated"
    DECOMMISSIONED = "decommissioned", "Decommissioned"


class ModelType(models.TextChoices):
    STATISTICAL = "statistical", "Statistical"
    ML = "ml", "Machine learning"
    GENERATIVE_AI = "generative_ai", "Generative AI"
    AGENTIC_AI = "agentic_ai", "Agentic AI"
    RULES = "rules", "Rules-based"
    VENDOR = "vendor", "Vendor product"


# Lifecycle moves forward only; decommissioned is final.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.ACTIVE: frozenset({Status.DEPRECATED, Status.DECOMMISSIONED}),
    Status.DEPRECATED: frozenset({Status.DECOMMISSIONED}),
    Status.DECOMMISSIONED: frozenset(),
}

BAD_URL_MESSAGE = "Enter a full http:// or https:// URL, for example https://api.example.com/v1/score."
DUPLICATE_NAME_MESSAGE = (
    'A model named "{existing}" already exists. Names that differ only in case, letter width, invisible '
    "characters or look-alike Cyrillic and Greek letters are the same name."
)
# name_key's length limit: NFKC can lengthen a name (one ligature becomes several letters), and
# PostgreSQL indexes at most about 2,700 bytes a row.
NAME_KEY_MAX_LENGTH = 600

# The fields that define a model (what a reviewer reviewed). Review state hashes are computed
# over exactly these, in this order; see docs/audit-trail.md.
DEFINITION_FIELDS: tuple[str, ...] = (
    "model_name",
    "vendor",
    "risk_tier",
    "use_case",
    "business_owner",
    "technical_owner",
    "deployment_date",
    "model_version",
    "deployment_environment",
    "api_endpoint",
    "data_classification",
    "status",
    "model_type",
    "business_line",
)
# A model's identity in a model registry (set by the registries app when the model is linked).
# They join the state hash only while the model is linked (registered_name not blank), so the hash
# of every model that was never linked, and of every review of it, stays what it was.
REGISTRY_FIELDS: tuple[str, ...] = (
    "registry_name",
    "registered_name",
    "registered_version",
    "registry_stage",
    "registry_run_id",
    "registry_digest",
)


def _choices_sql(choices: type[models.TextChoices]) -> list[str]:
    return [value for value, _ in choices.choices]


class ReviewPolicyQuerySet(models.QuerySet["ReviewPolicy"]):
    def standing(self) -> ReviewPolicyQuerySet:
        """Versions not withdrawn (a withdrawn version never takes effect)."""
        return self.filter(withdrawn_at__isnull=True)

    def in_force(self, *, on: dt.date) -> ReviewPolicy:
        """The policy version in force on a date: the latest standing one effective on or before it."""
        policy = self.standing().filter(effective_date__lte=on).order_by("-effective_date", "-version").first()
        if policy is None:
            raise ReviewPolicy.DoesNotExist(f"no review policy is in force on {on.isoformat()}")
        return policy


class ReviewPolicy(models.Model):
    """One version of the review policy: how many days each risk tier may go between reviews.

    Versions are never edited: a change of policy is a new version with its own effective date.
    """

    version = models.PositiveIntegerField(unique=True, editable=False)
    effective_date = models.DateField(help_text="The first day this policy applies.")
    critical_days = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(3660)])
    high_days = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(3660)])
    medium_days = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(3660)])
    low_days = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(3660)])
    approval_reference = models.CharField(
        max_length=200, blank=True, help_text="Where this policy was approved, e.g. 'Model Risk Committee, 2026-11-02'."
    )
    rationale = models.TextField(blank=True, help_text="Why the cycles change (required for every new version).")
    # A version effective before the day it was published corrects the record; the reason says why.
    correction_reason = models.TextField(blank=True)
    created_by = models.CharField(max_length=150, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # A version that has not taken effect may be withdrawn; it stays listed, marked withdrawn.
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawn_by = models.CharField(max_length=150, blank=True, editable=False)
    withdrawal_reason = models.TextField(blank=True, editable=False)

    objects = ReviewPolicyQuerySet.as_manager()

    class Meta:
        verbose_name = "review policy version"
        verbose_name_plural = "review policy versions"
        ordering = ["-effective_date", "-version"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(critical_days__gte=1)
                & models.Q(high_days__gte=1)
                & models.Q(medium_days__gte=1)
                & models.Q(low_days__gte=1),
                name="review_policy_cycles_positive",
            ),
            # Two standing versions never take effect on the same day (which would apply?).
            models.UniqueConstraint(
                fields=["effective_date"], condition=models.Q(withdrawn_at__isnull=True),
                name="review_policy_one_per_day",
                violation_error_message="Another version already takes effect on this day.",
            ),
        ]
        permissions = [("manage_review_policy", "Can publish a new review policy version")]

    def __str__(self) -> str:
        return f"Review policy v{self.version} (effective {self.effective_date.isoformat()})"

    def cycle_days(self, tier: str) -> int:
        return {
            RiskTier.CRITICAL: self.critical_days,
            RiskTier.HIGH: self.high_days,
            RiskTier.MEDIUM: self.medium_days,
            RiskTier.LOW: self.low_days,
        }[RiskTier(tier)]

    def cycles(self) -> dict[str, int]:
        return {tier.value: self.cycle_days(tier) for tier in RiskTier}


# Models still on a review schedule (everything not decommissioned).
NEEDING_REVIEW = ~models.Q(status=Status.DECOMMISSIONED)
# In use, reviewed at least once, and the definition's hash no longer matches that review's.
CHANGED_SINCE_REVIEW = (
    models.Q(status__in=[Status.ACTIVE, Status.DEPRECATED], latest_outcome_on__isnull=False)
    & ~models.Q(state_hash=models.F("latest_outcome_state_hash"))
)
# No card was published for the definition as it stands (never published, or changed since): the
# card's state hash is written by the cards app through inventory.services.note_card_published.
WITHOUT_CURRENT_CARD = ~models.Q(state_hash=models.F("card_state_hash"))

# Linked to a registry, and the registry's version is not the one its latest review vouched for.
LINKED = ~models.Q(registered_name="")
REGISTRY_VERSION_CHANGED = (
    LINKED & models.Q(latest_outcome_on__isnull=False) & ~models.Q(registered_version=models.F("reviewed_registry_version"))
)


# "Due soon": the next review falls within this many days (due today included).
DUE_SOON_DAYS = 30
# How long overdue reviews have been overdue: (filter value, label, from days, to days or open).
OVERDUE_AGES: tuple[tuple[str, str, int, int | None], ...] = (
    ("overdue_1_30", "1–30 days", 1, 30),
    ("overdue_31_90", "31–90 days", 31, 90),
    ("overdue_over_90", "over 90 days", 91, None),
)


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


@dataclass(frozen=True)
class DueState:
    """Where a model stands against its next review on a given day: the one place that decides
    "overdue", "due today" and "due soon" for a single model, and words them, for every page,
    verb and report. (Across the inventory the same rules are the Q conditions below.)"""

    due_on: dt.date
    # Days until due: 0 when due today, negative when overdue.
    days: int
    # False once decommissioned: a retired model has no review due.
    scheduled: bool

    @classmethod
    def of(cls, *, next_review_date: dt.date, status: str, today: dt.date) -> DueState:
        return cls(due_on=next_review_date, days=(next_review_date - today).days,
                   scheduled=status != Status.DECOMMISSIONED)

    @property
    def overdue(self) -> bool:
        # Due today is not overdue.
        return self.scheduled and self.days < 0

    @property
    def days_overdue(self) -> int:
        return -self.days if self.overdue else 0

    @property
    def due_today(self) -> bool:
        return self.scheduled and self.days == 0

    @property
    def due_soon(self) -> bool:
        return self.scheduled and 0 <= self.days <= DUE_SOON_DAYS

    def words(self) -> str:
        """"8 days overdue", "due today", "in 25 days" or "no review due"."""
        if not self.scheduled:
            return "no review due"
        if self.overdue:
            return f"{_days(self.days_overdue)} overdue"
        return "due today" if self.days == 0 else f"in {_days(self.days)}"

    def dated(self) -> str:
        """The date with its words: "2026-11-19 (8 days overdue)"."""
        return f"{self.due_on.isoformat()} ({self.words()})"


def overdue_between(*, today: dt.date, min_days: int = 1, max_days: int | None = None) -> models.Q:
    """Due more than ``min_days - 1`` and at most ``max_days`` days ago (due today is not overdue)."""
    condition = models.Q(next_review_date__lte=today - dt.timedelta(days=min_days))
    if max_days is not None:
        condition &= models.Q(next_review_date__gte=today - dt.timedelta(days=max_days))
    return condition


SUGGESTED_VALUES = 500


class AIModelQuerySet(models.QuerySet["AIModel"]):
    def only_sample_data(self) -> bool:
        """Whether the inventory is empty or holds only generated sample models (a demo): no model
        was ever registered otherwise (one query on the change history)."""
        return not AIModel.history.filter(history_type="+").exclude(history_change_reason="sample data").exists()

    def values_in_use(self) -> dict[str, list[str]]:
        """The vendors and business lines in use (the first 500 of each, by name), in one query,
        for the filters' suggestions."""
        def column(name: str):
            return (self.order_by().exclude(**{name: ""}).annotate(kind=models.Value(name, output_field=models.CharField()))
                    .values_list("kind", name))

        found: dict[str, set[str]] = {"vendor": set(), "business_line": set()}
        for kind, value in column("vendor").union(column("business_line")):
            found[kind].add(value)
        return {kind: sorted(values, key=str.casefold)[:SUGGESTED_VALUES] for kind, values in found.items()}

    def named(self, name: str) -> AIModelQuerySet:
        """The model with this name as people read it: compared by ``common.text.name_key`` (case,
        width, invisible characters and look-alike letters aside), on the unique name_key index.

        A name no model can have (control characters, NUL) matches nothing, without a query that
        PostgreSQL would refuse."""
        if not is_clean_line(name):
            return self.none()
        return self.filter(name_key=name_key(name))

    def needing_review(self) -> AIModelQuerySet:
        """Models that are still on a review schedule (everything not decommissioned)."""
        return self.filter(NEEDING_REVIEW)

    def overdue(self, *, today: dt.date) -> AIModelQuerySet:
        # Due today is not overdue.
        return self.needing_review().filter(overdue_between(today=today))

    def overdue_between(self, *, today: dt.date, min_days: int, max_days: int | None = None) -> AIModelQuerySet:
        """Overdue by at least ``min_days`` and at most ``max_days`` days (an age bucket)."""
        return self.needing_review().filter(overdue_between(today=today, min_days=min_days, max_days=max_days))

    def without_current_card(self) -> AIModelQuerySet:
        """Models whose definition has no published card (never published, or changed since)."""
        return self.filter(WITHOUT_CURRENT_CARD)

    def changed_since_review(self) -> AIModelQuerySet:
        """Models in use whose definition no longer matches the state hash of their latest review."""
        return self.filter(CHANGED_SINCE_REVIEW)

    def due_within(self, *, today: dt.date, days: int) -> AIModelQuerySet:
        return self.needing_review().filter(
            next_review_date__gte=today, next_review_date__lte=today + dt.timedelta(days=days)
        )

    def for_list(self) -> AIModelQuerySet:
        return self.select_related("owner")

    def for_detail(self) -> AIModelQuerySet:
        return self.select_related("owner", "review_policy")


class AIModel(models.Model):
    """An AI/ML model in the inventory. Field names follow the original mltrack tool."""

    model_name = models.CharField(
        "model name", max_length=200,
        help_text="Unique identifier, e.g. fraud-detection-v2 (compared in any case, width or look-alike letters).",
    )
    # What uniqueness and look-ups compare (common.text.name_key), kept current by save().
    name_key = models.CharField(max_length=NAME_KEY_MAX_LENGTH, editable=False, default="")
    vendor = models.CharField(max_length=100, help_text="Provider: Anthropic, OpenAI, AWS, In-house, ...")
    risk_tier = models.CharField(max_length=10, choices=RiskTier.choices)
    use_case = models.TextField(
        "use case", max_length=2000, validators=[MaxLengthValidator(2000)], help_text="The business use the model serves."
    )
    business_owner = models.CharField(max_length=200, help_text="Accountable business stakeholder.")
    technical_owner = models.CharField(max_length=200, help_text="Team or person maintaining the model.")
    deployment_date = models.DateField(help_text="When the model was deployed (YYYY-MM-DD).")
    model_version = models.CharField("model version", max_length=100, blank=True)
    deployment_environment = models.CharField(
        "environment", max_length=10, choices=Environment.choices, blank=True
    )
    api_endpoint = models.CharField(
        "API endpoint",
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"], message=BAD_URL_MESSAGE)],
        help_text="The http(s) URL the model is served or called at.",
    )
    data_classification = models.CharField(max_length=15, choices=DataClassification.choices, blank=True)
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.ACTIVE)
    model_type = models.CharField("model type", max_length=20, choices=ModelType.choices, blank=True)
    business_line = models.CharField(
        max_length=100, blank=True, help_text="Business unit using the model, e.g. Retail Banking."
    )
    notes = models.TextField(blank=True, max_length=10000, validators=[MaxLengthValidator(10000)])
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_models",
        help_text="The user account that may edit this model as its model owner.",
    )

    # Derived by inventory.services; never entered by hand.
    # The schedule's review: the latest passed (or passed-with-warnings) review, from which the
    # next review is counted. A failed review never moves it. (The seed tool's name.)
    last_review_date = models.DateField(
        "last review", null=True, blank=True, editable=False,
        help_text="The latest satisfactory review (passed or warning): the next review is counted from it.",
    )
    next_review_date = models.DateField(editable=False)
    review_policy = models.ForeignKey(
        ReviewPolicy, on_delete=models.PROTECT, editable=False, related_name="+",
        help_text="The policy version that produced next_review_date.",
    )

    # SHA-256 of the definition fields (docs/audit-trail.md), kept current by save() so that
    # "changed since its last review" is a column comparison across the whole inventory.
    state_hash = models.CharField(max_length=64, editable=False, default="")
    status_changed_on = models.DateField(
        null=True, blank=True, editable=False, help_text="When the model last entered its current status."
    )
    # The most recent review record of any outcome, failed included (written by the reviews app;
    # empty = never reviewed): what compliance checks, unlike last_review_date, which the schedule
    # counts from. A model whose latest review failed has a latest outcome but may have no last review.
    latest_outcome_on = models.DateField(
        "latest outcome on", null=True, blank=True, editable=False,
        help_text="The date of the most recent review record, whatever its outcome.",
    )
    latest_outcome = models.CharField(max_length=10, blank=True, default="", editable=False)
    latest_outcome_state_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    # The first review record's date (written by the reviews app; empty = never reviewed): the
    # deployment date may not move after it.
    earliest_outcome_on = models.DateField(
        "earliest outcome on", null=True, blank=True, editable=False,
        help_text="The date of the earliest review record, whatever its outcome.",
    )

    # The state hash the model's latest card was published at (written by the cards app; empty =
    # no card): the card is current while it equals state_hash. Not part of the state hash.
    card_state_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    card_published_at = models.DateTimeField(null=True, blank=True, editable=False)

    # Where the model lives in a model registry (written by registries.services when it is linked or
    # reconciled; blank = not linked). Part of the state hash while linked: see REGISTRY_FIELDS.
    registry_name = models.CharField("registry", max_length=100, blank=True, default="", editable=False)
    registered_name = models.CharField("registered model", max_length=250, blank=True, default="", editable=False)
    registered_version = models.CharField("registry version", max_length=50, blank=True, default="", editable=False)
    registry_stage = models.CharField("registry stage and aliases", max_length=250, blank=True, default="", editable=False)
    registry_run_id = models.CharField("registry run id", max_length=100, blank=True, default="", editable=False)
    registry_digest = models.CharField("artifact digest", max_length=200, blank=True, default="", editable=False)
    # The registry version and identity (version, stage, digest) the latest review vouched for
    # (inventory.scheduling.note_review): what "changed in the registry since review" compares.
    reviewed_registry_version = models.CharField(max_length=50, blank=True, default="", editable=False)
    reviewed_registry_identity = models.CharField(max_length=500, blank=True, default="", editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(bases=[HistoricalActor], excluded_fields=["updated_at"])

    objects = AIModelQuerySet.as_manager()

    class Meta:
        verbose_name = "AI model"
        verbose_name_plural = "AI models"
        ordering = ["model_name"]
        constraints = [
            # Also the index of every look-up by name (named()).
            models.UniqueConstraint(fields=["name_key"], name="aimodel_name_key_unique"),
            models.CheckConstraint(condition=~models.Q(model_name=""), name="aimodel_name_not_blank"),
            # One inventory model per registered model of a registry (and the index of each look-up).
            models.UniqueConstraint(
                fields=["registry_name", "registered_name"], condition=~models.Q(registered_name=""),
                name="aimodel_registered_once",
                violation_error_message="Another model is already linked to this registered model.",
            ),
            models.CheckConstraint(condition=models.Q(risk_tier__in=_choices_sql(RiskTier)), name="aimodel_risk_tier_valid"),
            models.CheckConstraint(condition=models.Q(status__in=_choices_sql(Status)), name="aimodel_status_valid"),
            models.CheckConstraint(
                condition=models.Q(deployment_environment__in=["", *_choices_sql(Environment)]),
                name="aimodel_environment_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(data_classification__in=["", *_choices_sql(DataClassification)]),
                name="aimodel_data_classification_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(model_type__in=["", *_choices_sql(ModelType)]), name="aimodel_model_type_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(last_review_date__isnull=True)
                | models.Q(last_review_date__gte=models.F("deployment_date")),
                name="aimodel_reviewed_after_deployment",
                violation_error_message="The last review date cannot be before the deployment date.",
            ),
        ]
        indexes = [
            # The default sort of every listing (console, CLI, admin); deep pages walk this index.
            models.Index(fields=["model_name", "id"], name="aimodel_name_idx"),
            # Overdue / due-soon scans and the "next review" sort on the inventory list.
            models.Index(fields=["next_review_date"], name="aimodel_next_review_idx"),
            # The tier, status, environment and vendor filters of the list page, CLI and admin.
            models.Index(fields=["risk_tier", "model_name"], name="aimodel_tier_idx"),
            # The dashboard's counts by tier, status, environment, vendor and business line, read
            # from the index alone (reports.portfolio.GROUP_COLUMNS).
            models.Index(
                fields=["risk_tier", "status", "deployment_environment", "vendor", "business_line"],
                name="aimodel_dashboard_idx",
            ),
            # A tier bounded or sorted by due date ("critical and overdue", most overdue first).
            models.Index(fields=["risk_tier", "next_review_date"], name="aimodel_tier_next_review_idx"),
            models.Index(fields=["status", "model_name"], name="aimodel_status_idx"),
            models.Index(fields=["deployment_environment", "model_name"], name="aimodel_env_idx"),
            models.Index(fields=["vendor", "model_name"], name="aimodel_vendor_idx"),
            models.Index(fields=["business_line"], name="aimodel_business_line_idx"),
            # "Recent additions" and the default sort of exports.
            models.Index(fields=["created_at"], name="aimodel_created_idx"),
            # Policy application: models whose schedule came from an older policy version.
            models.Index(fields=["review_policy", "risk_tier"], name="aimodel_policy_idx"),
        ]
        permissions = [
            ("edit_all_models", "Can edit any model, not only the ones they own"),
            ("govern_models", "Can change a model's risk tier and lifecycle status"),
            ("generate_sample_data", "Can generate or clear sample data"),
        ]

    def __str__(self) -> str:
        return self.model_name

    def save(self, *args, **kwargs):
        # Self-contained derived values: the hash of this row's own definition fields, and the
        # name as uniqueness compares it.
        self.state_hash = self.compute_state_hash()
        self.name_key = name_key(self.model_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = [*update_fields, *({"state_hash", "name_key"} - set(update_fields))]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("inventory:detail", args=[self.pk])

    def compute_state_hash(self) -> str:
        """The state hash of the definition as it stands (inventory.hashing.model_state_hash).

        Remembered with the values it was computed from, and given again while they have not
        changed: an import asks for each model's hash when it checks it, when it plans its review
        record and when it notes the review, and the hash is a function of those values alone."""
        from inventory.hashing import model_state_hash

        definition = self.definition()
        values = tuple(definition.values())
        kinds = tuple(map(type, values))  # equal values of one type have one canonical text
        memo = self.__dict__.get("_state_hash_memo")
        if memo is not None and memo[0] == values and memo[1] == kinds:
            return memo[2]
        state_hash = model_state_hash(definition)
        self.__dict__["_state_hash_memo"] = (values, kinds, state_hash)
        return state_hash

    def due_state(self, *, today: dt.date) -> DueState:
        return DueState.of(next_review_date=self.next_review_date, status=self.status, today=today)

    def is_overdue(self, *, today: dt.date) -> bool:
        return self.due_state(today=today).overdue

    def definition(self) -> dict[str, object]:
        """The hashed fields: the fourteen definition fields, and the registry identity while linked."""
        return definition_of(self)

    def registry_identity(self) -> str:
        return registry_identity(self.registered_version, self.registry_stage, self.registry_digest)


def definition_of(obj: object) -> dict[str, object]:
    """The hashed fields of a model or of a history snapshot of one (see REGISTRY_FIELDS)."""
    fields = DEFINITION_FIELDS + REGISTRY_FIELDS if getattr(obj, "registered_name", "") else DEFINITION_FIELDS
    return {field: getattr(obj, field) for field in fields}


def registry_identity(version: str, stage: str, digest: str) -> str:
    """What "changed in the registry" compares: the version, its stage or aliases, and its digest."""
    return f"{version}\x1f{stage}\x1f{digest}" if version else ""
