"""Personas and helpers shared by every test.

alice: model owner (owns the models made with owner=alice); bob: model risk officer;
carol: administrator; erin: examiner; charlie: signed in but without any role.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from inventory.roles import assign_role

TODAY = dt.date(2026, 11, 27)


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def today() -> dt.date:
    return TODAY


def make_user(username: str, role: str | None = None, **extra):
    user = get_user_model().objects.create_user(username=username, password="correct-horse-battery", **extra)
    if role:
        assign_role(user, role)
    return get_user_model().objects.get(pk=user.pk)  # fresh permission cache


@pytest.fixture
def alice(db):
    return make_user("alice", "model-owner")


@pytest.fixture
def bob(db):
    return make_user("bob", "model-risk-officer")


@pytest.fixture
def carol(db):
    return make_user("carol", "administrator")


@pytest.fixture
def erin(db):
    return make_user("erin", "examiner")


@pytest.fixture
def charlie(db):
    return make_user("charlie")
