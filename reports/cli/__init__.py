"""The reports app's verbs of the ``mltrack`` command line: dashboard and report.

Building the parser imports nothing from Django (see mltrack_site/cli.py); handlers import what
they need when they run.
"""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    from reports.cli import dashboard, report

    dashboard.register(subparsers)  # dashboard
    report.register(subparsers)  # report
