"""Helpers for the notification tests: a clock, the sent mail, and users with addresses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from tests.conftest import NOW, make_user

# 09:00 UTC on the suite's TODAY (a Friday): after the digest hour (07:00) and the verification hour (02:00).
MORNING = NOW.replace(hour=9)


def at(hours: float) -> dt.datetime:
    return MORNING + dt.timedelta(hours=hours)


def fixed(now: dt.datetime):
    return lambda: now


def sent_to(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]


def html_of(message) -> str:
    (html, media_type), = message.alternatives
    assert media_type == "text/html"
    return html


@pytest.fixture
def people(db):
    """An administrator, a model risk officer, a model owner, an examiner and a role-less account,
    each with an address (charlie's role cannot read the inventory)."""
    return {
        "carol": make_user("carol", "administrator", email="carol@bank.example", first_name="Carol", last_name="Admin"),
        "bob": make_user("bob", "model-risk-officer", email="bob@bank.example"),
        "alice": make_user("alice", "model-owner", email="alice@bank.example"),
        "erin": make_user("erin", "examiner", email="erin@bank.example"),
        "charlie": make_user("charlie", email="charlie@bank.example"),
    }


CYCLE_DAYS = {"critical": 30, "high": 90, "medium": 180, "low": 365}


def model_due(days: int, *, tier: str = "high", **fields):
    """A never-reviewed model whose review is due ``days`` from TODAY (negative: overdue), under the
    default policy (one cycle after deployment)."""
    from tests.conftest import TODAY
    from tests.factories import make_model

    return make_model(risk_tier=tier, deployment_date=TODAY + dt.timedelta(days=days - CYCLE_DAYS[tier]), **fields)
