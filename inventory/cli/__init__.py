"""The inventory verbs of the ``mltrack`` command line: add, list, show, update, delete.

Each verb is a thin interface over the same services, filters and permissions as the web console.
Building the parser imports nothing from Django, so ``mltrack --version`` and usage errors need no
database; the handlers import models and services when they run, after ``django.setup()``.

- ``add``, ``browse`` (list, show), ``change`` (update, delete): the verbs (sample-data is the reviews app's);
- ``output``: panels, tables and JSON for inventory models (imported only when a verb runs);
- what other verbs share: ``filters`` and ``inventory_filter`` (the inventory filter flags and the
  typed InventoryFilter they give: list, dashboard, report), ``fields`` (the model field flags:
  add, update), ``lookup`` (find_model, with did-you-mean).

The exit codes, CLIError, --user and printing are the shared kit's, in common/cli/.
"""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the inventory verbs to the ``mltrack`` parser."""
    # Imported here, so that other apps' verbs can use inventory.cli.filters and .lookup without these.
    from inventory.cli import add, browse, change

    add.register(subparsers)  # add
    browse.register(subparsers)  # list, show
    change.register(subparsers)  # update, delete
