"""Helpers for the mltrack CLI tests: run a verb in-process and capture what it printed."""

from __future__ import annotations

import getpass
from dataclasses import dataclass

import pytest

from mltrack_site.cli import main

OS_LOGIN = "ops-jane"


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


@pytest.fixture(autouse=True)
def _cli_environment(monkeypatch, settings, frozen_clock):
    """A known operating-system login, no MLTRACK_USER, accounts not required, the clock pinned."""
    monkeypatch.setattr(getpass, "getuser", lambda: OS_LOGIN)
    monkeypatch.delenv("MLTRACK_USER", raising=False)
    settings.MLTRACK_CLI_REQUIRE_ACCOUNT = False


@pytest.fixture
def run(capsys):
    def _run(*argv: str) -> Result:
        code = main(list(argv))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return _run
