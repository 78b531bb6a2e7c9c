"""The audit-trail verbs of ``mltrack``: reviewed, reviews, verify, sample-data.

Thin interfaces over reviews.services, reviews.drift and reviews.verify; see docs/cli.md.

- ``record``: reviewed (append a review record);
- ``trail``: reviews (a model's records) and verify (the whole chain);
- ``sample``: sample-data (a demo inventory with its audit trail);
- ``output``: panels, tables and JSON for review records (imported only when a verb runs).
"""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the audit-trail verbs to the ``mltrack`` parser."""
    from reviews.cli import record, sample, trail

    record.register(subparsers)  # reviewed
    trail.register(subparsers)  # reviews, verify
    sample.register(subparsers)  # sample-data
