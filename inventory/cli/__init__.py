"""The inventory verbs of the ``mltrack`` command line: add, list, show, update, delete.

Each verb is a thin interface over the same services, filters and permissions as the web console.
Building the parser imports nothing from Django, so ``mltrack --version`` and usage errors need no
database; the handlers import models and services when they run, after ``django.setup()``.

- ``lookup``: finding a model by the name a user typed, with did-you-mean suggestions
- ``fields``: the model field flags and parsing their values (add, update)
- ``add``, ``browse`` (list, show), ``change`` (update, delete): the verbs
- ``output``: panels, tables and JSON for inventory models (imported only when a verb runs)
"""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the inventory verbs to the ``mltrack`` parser."""
    # Imported here, so that other apps' verbs can use inventory.cli.common without loading these.
    from inventory.cli import add, browse, change

    add.register(subparsers)  # add
    browse.register(subparsers)  # list, show
    change.register(subparsers)  # update, delete
