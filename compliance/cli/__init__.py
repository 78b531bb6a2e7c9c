"""The compliance verbs of ``mltrack``: validate (a readable report) and check (a CI/CD gate).

- ``gate``: both verbs' options, handlers and how their errors are written (text, JSON or SARIF);
- ``output``: the text report and the streamed JSON (imported only when a verb runs).
"""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the compliance verbs to the ``mltrack`` parser."""
    from compliance.cli import gate

    gate.register(subparsers)  # validate, check
