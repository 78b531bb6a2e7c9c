"""Cards: what owners write about a model (its card content), AI systems and agents, and every
published card version, kept immutable with its SHA-256. See docs/cards.md."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from simple_history.models import HistoricalRecords

from inventory.history import HistoricalActor
from inventory.models import AIModel

TEXT_LIMIT = 20000


def _text(label: str, help_text: str) -> models.TextField:
    return models.TextField(label, blank=True, default="", max_length=TEXT_LIMIT,
                            validators=[MaxLengthValidator(TEXT_LIMIT)], help_text=help_text)


# The sections of a model card that owners fill in (after Mitchell et al., 2019), in card order.
MODEL_CARD_SECTIONS: tuple[tuple[str, str], ...] = (
    ("intended_use", "Intended use"),
    ("out_of_scope_uses", "Out-of-scope uses"),
    ("factors", "Factors"),
    ("metrics", "Metrics and evaluation results"),
    ("training_data", "Training data"),
    ("evaluation_data", "Evaluation data"),
    ("ethical_considerations", "Ethical considerations"),
    ("limitations", "Limitations"),
    ("recommendations", "Recommendations"),
)


class ModelCardContent(models.Model):
    """The parts of a model card the inventory does not hold: one row per model, with its history."""

    model = models.OneToOneField(AIModel, on_delete=models.CASCADE, related_name="card_content")
    intended_use = _text("intended use", "What the model is for, and for whom.")
    out_of_scope_uses = _text("out-of-scope uses", "Uses the model must not be put to.")
    factors = _text("factors", "Groups, conditions or environments that change how the model performs.")
    metrics = _text("metrics and evaluation results", "The measures used and the results obtained.")
    training_data = _text("training data", "What the model was trained on: sources, period, preparation.")
    evaluation_data = _text("evaluation data", "What it was evaluated on, and why that data.")
    ethical_considerations = _text("ethical considerations", "Fairness, privacy and other ethical questions.")
    limitations = _text("limitations", "Where the model is known to be weak or wrong.")
    recommendations = _text("recommendations", "What users should do given the limitations.")
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(bases=[HistoricalActor], excluded_fields=["updated_at"])

    class Meta:
        verbose_name = "model card content"
        verbose_name_plural = "model card contents"

    def __str__(self) -> str:
        return f"Card content of {self.model.model_name}"


class AutonomyLevel(models.TextChoices):
    ASSISTIVE = "assistive", "Assistive: suggests, a person acts"
    SUPERVISED = "supervised", "Supervised: acts after a person approves"
    CONDITIONAL = "conditional", "Conditional: acts alone within set limits, escalates the rest"
    AUTONOMOUS = "autonomous", "Autonomous: acts alone, reviewed afterwards"


class AISystemQuerySet(models.QuerySet["AISystem"]):
    def for_list(self) -> AISystemQuerySet:
        return self.select_related("owner").prefetch_related("ai_models").order_by("name", "id")


class AISystem(models.Model):
    """An AI system made of several models and components."""

    name = models.CharField(max_length=200, unique=True)
    purpose = _text("purpose", "What the system does for the business.")
    ai_models = models.ManyToManyField(AIModel, blank=True, related_name="ai_systems", verbose_name="models",
                                    help_text="The inventory's models the system is made of.")
    components = _text("components and data pipelines", "Other components and the data pipelines between them.")
    deployment_context = _text("deployment context", "Where and how the system runs, and who uses it.")
    safeguards = _text("safeguards", "Controls around the system: monitoring, limits, fallbacks.")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="owned_ai_systems")
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(bases=[HistoricalActor], excluded_fields=["updated_at"])

    objects = AISystemQuerySet.as_manager()

    class Meta:
        verbose_name = "AI system"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AgentQuerySet(models.QuerySet["Agent"]):
    def for_list(self) -> AgentQuerySet:
        return self.select_related("owner").prefetch_related("ai_models").order_by("name", "id")


class Agent(models.Model):
    """An agentic AI: what it may do alone, with which tools, and who can stop it."""

    name = models.CharField(max_length=200, unique=True)
    purpose = _text("purpose", "What the agent does.")
    autonomy_level = models.CharField(max_length=20, choices=AutonomyLevel.choices, default=AutonomyLevel.SUPERVISED)
    tools_and_permissions = _text("tools and permissions", "The tools it calls and the permissions it holds.")
    decision_boundaries = _text("decision boundaries", "What it may decide alone, and what it may not.")
    human_oversight = _text("human oversight and escalation", "Who watches it, and when it hands over to a person.")
    stop_procedure = _text("stop procedure", "Who can stop it, and how.")
    ai_models = models.ManyToManyField(AIModel, blank=True, related_name="agents", verbose_name="models",
                                       help_text="The models it uses.")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="owned_agents")
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(bases=[HistoricalActor], excluded_fields=["updated_at"])

    objects = AgentQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CardKind(models.TextChoices):
    MODEL = "model", "Model card"
    SYSTEM = "system", "System card"
    AGENT = "agent", "Agent card"


IMMUTABLE_MESSAGE = "Published card versions are immutable: they are never changed or deleted."


class ImmutableError(Exception):
    """Something tried to change or delete a published card version."""


class CardVersionQuerySet(models.QuerySet["CardVersion"]):
    def of(self, kind: str, subject_id: int) -> CardVersionQuerySet:
        return self.filter(kind=kind, subject_id=subject_id)

    def update(self, **kwargs):
        raise ImmutableError(IMMUTABLE_MESSAGE)

    def delete(self):
        raise ImmutableError(IMMUTABLE_MESSAGE)


class CardVersion(models.Model):
    """One published card, exactly as published: never updated or deleted (the model refuses, and
    the database's triggers refuse raw SQL; see cards/db_guards.py)."""

    kind = models.CharField(max_length=10, choices=CardKind.choices)
    # The model's, system's or agent's id (kept as a number: the version outlives a renamed subject).
    subject_id = models.BigIntegerField()
    subject_name = models.CharField(max_length=200)
    version = models.PositiveIntegerField()
    document = models.JSONField(help_text="The card as published.")
    sha256 = models.CharField(max_length=64, help_text="SHA-256 of the document's canonical JSON.")
    state_hash = models.CharField(max_length=64, help_text="The subject's state hash when it was published.")
    published_by = models.CharField(max_length=150)
    published_at = models.DateTimeField()

    objects = CardVersionQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "subject_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "subject_id", "version"], name="cardversion_unique_version"),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="cardversion_version_positive"),
        ]
        # The versions list of one card, newest first; also the unique constraint's columns.
        indexes = [models.Index(fields=["kind", "subject_id", "-version"], name="cardversion_subject_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.subject_name}, v{self.version}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise ImmutableError(IMMUTABLE_MESSAGE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError(IMMUTABLE_MESSAGE)
