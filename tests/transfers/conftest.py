"""Helpers for the import and export tests: a varied inventory, and running an import or export
the way the services are called."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from cards import services as card_services
from common.actors import Actor
from inventory.models import AIModel
from tests.conftest import TODAY
from tests.factories import decommission, make_model, record_review
from transfers.importing import Options
from transfers.services import export_inventory, import_file

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
OPERATOR = Actor(name="tests", trusted=True)


def export(fmt: str = "csv", *, reviews: bool = False, actor: Actor = OPERATOR, queryset=None) -> dict[str, bytes]:
    return export_inventory(queryset=queryset if queryset is not None else AIModel.objects.order_by("model_name", "pk"),
                            fmt=fmt, actor=actor, reviews=reviews).files


def run_import(data: bytes, name: str = "inventory.csv", *, actor: Actor = OPERATOR, today: dt.date = TODAY,
               **options):
    extra = {key: options.pop(key) for key in ("fmt", "reviews", "mapping", "sheet", "header_row", "encoding")
             if key in options}
    return import_file(data=data, name=name, options=Options(**options), actor=actor, today=today,
                       now=timezone.now(), **extra)


def varied_inventory(owner=None) -> None:
    """Models with every kind of value an export must carry back: reviewed (passed, warning, failed,
    corrected), retired, formula-like and quoted text, line breaks, non-Latin letters, empty optional
    fields, an owner account, model card sections."""
    fraud = make_model(model_name="fraud-detection-v2", risk_tier="critical", deployment_date=dt.date(2025, 1, 10),
                       notes="=SUM(A1:A9)\nsecond line\twith a tab", model_version="2.4.1", owner=owner,
                       api_endpoint="https://models.example-bank.com/fraud", model_type="ml", business_line="Cards")
    card_services.update_card_content(model=fraud, actor=OPERATOR, changes={
        "intended_use": "Score card payments in real time.\n=not a formula", "limitations": "Thin-file customers",
    })
    record_review(fraud, review_date=dt.date(2025, 6, 1), outcome="passed", notes="first pass")
    second = record_review(fraud, review_date=dt.date(2026, 3, 1), outcome="warning", reviewer="Raj Patel",
                           notes="-drift noted")
    record_review(fraud, review_date=dt.date(2026, 3, 1), outcome="warning", reviewer="Raj Patel",
                  notes="-drift noted (corrected: data drift only)", corrects=second.review)
    chatbot = make_model(model_name="Café-chatbot", vendor="+Anthropic", risk_tier="high", use_case="'quoted use",
                         deployment_date=dt.date(2026, 2, 1), data_classification="", deployment_environment="")
    record_review(chatbot, review_date=dt.date(2026, 5, 5), outcome="failed", reviewer="@risk-team")
    retired = make_model(model_name="ledger-rules", risk_tier="low", vendor="In-house", deployment_environment="dev",
                         deployment_date=dt.date(2024, 4, 4))
    record_review(retired, review_date=dt.date(2024, 9, 9), outcome="passed")
    decommission(retired)
    make_model(model_name="кредит-модель", vendor="Сбер", risk_tier="medium", deployment_date=dt.date(2026, 11, 27),
               business_owner="Ivan Petrov", technical_owner="ML", use_case="Кредитный скоринг")


@pytest.fixture
def exported_then_emptied():
    """Export the varied inventory in a format, then leave the inventory empty (rolled back)."""

    def _run(fmt: str, *, reviews: bool = False, owner=None) -> dict[str, bytes]:
        with transaction.atomic():
            varied_inventory(owner=owner)
            files = export(fmt, reviews=reviews)
            transaction.set_rollback(True)
        assert not AIModel.objects.exists()
        return files

    return _run
