"""Calling the API as the personas (tests/conftest.py) do: with a token, or a console session."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from api import services
from common.actors import Actor
from tests.conftest import NOW

# The report tests' real Celery worker and reports folder, for the report endpoints.
from tests.reports.conftest import celery_worker, reports_dir  # noqa: F401


def make_token(user, *, read_only: bool = False, expires_in_days: int | None = None, name: str = "tests",
               now: dt.datetime = NOW) -> str:
    """A token of ``user``'s, returned as the secret a client sends."""
    return services.create_token(actor=Actor.for_user(user), name=name, read_only=read_only,
                                 expires_in_days=expires_in_days, now=now).secret


class Api:
    """An API client that signs in with a token (or sends none); JSON in and out."""

    def __init__(self, token: str | None = None) -> None:
        self.client = APIClient()
        if token is not None:
            self.client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    def __getattr__(self, method: str):
        call = getattr(self.client, method)

        def request(path: str, data=None, **extra):
            if method in {"post", "put", "patch", "delete"}:
                return call(path, data, format="json", **extra)
            return call(path, data, **extra)

        return request


@pytest.fixture
def api_as():
    """api_as(user) -> a client with a new token of that user's; api_as(None) -> anonymous."""

    def as_user(user, **token_options) -> Api:
        return Api(make_token(user, **token_options) if user is not None else None)

    return as_user
