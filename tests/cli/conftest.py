"""Helpers for the mltrack CLI tests: run a verb in-process and capture what it printed."""

from __future__ import annotations

import datetime as dt
import getpass
from dataclasses import dataclass

import pytest
import time_machine

from mltrack_site.cli import main

OS_LOGIN = "ops-jane"
# Noon UTC on the shared test date, so timezone.localdate() is tests.conftest.TODAY.
NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


@pytest.fixture(autouse=True)
def _cli_environment(monkeypatch, settings):
    """A known operating-system login, no MLTRACK_USER, accounts not required, a fixed date."""
    monkeypatch.setattr(getpass, "getuser", lambda: OS_LOGIN)
    monkeypatch.delenv("MLTRACK_USER", raising=False)
    settings.MLTRACK_CLI_REQUIRE_ACCOUNT = False
    with time_machine.travel(NOW):
        yield


@pytest.fixture
def run(capsys):
    def _run(*argv: str) -> Result:
        code = main(list(argv))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return _run
