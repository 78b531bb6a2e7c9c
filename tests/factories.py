"""Factories with sensible defaults. They go through the services, as users do."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from inventory import services
from inventory.models import AIModel, Status

_serial = itertools.count(1)
DEFAULT_TODAY = dt.date(2026, 11, 27)


def model_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "model_name": f"fraud-detector-{next(_serial)}",
        "vendor": "In-house",
        "risk_tier": "high",
        "use_case": "Real-time card fraud detection",
        "business_owner": "Jane Smith (Cards)",
        "technical_owner": "Fraud Data Science",
        "deployment_date": dt.date(2026, 6, 1),
        "deployment_environment": "prod",
        "data_classification": "confidential",
    }
    data.update(overrides)
    return data


# When the factories publish a card (noon UTC on DEFAULT_TODAY).
CARD_PUBLISHED_AT = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)


def make_model(*, today: dt.date = DEFAULT_TODAY, actor: services.Actor | None = None, with_current_card: bool = False,
               **overrides: Any) -> AIModel:
    """A model made through the service. ``with_current_card``: publish its model card at once, so a
    high or critical production model meets the card rule (prod-without-current-card) for as long
    as its definition does not change; for tests whose point is a compliant model or another rule."""
    model = services.create_model(
        data=model_data(**overrides), actor=actor or services.Actor(name="tests", trusted=True), today=today
    )
    if with_current_card:
        publish_current_card(model, today=today)
    return model


def publish_current_card(model: AIModel, *, today: dt.date = DEFAULT_TODAY, now: dt.datetime | None = None) -> AIModel:
    """Publish the model's card for its definition as it stands (through the cards service, with the
    history entry it writes); returns the model as saved."""
    from cards import services as card_services

    card_services.publish_card(
        kind="model", subject=model, actor=services.Actor(name="tests", trusted=True),
        now=now or CARD_PUBLISHED_AT, today=today,
    )
    model.refresh_from_db()
    return model


def decommission(model: AIModel, *, today: dt.date = DEFAULT_TODAY, actor: services.Actor | None = None) -> AIModel:
    return services.change_status(
        model=model, status=Status.DECOMMISSIONED, actor=actor or services.Actor(name="tests", trusted=True), today=today,
        reason="retired in tests",
    )


def record_review(model: AIModel, *, today: dt.date = DEFAULT_TODAY, now: dt.datetime | None = None,
                  actor: services.Actor | None = None, **fields: Any):
    from reviews import services as review_services

    entry = review_services.ReviewInput(
        review_date=fields.pop("review_date", today),
        outcome=fields.pop("outcome", "passed"),
        reviewer=fields.pop("reviewer", "Jane Smith (Model Risk)"),
        **fields,
    )
    return review_services.record_review(
        model=model, entry=entry, actor=actor or services.Actor(name="tests", trusted=True), today=today,
        now=now or dt.datetime(2026, 11, 27, 15, 30, 0, 123456, tzinfo=dt.UTC),
    )


def make_three_models(today: dt.date = DEFAULT_TODAY) -> None:
    """A small mixed inventory for the report tests: a critical model reviewed today, a high one in
    production with no data classification (it fails that rule alone), a low one in development. The
    two production models have current cards, so the card rule does not blur the figures."""
    record_review(make_model(model_name="credit-scoring-v3", risk_tier="critical", vendor="FICO", with_current_card=True),
                  review_date=today)
    make_model(model_name="chatbot", risk_tier="high", vendor="Anthropic", data_classification="", with_current_card=True)
    make_model(model_name="ledger-rules", risk_tier="low", vendor="In-house", deployment_environment="dev")
