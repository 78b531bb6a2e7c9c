"""The compliance verbs of ``mltrack``: validate (a readable report) and check (a CI/CD gate).

- ``gate``: both verbs' options and handlers;
- ``output``: the text report and the streamed JSON (imported only when a verb runs).
"""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    from compliance.cli import gate

    gate.register(subparsers)  # validate, check
