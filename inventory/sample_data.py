"""Realistic demo inventory for a bank: deterministic for a seed, bulk-written, fast at 100,000.

Use cases follow the original tool's risk-tier table; schedules are a mix of compliant, due in
the next 30 days, overdue and never reviewed.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from common.actors import Actor
from common.authz import require
from common.text import name_key
from inventory import permissions
from inventory.bulk import insert_history, insert_objects, next_ids
from inventory.models import AIModel, DataClassification, Environment, ModelType, ReviewPolicy, RiskTier, Status
from inventory.scheduling import next_review_date

BATCH_SIZE = 2000
MAX_COUNT = 1_000_000

# (slug, use case) per tier, from the original tool's risk-tier table and common bank practice.
USE_CASES: dict[str, list[tuple[str, str]]] = {
    RiskTier.CRITICAL: [
        ("trading-algo", "Algorithmic trading execution for equities desk"),
        ("credit-decision", "Consumer credit decisioning for personal loans"),
        ("fraud-detection", "Real-time card fraud detection on authorisations"),
        ("mortgage-underwriting", "Automated mortgage underwriting recommendations"),
        ("market-risk-var", "Value-at-risk estimation for the trading book"),
        ("aml-transaction-scoring", "Transaction scoring for sanctions and AML alerts"),
    ],
    RiskTier.HIGH: [
        ("customer-chatbot", "Customer-facing chatbot answering account questions"),
        ("kyc-verification", "KYC identity document verification at onboarding"),
        ("aml-monitoring", "AML transaction monitoring alert prioritisation"),
        ("collections-propensity", "Propensity-to-pay scoring for collections outreach"),
        ("advisor-assistant", "Financial advisor assistant drafting client recommendations"),
        ("claims-triage", "Insurance claims triage and routing"),
    ],
    RiskTier.MEDIUM: [
        ("doc-summarizer", "Summarisation of credit memos and loan files"),
        ("internal-search", "Semantic search over internal policies and procedures"),
        ("meeting-transcriber", "Meeting transcription and action-item extraction"),
        ("complaint-classifier", "Classification of customer complaints by product and issue"),
        ("contract-extraction", "Key-term extraction from vendor contracts"),
        ("churn-forecast", "Deposit churn forecasting for treasury planning"),
    ],
    RiskTier.LOW: [
        ("code-assistant", "Developer coding assistant for internal tooling"),
        ("test-data-generator", "Synthetic test data generation for QA environments"),
        ("docs-writer", "Internal documentation drafting"),
        ("ticket-router", "IT service-desk ticket routing"),
        ("log-anomaly", "Infrastructure log anomaly detection"),
        ("email-drafter", "Internal email drafting assistant"),
    ],
}

# vendor, endpoint host, plausible model types
VENDORS: list[tuple[str, str, tuple[str, ...]]] = [
    ("Anthropic", "https://api.anthropic.com/v1/messages", (ModelType.GENERATIVE_AI, ModelType.AGENTIC_AI)),
    ("OpenAI", "https://api.openai.com/v1/responses", (ModelType.GENERATIVE_AI, ModelType.AGENTIC_AI)),
    ("Google", "https://generativelanguage.googleapis.com/v1", (ModelType.GENERATIVE_AI,)),
    ("AWS", "https://bedrock-runtime.us-east-1.amazonaws.com", (ModelType.GENERATIVE_AI, ModelType.ML)),
    ("Microsoft Azure", "https://example-bank.openai.azure.com/openai", (ModelType.GENERATIVE_AI,)),
    ("Cohere", "https://api.cohere.com/v2/chat", (ModelType.GENERATIVE_AI,)),
    ("Mistral AI", "https://api.mistral.ai/v1/chat/completions", (ModelType.GENERATIVE_AI,)),
    ("FICO", "https://decisions.fico.example-bank.com/score", (ModelType.VENDOR, ModelType.STATISTICAL)),
    ("SAS", "https://sas-viya.example-bank.com/microanalyticScore", (ModelType.VENDOR, ModelType.STATISTICAL)),
    ("Moody's Analytics", "https://api.moodysanalytics.com/risk", (ModelType.VENDOR, ModelType.STATISTICAL)),
    ("Experian", "https://api.experian.com/decisioning", (ModelType.VENDOR,)),
    ("DataRobot", "https://app.datarobot.com/api/v2/deployments", (ModelType.ML,)),
    ("H2O.ai", "https://h2o.example-bank.com/mlops", (ModelType.ML,)),
    ("In-house", "https://models.internal.example-bank.com", (ModelType.ML, ModelType.STATISTICAL, ModelType.RULES)),
]
# In-house models dominate a bank's inventory.
VENDOR_WEIGHTS = [8, 7, 4, 6, 5, 2, 2, 4, 3, 3, 2, 3, 2, 30]

BUSINESS_LINES = [
    "Retail Banking", "Commercial Banking", "Wealth Management", "Capital Markets",
    "Treasury", "Cards", "Mortgages", "Operations", "Compliance", "Technology",
]
TEAMS = ["ML Platform Team", "Credit Analytics", "Fraud Data Science", "Markets Quant", "AI Engineering", "Risk Modelling"]
FIRST_NAMES = ["Jane", "Raj", "Maria", "Wei", "Olu", "Sarah", "Diego", "Aisha", "Tom", "Yuki", "Elena", "Marcus"]
LAST_NAMES = ["Smith", "Patel", "Garcia", "Chen", "Adeyemi", "Johnson", "Rossi", "Khan", "Brown", "Tanaka", "Novak", "Reed"]
ALGORITHMS = ["gbm", "xgb", "lr", "nn", "llm", "rf", "ensemble", "bert", "agent"]

CLEAR_REFUSED_MESSAGE = (
    "Refusing to clear: {count} model(s) have review records, and review records are never deleted. "
    "To start a demo again, start from a new database."
)


@dataclass(frozen=True)
class SampleResult:
    created: int
    cleared: int
    seed: int
    # (name, last review date) of each model made as reviewed, for the audit trail to record.
    reviewed: list[tuple[str, dt.date]]
    # The models made, saved with their ids, for what other apps add to them (common.samples).
    models: list[AIModel] = field(default_factory=list, repr=False)


class ClearRefused(Exception):
    """--clear was asked for while review records exist (they are never deleted)."""


def _reviewed_model_count() -> int:
    """Models that have a review record (the reviews app keeps this column; its foreign key also
    refuses the deletion at the database, should the column ever disagree)."""
    return AIModel.objects.filter(latest_outcome_on__isnull=False).count()


def _schedule_state(rng: random.Random, cycle: int, today: dt.date) -> tuple[dt.date, dt.date | None]:
    """A deployment date and last review date giving a realistic mix of schedule states."""
    roll = rng.random()
    if roll < 0.06:  # never reviewed, deployed recently (not yet due)
        deployed = today - dt.timedelta(days=rng.randint(0, max(cycle - 1, 0)))
        return deployed, None
    if roll < 0.10:  # never reviewed and past its first due date
        deployed = today - dt.timedelta(days=cycle + rng.randint(1, 200))
        return deployed, None
    if roll < 0.62:  # compliant: next review more than 30 days away (or as far as the cycle allows)
        days_since = rng.randint(0, max(cycle - 31, 0))
    elif roll < 0.80:  # due within the next 30 days
        days_since = max(cycle - rng.randint(0, min(30, cycle)), 0)
    else:  # overdue by 1 to 180 days
        days_since = cycle + rng.randint(1, 180)
    last_review = today - dt.timedelta(days=days_since)
    deployed = last_review - dt.timedelta(days=rng.randint(0, 900))
    return deployed, last_review


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def build_models(*, count: int, seed: int, today: dt.date, policy: ReviewPolicy, taken: set[str]) -> list[AIModel]:
    rng = random.Random(seed)
    tiers = list(RiskTier)
    vendor_indexes = list(range(len(VENDORS)))
    models: list[AIModel] = []
    serial = 0
    while len(models) < count:
        serial += 1
        tier = rng.choices(tiers, weights=[15, 25, 35, 25])[0]
        slug, use_case = rng.choice(USE_CASES[tier])
        vendor, endpoint, types = VENDORS[rng.choices(vendor_indexes, weights=VENDOR_WEIGHTS)[0]]
        name = f"{slug}-{rng.choice(ALGORITHMS)}-{serial:06d}"
        if name_key(name) in taken:
            continue
        taken.add(name_key(name))
        deployed, last_review = _schedule_state(rng, policy.cycle_days(tier), today)
        environment = rng.choices(list(Environment), weights=[60, 20, 20])[0]
        status = rng.choices(list(Status), weights=[86, 9, 5])[0]
        # Retired or deprecated some time after deployment; active since deployment.
        status_changed_on = deployed if status == Status.ACTIVE else deployed + dt.timedelta(
            days=rng.randint(0, max((today - deployed).days, 0))
        )
        classification = rng.choices(["", *DataClassification], weights=[6, 10, 34, 30, 20])[0]
        business_line = rng.choice(BUSINESS_LINES)
        models.append(
            AIModel(
                model_name=name,
                vendor=vendor,
                risk_tier=tier,
                use_case=use_case,
                business_owner=f"{_person(rng)} ({business_line})",
                technical_owner=rng.choice(TEAMS),
                deployment_date=deployed,
                model_version=f"{rng.randint(1, 5)}.{rng.randint(0, 12)}.{rng.randint(0, 9)}",
                deployment_environment=environment,
                api_endpoint=f"{endpoint}/{slug}" if vendor == "In-house" else endpoint,
                data_classification=classification,
                status=status,
                model_type=rng.choice(types),
                business_line=business_line,
                notes="Sample data.",
                last_review_date=last_review,
                next_review_date=next_review_date(
                    policy=policy, risk_tier=tier, deployment_date=deployed, last_review_date=last_review
                ),
                review_policy=policy,
                status_changed_on=status_changed_on,
            )
        )
        # bulk_create skips save(), which keeps these current for single saves.
        models[-1].state_hash = models[-1].compute_state_hash()
        models[-1].name_key = name_key(name)
    return models


@transaction.atomic
def clear(*, actor: Actor) -> int:
    """Delete every model in the inventory, recording each deletion in its history.

    Refused when any review record exists: reviews are never deleted. Administrators only.
    """
    require(actor, permissions.can_generate_sample_data, "clear sample data")
    reviewed = _reviewed_model_count()
    if reviewed:
        raise ClearRefused(CLEAR_REFUSED_MESSAGE.format(count=reviewed))
    history_model = AIModel.history.model
    fields = [f.attname for f in AIModel._meta.concrete_fields if f.attname != "updated_at"]
    now = timezone.now()
    total = 0
    batch = []
    for model in AIModel.objects.order_by("pk").iterator(chunk_size=BATCH_SIZE):
        batch.append(
            history_model(
                **{name: getattr(model, name) for name in fields},
                history_date=now,
                history_type="-",
                history_user=actor.user,
                history_actor=actor.name,
                history_change_reason="sample data cleared",
            )
        )
        if len(batch) >= BATCH_SIZE:
            history_model.objects.bulk_create(batch)
            total += len(batch)
            batch = []
    if batch:
        history_model.objects.bulk_create(batch)
        total += len(batch)
    # One statement instead of Django's per-object delete collector; a foreign key from review
    # records would still stop it at the database.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(AIModel._meta.db_table)}")
    return total


@transaction.atomic
def generate(*, count: int, seed: int | None, actor: Actor, today: dt.date, clear_first: bool = False) -> SampleResult:
    """Add ``count`` sample models (after clearing the inventory when asked).

    The same seed, count, date and starting inventory give the same models. Administrators only.
    """
    require(actor, permissions.can_generate_sample_data, "generate sample data")
    if not 1 <= count <= MAX_COUNT:
        raise ValueError(f"count must be between 1 and {MAX_COUNT:,}")
    if seed is None:
        seed = random.SystemRandom().randrange(2**31)
    cleared = clear(actor=actor) if clear_first else 0
    policy = ReviewPolicy.objects.in_force(on=today)
    taken = set(AIModel.objects.values_list("name_key", flat=True))
    models = build_models(count=count, seed=seed, today=today, policy=policy, taken=taken)
    # Written as an import writes its new models (inventory.bulk): every column as built, and a
    # "created" history entry per model naming the actor.
    now = timezone.now()
    for model, pk in zip(models, next_ids(AIModel, len(models))):
        model.pk = pk
        model.created_at = model.updated_at = now
    insert_objects(models)
    insert_history(models, user=actor.user, actor_name=actor.name, reason="sample data", when=now)
    reviewed = [(model.model_name, model.last_review_date) for model in models if model.last_review_date]
    return SampleResult(created=len(models), cleared=cleared, seed=seed, reviewed=reviewed, models=models)
