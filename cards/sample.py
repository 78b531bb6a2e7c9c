"""Model cards in the demo inventory: a share of the sample's high and critical production models
get their card published, so the demo shows the card rule (prod-without-current-card) failing for
some models and met by most, as a real inventory would. Registered with common.samples."""

from __future__ import annotations

import random
from collections.abc import Sequence

from cards.services import publish_model_cards
from common.samples import SampleBatch
from inventory.models import AIModel, Environment, RiskTier, Status

# The share of the sample's high and critical production models that get a published card.
CARDED_SHARE = 0.8
# Cards built and written per call of the bulk publishing (bounds memory; queries per chunk are fixed).
CHUNK = 2000
REASON = "sample data: model card published"


def models_to_card(models: Sequence[AIModel], seed: int) -> list[AIModel]:
    """CARDED_SHARE of the models in use, in production, of high or critical tier; chosen by the
    sample's seed, so the same models and seed give the same cards."""
    rng = random.Random(f"cards-{seed}")
    return [
        model for model in models
        if model.risk_tier in (RiskTier.CRITICAL, RiskTier.HIGH) and model.deployment_environment == Environment.PROD
        and model.status != Status.DECOMMISSIONED and rng.random() < CARDED_SHARE
    ]


def publish_sample_cards(batch: SampleBatch) -> None:
    """Publish the cards of models_to_card(), a chunk at a time."""
    chosen = [model.pk for model in models_to_card(batch.models, batch.seed)]
    for start in range(0, len(chosen), CHUNK):
        publish_model_cards(models=AIModel.objects.filter(pk__in=chosen[start:start + CHUNK]), actor=batch.actor,
                            now=batch.now, today=batch.today, reason=REASON)


def register() -> None:
    from common import samples

    samples.register(publish_sample_cards, position=10)
