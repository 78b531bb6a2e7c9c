"""The registries' verb of ``mltrack``: discover (reconcile a configured registry, or look at an
MLflow server ad hoc). See docs/registries.md."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    from registries.cli import discover

    discover.register(subparsers)  # discover
