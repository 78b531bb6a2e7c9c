"""The import and export verbs of ``mltrack``: import (a CSV, JSON or Excel file into the inventory)
and export (the inventory, or the models a filter selects, to one). Thin interfaces over
transfers.services; see docs/import-export.md.

- ``importing``: import; ``exporting``: export; ``output``: the summary, problems and notices, and
  the progress bar (imported only when a verb runs).
"""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the import and export verbs to the ``mltrack`` parser."""
    from transfers.cli import exporting, importing

    importing.register(subparsers)  # import
    exporting.register(subparsers)  # export
