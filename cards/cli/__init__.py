"""The cards app's verb of ``mltrack``: ``card`` (a model's, system's or agent's card in any format).

Building the parser imports nothing from Django (see mltrack_site/cli.py)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    from cards.cli import card

    card.register(subparsers)  # card
