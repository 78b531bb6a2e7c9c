"""The reports app's verbs of ``mltrack``: dashboard and report.

- ``dashboard``: dashboard (the web dashboard's figures, once or redrawn);
- ``report``: report (compliance, inventory or risk, in any format);
- ``output``: how they print for people (imported only when a verb runs).

Building the parser imports nothing from Django (see mltrack_site/cli.py); handlers import what
they need when they run.
"""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the reports app's verbs to the ``mltrack`` parser."""
    from reports.cli import dashboard, report

    dashboard.register(subparsers)  # dashboard
    report.register(subparsers)  # report
