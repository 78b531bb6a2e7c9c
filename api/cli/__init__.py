"""The API's verb of ``mltrack``: token (create, list and revoke API tokens).

- ``tokens``: the verb, its three actions and their handlers;
- ``output``: the token table and JSON (imported only when the verb runs).
"""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the token verb to the ``mltrack`` parser."""
    from api.cli import tokens

    tokens.register(subparsers)  # token create | list | revoke
