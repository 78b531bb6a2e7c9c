"""The exam-package verbs of ``mltrack``: package (build one) and verify-package (check one offline).

Thin interfaces over packages.services and packages.verifier; see docs/exam-packages.md.
"""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    from packages.cli import package

    package.register(subparsers)  # package, verify-package
